package io.authgate.apisix.it;

import io.authgate.testkit.RecordedRequest;
import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.StandInSession;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote resolution through the real APISIX Java Plugin Runner 0.4.0: what authgate cannot resolve
 * in-process (Authgear's session cookies, opaque bearer tokens, every credential on a {@code live}
 * route) is asked of Authgear's resolver, played by the test issuer's {@link ResolverStandIn}, with the
 * answer cached and concurrent misses coalesced. What is asserted is what the upstream would receive,
 * what reached the stand-in, and what the runner wrote to its log.
 *
 * <p>The runner (and so the cache of resolver answers, shared by every route with the same resolver
 * settings) lives as long as this class: every test uses credentials of its own, so that no test
 * depends on another having run, or not, before it. The stand-in is reset before each test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApisixRemoteResolutionIT {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** Real time to wait for a 1 s cache entry to be gone: generous, the machine may be busy. */
    private static final Duration PAST_ONE_SECOND_TTL = Duration.ofMillis(2500);

    /** Every credential any test sent: none may ever appear in the runner's log. */
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private static TestIssuer issuer;
    private static ApisixHarness apisix;
    private static ResolverStandIn authgear;

    @BeforeAll
    static void start() throws Exception {
        issuer = TestIssuer.start();
        authgear = issuer.resolver();
        apisix = ApisixHarness.start();
    }

    @AfterAll
    static void stop() {
        if (apisix != null) {
            apisix.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @BeforeEach
    void resetStandIn() {
        authgear.reset();
    }

    // ---- 1. cookies and opaque tokens resolve to the contract's headers ------------------------------

    @Test
    void seededCookieAndOpaqueTokenResolveToExactlyTheContractHeaders() throws Exception {
        String route = route("");
        HttpRequestSpec cookie = spoofing(request().header("Cookie", "theme=dark; app_session=" + secret(ResolverStandIn.SEEDED_APP_SESSION)));
        ReqCallResult viaCookie = apisix.call(route, cookie);
        assertThat(viaCookie.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(cookie, viaCookie)).isEqualTo(expected(StandInSession.defaultUser()));

        HttpRequestSpec opaque = spoofing(request().header("Authorization", "Bearer " + secret(ResolverStandIn.SEEDED_OPAQUE_TOKEN)));
        ReqCallResult viaToken = apisix.call(route, opaque);
        assertThat(viaToken.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(opaque, viaToken)).isEqualTo(expected(StandInSession.defaultUser()));
    }

    @Test
    void onlyTheCredentialAndAuthgearsHostAreSentToTheResolver() throws Exception {
        String route = route("");
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        HttpRequestSpec cookie = spoofing(request()
                .header("Cookie", "theme=dark; app_session=" + cookieValue + "; tracking=abc")
                .header("X-Forwarded-For", "203.0.113.9"));
        assertThat(ApisixHarness.identityHeadersAtUpstream(cookie, apisix.call(route, cookie))).isEqualTo(expected(user));

        String opaqueToken = freshOpaqueToken(user);
        HttpRequestSpec opaque = spoofing(request().header("Authorization", "Bearer " + opaqueToken).header("Cookie", "theme=dark"));
        assertThat(ApisixHarness.identityHeadersAtUpstream(opaque, apisix.call(route, opaque))).isEqualTo(expected(user));

        RecordedRequest cookieCall = onlyCallCarrying(cookieValue);
        assertThat(cookieCall.method()).isEqualTo("GET");
        assertThat(cookieCall.path()).isEqualTo(ResolverStandIn.PATH);
        assertThat(cookieCall.headers("cookie")).containsExactly("app_session=" + cookieValue);
        assertThat(cookieCall.headers("authorization")).isEmpty();
        assertThat(cookieCall.header("host")).isEqualTo(issuer.issuer().substring("http://".length()));
        assertNothingElseOfTheClientRequest(cookieCall);

        RecordedRequest tokenCall = onlyCallCarrying(opaqueToken);
        assertThat(tokenCall.headers("authorization")).containsExactly("Bearer " + opaqueToken);
        assertThat(tokenCall.headers("cookie")).isEmpty();
        assertNothingElseOfTheClientRequest(tokenCall);
    }

    // ---- 2. concurrency ----------------------------------------------------------------------------

    /**
     * Each request on a connection of its own, all sent at once (on 2 CPUs the 100 sending threads are
     * spread over some 100-250 ms, well within the 300 ms the one call takes): the runner's event-loop
     * threads that meet the miss all wait for the same call, and the rest are answered from the cache.
     */
    @Test
    void hundredConcurrentRequestsWithOneCookieMakeOneCall() throws Exception {
        int n = 100;
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        String route = route("");
        long confToken = apisix.confToken(route);
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + cookieValue));
        authgear.delay(Duration.ofMillis(300));

        Burst burst = burst(confToken, n, i -> spec);

        for (ReqCallResult result : burst.results()) {
            assertThat(result.action()).isEqualTo(ReqCallResult.Action.REWRITE);
            assertThat(ApisixHarness.identityHeadersAtUpstream(spec, result)).isEqualTo(expected(user));
        }
        assertThat(authgear.calls(cookieValue)).as("calls to Authgear's resolver").isEqualTo(1);
        System.out.printf(Locale.ROOT, "[concurrency] %d concurrent requests, one cookie, resolver delay 300 ms: 1 call;"
                        + " wall %d ms; per request min %d / median %d / max %d ms, sent after min %d / median %d / max %d ms%n",
                n, burst.wall().toMillis(), burst.latencyMillis(0), burst.latencyMillis(50), burst.latencyMillis(100),
                burst.sentAfterMillis(0), burst.sentAfterMillis(50), burst.sentAfterMillis(100));
        // One 300 ms call that every request waits for at most (the bound is generous: 2 CPUs, other builds).
        assertThat(burst.wall()).isLessThan(Duration.ofSeconds(10));
    }

    /**
     * Distinct cookies cannot be coalesced: each miss holds one of the runner's event-loop threads for
     * the whole call (its filter API is synchronous). Each request must still get its own user, and
     * every cookie be asked exactly once. The figures printed are how many calls the runner had in
     * flight at once (its event-loop threads: Netty's default is 2 per CPU, {@code
     * -Dio.netty.eventLoopThreads} on the runner's command line changes it) and how long the burst took.
     */
    @Test
    void concurrentMissesForDistinctCookiesEachGetTheirOwnSession() throws Exception {
        int n = 32;
        List<StandInSession> users = new ArrayList<>();
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StandInSession user = freshUser();
            users.add(user);
            cookies.add(freshCookie(user));
        }
        String route = route("");
        long confToken = apisix.confToken(route);
        List<HttpRequestSpec> specs = cookies.stream()
                .map(c -> spoofing(request().header("Cookie", "app_session=" + c))).toList();
        Duration delay = Duration.ofMillis(300);
        authgear.delay(delay);

        CallSampler sampler = new CallSampler();
        Burst burst;
        try {
            burst = burst(confToken, n, specs::get);
        } finally {
            sampler.stop();
        }

        for (int i = 0; i < n; i++) {
            assertThat(burst.results().get(i).action()).isEqualTo(ReqCallResult.Action.REWRITE);
            assertThat(ApisixHarness.identityHeadersAtUpstream(specs.get(i), burst.results().get(i)))
                    .as("request %d", i).isEqualTo(expected(users.get(i)));
        }
        for (String cookie : cookies) {
            assertThat(authgear.calls(cookie)).as("calls for one cookie").isEqualTo(1);
        }
        int inFlight = sampler.maxArrivalsWithin(delay.minusMillis(20));
        System.out.printf(Locale.ROOT, "[concurrency] %d concurrent misses, distinct cookies, resolver delay 300 ms:"
                        + " at most %d calls in flight at once (this machine: %d CPUs); wall %d ms;"
                        + " per request min %d / median %d / max %d ms%n",
                n, inFlight, Runtime.getRuntime().availableProcessors(), burst.wall().toMillis(),
                burst.latencyMillis(0), burst.latencyMillis(50), burst.latencyMillis(100));
        assertThat(inFlight).as("the runner answers misses on more than one thread").isGreaterThan(1);
    }

    // ---- 3. the cache's lifetimes ------------------------------------------------------------------

    @Test
    void aSecondRequestWithinTheTtlMakesNoCallAndOneAfterTheTtlCallsAgain() throws Exception {
        StandInSession user = freshUser();

        // Default TTL (60 s): the second request is answered from the cache.
        String cached = freshCookie(user);
        HttpRequestSpec first = spoofing(request().header("Cookie", "app_session=" + cached));
        assertThat(ApisixHarness.identityHeadersAtUpstream(first, apisix.call(route(""), first))).isEqualTo(expected(user));
        HttpRequestSpec second = spoofing(request().header("Cookie", "app_session=" + cached));
        assertThat(ApisixHarness.identityHeadersAtUpstream(second, apisix.call(route(""), second))).isEqualTo(expected(user));
        assertThat(authgear.calls(cached)).isEqualTo(1);

        // A 1 s TTL: once it has passed, the next request asks again.
        String shortLived = freshCookie(user);
        String oneSecond = route(",\"resolver\":{\"cache_ttl_seconds\":1}");
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + shortLived));
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, apisix.call(oneSecond, spec))).isEqualTo(expected(user));
        assertThat(authgear.calls(shortLived)).isEqualTo(1);
        Thread.sleep(PAST_ONE_SECOND_TTL.toMillis());
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, apisix.call(oneSecond, spec))).isEqualTo(expected(user));
        assertThat(authgear.calls(shortLived)).isEqualTo(2);
    }

    @Test
    void noSessionIsCachedForTheNegativeTtl() throws Exception {
        // A cookie Authgear does not know: no session, cached negative_cache_ttl_seconds (default 5).
        String unknown = secret("unknown-" + UUID.randomUUID());
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + unknown));
        for (int i = 0; i < 2; i++) {
            ReqCallResult result = apisix.call(route(""), spec);
            assertThat(result.action()).isEqualTo(ReqCallResult.Action.REWRITE);
            assertThat(ApisixHarness.identityHeadersAtUpstream(spec, result)).isEmpty();
        }
        assertThat(authgear.calls(unknown)).isEqualTo(1);

        String unknownShort = secret("unknown-" + UUID.randomUUID());
        String oneSecond = route(",\"resolver\":{\"negative_cache_ttl_seconds\":1}");
        HttpRequestSpec shortSpec = spoofing(request().header("Cookie", "app_session=" + unknownShort));
        assertThat(ApisixHarness.identityHeadersAtUpstream(shortSpec, apisix.call(oneSecond, shortSpec))).isEmpty();
        Thread.sleep(PAST_ONE_SECOND_TTL.toMillis());
        // Meanwhile Authgear learnt the session: the next request sees it.
        StandInSession user = freshUser();
        authgear.cookieSession(ResolverStandIn.APP_SESSION, unknownShort, user);
        assertThat(ApisixHarness.identityHeadersAtUpstream(shortSpec, apisix.call(oneSecond, shortSpec))).isEqualTo(expected(user));
        assertThat(authgear.calls(unknownShort)).isEqualTo(2);
    }

    // ---- 4. live routes see revocation -------------------------------------------------------------

    @Test
    void aRevokedSessionOnALiveRouteIsSeenWithinTheTtl() throws Exception {
        String live = route(",\"live\":true,\"resolver\":{\"cache_ttl_seconds\":1}");
        String userId = UUID.randomUUID().toString();
        String token = freshJwt(userId);
        HttpRequestSpec spec = spoofing(request().header("Authorization", "Bearer " + token));

        ReqCallResult before = apisix.call(live, spec);
        assertThat(before.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, before)).isEqualTo(expected(StandInSession.defaultUser().withUserId(userId)));
        assertThat(authgear.calls(token)).isEqualTo(1);

        authgear.revoke(token);
        Thread.sleep(PAST_ONE_SECOND_TTL.toMillis());

        ReqCallResult after = apisix.call(live, spec);
        assertThat(after.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, after)).as("identity after revocation").isEmpty();
        assertThat(authgear.calls(token)).isEqualTo(2);

        // The same token on a route that is not live is still judged by its signature and claims alone,
        // and never sent to Authgear: this is the delay live routes exist to avoid.
        ReqCallResult notLive = apisix.call(route(""), spec);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, notLive)).containsEntry("x-authgear-user-id", userId);
        assertThat(authgear.calls(token)).isEqualTo(2);
    }

    @Test
    void aRevokedSessionOnALiveEnforcingRouteIsRefusedWith401() throws Exception {
        String live = route(",\"live\":true,\"mode\":\"enforce\",\"resolver\":{\"cache_ttl_seconds\":1}");
        String userId = UUID.randomUUID().toString();
        String token = freshJwt(userId);
        HttpRequestSpec spec = spoofing(request().header("Authorization", "Bearer " + token));

        ReqCallResult before = apisix.call(live, spec);
        assertThat(before.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, before)).containsEntry("x-authgear-user-id", userId);

        authgear.revoke(token);
        Thread.sleep(PAST_ONE_SECOND_TTL.toMillis());

        ReqCallResult after = apisix.call(live, spec);
        assertThat(after.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.stopHeaders()).anySatisfy(h -> {
            assertThat(h.name()).isEqualToIgnoringCase("www-authenticate");
            assertThat(h.value()).startsWith("Bearer realm=\"" + issuer.issuer() + "\"").contains("error=\"invalid_token\"");
        });
        assertThat(after.stopBody()).doesNotContain(token);
        assertThat(authgear.calls(token)).isEqualTo(2);
    }

    @Test
    void aRevokedUserOnALiveRouteLosesEveryCredential() throws Exception {
        String live = route(",\"live\":true,\"resolver\":{\"cache_ttl_seconds\":1}");
        StandInSession user = freshUser();
        String token = freshJwt(user.userId());
        String cookieValue = freshCookie(user);
        HttpRequestSpec withToken = spoofing(request().header("Authorization", "Bearer " + token));
        HttpRequestSpec withCookie = spoofing(request().header("Cookie", "app_session=" + cookieValue));
        assertThat(ApisixHarness.identityHeadersAtUpstream(withToken, apisix.call(live, withToken))).containsEntry("x-authgear-user-id", user.userId());
        assertThat(ApisixHarness.identityHeadersAtUpstream(withCookie, apisix.call(live, withCookie))).isEqualTo(expected(user));

        authgear.revokeUser(user.userId());
        Thread.sleep(PAST_ONE_SECOND_TTL.toMillis());

        assertThat(ApisixHarness.identityHeadersAtUpstream(withToken, apisix.call(live, withToken))).isEmpty();
        assertThat(ApisixHarness.identityHeadersAtUpstream(withCookie, apisix.call(live, withCookie))).isEmpty();
    }

    // ---- 5. Authgear's resolver failing ------------------------------------------------------------

    @Test
    void aResolverThatDoesNotAnswerInTimeGives503WithinTheTimeout() throws Exception {
        String route = route(",\"resolver\":{\"timeout_ms\":200}");
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + cookieValue));
        authgear.delay(Duration.ofSeconds(2));

        for (int i = 1; i <= 2; i++) {
            long started = System.nanoTime();
            ReqCallResult result = apisix.call(route, spec);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertUnavailable(result, cookieValue);
            assertThat(took).as("answered within the timeout, not the resolver's 2 s").isLessThan(Duration.ofMillis(1500));
            // A failure is not cached: every request asks again.
            assertThat(authgear.awaitCalls(i, Duration.ofSeconds(5))).isTrue();
            assertThat(authgear.calls(cookieValue)).isEqualTo(i);
        }

        authgear.delay(Duration.ZERO);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, apisix.call(route, spec))).as("after recovery").isEqualTo(expected(user));
        assertThat(authgear.calls(cookieValue)).isEqualTo(3);
    }

    @Test
    void aResolverAnswering5xxGives503AndRecoveryIsSeenAtOnce() throws Exception {
        String route = route("");
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        String opaqueToken = freshOpaqueToken(user);
        HttpRequestSpec cookie = spoofing(request().header("Cookie", "app_session=" + cookieValue));
        HttpRequestSpec opaque = spoofing(request().header("Authorization", "Bearer " + opaqueToken));

        for (int status : new int[]{500, 502, 503, 404}) {
            authgear.failWith(status);
            assertUnavailable(apisix.call(route, cookie), cookieValue);
            assertUnavailable(apisix.call(route, opaque), opaqueToken);
        }
        assertThat(authgear.calls(cookieValue)).isEqualTo(4);
        assertThat(authgear.calls(opaqueToken)).isEqualTo(4);

        authgear.failWith(0);
        assertThat(ApisixHarness.identityHeadersAtUpstream(cookie, apisix.call(route, cookie))).isEqualTo(expected(user));
        assertThat(ApisixHarness.identityHeadersAtUpstream(opaque, apisix.call(route, opaque))).isEqualTo(expected(user));
    }

    @Test
    void aResolverThatCannotBeReachedGives503() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String route = route(",\"resolver\":{\"url\":\"http://127.0.0.1:" + closedPort + "/_resolver/resolve\",\"timeout_ms\":1000}");
        String cookieValue = freshCookie(freshUser());
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + cookieValue));

        long started = System.nanoTime();
        ReqCallResult result = apisix.call(route, spec);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertUnavailable(result, cookieValue);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void onErrorNoSessionLetsTheRequestGoOnWithoutIdentity() throws Exception {
        String route = route(",\"resolver\":{\"timeout_ms\":200,\"on_error\":\"no_session\"}");
        String cookieValue = freshCookie(freshUser());
        HttpRequestSpec spec = spoofing(request().header("Cookie", "app_session=" + cookieValue));

        authgear.failWith(500);
        ReqCallResult failed = apisix.call(route, spec);
        assertThat(failed.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, failed)).isEmpty();

        authgear.failWith(0);
        authgear.delay(Duration.ofSeconds(2));
        long started = System.nanoTime();
        ReqCallResult late = apisix.call(route, spec);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(late.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(spec, late)).isEmpty();
        assertThat(took).isLessThan(Duration.ofMillis(1500));
        assertThat(authgear.awaitCalls(2, Duration.ofSeconds(5))).isTrue();
        assertThat(authgear.calls(cookieValue)).isEqualTo(2);

        // In enforce mode "no session" is the usual challenge, not a 503.
        String enforce = route(",\"mode\":\"enforce\",\"resolver\":{\"timeout_ms\":200,\"on_error\":\"no_session\"}");
        authgear.delay(Duration.ZERO);
        authgear.failWith(503);
        ReqCallResult refused = apisix.call(enforce, spec);
        assertThat(refused.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(refused.status()).isEqualTo(401);
    }

    // ---- 6. a forged JWT is never sent to Authgear -------------------------------------------------

    @Test
    void aForgedJwtIsNeverSentToTheResolver() throws Exception {
        String plain = route("");
        String live = route(",\"live\":true");
        String liveEnforce = route(",\"live\":true,\"mode\":\"enforce\"");
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        TokenMinter minter = new TokenMinter(issuer.issuer());
        long now = System.currentTimeMillis() / 1000;
        List<String> forgeries = new ArrayList<>();
        for (String signer : List.of("attacker", "tamper", "none", "hs256_public_key")) {
            forgeries.add(secret(minter.mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())).signedBy(signer), now)));
        }

        for (String forged : forgeries) {
            for (String route : List.of(plain, live)) {
                HttpRequestSpec alone = spoofing(request().header("Authorization", "Bearer " + forged));
                ReqCallResult noIdentity = apisix.call(route, alone);
                assertThat(noIdentity.action()).isEqualTo(ReqCallResult.Action.REWRITE);
                assertThat(ApisixHarness.identityHeadersAtUpstream(alone, noIdentity)).isEmpty();

                // Authgear would go on to the cookies: so does authgate, sending the cookie only.
                HttpRequestSpec withCookie = spoofing(request().header("Authorization", "Bearer " + forged)
                        .header("Cookie", "app_session=" + cookieValue));
                assertThat(ApisixHarness.identityHeadersAtUpstream(withCookie, apisix.call(route, withCookie))).isEqualTo(expected(user));
            }
            HttpRequestSpec alone = spoofing(request().header("Authorization", "Bearer " + forged));
            ReqCallResult refused = apisix.call(liveEnforce, alone);
            assertThat(refused.action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(refused.status()).isEqualTo(401);
        }

        for (String forged : forgeries) {
            assertThat(authgear.calls(forged)).as("calls carrying a forged token").isZero();
            String signature = forged.substring(forged.lastIndexOf('.') + 1);
            if (!signature.isEmpty()) {
                assertThat(authgear.calls(signature)).isZero();
            }
        }
        for (RecordedRequest call : authgear.requests()) {
            assertThat(call.headers("authorization")).as("Authorization sent to Authgear").isEmpty();
        }
        // The cookie was asked about once per route's cache (plain and live share the default settings).
        assertThat(authgear.calls(cookieValue)).isEqualTo(1);
    }

    // ---- 7. client-sent identity headers -----------------------------------------------------------

    @Test
    void clientSentIdentityHeadersNeverReachTheUpstreamWithAResolverSession() throws Exception {
        String route = route("");
        StandInSession user = freshUser().withRoles("reader").withAmr("pwd").withVerified(false);
        HttpRequestSpec cookie = spoofing(request().header("Cookie", "app_session=" + freshCookie(user)));
        ReqCallResult viaCookie = apisix.call(route, cookie);
        assertThat(ApisixHarness.identityHeadersAtUpstream(cookie, viaCookie)).isEqualTo(expected(user));
        assertNoClientIdentityLineSurvives(cookie, viaCookie);

        HttpRequestSpec opaque = spoofing(request().header("Authorization", "Bearer " + freshOpaqueToken(user)));
        ReqCallResult viaToken = apisix.call(route, opaque);
        assertThat(ApisixHarness.identityHeadersAtUpstream(opaque, viaToken)).isEqualTo(expected(user));
        assertNoClientIdentityLineSurvives(opaque, viaToken);

        // A user without roles: the client's roles header must not survive the answer's lack of one.
        StandInSession noRoles = freshUser().withRoles();
        HttpRequestSpec roleless = spoofing(request().header("Cookie", "app_session=" + freshCookie(noRoles)));
        Map<String, String> upstream = ApisixHarness.identityHeadersAtUpstream(roleless, apisix.call(route, roleless));
        assertThat(upstream).isEqualTo(expected(noRoles)).doesNotContainKey("x-authgear-user-roles");
    }

    @Test
    void aDisabledUsersSessionGivesOnlySessionValidFalse() throws Exception {
        String route = route("");
        HttpRequestSpec seeded = spoofing(request().header("Cookie", "app_session=" + secret(ResolverStandIn.SEEDED_DISABLED_USER_SESSION)));
        ReqCallResult result = apisix.call(route, seeded);
        assertThat(result.action()).isEqualTo(ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(seeded, result)).isEqualTo(Map.of("x-authgear-session-valid", "false"));
        assertNoClientIdentityLineSurvives(seeded, result);

        // The same with a session of its own (the seeded one may be cached by an earlier test).
        String disabled = secret("disabled-" + UUID.randomUUID());
        authgear.cookieSession(ResolverStandIn.APP_SESSION, disabled, StandInSession.defaultUser().withUserId(ResolverStandIn.DISABLED_USER_ID));
        HttpRequestSpec fresh = spoofing(request().header("Cookie", "app_session=" + disabled));
        ReqCallResult freshResult = apisix.call(route, fresh);
        assertThat(ApisixHarness.identityHeadersAtUpstream(fresh, freshResult)).isEqualTo(Map.of("x-authgear-session-valid", "false"));
        assertThat(authgear.calls(disabled)).isEqualTo(1);

        // In enforce mode an invalid session is no session.
        ReqCallResult refused = apisix.call(route(",\"mode\":\"enforce\""), fresh);
        assertThat(refused.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(refused.status()).isEqualTo(401);
    }

    // ---- 8. the log --------------------------------------------------------------------------------

    /**
     * Runs last but one, so the log it reads holds everything the other tests did; it also makes
     * requests of every kind itself, so it checks something whatever ran before it.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void theRunnersLogNeverHoldsACredential() throws Exception {
        List<String> used = requestsOfEveryKind();
        String log = apisix.log();
        assertThat(SECRETS).containsAll(used);
        for (String secret : SECRETS) {
            assertThat(log).as("the runner's log").doesNotContain(secret);
            int dot = secret.lastIndexOf('.');
            if (dot >= 0 && dot < secret.length() - 1) {
                assertThat(log).as("the runner's log").doesNotContain(secret.substring(dot + 1));
            }
        }
    }

    /** Runs last: see above. A resolver that fails is the network's fault, not a reason for a stack trace. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theRunnersLogHoldsNoStackTrace() throws Exception {
        requestsOfEveryKind();
        String log = apisix.log();
        assertThat(log).as("no stack frame in the runner's log").doesNotContain("\tat ");
        assertThat(log).as("no chained exception in the runner's log").doesNotContain("Caused by:");
    }

    /** A cookie, an opaque token, a JWT, a forged JWT on a live route; a resolver failing, and one too slow. */
    private static List<String> requestsOfEveryKind() throws IOException {
        StandInSession user = freshUser();
        String cookieValue = freshCookie(user);
        String opaqueToken = freshOpaqueToken(user);
        String jwt = freshJwt(user.userId());
        String forged = secret(new TokenMinter(issuer.issuer()).mint(
                TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())).signedBy("attacker"), System.currentTimeMillis() / 1000));
        String live = route(",\"live\":true,\"resolver\":{\"timeout_ms\":200}");
        List<HttpRequestSpec> requests = List.of(
                spoofing(request().header("Cookie", "app_session=" + cookieValue)),
                spoofing(request().header("Authorization", "Bearer " + opaqueToken)),
                spoofing(request().header("Authorization", "Bearer " + jwt)),
                spoofing(request().header("Authorization", "Bearer " + forged).header("Cookie", "app_session=" + cookieValue)));
        for (HttpRequestSpec spec : requests) {
            assertThat(apisix.call(live, spec).action()).isEqualTo(ReqCallResult.Action.REWRITE);
        }
        authgear.failWith(500);
        String failing = freshCookie(user);
        assertUnavailable(apisix.call(live, spoofing(request().header("Cookie", "app_session=" + failing))), failing);
        authgear.failWith(0);
        authgear.delay(Duration.ofSeconds(1));
        String slow = freshCookie(user);
        assertUnavailable(apisix.call(live, spoofing(request().header("Cookie", "app_session=" + slow))), slow);
        authgear.delay(Duration.ZERO);
        return List.of(cookieValue, opaqueToken, jwt, forged, failing, slow);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** A route value for the test issuer, plus {@code more} (starting with a comma) inside the object. */
    private static String route(String more) {
        return "{\"authgear_endpoint\":\"" + issuer.issuer() + "\"" + more + "}";
    }

    private static HttpRequestSpec.Builder request() {
        return HttpRequestSpec.get("/api/orders").header("Host", "api.example.com");
    }

    /** The request, with identity headers a client might forge, in several spellings. */
    private static HttpRequestSpec spoofing(HttpRequestSpec.Builder request) {
        return request
                .header("X-Authgear-User-Id", "spoofed-user")
                .header("x_authgear_user_roles", "superuser")
                .header("X-AUTHGEAR-SESSION-ACR", "spoofed")
                .header("X-Authgear-Session-Valid", "true")
                .header("X_Authgear_User_Anonymous", "false")
                .header("x-authgear-user-verified", "true")
                .header("X-authgear_session_authenticated_at", "9999999999")
                .build();
    }

    /** The contract headers the upstream must see for a session: lower-case names, as APISIX has them. */
    private static Map<String, String> expected(StandInSession session) {
        Map<String, String> lower = new TreeMap<>();
        session.headers().forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        return ApisixHarness.expectedBehindNginx(lower);
    }

    private static String secret(String credential) {
        SECRETS.add(credential);
        return credential;
    }

    private static StandInSession freshUser() {
        return StandInSession.defaultUser().withUserId(UUID.randomUUID().toString());
    }

    private static String freshCookie(StandInSession user) {
        String value = secret("cookie-" + UUID.randomUUID());
        authgear.cookieSession(ResolverStandIn.APP_SESSION, value, user);
        return value;
    }

    private static String freshOpaqueToken(StandInSession user) {
        String token = secret("opaque-" + UUID.randomUUID().toString().replace("-", ""));
        authgear.opaqueToken(token, user);
        return token;
    }

    /** A valid access token of the test issuer for this user, with a jti of its own. */
    private static String freshJwt(String userId) {
        return secret(new TokenMinter(issuer.issuer()).mint(
                TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString(), "sub", userId)), System.currentTimeMillis() / 1000));
    }

    private static RecordedRequest onlyCallCarrying(String credential) {
        List<RecordedRequest> calls = authgear.requests().stream()
                .filter(r -> r.headers("cookie").stream().anyMatch(v -> v.contains(credential))
                        || r.headers("authorization").stream().anyMatch(v -> v.contains(credential)))
                .toList();
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }

    /** Nothing of the client's request but the credential: no identity, forwarding or other headers. */
    private static void assertNothingElseOfTheClientRequest(RecordedRequest call) {
        for (String name : call.headers().keySet()) {
            assertThat(name).doesNotStartWith("x-authgear").doesNotStartWith("x_authgear").doesNotStartWith("x-forwarded-for");
        }
        call.headers().values().forEach(values -> values.forEach(v -> assertThat(v)
                .doesNotContain("spoofed").doesNotContain("superuser").doesNotContain("theme=dark").doesNotContain("api.example.com")));
    }

    /**
     * No identity line of the client's survives at the upstream: no underscore spelling at all, and no
     * forged value. (A hyphenated line may keep the client's name case: nginx's set_header replaces the
     * value of an existing line and keeps its name; names are case-insensitive.)
     */
    private static void assertNoClientIdentityLineSurvives(HttpRequestSpec request, ReqCallResult result) {
        UpstreamRequest upstream = UpstreamRequest.of(request, result).orElseThrow();
        for (NameValue line : upstream.headers()) {
            if (line.name().toLowerCase(Locale.ROOT).replace('_', '-').startsWith("x-authgear")) {
                assertThat(line.name()).doesNotContain("_");
                assertThat(line.value()).doesNotContain("spoofed").doesNotContain("superuser").isNotEqualTo("9999999999");
            }
        }
    }

    private static void assertUnavailable(ReqCallResult result, String credential) {
        assertThat(result.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.stopHeaders()).contains(NameValue.of("content-type", "application/json"), NameValue.of("retry-after", "1"));
        assertThat(result.stopBody()).contains("\"error\":\"temporarily_unavailable\"").doesNotContain(credential);
    }

    // ---- concurrent bursts -------------------------------------------------------------------------

    /**
     * @param latencies per request, from its sending to its answer
     * @param sentAfter per request, from the start of the burst to its sending
     */
    private record Burst(List<ReqCallResult> results, List<Duration> latencies, List<Duration> sentAfter, Duration wall) {
        /** The latency at this percentile (0: fastest, 100: slowest), in ms. */
        long latencyMillis(int percentile) {
            return percentile(latencies, percentile);
        }

        long sentAfterMillis(int percentile) {
            return percentile(sentAfter, percentile);
        }

        private static long percentile(List<Duration> durations, int percentile) {
            List<Duration> sorted = durations.stream().sorted().toList();
            int index = Math.min(sorted.size() - 1, percentile * sorted.size() / 100);
            return sorted.get(index).toMillis();
        }
    }

    /**
     * Sends {@code n} requests at once, each on a connection of its own (as many nginx workers'
     * connections would be), every connection opened and used once beforehand so that none waits for
     * the runner to accept it during the burst.
     */
    private static Burst burst(long confToken, int n, java.util.function.IntFunction<HttpRequestSpec> requestAt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<ApisixExtPluginClient> clients = new ArrayList<>();
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ReqCallResult>> results = new ArrayList<>();
            Duration[] latencies = new Duration[n];
            Duration[] sentAfter = new Duration[n];
            long[] burstStart = new long[1];
            for (int i = 0; i < n; i++) {
                ApisixExtPluginClient client = apisix.newClient(CLIENT_TIMEOUT);
                clients.add(client);
                // No credential: answered at once, and leaves the connection open.
                ReqCallResult warm = client.call(confToken, request().build());
                assertThat(warm.action()).isIn(ReqCallResult.Action.NONE, ReqCallResult.Action.REWRITE);
                int index = i;
                HttpRequestSpec spec = requestAt.apply(i);
                results.add(pool.submit((Callable<ReqCallResult>) () -> {
                    ready.countDown();
                    go.await();
                    long started = System.nanoTime();
                    sentAfter[index] = Duration.ofNanos(started - burstStart[0]);
                    ReqCallResult result = client.call(confToken, spec);
                    latencies[index] = Duration.ofNanos(System.nanoTime() - started);
                    return result;
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            burstStart[0] = started; // published to the tasks by the latch
            go.countDown();
            List<ReqCallResult> answered = new ArrayList<>();
            for (Future<ReqCallResult> f : results) {
                answered.add(f.get(60, TimeUnit.SECONDS));
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            return new Burst(answered, List.of(latencies), List.of(sentAfter), wall);
        } finally {
            pool.shutdownNow();
            clients.forEach(ApisixExtPluginClient::close);
        }
    }

    /** Samples the stand-in's call count every few ms, to see how many calls were in flight at once. */
    private static final class CallSampler {
        private final List<long[]> samples = new ArrayList<>(); // {nanoTime, calls}; guarded by itself
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        CallSampler() {
            thread = new Thread(() -> {
                while (running.get()) {
                    long[] sample = {System.nanoTime(), authgear.calls()};
                    synchronized (samples) {
                        samples.add(sample);
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "call-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }

        /**
         * The most calls that arrived within any window shorter than the stand-in's delay: calls that
         * arrive that close together were all in flight at once.
         */
        int maxArrivalsWithin(Duration window) {
            List<long[]> copy;
            synchronized (samples) {
                copy = new ArrayList<>(samples);
            }
            long max = 0;
            int start = 0;
            for (int end = 0; end < copy.size(); end++) {
                while (copy.get(end)[0] - copy.get(start)[0] > window.toNanos()) {
                    start++;
                }
                max = Math.max(max, copy.get(end)[1] - copy.get(start)[1]);
            }
            return (int) max;
        }
    }
}
