package io.authgate.forwardauth;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

import java.util.Optional;

/**
 * Whether a decision request is framed as a gateway frames its auth request: with no body. nginx's
 * {@code auth_request} (with the shipped {@code proxy_set_header Content-Length ""}) and Caddy's
 * {@code forward_auth} send neither Content-Length nor Transfer-Encoding (seen with Debian's nginx
 * 1.22 and Caddy 2.6.2); Go's client (Traefik) sends no length for GET and {@code Content-Length: 0}
 * for a body-less POST, PUT or PATCH; Envoy's ext_authz HTTP client sets {@code content-length: 0}
 * (ext_authz_http_impl.cc) unless {@code with_request_body} is on. Anything else (any
 * Transfer-Encoding, in any spelling Netty may or may not understand; a length other than 0; two
 * Content-Length lines) is how request smuggling starts, and is refused before a byte of the
 * would-be body is read.
 *
 * <p>Netty (4.1.137) rejects two Content-Length lines in HTTP/1.1 but, for HTTP/1.0, keeps the first
 * and rewrites the header to it, so the lines are counted here as the decoder adds them
 * ({@link #HEADERS}). It also rewrites a length such as {@code 00} to {@code 0}, which every parser
 * reads as zero: accepted.
 */
final class RequestFraming {
    /** What the decoder builds request headers with: Netty's own, validated the same, counting Content-Length lines. */
    static final HttpHeadersFactory HEADERS = new CountingFactory();

    private static final Optional<String> TRANSFER_ENCODING = Optional.of("a decision request has no body: Transfer-Encoding is refused");
    private static final Optional<String> BODY = Optional.of("a decision request has no body: only Content-Length: 0 is accepted");
    private static final Optional<String> TWO_LENGTHS = Optional.of("two Content-Length lines");

    private RequestFraming() {
    }

    /** Why this request's framing is refused; empty when it has no body, as a gateway's has none. */
    static Optional<String> problem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return TRANSFER_ENCODING;
        }
        if (headers instanceof CountingHeaders counted && counted.contentLengthLines > 1) {
            return TWO_LENGTHS;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        return length == null || length.equals("0") ? Optional.empty() : BODY;
    }

    /** Netty's default request headers, plus a count of the Content-Length lines added. */
    private static final class CountingHeaders extends DefaultHttpHeaders {
        private int contentLengthLines;

        CountingHeaders(DefaultHttpHeadersFactory defaults) {
            super(defaults.getNameValidator(), defaults.getValueValidator());
        }

        @Override
        public HttpHeaders add(CharSequence name, Object value) {
            count(name);
            return super.add(name, value);
        }

        @Override
        public HttpHeaders add(String name, Object value) {
            count(name);
            return super.add(name, value);
        }

        private void count(CharSequence name) {
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)) {
                contentLengthLines++;
            }
        }
    }

    private static final class CountingFactory implements HttpHeadersFactory {
        private final DefaultHttpHeadersFactory defaults = DefaultHttpHeadersFactory.headersFactory();

        @Override
        public HttpHeaders newHeaders() {
            return new CountingHeaders(defaults);
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return defaults.newEmptyHeaders();
        }
    }
}
