package io.authgate.core.resolve;

import io.authgate.core.Gate;

import io.authgate.core.ResolverFailure;
import io.authgate.core.RemoteSessionKind;
import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Decision;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.ResolverUnavailableException;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.MutableClock;
import io.authgate.testkit.RecordedRequest;
import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.StandInSession;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Remote resolution against the stand-in for Authgear's resolver, over real HTTP: what is asked, of
 * whom, how often, and what comes of each answer and each failure. The clock is moved by hand so TTLs
 * are exact.
 */
class RemoteResolutionTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String VALID_COOKIE = "app_session=" + ResolverStandIn.SEEDED_APP_SESSION;

    private final TestIssuer issuer = TestIssuer.start();
    private final ResolverStandIn authgear = issuer.resolver();
    private final MutableClock clock = MutableClock.now();
    private final Events events = new Events();
    private final Authgate authgate = new Authgate(clock, events, config -> new HttpJwksFetcher(
            CLIENT, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()));

    /** Counts what the core reports about the resolver. */
    static final class Events implements AuthgateEvents {
        final AtomicInteger hits = new AtomicInteger();
        final AtomicInteger coalesced = new AtomicInteger();
        final AtomicInteger queued = new AtomicInteger();
        final List<RemoteSessionKind> answers = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void resolverCacheHit() {
            hits.incrementAndGet();
        }

        @Override
        public void resolverCoalesced() {
            coalesced.incrementAndGet();
        }

        @Override
        public void resolverQueued() {
            queued.incrementAndGet();
        }

        @Override
        public void resolverCalled(long nanos, RemoteSessionKind answer) {
            answers.add(answer);
        }

        @Override
        public void resolverFailed(long nanos, ResolverFailure cause, String message) {
            failures.add(cause.label() + ": " + message);
        }
    }

    @BeforeEach
    void sameClock() {
        authgear.clock(clock);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private Gate resolver(String extra) {
        return authgate.gateFor(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer() + "\"" + extra + "}"));
    }

    private String validToken() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())),
                clock.epochSeconds());
    }

    private String forgedToken() {
        return new TokenMinter(issuer.issuer()).mint(new TokenRecipe(Map.of(), Map.of(), "attacker", null, 0), clock.epochSeconds());
    }

    private static Map<String, String> upstream(Decision d) {
        assertThat(d).isInstanceOf(Decision.Allow.class);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Header h : ((Decision.Allow) d).headers().asList()) {
            out.put(h.name(), h.value());
        }
        return out;
    }

    private static Map<String, String> defaultUserHeaders() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        StandInSession.defaultUser().headers().forEach((k, v) -> out.put(k.toLowerCase(), v));
        return out;
    }

    @Nested
    class WhatResolves {
        @Test
        void aSessionCookieResolvesToTheHeadersAuthgearAnswers() {
            Decision d = resolver("").resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(upstream(d)).isEqualTo(defaultUserHeaders());
            assertThat(upstream(d).get(IdentityHeaderNames.USER_ID)).isEqualTo(AuthgearClaims.USER_ID);
        }

        @Test
        void eachAuthgearCookieNameResolves() {
            Gate r = resolver("");
            assertThat(upstream(r.resolve(GatewayRequest.of(null, "app_access_token=" + ResolverStandIn.SEEDED_APP_ACCESS_TOKEN))))
                    .isEqualTo(defaultUserHeaders());
            assertThat(upstream(r.resolve(GatewayRequest.of(null, "session=" + ResolverStandIn.SEEDED_IDP_SESSION))))
                    .isEqualTo(defaultUserHeaders());
        }

        @Test
        void anOpaqueBearerTokenResolves() {
            Decision d = resolver("").resolve(GatewayRequest.of("Bearer " + ResolverStandIn.SEEDED_OPAQUE_TOKEN, null));
            assertThat(upstream(d)).isEqualTo(defaultUserHeaders());
        }

        @Test
        void anUnknownOpaqueTokenFallsThroughToTheCookiesAsInAuthgear() {
            Decision d = resolver("").resolve(GatewayRequest.of("Bearer unknown-opaque-token", VALID_COOKIE));
            assertThat(upstream(d)).isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls()).as("the token, then the cookies").isEqualTo(2);
        }

        @Test
        void aDisabledUsersSessionIsSessionValidFalseOnly() {
            Decision d = resolver("").resolve(GatewayRequest.of(null, "app_session=" + ResolverStandIn.SEEDED_DISABLED_USER_SESSION));
            assertThat(upstream(d)).containsExactly(Map.entry(IdentityHeaderNames.SESSION_VALID, "false"));
        }

        @Test
        void anUnknownIdpSessionCookieIsSessionValidFalseAndItsSetCookieStaysOut() {
            Decision d = resolver("").resolve(GatewayRequest.of(null, "session=gone"));
            assertThat(upstream(d)).containsExactly(Map.entry(IdentityHeaderNames.SESSION_VALID, "false"));
        }

        @Test
        void anUnknownAppSessionCookieIsNoSession() {
            assertThat(upstream(resolver("").resolve(GatewayRequest.of(null, "app_session=unknown")))).isEmpty();
        }

        @Test
        void onlyTheContractsHeadersAreTakenFromTheAnswer() {
            authgear.extraHeaders(Map.of("X-Authgear-Session-Acr", "x", "X-Authgear-Debug", "1", "X-Other", "y"));
            assertThat(upstream(resolver("").resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEqualTo(defaultUserHeaders());
        }

        @Test
        void aCookiePrefixIsUsedForTheNamesAndSentAsIs() {
            authgear.cookiePrefix("my_");
            Gate r = resolver(",\"cookie_prefix\":\"my_\"");
            assertThat(upstream(r.resolve(GatewayRequest.of(null, "app_session=" + ResolverStandIn.SEEDED_APP_SESSION)))).isEmpty();
            assertThat(authgear.calls()).as("app_session is not an Authgear cookie with prefix my_").isZero();
            assertThat(upstream(r.resolve(GatewayRequest.of(null, "my_app_session=" + ResolverStandIn.SEEDED_APP_SESSION))))
                    .isEqualTo(defaultUserHeaders());
        }

        @Test
        void withTheResolverOffCookiesAndOpaqueTokensAreNoSessionAndNothingIsAsked() {
            Gate r = resolver(",\"resolver\":false");
            assertThat(upstream(r.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEmpty();
            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + ResolverStandIn.SEEDED_OPAQUE_TOKEN, null)))).isEmpty();
            assertThat(authgear.calls()).isZero();
        }
    }

    @Nested
    class WhatIsSent {
        @Test
        void onlyTheCredentialAndAuthgearsHostNoOtherClientHeaderOrCookie() {
            resolver("").resolve(new GatewayRequest(null, List.of("theme=dark; app_session=" + ResolverStandIn.SEEDED_APP_SESSION
                    + "; _ga=GA1.2", "session=" + ResolverStandIn.SEEDED_IDP_SESSION)));
            RecordedRequest sent = authgear.requests().get(0);
            assertThat(sent.method()).isEqualTo("GET");
            assertThat(sent.path()).isEqualTo("/_resolver/resolve");
            assertThat(sent.headers("cookie")).containsExactly("app_session=" + ResolverStandIn.SEEDED_APP_SESSION
                    + "; session=" + ResolverStandIn.SEEDED_IDP_SESSION);
            assertThat(sent.headers("authorization")).isEmpty();
            assertThat(sent.header("host")).isEqualTo(issuer.issuer().substring("http://".length()));
            assertThat(sent.headers().keySet()).as("nothing but transport headers and the credential")
                    .isSubsetOf("host", "cookie", "authorization", "user-agent", "connection", "content-length", "upgrade",
                            "http2-settings");
        }

        @Test
        void aForgedJwtIsNeverSentNotEvenWithACookie() {
            String forged = forgedToken();
            Gate r = resolver("");
            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + forged, null)))).isEmpty();
            assertThat(authgear.calls()).as("a forged JWT alone asks nothing").isZero();

            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + forged, VALID_COOKIE)))).isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls()).isEqualTo(1);
            assertThat(authgear.calls(forged)).isZero();
            assertThat(authgear.requests().get(0).headers("authorization")).isEmpty();
        }

        @Test
        void aMalformedTokenWithDotsIsJudgedInProcessAndNotSent() {
            assertThat(upstream(resolver("").resolve(GatewayRequest.of("Bearer not.a.jwt", null)))).isEmpty();
            assertThat(authgear.calls()).isZero();
        }

        @Test
        void aCredentialLongerThan16KiBIsNoSessionAndIsNeverSent() {
            String huge = "x".repeat(16 * 1024);
            authgear.cookieSession("app_session", huge, StandInSession.defaultUser());
            authgear.opaqueToken(huge, StandInSession.defaultUser());

            // (A cookie Authgear says nothing about is "no session" for its negative TTL: not the constant.)
            assertThat(((Decision.Allow) resolver("").resolve(GatewayRequest.of(null, "app_session=" + huge))).headers().isEmpty()).isTrue();
            assertThat(resolver("").resolve(GatewayRequest.of("Bearer " + huge, null))).isSameAs(Decision.Allow.NO_SESSION);
            assertThat(authgear.calls()).isZero();
            // At the bound it is still asked: 16 KiB of credential, "Bearer " included.
            String longest = "y".repeat(16 * 1024 - "Bearer ".length());
            authgear.opaqueToken(longest, StandInSession.defaultUser());
            assertThat(upstream(resolver("").resolve(GatewayRequest.of("Bearer " + longest, null)))).isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls()).isEqualTo(1);
        }

        @Test
        void aValidJwtOnARouteThatIsNotLiveAsksNothing() {
            assertThat(upstream(resolver("").resolve(GatewayRequest.of("Bearer " + validToken(), VALID_COOKIE)))).isNotEmpty();
            assertThat(authgear.calls()).isZero();
        }

        @Test
        void aResolverUrlElsewhereStillCarriesAuthgearsHost() {
            String authgearHost = issuer.issuer().substring("http://".length());
            String elsewhere = "http://localhost:" + authgearHost.substring(authgearHost.indexOf(':') + 1) + "/resolve";
            Gate r = resolver(",\"resolver\":{\"url\":\"" + elsewhere + "\"}");
            assertThat(upstream(r.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEqualTo(defaultUserHeaders());
            RecordedRequest sent = authgear.requests().get(0);
            assertThat(sent.path()).isEqualTo("/resolve");
            assertThat(sent.header("host")).isEqualTo(authgearHost);
            assertThat(sent.header("x-forwarded-host")).isEqualTo(authgearHost);
            assertThat(sent.header("x-forwarded-proto")).isEqualTo("http");
        }
    }

    @Nested
    class Caching {
        @Test
        void aSecondRequestWithinTheTtlAsksNothing() {
            Gate r = resolver("");
            r.resolve(GatewayRequest.of(null, VALID_COOKIE));
            clock.advance(Duration.ofSeconds(59));
            assertThat(upstream(r.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls()).isEqualTo(1);
            assertThat(events.hits).hasValue(1);

            clock.advance(Duration.ofSeconds(2));
            r.resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(authgear.calls()).as("past cache_ttl_seconds").isEqualTo(2);
        }

        @Test
        void noSessionIsKeptForTheNegativeTtlOnly() {
            Gate r = resolver(",\"resolver\":{\"negative_cache_ttl_seconds\":5}");
            r.resolve(GatewayRequest.of(null, "app_session=unknown"));
            clock.advance(Duration.ofSeconds(4));
            r.resolve(GatewayRequest.of(null, "app_session=unknown"));
            assertThat(authgear.calls()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            r.resolve(GatewayRequest.of(null, "app_session=unknown"));
            assertThat(authgear.calls()).isEqualTo(2);
        }

        @Test
        void zeroTtlAsksEveryTime() {
            Gate r = resolver(",\"resolver\":{\"cache_ttl_seconds\":0}");
            r.resolve(GatewayRequest.of(null, VALID_COOKIE));
            r.resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(authgear.calls()).isEqualTo(2);
        }

        @Test
        void hundredConcurrentRequestsWithOneCookieMakeOneCall() {
            authgear.delay(Duration.ofMillis(300));
            Gate r = resolver("");
            List<CompletableFuture<Decision>> decisions = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                decisions.add(r.resolveAsync(GatewayRequest.of(null, VALID_COOKIE)));
            }
            for (CompletableFuture<Decision> d : decisions) {
                assertThat(upstream(d.join())).isEqualTo(defaultUserHeaders());
            }
            assertThat(authgear.calls()).isEqualTo(1);
            assertThat(events.coalesced).hasValue(99);
        }

        @Test
        void routesWithTheSameResolverSettingsShareTheCache() {
            resolver("").resolve(GatewayRequest.of(null, VALID_COOKIE));
            resolver(",\"mode\":\"enforce\"").resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(authgear.calls()).isEqualTo(1);
        }

        @Test
        void failuresAreNotKeptSoRecoveryIsSeenAtOnce() {
            Gate r = resolver("");
            authgear.failWith(502);
            assertThat(r.resolve(GatewayRequest.of(null, VALID_COOKIE))).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            authgear.failWith(0);
            assertThat(upstream(r.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEqualTo(defaultUserHeaders());
            assertThat(events.failures).containsExactly("status: Authgear's resolver answered 502");
        }
    }

    @Nested
    class Live {
        @Test
        void aValidJwtIsAskedAboutAndTheAnswerIsWhatReachesTheUpstream() {
            String token = validToken();
            Decision d = resolver(",\"live\":true").resolve(GatewayRequest.of("Bearer " + token, null));
            assertThat(upstream(d)).containsEntry(IdentityHeaderNames.USER_ID, AuthgearClaims.USER_ID);
            assertThat(authgear.calls(token)).isEqualTo(1);
        }

        @Test
        void aRevokedSessionIsSeenWithinTheTtl() {
            String token = validToken();
            Gate r = resolver(",\"live\":true,\"resolver\":{\"cache_ttl_seconds\":10}");
            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + token, null)))).isNotEmpty();
            authgear.revoke(token);
            clock.advance(Duration.ofSeconds(9));
            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + token, null)))).as("still cached").isNotEmpty();
            clock.advance(Duration.ofSeconds(2));
            assertThat(upstream(r.resolve(GatewayRequest.of("Bearer " + token, null)))).as("revocation seen").isEmpty();
        }

        @Test
        void aRevokedSessionInEnforceModeIsInvalidToken() {
            String token = validToken();
            authgear.revokeUser(AuthgearClaims.USER_ID);
            Decision d = resolver(",\"live\":true,\"mode\":\"enforce\"").resolve(GatewayRequest.of("Bearer " + token, null));
            assertThat(d).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) d).status()).isEqualTo(401);
            assertThat(((Decision.Deny) d).headers()).anySatisfy(h -> assertThat(h.value()).contains("invalid_token"));
        }

        @Test
        void aForgedJwtOnALiveRouteIsStillNeverSent() {
            assertThat(upstream(resolver(",\"live\":true").resolve(GatewayRequest.of("Bearer " + forgedToken(), null)))).isEmpty();
            assertThat(authgear.calls()).isZero();
        }

        @Test
        void anExpiredJwtIsRejectedBeforeAnythingIsAsked() {
            String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), clock.epochSeconds());
            assertThat(upstream(resolver(",\"live\":true").resolve(GatewayRequest.of("Bearer " + token, null)))).isEmpty();
            assertThat(authgear.calls()).isZero();
        }
    }

    @Nested
    class Failures {
        @Test
        void aTimeoutIs503WithinTheTimeout() {
            authgear.delay(Duration.ofSeconds(2));
            Gate r = resolver(",\"resolver\":{\"timeout_ms\":200}");
            long started = System.nanoTime();
            Decision d = r.resolve(GatewayRequest.of(null, VALID_COOKIE));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(d).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(Denials.RESOLVER_UNAVAILABLE.status()).isEqualTo(503);
            assertThat(tookMillis).isBetween(150L, 1000L);
            assertThat(events.failures).singleElement().asString().startsWith("timeout");
        }

        @Test
        void a5xxIs503() {
            authgear.failWith(500);
            assertThat(resolver("").resolve(GatewayRequest.of("Bearer " + ResolverStandIn.SEEDED_OPAQUE_TOKEN, null)))
                    .isSameAs(Denials.RESOLVER_UNAVAILABLE);
        }

        @Test
        void aNon200SuccessIsAnErrorToo() {
            authgear.failWith(204);
            assertThat(resolver("").resolve(GatewayRequest.of(null, VALID_COOKIE))).isSameAs(Denials.RESOLVER_UNAVAILABLE);
        }

        @Test
        void onErrorNoSessionGivesNoSession() {
            authgear.failWith(503);
            Gate r = resolver(",\"resolver\":{\"on_error\":\"no_session\"}");
            assertThat(upstream(r.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEmpty();
            authgear.failWith(0);
            authgear.delay(Duration.ofSeconds(2));
            Gate fast = resolver(",\"resolver\":{\"on_error\":\"no_session\",\"timeout_ms\":100}");
            assertThat(upstream(fast.resolve(GatewayRequest.of(null, VALID_COOKIE)))).isEmpty();
        }

        @Test
        void onErrorNoSessionInEnforceModeIs401() {
            authgear.failWith(503);
            Decision d = resolver(",\"mode\":\"enforce\",\"resolver\":{\"on_error\":\"no_session\"}")
                    .resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(((Decision.Deny) d).status()).isEqualTo(401);
        }

        @Test
        void nothingListeningIs503() {
            Gate r = resolver(",\"resolver\":{\"url\":\"http://127.0.0.1:9/_resolver/resolve\"}");
            assertThat(r.resolve(GatewayRequest.of(null, VALID_COOKIE))).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(events.failures).singleElement().asString().startsWith("connection");
        }

        @Test
        void aFailedCallLogsNothingAnywhere() {
            // Caffeine logs failed asynchronous loads with a stack trace through System.Logger (JUL);
            // a failed call is an expected event here, reported through AuthgateEvents only.
            java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
            List<java.util.logging.LogRecord> logged = new CopyOnWriteArrayList<>();
            java.util.logging.Handler capture = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord record) {
                    logged.add(record);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            root.addHandler(capture);
            try {
                authgear.failWith(500);
                Gate r = resolver("");
                for (int i = 0; i < 3; i++) {
                    assertThat(r.resolveAsync(GatewayRequest.of(null, VALID_COOKIE)).join()).isSameAs(Denials.RESOLVER_UNAVAILABLE);
                }
                Gate down = resolver(",\"resolver\":{\"url\":\"http://127.0.0.1:9/_resolver/resolve\"}");
                assertThat(down.resolve(GatewayRequest.of(null, VALID_COOKIE))).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            } finally {
                root.removeHandler(capture);
            }
            assertThat(logged).extracting(java.util.logging.LogRecord::getMessage).isEmpty();
            assertThat(events.failures).hasSize(4);
        }

        /** A resolver with one call slot (and these more resolver settings), Authgear answering after {@code delay}. */
        private Gate oneSlot(Duration delay, String moreSettings, String... appSessions) {
            authgear.delay(delay);
            for (String value : appSessions) {
                authgear.cookieSession("app_session", value, StandInSession.defaultUser());
            }
            return resolver(",\"resolver\":{\"max_concurrent_calls\":1" + moreSettings + "}");
        }

        @Test
        void pastMaxConcurrentCallsACredentialWaitsForAFreeSlotWithinItsTimeout() {
            Gate r = oneSlot(Duration.ofMillis(200), ",\"timeout_ms\":3000", "first", "second");
            long started = System.nanoTime();
            CompletableFuture<Decision> first = r.resolveAsync(GatewayRequest.of(null, "app_session=first"));
            CompletableFuture<Decision> second = r.resolveAsync(GatewayRequest.of(null, "app_session=second"));

            assertThat(second).as("waits for the first call's slot").isNotDone();
            assertThat(upstream(first.join())).isEqualTo(defaultUserHeaders());
            assertThat(upstream(second.join())).isEqualTo(defaultUserHeaders());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one call after the other").isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(authgear.calls("first")).isEqualTo(1);
            assertThat(authgear.calls("second")).isEqualTo(1);
            assertThat(events.failures).isEmpty();
            assertThat(events.queued).hasValue(1);
        }

        @Test
        void aCredentialThatCannotBeServedWithinItsTimeoutGetsOnErrorAtTheTimeout() {
            Gate r = oneSlot(Duration.ofMillis(600), ",\"timeout_ms\":400", "first", "second");
            CompletableFuture<Decision> first = r.resolveAsync(GatewayRequest.of(null, "app_session=first"));
            long started = System.nanoTime();
            Decision second = r.resolveAsync(GatewayRequest.of(null, "app_session=second")).join();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(second).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(waited).as("answered at its timeout, not after the first call").isBetween(Duration.ofMillis(350), Duration.ofMillis(1500));
            assertThat(first.join()).as("the first call timed out too").isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(authgear.calls("second")).as("no slot came free in time: never asked").isZero();
            assertThat(events.failures).anySatisfy(f -> assertThat(f).startsWith("timeout: Authgear's resolver not asked"));
        }

        @Test
        void pastTheQueueACredentialIsNotAskedAbout() {
            Gate r = oneSlot(Duration.ofMillis(300), ",\"max_queued_calls\":1,\"timeout_ms\":3000", "first", "second", "third");
            CompletableFuture<Decision> first = r.resolveAsync(GatewayRequest.of(null, "app_session=first"));
            CompletableFuture<Decision> second = r.resolveAsync(GatewayRequest.of(null, "app_session=second"));
            Decision third = r.resolveAsync(GatewayRequest.of(null, "app_session=third")).join();

            assertThat(third).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(events.failures).singleElement().asString().startsWith("overloaded: Authgear's resolver not asked: 1 calls in flight and 1 waiting");
            assertThat(upstream(first.join())).isEqualTo(defaultUserHeaders());
            assertThat(upstream(second.join())).isEqualTo(defaultUserHeaders());
            assertThat(upstream(r.resolve(GatewayRequest.of(null, "app_session=third")))).as("a slot is free again")
                    .isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls("third")).isEqualTo(1);
        }

        @Test
        void withNoQueuePastMaxConcurrentCallsACredentialIsNotAskedAbout() {
            Gate r = oneSlot(Duration.ofMillis(200), ",\"max_queued_calls\":0", "first", "second");
            CompletableFuture<Decision> first = r.resolveAsync(GatewayRequest.of(null, "app_session=first"));
            Decision second = r.resolveAsync(GatewayRequest.of(null, "app_session=second")).join();
            assertThat(second).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(events.failures).singleElement().asString().startsWith("overloaded");
            assertThat(upstream(first.join())).isEqualTo(defaultUserHeaders());
            assertThat(authgear.calls("second")).isZero();
        }

        @Test
        void theBlockingPathWaitsNoLongerThanTheTimeoutWhenQueued() {
            Gate r = oneSlot(Duration.ofSeconds(2), ",\"timeout_ms\":300", "first", "second");
            r.resolveAsync(GatewayRequest.of(null, "app_session=first"));
            long started = System.nanoTime();
            Decision second = r.resolve(GatewayRequest.of(null, "app_session=second"));
            assertThat(second).isSameAs(Denials.RESOLVER_UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
        }

        @Test
        void theAsyncPathNeverFails() {
            authgear.failWith(500);
            CompletableFuture<Decision> d = resolver("").resolveAsync(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(d.join()).isSameAs(Denials.RESOLVER_UNAVAILABLE);
        }
    }

    @Nested
    class EnforceMode {
        @Test
        void aCookieSessionPassesThePolicyOnWhatAuthgearAnswered() {
            authgear.cookieSession("app_session", "viewer", StandInSession.defaultUser().withRoles("viewer"));
            Gate r = resolver(",\"mode\":\"enforce\",\"policy\":{\"roles_any\":[\"admin\"]}");
            assertThat(r.resolve(GatewayRequest.of(null, VALID_COOKIE))).isInstanceOf(Decision.Allow.class);
            Decision viewer = r.resolve(GatewayRequest.of(null, "app_session=viewer"));
            assertThat(((Decision.Deny) viewer).status()).isEqualTo(403);
        }

        @Test
        void aRouteRequiringScopesRefusesACookieSessionWhichHasNone() {
            Decision d = resolver(",\"mode\":\"enforce\",\"policy\":{\"scopes_all\":[\"openid\"]}").resolve(GatewayRequest.of(null, VALID_COOKIE));
            assertThat(((Decision.Deny) d).status()).isEqualTo(403);
            assertThat(((Decision.Deny) d).body()).contains("insufficient_scope");
        }

        @Test
        void aDisabledUserIs401AndAnUnknownCookieToo() {
            Gate r = resolver(",\"mode\":\"enforce\"");
            assertThat(((Decision.Deny) r.resolve(GatewayRequest.of(null, "app_session=" + ResolverStandIn.SEEDED_DISABLED_USER_SESSION)))
                    .status()).isEqualTo(401);
            assertThat(((Decision.Deny) r.resolve(GatewayRequest.of(null, "app_session=unknown"))).status()).isEqualTo(401);
        }

        @Test
        void anAnonymousCookieSessionIsRefusedByDefault() {
            authgear.cookieSession("app_session", "anon", StandInSession.defaultUser().withAnonymous(true));
            Decision d = resolver(",\"mode\":\"enforce\"").resolve(GatewayRequest.of(null, "app_session=anon"));
            assertThat(((Decision.Deny) d).status()).isEqualTo(403);
        }
    }

    @Test
    void aResolverUrlElsewhereIsRefusedAtStartWhenTheJvmCannotSetHost() {
        // Surefire starts this JVM with jdk.httpclient.allowRestrictedHeaders=host, as each front's start-up
        // arranges in production; the refusal itself is checked by its message only.
        AuthgateConfig elsewhere = ConfigParser.parseJson("{\"authgear_endpoint\":\"https://auth.example.com\","
                + "\"resolver\":{\"url\":\"https://authgear.internal/_resolver/resolve\"}}");
        assertThat(elsewhere.resolver().orElseThrow().needsHostOverride()).isTrue();
        if (!io.authgate.core.remote.HttpResolverClient.canSetHost()) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> authgate.gateFor(elsewhere));
            assertThat(e.key()).isEqualTo("resolver.url");
            assertThat(e.reason()).contains("-Djdk.httpclient.allowRestrictedHeaders=host");
        } else {
            assertThat(authgate.gateFor(elsewhere)).isNotNull();
        }
    }
}
