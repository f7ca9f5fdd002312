package io.authgate.testkit;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * (Issue 15 item 1) The conformance table's two Authgear projects: what a runner is handed for a row
 * that names a route, that a runner set up with one issuer fails such a row loudly, and that a
 * table row naming projects wrongly fails at load, naming the row.
 */
class ConformanceProjectsTest {
    private static ConformanceProjects projects;

    @BeforeAll
    static void start() {
        projects = ConformanceProjects.start();
    }

    @AfterAll
    static void stop() {
        projects.close();
    }

    private static List<ConformanceCase> twoProjectRows() {
        return ConformanceTable.load().stream().filter(ConformanceCase::twoProjects).toList();
    }

    private static ConformanceCase row(String name) {
        return ConformanceTable.load().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theTableHasTwoProjectRowsForEveryDefaultFront() {
        assertThat(twoProjectRows()).hasSizeGreaterThanOrEqualTo(18);
        for (String front : List.of("core", "apisix", "forward-auth", "nginx", "caddy", "caddy-2.11", "traefik", "envoy")) {
            assertThat(twoProjectRows()).as(front).filteredOn(c -> c.appliesTo(front)).hasSizeGreaterThanOrEqualTo(18);
        }
        assertThat(twoProjectRows()).anyMatch(c -> c.route() == TestProject.SECOND && c.project() == TestProject.SECOND);
        assertThat(twoProjectRows()).anyMatch(c -> c.route() == TestProject.SECOND && c.project() == TestProject.FIRST && c.token() != null);
        assertThat(twoProjectRows()).anyMatch(c -> c.route() == TestProject.FIRST && c.project() == TestProject.SECOND);
    }

    @Test
    void aRunnerWithOneIssuerFailsEveryTwoProjectRowLoudly() {
        for (ConformanceCase c : twoProjectRows()) {
            assertThatThrownBy(() -> c.configFor(projects.first().issuer())).as(c.name())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(c.name()).hasMessageContaining("ConformanceProjects");
        }
        ConformanceCase oneProject = row("valid token yields every contract header");
        assertThat(oneProject.configFor(projects.first().issuer())).containsEntry("authgear_endpoint", projects.first().issuer());
    }

    @Test
    void theSecondRouteIsItsProjectsOwnConfigurationOnEveryShapeOfFront() {
        ConformanceCase c = row("enforce mode on the second route lets its own project's token through");
        assertThat(c.target()).startsWith(TestProject.SECOND_PREFIX + "/");
        assertThat(projects.routeConfig(c)).isEqualTo(Map.of("authgear_endpoint", projects.second().issuer(), "mode", "enforce"));

        Map<String, Object> adapter = projects.adapterConfig(c);
        assertThat(adapter).containsEntry("authgear_endpoint", projects.first().issuer()).containsEntry("mode", "enforce");
        assertThat(adapter.get("rules")).isEqualTo(List.of(Map.of("match", Map.of("path_prefix", TestProject.SECOND_PREFIX),
                "authgear_endpoint", projects.second().issuer(), "mode", "enforce")));

        ConformanceCase first = row("a second-project cookie is unknown to the first project's resolver");
        assertThat(projects.routeConfig(first)).containsEntry("authgear_endpoint", projects.first().issuer());
        assertThat(projects.adapterConfig(first)).containsKey("rules");
    }

    @Test
    void aSecondProjectTokenIsSignedWithItsOwnKeyAndNamesItsIssuer() throws Exception {
        ConformanceCase c = row("a second-project token on the second project's route yields its session headers");
        SignedJWT jwt = SignedJWT.parse(projects.token(c, System.currentTimeMillis() / 1000));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(TestProject.SECOND.currentKid()).isNotEqualTo(TestProject.FIRST.currentKid());
        assertThat(jwt.verify(new RSASSAVerifier(TestKeys.rsa(TestProject.SECOND.currentKid()).toRSAPublicKey()))).isTrue();
        assertThat(jwt.verify(new RSASSAVerifier(TestKeys.rsa(TestProject.FIRST.currentKid()).toRSAPublicKey()))).isFalse();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(projects.second().issuer());

        ConformanceCase forged = row("the second project's key naming the first project as issuer and audience is an unknown kid on the first route");
        SignedJWT named = SignedJWT.parse(projects.token(forged, System.currentTimeMillis() / 1000));
        assertThat(named.getJWTClaimsSet().getIssuer()).isEqualTo(projects.first().issuer());
        assertThat(named.getJWTClaimsSet().getAudience()).containsExactly(projects.first().issuer());
    }

    @Test
    void eachProjectsResolverKnowsOnlyItsOwnSessions() throws Exception {
        assertThat(resolvedUser(projects.second(), ResolverStandIn.SEEDED_SECOND_PROJECT_APP_SESSION))
                .contains(ResolverStandIn.SECOND_PROJECT_USER.userId());
        assertThat(resolvedUser(projects.second(), ResolverStandIn.SEEDED_APP_SESSION)).as("the first project's cookie").isEmpty();
        assertThat(resolvedUser(projects.first(), ResolverStandIn.SEEDED_SECOND_PROJECT_APP_SESSION)).as("the second's").isEmpty();
        assertThat(resolvedUser(projects.first(), ResolverStandIn.SEEDED_APP_SESSION)).contains(AuthgearClaims.USER_ID);
    }

    /** The user id the project's resolver answers for this app_session cookie, over HTTP. */
    private static java.util.Optional<String> resolvedUser(TestIssuer issuer, String appSession) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpResponse<Void> answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(issuer.resolverUri()))
                .header("Cookie", ResolverStandIn.APP_SESSION + "=" + appSession).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.headers().firstValue("x-authgear-user-id");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "project-without-route.yaml | second token, no route: a row naming a project names its route too",
            "target-off-route.yaml | second route, first target: the target /api/orders is not on the second project's route",
            "route-with-endpoint.yaml | route and endpoint: a row naming a route leaves rules and authgear_endpoint to the runner",
            "unknown-project.yaml | a third project: no project named third"})
    void aRowNamingProjectsWronglyFailsAtLoadNamingIt(String table, String message) {
        assertThatThrownBy(() -> ConformanceTable.load("broken-tables/" + table))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(message);
    }
}
