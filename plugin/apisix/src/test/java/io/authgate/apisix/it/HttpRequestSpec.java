package io.authgate.apisix.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client request as it reaches APISIX, plus the bits of APISIX state the ext-plugin exchange can look at.
 *
 * @param method       the HTTP method name, e.g. {@code GET}
 * @param path         the decoded path without query ({@code $uri})
 * @param queryArgs    decoded query arguments in order; a null value is an argument without {@code =}
 * @param headers      the client's headers in order, names in the client's original case
 * @param upstreamHost {@code $upstream_host}: APISIX sends it to the runner instead of the client's Host
 * @param nginxVars    what {@code ctx.var[name]} answers to an ExtraInfo.Var request; absent means nil
 * @param body         the request body (empty when there is none)
 */
public record HttpRequestSpec(String method, String path, List<NameValue> queryArgs, List<NameValue> headers,
                              String upstreamHost, Map<String, String> nginxVars, byte[] body) {

    public static final String DEFAULT_UPSTREAM_HOST = "upstream.test";

    public HttpRequestSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(upstreamHost, "upstreamHost");
        queryArgs = List.copyOf(queryArgs);
        headers = List.copyOf(headers);
        for (NameValue header : headers) {
            Objects.requireNonNull(header.value(), () -> "header " + header.name() + " needs a value");
        }
        nginxVars = Map.copyOf(nginxVars);
        body = body == null ? new byte[0] : body.clone();
    }

    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    public static Builder get(String path) {
        return builder("GET", path);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private final List<NameValue> queryArgs = new ArrayList<>();
        private final List<NameValue> headers = new ArrayList<>();
        private final Map<String, String> nginxVars = new LinkedHashMap<>();
        private String upstreamHost = DEFAULT_UPSTREAM_HOST;
        private byte[] body = new byte[0];

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** Adds one header line; call again with the same name for a repeated header. */
        public Builder header(String name, String value) {
            headers.add(NameValue.of(name, value));
            return this;
        }

        /** Adds one query argument; a null value is an argument without {@code =} (nginx gives {@code true}). */
        public Builder queryArg(String name, String value) {
            queryArgs.add(NameValue.of(name, value));
            return this;
        }

        public Builder upstreamHost(String upstreamHost) {
            this.upstreamHost = upstreamHost;
            return this;
        }

        public Builder nginxVar(String name, String value) {
            nginxVars.put(name, value);
            return this;
        }

        public Builder body(byte[] body) {
            this.body = body.clone();
            return this;
        }

        public Builder body(String utf8Body) {
            return body(utf8Body.getBytes(StandardCharsets.UTF_8));
        }

        public HttpRequestSpec build() {
            return new HttpRequestSpec(method, path, queryArgs, headers, upstreamHost, nginxVars, body);
        }
    }
}
