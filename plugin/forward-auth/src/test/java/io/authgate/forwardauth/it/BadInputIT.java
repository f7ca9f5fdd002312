package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken HTTP, byte for byte on a raw socket, against one adapter process. Each input
 * must get a clean 4xx or a normal decision: never a hang (every read times out after 5 s, which
 * fails the test), never a 5xx, never a stack trace in the answer or in the adapter's log; and the
 * adapter keeps serving afterwards.
 *
 * <p>The comments record what Netty 4.1 (4.1.137, {@code HttpRequestDecoder} with an 8 KiB initial
 * line and 64 KiB of headers; no body is ever read) does with each input;
 * the assertions pin it, so an upgrade that changes it is noticed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputIT {
    private static final String RESOLVE = "/_resolver/resolve";
    private static final String USER = "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11";

    private static TestIssuer issuer;
    private static AdapterProcess adapter;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        issuer = TestIssuer.start();
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
        port = adapter.decisionPort();
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    /** After every input: still serving a normal request, and nothing alarming in the log. */
    @AfterEach
    void stillServingAndLogClean() throws IOException {
        RawHttp.Response r = RawHttp.exchange(port, RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
        assertThat(r.status()).as("a normal request after the bad input").isEqualTo(200);
        assertThat(r.header("x-authgear-user-id")).isEqualTo(USER);
        assertThat(adapter.process().isAlive()).isTrue();
        String log = adapter.log();
        assertThat(log).as("adapter log").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("WARNING").doesNotContain("SEVERE").doesNotContain("ERROR");
        assertThat(log.lines().filter(l -> !l.isBlank()).toList()).as("the log holds only the start-up line and the keys loaded")
                .allMatch(l -> l.startsWith("authgate forward-auth listening") || l.startsWith("authgate: signing keys loaded from "));
    }

    private static String token() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static String head(String requestLine, String... headerLines) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** One input on a fresh connection: the first answer, checked clean; never a 5xx. */
    private static RawHttp.Response sendRaw(String raw) throws IOException {
        return sendRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RawHttp.Response sendRaw(byte[] raw) throws IOException {
        try (RawHttp c = RawHttp.connect(port)) {
            c.send(raw);
            RawHttp.Response r = c.read(false);
            assertClean(r);
            return r;
        }
    }

    private static void assertClean(RawHttp.Response r) {
        assertThat(r.status()).as("never a 5xx:\n%s", r).isLessThan(500);
        assertThat(r.status() == 200 || (r.status() >= 400 && r.status() < 500)).as("200 or a 4xx:\n%s", r).isTrue();
        assertThat(r.toString()).as("no stack trace in the answer").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("io.netty");
    }

    /** A 4xx that closes the connection: the rest of the stream is never read as a request. */
    private static void assertRejectedAndClosed(String raw, int status) throws IOException {
        try (RawHttp c = RawHttp.connect(port)) {
            c.send(raw);
            RawHttp.Response r = c.read(false);
            assertClean(r);
            assertThat(r.status()).as("%s", r).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.authgearHeaders()).isEmpty();
            assertThat(new String(c.readToEnd(), StandardCharsets.ISO_8859_1)).as("nothing after the 4xx, then EOF").isEmpty();
        }
    }

    // --- request line ---------------------------------------------------------------------------

    @Test
    void malformedRequestLines() throws IOException {
        // Netty: a line that is not "METHOD SP target SP version" is an invalid message; the decoder
        // then discards the rest of the connection. DecisionHandler answers 400 and closes.
        assertRejectedAndClosed("GARBAGE\r\n\r\n", 400);
        assertRejectedAndClosed(head("GET " + RESOLVE), 400);                           // no version
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1 extra", "Host: x"), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " FTP/1.1", "Host: x"), 400);    // not HTTP
        assertRejectedAndClosed(head("G\u0000T " + RESOLVE + " HTTP/1.1", "Host: x"), 400);
    }

    @Test
    void unknownHttpVersionNumberIsServedAsHttp11() throws IOException {
        // Netty accepts any HTTP/<major>.<minor> and treats it like 1.1 (keep-alive by default); the
        // answer is HTTP/1.1. A normal decision, not an error.
        RawHttp.Response r = sendRaw(head("GET " + RESOLVE + " HTTP/9.9", "Host: x", "Authorization: Bearer " + token()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-authgear-user-id")).isEqualTo(USER);
    }

    @Test
    void bareLineFeedsAreRejected() throws IOException {
        // Netty 4.1.137 requires CRLF line ends (strict since the 2024 request-smuggling fixes).
        assertRejectedAndClosed("GET " + RESOLVE + " HTTP/1.1\nHost: x\nConnection: close\n\n", 400);
    }

    @Test
    void oversizedRequestLineIs414() throws IOException {
        // More than the 8 KiB initial line: TooLongHttpLineException, answered 414, then close.
        assertRejectedAndClosed(head("GET " + RESOLVE + "?q=" + "a".repeat(9000) + " HTTP/1.1", "Host: x"), 414);
    }

    @Test
    void aLongButAllowedRequestLineIsANormalDecision() throws IOException {
        RawHttp.Response r = sendRaw(head("GET " + RESOLVE + "?q=" + "a".repeat(8000) + " HTTP/1.1", "Host: x",
                "Authorization: Bearer " + token()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-authgear-user-id")).isEqualTo(USER);
    }

    @Test
    void absoluteFormTargetIsNotFound() throws IOException {
        // Netty passes the absolute-form target through as the URI; the adapter matches the path
        // literally, so "http://host/_resolver/resolve" is 404 (gateways always send origin-form).
        RawHttp.Response r = sendRaw(head("GET http://127.0.0.1:" + port + RESOLVE + " HTTP/1.1", "Host: x",
                "Authorization: Bearer " + token()));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.authgearHeaders()).isEmpty();
    }

    // --- header fields --------------------------------------------------------------------------

    @Test
    void headerWithoutColonIsRejected() throws IOException {
        // Netty: a header line without ':' fails the message ("No colon found"): 400, close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "NoColonHere"), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization Bearer x"), 400);
    }

    @Test
    void whitespaceBeforeTheColonIsRejected() throws IOException {
        // RFC 9112 5.1 requires 400; Netty 4.1.137 does it (header name validation).
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization : Bearer " + token()), 400);
    }

    @Test
    void oversizedHeadersAre431() throws IOException {
        // Over 64 KiB of header lines in total: TooLongHttpHeaderException, answered 431, then close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "X-Big: " + "v".repeat(70_000)), 431);
        List<String> many = new ArrayList<>(List.of("Host: x"));
        for (int i = 0; i < 80; i++) {
            many.add("X-Header-" + i + ": " + "v".repeat(1000));
        }
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", many.toArray(String[]::new)), 431);
    }

    @Test
    void aLargeTokenUnderTheHeaderLimitIsTheCoresNoSession() throws IOException {
        // 30 KB of Authorization: within the 64 KiB header limit, over the core's 16 KiB token cap, so
        // "no session" (200, no headers), as Authgear answers it; not a 431 a gateway would pass on.
        RawHttp.Response r = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer " + "a".repeat(30_000)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.authgearHeaders()).isEmpty();
    }

    @Test
    void aHundredAuthorizationHeadersFirstOneCounts() throws IOException {
        // Netty keeps every value in order; the adapter reads the first, as Authgear does.
        List<String> validFirst = new ArrayList<>(List.of("Host: x", "Authorization: Bearer " + token()));
        List<String> garbageFirst = new ArrayList<>(List.of("Host: x", "Authorization: Bearer garbage-0"));
        for (int i = 1; i < 100; i++) {
            validFirst.add("Authorization: Bearer garbage-" + i);
            garbageFirst.add(i == 50 ? "Authorization: Bearer " + token() : "Authorization: Bearer garbage-" + i);
        }
        RawHttp.Response session = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", validFirst.toArray(String[]::new)));
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.header("x-authgear-user-id")).isEqualTo(USER);

        RawHttp.Response none = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", garbageFirst.toArray(String[]::new)));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.authgearHeaders()).isEmpty();
    }

    @Test
    void utf8BytesInHeaderValues() throws IOException {
        // Netty reads header bytes as ISO-8859-1 chars and accepts bytes >= 0x80 in values: a token
        // with UTF-8 bytes after it is just an invalid token (no session); UTF-8 in another header
        // leaves a valid token alone.
        byte[] e = "\u00e9".getBytes(StandardCharsets.UTF_8); // C3 A9
        String utf8 = new String(e, StandardCharsets.ISO_8859_1);
        RawHttp.Response badToken = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer " + token() + utf8));
        assertThat(badToken.status()).isEqualTo(200);
        assertThat(badToken.authgearHeaders()).isEmpty();

        RawHttp.Response other = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "X-Name: J" + utf8 + "rgen",
                "Authorization: Bearer " + token()));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("x-authgear-user-id")).isEqualTo(USER);

        RawHttp.Response utf8Only = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer " + utf8 + utf8));
        assertThat(utf8Only.status()).isEqualTo(200);
        assertThat(utf8Only.authgearHeaders()).isEmpty();
    }

    @Test
    void rawFfBytesInHeaderValuesAndNames() throws IOException {
        // 0xFF in a value: accepted as the char U+00FF, an invalid token, no session.
        RawHttp.Response value = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer \u00ff\u00fe\u00ff"));
        assertThat(value.status()).isEqualTo(200);
        assertThat(value.authgearHeaders()).isEmpty();
        RawHttp.Response scheme = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: \u00ffearer " + token()));
        assertThat(scheme.status()).isEqualTo(200);
        assertThat(scheme.authgearHeaders()).isEmpty();
        // 0xFF in a name is not a token character: the message fails, 400, close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "X-\u00ff: v"), 400);
    }

    @Test
    void controlCharactersInHeaderValuesAreRejected() throws IOException {
        // NUL and a lone CR inside a value fail Netty's value validation: 400, close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "X-A: a\u0000b"), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer a\rb"), 400);
    }

    @Test
    void obsFoldIsJoinedWithASpace() throws IOException {
        // Netty 4.1 unfolds obs-fold (a line starting with SP/HT) into the previous value, joined by
        // one space, as RFC 9112 5.2 allows: "Bearer" + fold + token is "Bearer <token>", a session.
        RawHttp.Response folded = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer", "  " + token()));
        assertThat(folded.status()).isEqualTo(200);
        assertThat(folded.header("x-authgear-user-id")).isEqualTo(USER);
        // A fold in the middle of a token breaks it: no session.
        String t = token();
        RawHttp.Response broken = sendRaw(head("GET " + RESOLVE + " HTTP/1.1", "Host: x",
                "Authorization: Bearer " + t.substring(0, 20), "\t" + t.substring(20)));
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.authgearHeaders()).isEmpty();
        // A fold before any header has nothing to continue: 400, close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", " Host: x"), 400);
    }

    // --- message framing: request smuggling attempts ------------------------------------------
    //
    // A gateway's auth request has no body: nginx's auth_request (with the shipped
    // `proxy_set_header Content-Length ""`) and Caddy's forward_auth send neither Content-Length nor
    // Transfer-Encoding (seen on this machine with Debian's nginx 1.22 and Caddy 2.6.2); Go's client
    // (Traefik) sends no length for GET and "Content-Length: 0" for a body-less POST, PUT or PATCH;
    // Envoy's ext_authz HTTP client always sets "content-length: 0" unless with_request_body is on
    // (source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc). So a decision request
    // with any Transfer-Encoding, or any length but a single 0, is not from a gateway: 400 and close,
    // before a byte of the would-be body is read, so nothing after the head is ever a request.

    /** A request a smuggler would hide behind the framing: it carries a valid token, so an answer to it shows. */
    private static String smuggled() {
        return head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer " + token());
    }

    static List<Arguments> framingThatIsNeverAGatewaysAuthRequest() {
        String chunkedEnd = "0\r\n\r\n";
        return List.of(
                Arguments.of("chunked", List.of("Transfer-Encoding: chunked"), chunkedEnd),
                Arguments.of("chunked with a request inside the chunk", List.of("Transfer-Encoding: chunked"), "SMUGGLED_CHUNK"),
                Arguments.of("chunked twice", List.of("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), chunkedEnd),
                Arguments.of("chunked, then identity on a second line", List.of("Transfer-Encoding: chunked", "Transfer-Encoding: identity"), chunkedEnd),
                Arguments.of("a tab before chunked", List.of("Transfer-Encoding:\tchunked"), chunkedEnd),
                Arguments.of("cHuNkEd", List.of("Transfer-Encoding: cHuNkEd"), chunkedEnd),
                Arguments.of("upper-case name and value", List.of("TRANSFER-ENCODING: CHUNKED"), chunkedEnd),
                Arguments.of("chunked with trailing space", List.of("Transfer-Encoding: chunked "), chunkedEnd),
                Arguments.of("xchunked (unknown, Netty reads no body)", List.of("Transfer-Encoding: xchunked"), chunkedEnd),
                Arguments.of("identity", List.of("Transfer-Encoding: identity"), ""),
                Arguments.of("identity, chunked", List.of("Transfer-Encoding: identity, chunked"), chunkedEnd),
                Arguments.of("gzip, chunked", List.of("Transfer-Encoding: gzip, chunked"), chunkedEnd),
                Arguments.of("an empty Transfer-Encoding", List.of("Transfer-Encoding:"), ""),
                Arguments.of("a body by Content-Length", List.of("Content-Length: 5"), "hello"),
                Arguments.of("a one-byte body", List.of("Content-Length: 1"), "G"),
                Arguments.of("a large body", List.of("Content-Length: 100000"), "x".repeat(100_000)),
                Arguments.of("Content-Length: 0 twice", List.of("Content-Length: 0", "Content-Length: 0"), ""),
                Arguments.of("Content-Length: 0, 0", List.of("Content-Length: 0, 0"), ""),
                Arguments.of("Content-Length: +0", List.of("Content-Length: +0"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framingThatIsNeverAGatewaysAuthRequest")
    void aBodyOrAnyTransferEncodingIs400AndTheSmuggledRequestIsNeverAnswered(String name, List<String> framing, String body)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of("Host: x"));
        lines.addAll(framing);
        String payload = body.equals("SMUGGLED_CHUNK")
                ? Integer.toHexString(smuggled().length()) + "\r\n" + smuggled() + "\r\n0\r\n\r\n"
                : body;
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", lines.toArray(String[]::new)) + payload + smuggled(), 400);
    }

    @Test
    void theSameOverHttp10() throws IOException {
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.0", "Host: x", "Transfer-Encoding: chunked") + "0\r\n\r\n" + smuggled(), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.0", "Host: x", "Content-Length: 3") + "abc" + smuggled(), 400);
        // Netty keeps the first of two lengths in HTTP/1.0 (and refuses two in HTTP/1.1): a front
        // proxy reading the second would see the smuggled request as this one's body.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.0", "Host: x", "Content-Length: 0", "Content-Length: " + smuggled().length())
                + smuggled(), 400);
    }

    @Test
    void aGatewaysFramingIsANormalDecisionAndTheConnectionStaysUsable() throws IOException {
        // No length at all (nginx, Caddy, Go's GET) and "Content-Length: 0" (Envoy, Go's body-less
        // POST): decisions, and the next request on the connection is served.
        for (String framing : List.of("X-No-Framing: none", "Content-Length: 0", "content-length:0", "Content-Length:   0  ")) {
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", framing, "Authorization: Bearer " + token())
                        + head("GET " + RESOLVE + " HTTP/1.1", "Host: x", framing, "Connection: close"));
                RawHttp.Response first = c.read(false);
                assertClean(first);
                assertThat(first.status()).as(framing).isEqualTo(200);
                assertThat(first.header("x-authgear-user-id")).as(framing).isEqualTo(USER);
                RawHttp.Response second = c.read(false);
                assertThat(second.status()).as(framing).isEqualTo(200);
                assertThat(second.authgearHeaders()).as(framing).isEmpty();
                assertThat(c.readToEnd()).isEmpty();
            }
        }
    }

    @Test
    void contentLengthAndChunkedTogetherAreRejected() throws IOException {
        // Netty 4.1.137 itself rejects a request with both Content-Length and Transfer-Encoding (RFC
        // 9112 6.1 allows that): 400 and close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 4", "Transfer-Encoding: chunked")
                + "0\r\n\r\n" + smuggled(), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Content-Length: 40")
                + "0\r\n\r\n", 400);
    }

    @Test
    void conflictingContentLengthsAreRejected() throws IOException {
        // Netty: several different Content-Length values (as headers or as a list) are an invalid
        // message ("Multiple Content-Length values found"): 400, close.
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 0", "Content-Length: 5") + "hello", 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 0, 5") + "hello", 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 5", "Content-Length: 5") + "hello", 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: -1"), 400);
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 1x"), 400);
    }

    @Test
    void chunkedNotLastIsRejected() throws IOException {
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Transfer-Encoding: chunked, identity") + "0\r\n\r\n", 400);
    }

    @Test
    void malformedChunkSizeIsRejected() throws IOException {
        assertRejectedAndClosed(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Transfer-Encoding: chunked") + "zz\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void theRefusalWaitsForTheAnswersAheadOfIt() throws IOException {
        // Pipelined: a good request, then a smuggling attempt. The good one is answered first, then
        // the 400, then nothing.
        try (RawHttp c = RawHttp.connect(port)) {
            c.send(head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Authorization: Bearer " + token())
                    + head("GET " + RESOLVE + " HTTP/1.1", "Host: x", "Transfer-Encoding: chunked") + "0\r\n\r\n" + smuggled());
            RawHttp.Response first = c.read(false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("x-authgear-user-id")).isEqualTo(USER);
            RawHttp.Response refused = c.read(false);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.header("connection")).isEqualTo("close");
            assertThat(c.readToEnd()).as("no answer for the smuggled request").isEmpty();
        }
    }

    @Test
    void truncatedRequestThenCloseIsNoProblem() throws IOException {
        // Half a request and a close: nothing to answer; the adapter must simply carry on.
        try (RawHttp c = RawHttp.connect(port)) {
            c.send("GET " + RESOLVE + " HTTP/1.1\r\nHost: x\r\nAuthori");
        }
        // A body announced and cut short: the head alone is refused, the body is never awaited.
        try (RawHttp c = RawHttp.connect(port)) {
            c.send(head("POST " + RESOLVE + " HTTP/1.1", "Host: x", "Content-Length: 10") + "abc");
            c.socket().shutdownOutput();
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.readToEnd()).isEmpty();
        }
    }
}
