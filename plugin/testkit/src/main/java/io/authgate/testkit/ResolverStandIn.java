package io.authgate.testkit;

import com.nimbusds.jose.jwk.JWK;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A stand-in for Authgear's own resolver endpoint ({@code /_resolver/resolve} and {@code /resolve}),
 * mounted on {@link TestIssuer}'s server, following the contract file: which credential wins, which
 * headers come back for a valid, an invalid and a disabled session, 404 for an unknown host, 405 for
 * other methods. Authgear itself cannot run here. Sessions are registered by tests (a few are seeded
 * for the conformance table, per {@link TestProject}), JWTs are verified against the issuer's published keys, and every call
 * is recorded so tests can see what a client sent and how often.
 *
 * <p>Calls are answered concurrently; nothing here serialises them (tests rely on that to see that a
 * client coalesces concurrent requests). Nothing is logged, so no credential ends up in a log.
 *
 * <p>Header values go out as Go's server writes a Go string: its bytes as they are, UTF-8 for text
 * (see {@link HeaderBytes#goWireForm}).
 *
 * <p>The JDK server writes header names with only the first letter upper-case
 * ({@code X-authgear-user-id}); the names given here are Go's canonical case, which is what Authgear
 * writes. Header names are case-insensitive, so clients must not care.
 */
public final class ResolverStandIn {
    public static final String PATH = "/_resolver/resolve";
    public static final String SHORT_PATH = "/resolve";

    /** Cookie names, without {@link #cookiePrefix(String) the prefix}. */
    public static final String APP_SESSION = "app_session";
    public static final String APP_ACCESS_TOKEN = "app_access_token";
    public static final String IDP_SESSION = "session";

    /** Seeded: these cookie values and this opaque bearer token resolve to {@link StandInSession#defaultUser()}. */
    public static final String SEEDED_APP_SESSION = "stand-in-app-session";
    public static final String SEEDED_APP_ACCESS_TOKEN = "stand-in-app-access-token";
    public static final String SEEDED_IDP_SESSION = "stand-in-idp-session";
    public static final String SEEDED_OPAQUE_TOKEN = "stand-in-opaque-token";
    /** Seeded: an {@code app_session} cookie whose user, {@link #DISABLED_USER_ID}, is disabled. */
    public static final String SEEDED_DISABLED_USER_SESSION = "stand-in-disabled-user-session";
    public static final String DISABLED_USER_ID = "0b8e9a11-5a7c-4c1e-9d3f-2f6a7e8b9c10";
    /** Seeded: an {@code app_session} cookie of the default user with the roles {@link #UNICODE_ROLES}. */
    public static final String SEEDED_UNICODE_SESSION = "stand-in-unicode-session";
    public static final List<String> UNICODE_ROLES = List.of("caf\u00e9", "\u7ba1\u7406\u8005");
    /**
     * Seeded: an {@code app_session} cookie whose answer's user id ends in the bytes {@code ED A0 80}
     * (a surrogate's code point written as if it were UTF-8): bytes that are not UTF-8.
     */
    public static final String SEEDED_NON_UTF8_SESSION = "stand-in-non-utf8-session";

    /**
     * Seeded in the {@link TestProject#SECOND second project} instead of all the above (projects share
     * no sessions): this {@code app_session} cookie and this opaque bearer token resolve to
     * {@link #SECOND_PROJECT_USER}.
     */
    public static final String SEEDED_SECOND_PROJECT_APP_SESSION = "second-project-app-session";
    public static final String SEEDED_SECOND_PROJECT_OPAQUE_TOKEN = "second-project-opaque-token";
    /** The second project's seeded user: another id, one role, password only, another authentication time. */
    public static final StandInSession SECOND_PROJECT_USER = new StandInSession("5e0f3b8d-9a2c-4d61-b7e4-8c1a2f3d4e50",
            false, true, false, List.of("auditor"), List.of("pwd"), 1262304000L);

    private static final List<String> APP_COOKIES = List.of(APP_SESSION, APP_ACCESS_TOKEN);
    private static final Set<String> COOKIE_NAMES = Set.of(APP_SESSION, APP_ACCESS_TOKEN, IDP_SESSION);

    private final String issuer;
    private final String issuerHost;
    private final Supplier<List<JWK>> publishedKeys;
    private final TestProject project;

    // Registered state: credential value -> session, per cookie name (un-prefixed) and for opaque tokens.
    private final Map<String, StandInSession> opaqueTokens = new ConcurrentHashMap<>();
    private final Map<String, Map<String, StandInSession>> cookies = new ConcurrentHashMap<>();
    private final Set<String> revokedValues = ConcurrentHashMap.newKeySet();
    private final Set<String> revokedUsers = ConcurrentHashMap.newKeySet();
    private final Set<String> disabledUsers = ConcurrentHashMap.newKeySet();

    // Test controls, each read once per call.
    private volatile String expectedHost;
    private volatile String cookiePrefix;
    private volatile int failWithStatus;
    private volatile Duration delay;
    private volatile Map<String, String> extraHeaders;
    private volatile Clock clock;

    private final List<RecordedRequest> recorded = new ArrayList<>(); // guarded by itself

    ResolverStandIn(String issuer, String issuerHost, Supplier<List<JWK>> publishedKeys, TestProject project) {
        this.issuer = issuer;
        this.issuerHost = issuerHost;
        this.publishedKeys = publishedKeys;
        this.project = project;
        reset();
    }

    // ---- sessions -------------------------------------------------------------------------------

    /** A bearer token that is not a JWT (or is one the stand-in should accept as is). */
    public void opaqueToken(String token, StandInSession session) {
        opaqueTokens.put(token, session);
    }

    /**
     * A cookie that resolves to a session. {@code cookieName} is {@link #APP_SESSION},
     * {@link #APP_ACCESS_TOKEN} or {@link #IDP_SESSION}, without the prefix: the current
     * {@link #cookiePrefix(String) prefix} applies when a request is resolved.
     */
    public void cookieSession(String cookieName, String value, StandInSession session) {
        if (!COOKIE_NAMES.contains(cookieName)) {
            throw new IllegalArgumentException("Authgear resolves only the cookies " + COOKIE_NAMES);
        }
        cookies.computeIfAbsent(cookieName, n -> new ConcurrentHashMap<>()).put(value, session);
    }

    /** This bearer token (opaque or JWT) or cookie value no longer resolves. */
    public void revoke(String credentialValue) {
        revokedValues.add(credentialValue);
    }

    /** No credential of this user resolves any more (all sessions gone, JWTs included). */
    public void revokeUser(String userId) {
        revokedUsers.add(userId);
    }

    /** Sessions of this user are still found but answer {@code X-Authgear-Session-Valid: false}. */
    public void disableUser(String userId) {
        disabledUsers.add(userId);
    }

    // ---- controls -------------------------------------------------------------------------------

    /** The {@code Host} the stand-in answers for (default: the issuer's {@code host:port}); others get 404. */
    public void expectHost(String hostAndPort) {
        this.expectedHost = hostAndPort;
    }

    /** Authgear's {@code http.cookie_prefix}; empty by default. */
    public void cookiePrefix(String prefix) {
        this.cookiePrefix = prefix == null ? "" : prefix;
    }

    /** Every call answers this status with no {@code X-Authgear-*} header (0: answer normally). */
    public void failWith(int status) {
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        this.failWithStatus = status;
    }

    /** Wait this long before answering each call (the call is counted on arrival). */
    public void delay(Duration delay) {
        this.delay = delay == null ? Duration.ZERO : delay;
    }

    /**
     * Headers added to every answer, whatever its status, after the contract headers (so a test can
     * check that clients keep only the contract's names).
     */
    public void extraHeaders(Map<String, String> headers) {
        this.extraHeaders = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The clock JWT times are checked against (default: the system clock). */
    public void clock(Clock clock) {
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Back to the start: only the seeded sessions, default controls, no recorded calls. */
    public void reset() {
        expectedHost = issuerHost;
        cookiePrefix = "";
        failWithStatus = 0;
        delay = Duration.ZERO;
        extraHeaders = Map.of();
        clock = Clock.systemUTC();
        opaqueTokens.clear();
        cookies.clear();
        revokedValues.clear();
        revokedUsers.clear();
        disabledUsers.clear();
        seed();
        synchronized (recorded) {
            recorded.clear();
        }
    }

    private void seed() {
        if (project == TestProject.SECOND) {
            cookieSession(APP_SESSION, SEEDED_SECOND_PROJECT_APP_SESSION, SECOND_PROJECT_USER);
            opaqueToken(SEEDED_SECOND_PROJECT_OPAQUE_TOKEN, SECOND_PROJECT_USER);
            return;
        }
        StandInSession user = StandInSession.defaultUser();
        cookieSession(APP_SESSION, SEEDED_APP_SESSION, user);
        cookieSession(APP_ACCESS_TOKEN, SEEDED_APP_ACCESS_TOKEN, user);
        cookieSession(IDP_SESSION, SEEDED_IDP_SESSION, user);
        opaqueToken(SEEDED_OPAQUE_TOKEN, user);
        cookieSession(APP_SESSION, SEEDED_DISABLED_USER_SESSION, user.withUserId(DISABLED_USER_ID));
        disableUser(DISABLED_USER_ID);
        cookieSession(APP_SESSION, SEEDED_UNICODE_SESSION, user.withRoles(UNICODE_ROLES.toArray(String[]::new)));
        cookieSession(APP_SESSION, SEEDED_NON_UTF8_SESSION, user.withUserId(AuthgearClaims.USER_ID + "\ud800"));
    }

    // ---- what happened --------------------------------------------------------------------------

    /** Every call so far, whatever its answer. */
    public int calls() {
        synchronized (recorded) {
            return recorded.size();
        }
    }

    /** Calls whose {@code Authorization} or {@code Cookie} headers contained this text anywhere. */
    public int calls(String credentialValue) {
        if (credentialValue == null || credentialValue.isEmpty()) {
            throw new IllegalArgumentException("credentialValue must not be empty");
        }
        return (int) requests().stream().filter(r -> r.carries(credentialValue)).count();
    }

    /** The calls so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** Waits until at least {@code n} calls arrived; false if the timeout passed first. */
    public boolean awaitCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recorded) {
            while (recorded.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                recorded.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    // ---- the endpoint ---------------------------------------------------------------------------

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers request = exchange.getRequestHeaders();
            record(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), request));
            pause();
            Headers response = exchange.getResponseHeaders();
            int status;
            try {
                status = answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), request, response);
            } catch (RuntimeException e) {
                response.clear(); // Authgear answers an internal error with a bare 500
                status = 500;
            }
            extraHeaders.forEach(response::add);
            exchange.sendResponseHeaders(status, -1); // every answer has an empty body
        }
    }

    private void record(RecordedRequest request) {
        synchronized (recorded) {
            recorded.add(request);
            recorded.notifyAll();
        }
    }

    private void pause() {
        Duration d = delay;
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes the contract headers for this request into {@code response}; returns the status. */
    private int answer(String method, String path, Headers request, Headers response) {
        int failure = failWithStatus;
        if (failure != 0) {
            return failure;
        }
        List<String> hosts = request.get("Host");
        if (hosts != null && hosts.size() > 1) {
            return 400; // Go's server refuses a request with several Host headers before Authgear sees it
        }
        // Authgear picks the project (tenant) by Host; an unknown host is an unknown project.
        if (hosts == null || !hosts.get(0).equals(expectedHost)) {
            return 404;
        }
        if (!path.equals(PATH) && !path.equals(SHORT_PATH)) {
            return 404; // the JDK server routes by prefix; Authgear's router matches exactly
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.set("Allow", "GET, HEAD");
            return 405;
        }
        resolve(request).writeTo(response, cookiePrefix);
        return 200;
    }

    /** Authgear's order: the bearer token, then app_session, app_access_token, the IdP session. */
    private Resolution resolve(Headers request) {
        String prefix = cookiePrefix;
        String bearer = bearerToken(request.getFirst("Authorization"));
        if (bearer != null) {
            Optional<StandInSession> session = bearerSession(bearer);
            if (session.isPresent()) {
                return found(session.get());
            }
        }
        Map<String, String> sent = GoCookies.parse(request.get("Cookie"));
        for (String name : APP_COOKIES) {
            String value = sent.get(prefix + name);
            if (value != null) {
                Optional<StandInSession> session = registered(cookies.get(name), value);
                if (session.isEmpty() && name.equals(APP_ACCESS_TOKEN)) {
                    // The cookie carries an access token, which Authgear resolves as it would a bearer one.
                    session = bearerSession(value);
                }
                if (session.isPresent()) {
                    return found(session.get());
                }
            }
        }
        String idpSession = sent.get(prefix + IDP_SESSION);
        if (idpSession != null) {
            return registered(cookies.get(IDP_SESSION), idpSession).map(this::found).orElse(Resolution.INVALID_IDP_COOKIE);
        }
        return Resolution.NONE;
    }

    /** Go's {@code SplitN(h, " ", 2)}, scheme lower-cased: the rest, untrimmed, is the token. */
    private static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space < 0 || !authorization.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        String token = authorization.substring(space + 1);
        return token.isEmpty() ? null : token;
    }

    private Optional<StandInSession> bearerSession(String token) {
        Optional<StandInSession> opaque = registered(opaqueTokens, token);
        if (opaque.isPresent() || revokedValues.contains(token)) {
            return opaque;
        }
        return StandInJwt.read(token, issuer, publishedKeys.get(), clock.instant().getEpochSecond())
                .filter(s -> !revokedUsers.contains(s.userId()));
    }

    private Optional<StandInSession> registered(Map<String, StandInSession> sessions, String value) {
        if (sessions == null || revokedValues.contains(value)) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.get(value)).filter(s -> !revokedUsers.contains(s.userId()));
    }

    private Resolution found(StandInSession session) {
        return disabledUsers.contains(session.userId()) ? Resolution.INVALID : new Resolution(session, false, false);
    }

    /** What a call resolved to: nothing, an invalid session (maybe an IdP cookie to clear), or a session. */
    private record Resolution(StandInSession session, boolean invalid, boolean clearIdpCookie) {
        static final Resolution NONE = new Resolution(null, false, false);
        static final Resolution INVALID = new Resolution(null, true, false);
        static final Resolution INVALID_IDP_COOKIE = new Resolution(null, true, true);

        void writeTo(Headers response, String cookiePrefix) {
            if (session != null) {
                session.headers().forEach((name, value) -> response.set(name, HeaderBytes.goWireForm(value)));
            } else if (invalid) {
                response.set("X-Authgear-Session-Valid", "false");
                if (clearIdpCookie) {
                    response.set("Set-Cookie", cookiePrefix + IDP_SESSION + "=; Max-Age=0; Path=/");
                }
            }
        }
    }
}
