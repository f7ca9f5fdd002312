package io.authgate.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.authgate.testkit.ResolverStandIn.APP_ACCESS_TOKEN;
import static io.authgate.testkit.ResolverStandIn.APP_SESSION;
import static io.authgate.testkit.ResolverStandIn.IDP_SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolverStandInTest {
    private static TestIssuer issuer;
    private static ResolverStandIn resolver;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade headers in the recorded requests
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The default user's headers, names lower-cased as {@link #authgearHeaders} returns them. */
    private static final Map<String, String> DEFAULT_USER = Map.of(
            "x-authgear-session-valid", "true",
            "x-authgear-user-id", AuthgearClaims.USER_ID,
            "x-authgear-user-anonymous", "false",
            "x-authgear-user-verified", "true",
            "x-authgear-user-can-reauthenticate", "true",
            "x-authgear-user-roles", "admin,editor",
            "x-authgear-session-amr", "pwd mfa otp",
            "x-authgear-session-authenticated-at", "1136171045");

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        resolver = issuer.resolver();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @BeforeEach
    void fresh() {
        resolver.reset();
        issuer.publish(TestKeys.rsa(TestIssuer.CURRENT_KID), TestKeys.rsa(TestIssuer.PREVIOUS_KID));
        issuer.failWith(0);
    }

    // ---- mounting -------------------------------------------------------------------------------

    @Test
    void isMountedAtBothPathsOfTheIssuer() throws Exception {
        assertThat(issuer.resolverUri()).isEqualTo(issuer.issuer() + "/_resolver/resolve");
        assertThat(get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session").statusCode()).isEqualTo(200);
        HttpResponse<String> shortPath = get(issuer.issuer() + "/resolve", "Cookie", "app_session=stand-in-app-session");
        assertThat(shortPath.statusCode()).isEqualTo(200);
        assertThat(authgearHeaders(shortPath)).isEqualTo(DEFAULT_USER);
    }

    @Test
    void otherPathsUnderTheSamePrefixAreNotTheResolver() throws Exception {
        assertThat(get(issuer.issuer() + "/resolvex").statusCode()).isEqualTo(404);
        assertThat(get(issuer.issuer() + "/_resolver/resolve/more").statusCode()).isEqualTo(404);
    }

    // ---- valid sessions -------------------------------------------------------------------------

    @Test
    void seededAppSessionCookieAnswersTheContractHeadersInGoCanonicalNames() throws Exception {
        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(authgearHeaders(r)).isEqualTo(DEFAULT_USER);
        assertThat(StandInSession.defaultUser().headers()).containsExactly(
                Map.entry("X-Authgear-Session-Valid", "true"),
                Map.entry("X-Authgear-User-Id", AuthgearClaims.USER_ID),
                Map.entry("X-Authgear-User-Anonymous", "false"),
                Map.entry("X-Authgear-User-Verified", "true"),
                Map.entry("X-Authgear-User-Can-Reauthenticate", "true"),
                Map.entry("X-Authgear-User-Roles", "admin,editor"),
                Map.entry("X-Authgear-Session-Amr", "pwd mfa otp"),
                Map.entry("X-Authgear-Session-Authenticated-At", "1136171045"));
    }

    @Test
    void onTheWireEveryNameIsOneOfTheContractNamesIgnoringCaseAndNoAcr() throws Exception {
        String raw = raw("GET", "/_resolver/resolve", host(), "Cookie: app_session=stand-in-app-session\r\n");

        assertThat(raw).startsWith("HTTP/1.1 200");
        List<String> names = new ArrayList<>();
        for (String line : raw.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("x-authgear-")) {
                names.add(line.substring(0, line.indexOf(':')));
            }
        }
        // The JDK server writes "X-authgear-user-id" where Authgear writes "X-Authgear-User-Id".
        assertThat(names).map(n -> n.toLowerCase(Locale.ROOT))
                .containsExactlyInAnyOrderElementsOf(DEFAULT_USER.keySet());
        assertThat(raw.toLowerCase(Locale.ROOT)).doesNotContain("acr");
    }

    @Test
    void headAnswersLikeGet() throws Exception {
        HttpResponse<String> r = send(request(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(authgearHeaders(r)).isEqualTo(DEFAULT_USER);
    }

    @Test
    void everySeededCredentialResolvesToTheDefaultUser() throws Exception {
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "app_access_token=stand-in-app-access-token"))).isEqualTo(DEFAULT_USER);
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "session=stand-in-idp-session"))).isEqualTo(DEFAULT_USER);
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer stand-in-opaque-token"))).isEqualTo(DEFAULT_USER);
    }

    @Test
    void aRegisteredOpaqueTokenResolvesAndTheSchemeIsCaseInsensitive() throws Exception {
        resolver.opaqueToken("opaque-1", StandInSession.defaultUser().withUserId("u-1").withRoles().withAmr().withAuthTime(0));

        Map<String, String> h = authgearHeaders(get(issuer.resolverUri(), "Authorization", "bEaReR opaque-1"));

        assertThat(h).containsEntry("x-authgear-user-id", "u-1")
                .containsEntry("x-authgear-session-amr", "")
                .doesNotContainKeys("x-authgear-user-roles", "x-authgear-session-authenticated-at");
    }

    @Test
    void theTokenIsTheRestAfterTheFirstSpaceUntrimmedAndOtherSchemesAreIgnored() throws Exception {
        resolver.opaqueToken(" spaced", StandInSession.defaultUser().withUserId("spaced"));

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer  spaced")))
                .containsEntry("x-authgear-user-id", "spaced");
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Basic stand-in-opaque-token"))).isEmpty();
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearerstand-in-opaque-token"))).isEmpty();
    }

    @Test
    void onlyTheFirstAuthorizationHeaderCounts() throws Exception {
        HttpResponse<String> r = send(request(issuer.resolverUri(), "Authorization", "Bearer unknown")
                .header("Authorization", "Bearer stand-in-opaque-token").build());
        assertThat(authgearHeaders(r)).isEmpty();
    }

    @Test
    void aJwtFromTheIssuerResolvesFromItsClaims() throws Exception {
        long now = Instant.now().getEpochSecond();
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, now);

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isEqualTo(DEFAULT_USER);

        String other = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of(
                "sub", "6f1c2b7a-0000-4000-8000-000000000001",
                AuthgearClaims.ROLES, List.of(),
                AuthgearClaims.ANONYMOUS, true,
                "amr", List.of("pwd"))).signedBy("previous"), now);
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + other))).containsEntry("x-authgear-user-id", "6f1c2b7a-0000-4000-8000-000000000001")
                .containsEntry("x-authgear-user-anonymous", "true")
                .containsEntry("x-authgear-session-amr", "pwd")
                .doesNotContainKey("x-authgear-user-roles");
    }

    // ---- bearer tokens that do not resolve ------------------------------------------------------

    @Test
    void aForgedJwtDoesNotResolveAndFallsThroughToTheCookie() throws Exception {
        long now = Instant.now().getEpochSecond();
        String forged = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("sub", "attacker")).signedBy("attacker"), now);

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + forged))).isEmpty();
        HttpResponse<String> withCookie = send(request(issuer.resolverUri(), "Authorization", "Bearer " + forged)
                .header("Cookie", "app_session=stand-in-app-session").build());
        assertThat(authgearHeaders(withCookie)).isEqualTo(DEFAULT_USER);
    }

    @Test
    void badJwtsDoNotResolve() throws Exception {
        long now = Instant.now().getEpochSecond();
        TokenMinter minter = new TokenMinter(issuer.issuer());
        List<String> bad = List.of(
                minter.mint(TokenRecipe.VALID.signedBy("tamper"), now),
                minter.mint(TokenRecipe.VALID.signedBy("none"), now),
                minter.mint(TokenRecipe.VALID.signedBy("hs256_public_key"), now),
                minter.mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), now),
                minter.mint(TokenRecipe.withClaims(Map.of("exp", "now")), now),
                minter.mint(TokenRecipe.withClaims(Map.of("iat", "now+60")), now),
                minter.mint(TokenRecipe.withClaims(Map.of("iss", "https://elsewhere.example")), now),
                minter.mint(TokenRecipe.withClaims(Map.of("aud", "https://elsewhere.example")), now),
                minter.mint(TokenRecipe.withClaims(Map.of("sub", "client_id_e0e0b5b0f6a2c3d4")), now),
                minter.mint(TokenRecipe.VALID.withHeader(Map.of("kid", "unknown-kid")), now),
                "not.a.jwt");
        for (int i = 0; i < bad.size(); i++) {
            // labelled by position, not by value: no token in the test output
            assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + bad.get(i)))).as("bad token #" + i).isEmpty();
        }
    }

    @Test
    void aJwtSignedByAKeyNoLongerPublishedDoesNotResolve() throws Exception {
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID.signedBy("previous"), Instant.now().getEpochSecond());
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isNotEmpty();

        issuer.publish(TestKeys.rsa(TestIssuer.CURRENT_KID));

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isEmpty();
    }

    @Test
    void theStandInClockDecidesExpiry() throws Exception {
        MutableClock clock = MutableClock.now();
        resolver.clock(clock);
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, clock.epochSeconds());
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isNotEmpty();

        clock.advance(Duration.ofSeconds(1800));

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isEmpty();
    }

    @Test
    void revokedTokensAndUsersDoNotResolve() throws Exception {
        long now = Instant.now().getEpochSecond();
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, now);
        String otherJwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("jti", "another")), now);

        resolver.revoke(jwt);
        resolver.revoke(ResolverStandIn.SEEDED_OPAQUE_TOKEN);

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt))).isEmpty();
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer stand-in-opaque-token"))).isEmpty();
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + otherJwt))).isEqualTo(DEFAULT_USER);

        resolver.revokeUser(AuthgearClaims.USER_ID);

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + otherJwt))).isEmpty();
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session"))).isEmpty();
    }

    @Test
    void aRevokedBearerFallsThroughToTheCookies() throws Exception {
        resolver.revoke(ResolverStandIn.SEEDED_OPAQUE_TOKEN);
        HttpResponse<String> r = send(request(issuer.resolverUri(), "Authorization", "Bearer stand-in-opaque-token")
                .header("Cookie", "app_access_token=stand-in-app-access-token").build());
        assertThat(authgearHeaders(r)).isEqualTo(DEFAULT_USER);
    }

    // ---- cookies --------------------------------------------------------------------------------

    @Test
    void cookiesAreTriedInAuthgearsOrder() throws Exception {
        resolver.cookieSession(APP_SESSION, "a", StandInSession.defaultUser().withUserId("from-app-session"));
        resolver.cookieSession(APP_ACCESS_TOKEN, "b", StandInSession.defaultUser().withUserId("from-access-token"));
        resolver.cookieSession(IDP_SESSION, "c", StandInSession.defaultUser().withUserId("from-idp"));

        assertThat(userId("session=c; app_access_token=b; app_session=a")).isEqualTo("from-app-session");
        assertThat(userId("session=c; app_access_token=b; app_session=unknown")).isEqualTo("from-access-token");
        assertThat(userId("session=c; app_access_token=unknown")).isEqualTo("from-idp");
    }

    @Test
    void bearerWinsOverCookies() throws Exception {
        resolver.opaqueToken("t", StandInSession.defaultUser().withUserId("from-bearer"));
        HttpResponse<String> r = send(request(issuer.resolverUri(), "Authorization", "Bearer t")
                .header("Cookie", "app_session=stand-in-app-session").build());
        assertThat(authgearHeaders(r)).containsEntry("x-authgear-user-id", "from-bearer");
    }

    @Test
    void cookiesAreReadLikeGo() throws Exception {
        // quotes stripped, spaces around pairs ignored
        assertThat(userId("  other=1 ;  app_session=\"stand-in-app-session\"  ")).isEqualTo(AuthgearClaims.USER_ID);
        // the first occurrence wins, across Cookie headers (a raw request: HttpClient joins them into one)
        resolver.cookieSession(APP_SESSION, "second", StandInSession.defaultUser().withUserId("second"));
        String answer = raw("GET", "/_resolver/resolve", host(),
                "Cookie: app_session=stand-in-app-session\r\nCookie: app_session=second\r\n");
        assertThat(answer).containsIgnoringCase("x-authgear-user-id: " + AuthgearClaims.USER_ID + "\r\n");
        answer = raw("GET", "/_resolver/resolve", host(), "Cookie: x=1\r\nCookie: app_session=second; app_session=stand-in-app-session\r\n");
        assertThat(answer).containsIgnoringCase("x-authgear-user-id: second\r\n");
        // an invalid pair is skipped, so a later valid one is used
        assertThat(userId("app_session=bad\\value; app_session=second")).isEqualTo("second");
    }

    @Test
    void unknownAppCookiesYieldNothing() throws Exception {
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "app_session=nope; app_access_token=nope"))).isEmpty();
    }

    @Test
    void anUnknownIdpSessionCookieIsInvalidAndCleared() throws Exception {
        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "session=nope");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(authgearHeaders(r)).containsExactly(Map.entry("x-authgear-session-valid", "false"));
        assertThat(r.headers().allValues("set-cookie")).containsExactly("session=; Max-Age=0; Path=/");
    }

    @Test
    void aRevokedIdpSessionCookieIsInvalidAndCleared() throws Exception {
        resolver.revoke(ResolverStandIn.SEEDED_IDP_SESSION);
        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "session=stand-in-idp-session");
        assertThat(authgearHeaders(r)).containsExactly(Map.entry("x-authgear-session-valid", "false"));
        assertThat(r.headers().allValues("set-cookie")).containsExactly("session=; Max-Age=0; Path=/");
    }

    @Test
    void theCookiePrefixAppliesToSeededAndRegisteredCookies() throws Exception {
        resolver.cookiePrefix("ag_");

        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session"))).isEmpty();
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "ag_app_session=stand-in-app-session"))).isEqualTo(DEFAULT_USER);
        HttpResponse<String> idp = get(issuer.resolverUri(), "Cookie", "ag_session=nope");
        assertThat(authgearHeaders(idp)).containsExactly(Map.entry("x-authgear-session-valid", "false"));
        assertThat(idp.headers().allValues("set-cookie")).containsExactly("ag_session=; Max-Age=0; Path=/");
    }

    @Test
    void onlyAuthgearsCookieNamesCanBeRegistered() {
        assertThatThrownBy(() -> resolver.cookieSession("ag_app_session", "x", StandInSession.defaultUser()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- invalid sessions -----------------------------------------------------------------------

    @Test
    void aDisabledUsersSessionIsFoundButInvalid() throws Exception {
        HttpResponse<String> seeded = get(issuer.resolverUri(), "Cookie", "app_session=stand-in-disabled-user-session");
        assertThat(authgearHeaders(seeded)).containsExactly(Map.entry("x-authgear-session-valid", "false"));
        assertThat(seeded.headers().allValues("set-cookie")).isEmpty();

        resolver.disableUser(AuthgearClaims.USER_ID);
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, Instant.now().getEpochSecond());
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Authorization", "Bearer " + jwt)))
                .containsExactly(Map.entry("x-authgear-session-valid", "false"));
    }

    @Test
    void noCredentialsAnswersNothing() throws Exception {
        HttpResponse<String> r = get(issuer.resolverUri());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(authgearHeaders(r)).isEmpty();
    }

    // ---- host, method ---------------------------------------------------------------------------

    @Test
    void anotherHostIsAnUnknownProject() throws Exception {
        String cookie = "Cookie: app_session=stand-in-app-session\r\n";
        assertThat(raw("GET", "/_resolver/resolve", "localhost:" + port(), cookie)).startsWith("HTTP/1.1 404");
        assertThat(raw("GET", "/_resolver/resolve", "auth.example.com", cookie)).startsWith("HTTP/1.1 404");
        assertThat(raw("GET", "/_resolver/resolve", host(), cookie)).startsWith("HTTP/1.1 200");

        resolver.expectHost("auth.example.com");

        String answer = raw("GET", "/_resolver/resolve", "auth.example.com", cookie);
        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("x-authgear-user-id: " + AuthgearClaims.USER_ID);
        assertThat(raw("GET", "/_resolver/resolve", host(), cookie)).startsWith("HTTP/1.1 404");
    }

    @Test
    void onlyGetAndHead() throws Exception {
        HttpResponse<String> post = send(request(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(authgearHeaders(post)).isEmpty();
        assertThat(raw("DELETE", "/_resolver/resolve", host(), "")).startsWith("HTTP/1.1 405");
    }

    // ---- test controls --------------------------------------------------------------------------

    @Test
    void failWithAnswersThatStatusWithoutHeadersWhileJwksKeepsWorking() throws Exception {
        resolver.failWith(503);

        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(authgearHeaders(r)).isEmpty();
        assertThat(get(issuer.jwksUri()).statusCode()).isEqualTo(200);

        resolver.failWith(0);
        assertThat(get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session").statusCode()).isEqualTo(200);
    }

    @Test
    void theIssuersFailuresDoNotReachTheResolver() throws Exception {
        issuer.failWith(500);
        assertThat(get(issuer.jwksUri()).statusCode()).isEqualTo(500);
        assertThat(authgearHeaders(get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session"))).isEqualTo(DEFAULT_USER);
    }

    @Test
    void delayHoldsTheAnswerButNotOtherCalls() throws Exception {
        resolver.delay(Duration.ofMillis(400));
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(HTTP.sendAsync(request(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(resolver.awaitCalls(20, Duration.ofSeconds(5))).isTrue();
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            assertThat(authgearHeaders(f.join())).isEqualTo(DEFAULT_USER);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofMillis(4000));
    }

    @Test
    void extraHeadersAreAddedToEveryAnswer() throws Exception {
        resolver.extraHeaders(Map.of("X-Authgear-Session-Acr", "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
                "X-Other", "1"));

        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session");
        assertThat(r.headers().firstValue("x-authgear-session-acr")).isPresent();
        assertThat(r.headers().firstValue("x-other")).hasValue("1");
        assertThat(get(issuer.resolverUri()).headers().firstValue("x-other")).hasValue("1");
    }

    @Test
    void resetRestoresSeedsAndControlsAndForgetsCalls() throws Exception {
        resolver.revoke(ResolverStandIn.SEEDED_APP_SESSION);
        resolver.cookiePrefix("p_");
        resolver.failWith(500);
        resolver.expectHost("elsewhere");
        resolver.extraHeaders(Map.of("X-Other", "1"));
        get(issuer.resolverUri());

        resolver.reset();

        assertThat(resolver.calls()).isZero();
        HttpResponse<String> r = get(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session");
        assertThat(authgearHeaders(r)).isEqualTo(DEFAULT_USER);
        assertThat(r.headers().firstValue("x-other")).isEmpty();
    }

    // ---- counting and recording -----------------------------------------------------------------

    @Test
    void countsCallsAndRecordsWhatArrived() throws Exception {
        String jwt = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, Instant.now().getEpochSecond());
        get(issuer.resolverUri(), "Authorization", "Bearer " + jwt);
        get(issuer.resolverUri(), "Cookie", "x=1; app_session=stand-in-app-session");
        raw("GET", "/_resolver/resolve", host(), "Cookie: app_session=stand-in-app-session\r\nCookie: session=stand-in-idp-session\r\n");
        get(issuer.issuer() + "/resolve");

        assertThat(resolver.calls()).isEqualTo(4);
        assertThat(resolver.calls(jwt)).isEqualTo(1);
        assertThat(resolver.calls(ResolverStandIn.SEEDED_APP_SESSION)).isEqualTo(2);
        assertThat(resolver.calls(ResolverStandIn.SEEDED_IDP_SESSION)).isEqualTo(1);
        assertThat(resolver.calls("never-sent")).isZero();

        List<RecordedRequest> requests = resolver.requests();
        assertThat(requests).extracting(RecordedRequest::path)
                .containsExactly("/_resolver/resolve", "/_resolver/resolve", "/_resolver/resolve", "/resolve");
        assertThat(requests).extracting(RecordedRequest::method).containsOnly("GET");
        RecordedRequest third = requests.get(2);
        assertThat(third.headers().keySet()).allMatch(n -> n.equals(n.toLowerCase(Locale.ROOT)));
        assertThat(third.headers("Cookie")).containsExactly("app_session=stand-in-app-session", "session=stand-in-idp-session");
        assertThat(third.header("host")).isEqualTo(host());
        assertThat(requests.get(0).header("authorization")).isEqualTo("Bearer " + jwt);
        assertThatThrownBy(() -> requests.add(third)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> third.headers().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void concurrentCallsAreAllCounted() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            inFlight.add(HTTP.sendAsync(request(issuer.resolverUri(), "Cookie", "app_session=stand-in-app-session").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        inFlight.forEach(CompletableFuture::join);
        assertThat(resolver.calls()).isEqualTo(100);
        assertThat(resolver.calls(ResolverStandIn.SEEDED_APP_SESSION)).isEqualTo(100);
        assertThat(resolver.requests()).hasSize(100);
    }

    @Test
    void awaitCallsTimesOut() throws Exception {
        assertThat(resolver.awaitCalls(1, Duration.ofMillis(50))).isFalse();
    }

    // ---- StandInSession -------------------------------------------------------------------------

    @Test
    void theDefaultUserMatchesTheDefaultTokenClaims() {
        Map<String, Object> claims = AuthgearClaims.user("http://x", 0);
        StandInSession user = StandInSession.defaultUser();
        assertThat(user.userId()).isEqualTo(claims.get("sub"));
        assertThat(user.roles()).isEqualTo(claims.get(AuthgearClaims.ROLES));
        assertThat(user.amr()).isEqualTo(claims.get("amr"));
        assertThat(user.authTime()).isEqualTo(claims.get("auth_time"));
        assertThat(user.anonymous()).isEqualTo(claims.get(AuthgearClaims.ANONYMOUS));
        assertThat(user.verified()).isEqualTo(claims.get(AuthgearClaims.VERIFIED));
        assertThat(user.canReauthenticate()).isEqualTo(claims.get(AuthgearClaims.CAN_REAUTHENTICATE));
        assertThatThrownBy(() -> user.roles().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String userId(String cookieHeader) throws Exception {
        return authgearHeaders(get(issuer.resolverUri(), "Cookie", cookieHeader)).get("x-authgear-user-id");
    }

    /** The x-authgear-* headers of an answer, names lower-cased, one value each (more fails). */
    private static Map<String, String> authgearHeaders(HttpResponse<?> response) {
        Map<String, String> out = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-authgear-")) {
                assertThat(values).as(lower).hasSize(1);
                out.put(lower, values.get(0));
            }
        });
        return out;
    }

    private static HttpRequest.Builder request(String uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static HttpResponse<String> get(String uri, String... headers) throws IOException, InterruptedException {
        return send(request(uri, headers).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int port() {
        return URI.create(issuer.issuer()).getPort();
    }

    private static String host() {
        return "127.0.0.1:" + port();
    }

    /** A request over a plain socket, so the Host header can be anything. Returns the whole answer. */
    private static String raw(String method, String path, String host, String extraHeaderLines) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaderLines
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
