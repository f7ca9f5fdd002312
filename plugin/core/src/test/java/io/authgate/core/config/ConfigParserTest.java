package io.authgate.core.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.authgate.core.headers.ClaimHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every key of the configuration: accepted values, defaults, and the key and reason of each refusal. */
class ConfigParserTest {
    private static final String ENDPOINT = "https://auth.example.com";

    /** A document with a valid endpoint plus the given members (JSON text, without braces). */
    private static AuthgateConfig parseWith(String members) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"" + ENDPOINT + "\"" + (members.isEmpty() ? "" : "," + members) + "}");
    }

    private static ConfigException rejectionOf(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parseJson(json));
        assertThat(e).as("a ConfigException for %s", json).isNotNull();
        assertThat(e.reason()).as("reason").isNotBlank();
        assertThat(e.getMessage()).isEqualTo(e.key() + ": " + e.reason());
        return e;
    }

    private static ConfigException rejectionWith(String members) {
        return rejectionOf("{\"authgear_endpoint\":\"" + ENDPOINT + "\"," + members + "}");
    }

    private static String endpoint(String value) {
        return "{\"authgear_endpoint\":\"" + value + "\"}";
    }

    @Nested
    class Defaults {
        @Test
        void minimalConfigurationGetsEveryDefault() {
            AuthgateConfig c = ConfigParser.parseJson(endpoint(ENDPOINT));

            assertThat(c.issuer()).isEqualTo(ENDPOINT);
            assertThat(c.jwksUri()).isNull();
            assertThat(c.audiences()).containsExactly(ENDPOINT);
            assertThat(c.clockSkew()).isEqualTo(Duration.ZERO);
            assertThat(c.algorithms()).containsExactly("RS256");
            assertThat(c.cookiePrefix()).isEmpty();
            assertThat(c.mode()).isEqualTo(Mode.RESOLVE);
            assertThat(c.jwks()).isEqualTo(JwksSettings.DEFAULTS);
            assertThat(c.tokenCacheMaxBytes()).isEqualTo(MemoryBudgets.tokenCacheDefault(MemoryBudgets.maxHeap()));
        }

        @Test
        void discoveryUriIsTheWellKnownDocumentOfTheIssuer() {
            assertThat(ConfigParser.parseJson(endpoint(ENDPOINT)).discoveryUri())
                    .isEqualTo(URI.create(ENDPOINT + "/.well-known/openid-configuration"));
        }

        @Test
        void topLevelKeysListsEveryKnownKey() {
            assertThat(ConfigParser.topLevelKeys()).containsExactlyInAnyOrder("authgear_endpoint", "jwks_uri", "audience",
                    "clock_skew_seconds", "algorithms", "cookie_prefix", "mode", "policy", "jwks", "token_cache_max_bytes",
                    "token_cache_max_entries", "resolver", "live", "claims_to_headers", "revocation", "allow_cors_preflight", "login_redirect");
        }
    }

    @Nested
    class Revocation {
        @Test
        void defaultsToAnHourNoSecretAndAHundredThousandEntries() {
            RevocationSettings r = parseWith("").revocation();
            assertThat(r).isEqualTo(RevocationSettings.DEFAULTS);
            assertThat(r.webhookSecret()).isEmpty();
            assertThat(r.maxTokenLifetime()).isEqualTo(Duration.ofHours(1));
            assertThat(r.maxEntries()).isEqualTo(100_000);
        }

        @Test
        void readsTheSecretAndTheBounds() {
            RevocationSettings r = parseWith("\"revocation\":{\"webhook_secret\":\"0123456789abcdefghijklmnopqrstuv\","
                    + "\"max_token_lifetime_seconds\":1800,\"max_entries\":5}").revocation();
            assertThat(r.webhookSecret()).contains(WebhookSecret.of("0123456789abcdefghijklmnopqrstuv", "k"));
            assertThat(r.maxTokenLifetime()).isEqualTo(Duration.ofMinutes(30));
            assertThat(r.maxEntries()).isEqualTo(5);
            assertThat(r.toString()).doesNotContain("0123456789abcdefghijklmnopqrstuv");
        }

        @Test
        void badValuesNameTheirKey() {
            assertFails("\"revocation\":{\"webhook_secret\":\"short\"}", "revocation.webhook_secret");
            assertFails("\"revocation\":{\"webhook_secret\":42}", "revocation.webhook_secret");
            assertFails("\"revocation\":{\"webhook_secret\":\" 0123456789abcdefghijklmnopqrstuv\"}", "revocation.webhook_secret");
            assertFails("\"revocation\":{\"max_token_lifetime_seconds\":59}", "revocation.max_token_lifetime_seconds");
            assertFails("\"revocation\":{\"max_token_lifetime_seconds\":86401}", "revocation.max_token_lifetime_seconds");
            assertFails("\"revocation\":{\"max_entries\":0}", "revocation.max_entries");
            assertFails("\"revocation\":{\"secret\":\"x\"}", "revocation.secret");
            assertFails("\"revocation\":true", "revocation");
        }

        @Test
        void withoutARedisSectionTheFeedIsEmbedded() {
            assertThat(parseWith("").revocation().redis()).isEmpty();
        }

        @Test
        void theRedisSectionIsReadOnceAndItsRetentionDefaultsToTheTokenLifetime() {
            RevocationSettings r = parseWith("\"revocation\":{\"max_token_lifetime_seconds\":1800,"
                    + "\"redis\":{\"uri\":\"redis://:pw-123@127.0.0.1:6390/2\",\"stream\":\"s1\"}}").revocation();
            io.authgate.core.revocation.redis.RedisSettings redis = r.redis().orElseThrow();
            assertThat(redis.retention()).isEqualTo(Duration.ofMinutes(30));
            assertThat(redis.stream()).isEqualTo("s1");
            assertThat(redis.uri().port()).isEqualTo(6390);
            assertThat(r.toString()).doesNotContain("pw-123");
            assertThat(parseWith("\"revocation\":{\"redis\":{\"uri\":\"redis://127.0.0.1:6390\",\"retention_seconds\":7200}}")
                    .revocation().redis().orElseThrow().retention()).isEqualTo(Duration.ofHours(2));
        }

        @Test
        void badRedisValuesNameTheirKey() {
            assertFails("\"revocation\":{\"redis\":{}}", "revocation.redis.uri");
            assertFails("\"revocation\":{\"redis\":{\"uri\":\"http://127.0.0.1:6390\"}}", "revocation.redis.uri");
            assertFails("\"revocation\":{\"redis\":{\"uri\":\"redis://127.0.0.1:6390\",\"read_count\":0}}", "revocation.redis.read_count");
            assertFails("\"revocation\":{\"redis\":{\"uri\":\"redis://127.0.0.1:6390\",\"streem\":\"x\"}}", "revocation.redis.streem");
            assertFails("\"revocation\":{\"redis\":\"redis://127.0.0.1:6390\"}", "revocation.redis");
        }

        @Test
        void aRetentionShorterThanTheTokenLifetimeIsRefused() {
            // A node started late reads the stream back only as far as the retention: a shorter one
            // would forget revocations whose tokens are still valid.
            assertFails("\"revocation\":{\"redis\":{\"uri\":\"redis://127.0.0.1:6390\",\"retention_seconds\":3599}}",
                    "revocation.redis.retention_seconds");
        }

        private void assertFails(String json, String key) {
            assertThatThrownBy(() -> parseWith(json)).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.key()).isEqualTo(key));
        }
    }

    @Nested
    class ClaimsToHeaders {
        @Test
        void mapsHeaderNamesInLowerCaseToClaimsInOrder() {
            AuthgateConfig c = parseWith("\"claims_to_headers\":{\"X-Myapp-Tenant\":\"https://myapp.example/tenant\",\"x-plan\":\"plan\"}");
            assertThat(c.claimHeaders().mappings()).containsExactly(
                    new ClaimHeaders.Mapping("x-myapp-tenant", "https://myapp.example/tenant"), new ClaimHeaders.Mapping("x-plan", "plan"));
        }

        @Test
        void absentOrEmptyIsNone() {
            assertThat(parseWith("").claimHeaders()).isEqualTo(ClaimHeaders.NONE);
            assertThat(parseWith("\"claims_to_headers\":{}").claimHeaders()).isEqualTo(ClaimHeaders.NONE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"x-authgear-tenant", "X-AUTHGEAR-tenant", "x_authgear_tenant", "X_Authgear-Tenant"})
        void refusesTheAuthgearFamilyInEverySpelling(String name) {
            ConfigException e = rejectionWith("\"claims_to_headers\":{\"" + name + "\":\"tenant\"}");
            assertThat(e.key()).isEqualTo("claims_to_headers." + name);
            assertThat(e.reason()).contains("x-authgear-");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "x tenant", "x:tenant", "x-t\\u00e9nant", "x-tenant\\r\\n", "(x)"})
        void refusesNamesThatAreNotHttpTokens(String name) {
            ConfigException e = rejectionWith("\"claims_to_headers\":{\"" + name + "\":\"tenant\"}");
            assertThat(e.key()).startsWith("claims_to_headers.");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Host", "authorization", "Cookie", "content-length", "transfer_encoding", "cache-control"})
        void refusesNamesThatFrameTheRequestOrCarryACredential(String name) {
            assertThat(rejectionWith("\"claims_to_headers\":{\"" + name + "\":\"tenant\"}").reason()).contains("pick another name");
        }

        @Test
        void refusesANameLongerThanTheBound() {
            assertThat(parseWith("\"claims_to_headers\":{\"" + "x".repeat(64) + "\":\"t\"}").claimHeaders().mappings()).hasSize(1);
            assertThat(rejectionWith("\"claims_to_headers\":{\"" + "x".repeat(65) + "\":\"t\"}").reason()).contains("1 to 64");
        }

        @Test
        void refusesMoreSeparatorsThanTheBound() {
            assertThat(parseWith("\"claims_to_headers\":{\"x-a-b-c_d-e-f\":\"t\"}").claimHeaders().mappings()).hasSize(1);
            assertThat(rejectionWith("\"claims_to_headers\":{\"x-a-b-c_d-e-f-g\":\"t\"}").reason()).contains("more than 6");
        }

        @Test
        void refusesTwoSpellingsOfOneHeader() {
            ConfigException e = rejectionWith("\"claims_to_headers\":{\"X-Tenant\":\"a\",\"x_tenant\":\"b\"}");
            assertThat(e.key()).isEqualTo("claims_to_headers.x_tenant");
            assertThat(e.reason()).contains("claims_to_headers.X-Tenant");
        }

        @Test
        void refusesMoreThanTheBoundOfMappings() {
            StringBuilder ok = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                ok.append(i == 0 ? "" : ",").append("\"x-c").append(i).append("\":\"c\"");
            }
            assertThat(parseWith("\"claims_to_headers\":{" + ok + "}").claimHeaders().mappings()).hasSize(32);
            ConfigException e = rejectionWith("\"claims_to_headers\":{" + ok + ",\"x-c32\":\"c\"}");
            assertThat(e.key()).isEqualTo("claims_to_headers");
            assertThat(e.reason()).contains("at most 32");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"\"", "1", "true", "null", "[\"a\"]", "{}"})
        void refusesAClaimThatIsNotANonEmptyString(String claim) {
            ConfigException e = rejectionWith("\"claims_to_headers\":{\"x-tenant\":" + claim + "}");
            assertThat(e.key()).isEqualTo("claims_to_headers.x-tenant");
            assertThat(e.reason()).contains("claim name");
        }

        @Test
        void refusesAValueThatIsNotAnObject() {
            assertThat(rejectionWith("\"claims_to_headers\":[\"x-tenant\"]").key()).isEqualTo("claims_to_headers");
        }
    }

    @Nested
    class AuthgearEndpoint {
        @Test
        void isRequired() {
            ConfigException e = rejectionOf("{\"audience\":\"x\"}");
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("required");
        }

        @Test
        void nullIsTreatedAsMissing() {
            ConfigException e = rejectionOf("{\"authgear_endpoint\":null}");
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("required");
        }

        @Test
        void emptyDocumentTextReportsTheMissingEndpoint() {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parseJson("  "));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("required");
        }

        @Test
        void nullDocumentTextReportsTheMissingEndpoint() {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parseJson(null));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
        }

        @Test
        void mustBeAString() {
            ConfigException e = rejectionOf("{\"authgear_endpoint\":42}");
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("string");
        }

        @Test
        void httpsOriginIsAccepted() {
            assertThat(ConfigParser.parseJson(endpoint("https://myapp.authgear.cloud")).issuer())
                    .isEqualTo("https://myapp.authgear.cloud");
        }

        @Test
        void originWithPortKeepsThePort() {
            assertThat(ConfigParser.parseJson(endpoint("https://auth.example.com:8443")).issuer())
                    .isEqualTo("https://auth.example.com:8443");
        }

        @Test
        void aSingleTrailingSlashIsDropped() {
            assertThat(ConfigParser.parseJson(endpoint("https://auth.example.com/")).issuer()).isEqualTo(ENDPOINT);
        }

        @Test
        void schemeAndHostAreLowerCased() {
            assertThat(ConfigParser.parseJson(endpoint("HTTPS://Auth.Example.COM")).issuer()).isEqualTo(ENDPOINT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://auth.example.com/path", "https://auth.example.com/oauth2/jwks",
                "https://auth.example.com?x=1", "https://auth.example.com/?x=1", "https://auth.example.com#frag",
                "https://auth.example.com?", "https://auth.example.com//"})
        void mustBeAnOriginOnly(String value) {
            ConfigException e = rejectionOf(endpoint(value));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("origin");
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://auth.example.com", "http://128.0.0.1", "http://10.0.0.1:3000",
                "http://localhost.example.com", "http://127.0.0.1.nip.io", "http://[::2]", "http://[::ffff:127.0.0.1]"})
        void plainHttpToANonLoopbackHostIsRejected(String value) {
            ConfigException e = rejectionOf(endpoint(value));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("https").contains("loopback");
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1", "http://127.0.0.1:3100", "http://127.255.255.254:8080",
                "http://127.1.2.3", "http://localhost", "http://localhost:3000", "http://LOCALHOST:3000",
                "http://[::1]", "http://[::1]:3100"})
        void plainHttpToALoopbackHostIsAccepted(String value) {
            assertThat(ConfigParser.parseJson(endpoint(value)).issuer()).isEqualTo(value.toLowerCase());
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://auth.example.com:443", "https://AUTH.example.com:443/"})
        void theDefaultHttpsPortIsDroppedBecauseAuthgearsIssNeverCarriesIt(String value) {
            assertThat(ConfigParser.parseJson(endpoint(value)).issuer()).isEqualTo("https://auth.example.com");
        }

        @org.junit.jupiter.api.Test
        void theDefaultHttpPortIsDroppedOnLoopback() {
            assertThat(ConfigParser.parseJson(endpoint("http://127.0.0.1:80")).issuer()).isEqualTo("http://127.0.0.1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ftp://auth.example.com", "auth.example.com", "/relative", "", "https://",
                "mailto:admin@example.com"})
        void mustBeAnAbsoluteHttpsUriWithAHost(String value) {
            ConfigException e = rejectionOf(endpoint(value));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).containsAnyOf("absolute", "valid URI");
        }

        @Test
        void anIpv4LiteralWithAnOctetOver255IsRejected() {
            assertThat(rejectionOf(endpoint("http://127.0.0.256")).key()).isEqualTo("authgear_endpoint");
        }

        @Test
        void syntacticallyInvalidUriIsRejected() {
            ConfigException e = rejectionOf(endpoint("https://auth example.com"));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("not a valid URI");
        }

        @Test
        void userInfoIsRejected() {
            ConfigException e = rejectionOf(endpoint("https://admin:secret@auth.example.com"));
            assertThat(e.key()).isEqualTo("authgear_endpoint");
            assertThat(e.reason()).contains("user info");
        }
    }

    @Nested
    class JwksUri {
        @Test
        void httpsUriWithAPathIsAccepted() {
            assertThat(parseWith("\"jwks_uri\":\"https://keys.example.com/oauth2/jwks\"").jwksUri())
                    .isEqualTo(URI.create("https://keys.example.com/oauth2/jwks"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1:3100/oauth2/jwks", "http://localhost/jwks", "http://[::1]:8080/jwks"})
        void plainHttpToLoopbackIsAccepted(String value) {
            assertThat(parseWith("\"jwks_uri\":\"" + value + "\"").jwksUri()).isEqualTo(URI.create(value));
        }

        @Test
        void plainHttpToANonLoopbackHostIsRejected() {
            ConfigException e = rejectionWith("\"jwks_uri\":\"http://keys.example.com/oauth2/jwks\"");
            assertThat(e.key()).isEqualTo("jwks_uri");
            assertThat(e.reason()).contains("https");
        }

        @Test
        void relativeUriIsRejected() {
            ConfigException e = rejectionWith("\"jwks_uri\":\"/oauth2/jwks\"");
            assertThat(e.key()).isEqualTo("jwks_uri");
        }

        @Test
        void mustBeAString() {
            ConfigException e = rejectionWith("\"jwks_uri\":[\"https://keys.example.com/jwks\"]");
            assertThat(e.key()).isEqualTo("jwks_uri");
            assertThat(e.reason()).contains("string");
        }

        @Test
        void userInfoIsRejected() {
            ConfigException e = rejectionWith("\"jwks_uri\":\"https://u:p@keys.example.com/jwks\"");
            assertThat(e.key()).isEqualTo("jwks_uri");
        }
    }

    @Nested
    class Audience {
        @Test
        void aStringIsOneAudience() {
            assertThat(parseWith("\"audience\":\"https://api.example.com\"").audiences())
                    .containsExactly("https://api.example.com");
        }

        @Test
        void aListGivesEveryAudience() {
            assertThat(parseWith("\"audience\":[\"https://a.example.com\",\"https://b.example.com\"]").audiences())
                    .containsExactlyInAnyOrder("https://a.example.com", "https://b.example.com");
        }

        @Test
        void aConfiguredAudienceReplacesTheIssuer() {
            assertThat(parseWith("\"audience\":\"https://api.example.com\"").audiences()).doesNotContain(ENDPOINT);
        }

        @Test
        void anEmptyListIsRejected() {
            ConfigException e = rejectionWith("\"audience\":[]");
            assertThat(e.key()).isEqualTo("audience");
            assertThat(e.reason()).contains("non-empty");
        }

        @Test
        void anEmptyStringIsRejected() {
            ConfigException e = rejectionWith("\"audience\":\"\"");
            assertThat(e.key()).isEqualTo("audience");
            assertThat(e.reason()).contains("empty");
        }

        @Test
        void anEmptyStringInTheListIsRejected() {
            ConfigException e = rejectionWith("\"audience\":[\"https://a.example.com\",\"\"]");
            assertThat(e.key()).isEqualTo("audience[]");
            assertThat(e.reason()).contains("empty");
        }

        @Test
        void aNonStringInTheListIsRejected() {
            ConfigException e = rejectionWith("\"audience\":[\"https://a.example.com\",7]");
            assertThat(e.key()).isEqualTo("audience[]");
            assertThat(e.reason()).contains("string");
        }

        @ParameterizedTest
        @ValueSource(strings = {"42", "true", "{}", "null"})
        void otherTypesAreRejected(String value) {
            ConfigException e = rejectionWith("\"audience\":" + value);
            assertThat(e.key()).isEqualTo("audience");
            assertThat(e.reason()).contains("string or a non-empty list");
        }
    }

    @Nested
    class ClockSkew {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 60, 300})
        void wholeSecondsFromZeroTo300AreAccepted(int seconds) {
            assertThat(parseWith("\"clock_skew_seconds\":" + seconds).clockSkew()).isEqualTo(Duration.ofSeconds(seconds));
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1", "301", "1.5", "\"60\"", "null", "true", "10000000000", "1e2"})
        void anythingElseIsRejected(String value) {
            ConfigException e = rejectionWith("\"clock_skew_seconds\":" + value);
            assertThat(e.key()).isEqualTo("clock_skew_seconds");
            assertThat(e.reason()).isEqualTo("must be a whole number from 0 to 300");
        }
    }

    @Nested
    class Algorithms {
        @Test
        void everySupportedAlgorithmIsAccepted() {
            String all = String.join("\",\"", ConfigParser.SUPPORTED_ALGORITHMS);
            assertThat(parseWith("\"algorithms\":[\"" + all + "\"]").algorithms())
                    .containsExactlyInAnyOrderElementsOf(ConfigParser.SUPPORTED_ALGORITHMS);
        }

        @Test
        void supportedAlgorithmsAreAsymmetricOnly() {
            assertThat(ConfigParser.SUPPORTED_ALGORITHMS)
                    .containsExactlyInAnyOrder("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                            "ES256", "ES384", "ES512", "EdDSA");
        }

        @Test
        void aSubsetReplacesTheDefault() {
            assertThat(parseWith("\"algorithms\":[\"ES256\",\"EdDSA\"]").algorithms()).containsExactlyInAnyOrder("ES256", "EdDSA");
        }

        @ParameterizedTest
        @ValueSource(strings = {"none", "NONE", "HS256", "HS384", "HS512", "hs256"})
        void unsignedAndHmacAreRejectedWithTheReason(String alg) {
            ConfigException e = rejectionWith("\"algorithms\":[\"RS256\",\"" + alg + "\"]");
            assertThat(e.key()).isEqualTo("algorithms");
            assertThat(e.reason()).contains("\"" + alg + "\" is not allowed")
                    .contains("unsigned and HMAC algorithms are never accepted")
                    .contains("allowed: ES256, ES384, ES512, EdDSA, PS256, PS384, PS512, RS256, RS384, RS512");
        }

        @ParameterizedTest
        @ValueSource(strings = {"rs256", "RS1", "Ed25519", "RSA-OAEP", ""})
        void unknownAlgorithmsAreRejectedListingTheAllowedOnes(String alg) {
            ConfigException e = rejectionWith("\"algorithms\":[\"" + alg + "\"]");
            assertThat(e.key()).isEqualTo("algorithms");
            assertThat(e.reason()).contains("is not allowed").contains("allowed: ")
                    .doesNotContain("HMAC");
        }

        @Test
        void anEmptyListIsRejected() {
            ConfigException e = rejectionWith("\"algorithms\":[]");
            assertThat(e.key()).isEqualTo("algorithms");
            assertThat(e.reason()).contains("non-empty list");
        }

        @Test
        void aStringInsteadOfAListIsRejected() {
            ConfigException e = rejectionWith("\"algorithms\":\"RS256\"");
            assertThat(e.key()).isEqualTo("algorithms");
            assertThat(e.reason()).contains("list");
        }

        @Test
        void aNonStringEntryIsRejected() {
            ConfigException e = rejectionWith("\"algorithms\":[256]");
            assertThat(e.key()).isEqualTo("algorithms[]");
            assertThat(e.reason()).contains("string");
        }
    }

    @Nested
    class CookiePrefix {
        @ParameterizedTest
        @ValueSource(strings = {"", "my_", "app-", "A.b~1!#$%&'*+^`|"})
        void cookieNameCharactersAreAccepted(String prefix) {
            assertThat(parseWith("\"cookie_prefix\":\"" + prefix + "\"").cookiePrefix()).isEqualTo(prefix);
        }

        @Test
        void thePrefixIsPutBeforeEverySessionCookieName() {
            assertThat(parseWith("\"cookie_prefix\":\"my_\"").sessionCookieNames())
                    .containsExactly("my_app_session", "my_app_access_token", "my_session");
        }

        @Test
        void withoutAPrefixTheCookieNamesAreAuthgearsInItsOrder() {
            assertThat(parseWith("").sessionCookieNames()).containsExactly("app_session", "app_access_token", "session");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a b", "a;b", "a=b", "a,b", "a\\\"b", "a/b", "a(b", "a[b", "a{b", "a?b", "a@b", "a:b",
                "a\\tb", "é", "a\\u007fb", "a\\u0000b"})
        void separatorsControlsAndNonAsciiAreRejected(String prefix) {
            ConfigException e = rejectionWith("\"cookie_prefix\":\"" + prefix + "\"");
            assertThat(e.key()).isEqualTo("cookie_prefix");
            assertThat(e.reason()).contains("cookie-name characters");
        }

        @Test
        void mustBeAString() {
            ConfigException e = rejectionWith("\"cookie_prefix\":1");
            assertThat(e.key()).isEqualTo("cookie_prefix");
            assertThat(e.reason()).contains("string");
        }
    }

    @Nested
    class ModeKey {
        @Test
        void resolveIsAccepted() {
            assertThat(parseWith("\"mode\":\"resolve\"").mode()).isEqualTo(Mode.RESOLVE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ENFORCE", "RESOLVE", "Resolve", "resolve ", "", "deny"})
        void anyOtherValueIsRejected(String mode) {
            ConfigException e = rejectionWith("\"mode\":\"" + mode + "\"");
            assertThat(e.key()).isEqualTo("mode");
            assertThat(e.reason()).isEqualTo("\"" + mode + "\" is not a known mode (known: resolve, enforce)");
        }

        @Test
        void mustBeAString() {
            ConfigException e = rejectionWith("\"mode\":0");
            assertThat(e.key()).isEqualTo("mode");
            assertThat(e.reason()).contains("string");
        }
    }

    @Nested
    class Jwks {
        @Test
        void everySubKeyIsRead() {
            JwksSettings s = parseWith("\"jwks\":{\"ttl_seconds\":120,\"min_ttl_seconds\":10,\"max_ttl_seconds\":600,"
                    + "\"stale_if_error_seconds\":900,\"unknown_kid_min_interval_seconds\":5,"
                    + "\"fetch_timeout_ms\":1500,\"wait_timeout_ms\":250}").jwks();

            assertThat(s).isEqualTo(new JwksSettings(Duration.ofSeconds(120), Duration.ofSeconds(10), Duration.ofSeconds(600),
                    Duration.ofSeconds(900), Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofMillis(250)));
        }

        @Test
        void absentSubKeysKeepTheirDefaults() {
            JwksSettings s = parseWith("\"jwks\":{\"ttl_seconds\":120}").jwks();

            assertThat(s).isEqualTo(new JwksSettings(Duration.ofSeconds(120), JwksSettings.DEFAULTS.minTtl(),
                    JwksSettings.DEFAULTS.maxTtl(), JwksSettings.DEFAULTS.staleIfError(),
                    JwksSettings.DEFAULTS.unknownKidMinInterval(), JwksSettings.DEFAULTS.fetchTimeout(),
                    JwksSettings.DEFAULTS.waitTimeout()));
        }

        @Test
        void anEmptyObjectIsTheDefaults() {
            assertThat(parseWith("\"jwks\":{}").jwks()).isEqualTo(JwksSettings.DEFAULTS);
        }

        @Test
        void theDefaultsAreThoseDocumented() {
            assertThat(JwksSettings.DEFAULTS).isEqualTo(new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
                    Duration.ofDays(1), Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1)));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "ttl_seconds:1", "ttl_seconds:604800",
                "min_ttl_seconds:1", "max_ttl_seconds:604800",
                "stale_if_error_seconds:0", "stale_if_error_seconds:604800",
                "unknown_kid_min_interval_seconds:1", "unknown_kid_min_interval_seconds:86400",
                "fetch_timeout_ms:1", "fetch_timeout_ms:60000",
                "wait_timeout_ms:0", "wait_timeout_ms:60000"})
        void boundsAreInclusive(String keyAndValue) {
            String[] kv = keyAndValue.split(":");
            // max_ttl must stay >= min_ttl (default 30 s), min_ttl <= max_ttl (default 1 day)
            assertThat(parseWith("\"jwks\":{\"" + kv[0] + "\":" + kv[1] + "}").jwks()).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "ttl_seconds:0:1:604800", "ttl_seconds:604801:1:604800",
                "min_ttl_seconds:0:1:604800", "max_ttl_seconds:604801:1:604800", "max_ttl_seconds:0:1:604800",
                "stale_if_error_seconds:-1:0:604800", "stale_if_error_seconds:604801:0:604800",
                "unknown_kid_min_interval_seconds:0:1:86400", "unknown_kid_min_interval_seconds:86401:1:86400",
                "fetch_timeout_ms:0:1:60000", "fetch_timeout_ms:60001:1:60000",
                "wait_timeout_ms:-1:0:60000", "wait_timeout_ms:60001:0:60000"})
        void outOfRangeValuesNameTheSubKeyAndTheRange(String spec) {
            String[] s = spec.split(":");
            ConfigException e = rejectionWith("\"jwks\":{\"" + s[0] + "\":" + s[1] + "}");
            assertThat(e.key()).isEqualTo("jwks." + s[0]);
            assertThat(e.reason()).isEqualTo("must be a whole number from " + s[2] + " to " + s[3]);
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"60\"", "1.5", "null", "[60]"})
        void nonIntegersAreRejected(String value) {
            ConfigException e = rejectionWith("\"jwks\":{\"ttl_seconds\":" + value + "}");
            assertThat(e.key()).isEqualTo("jwks.ttl_seconds");
        }

        @Test
        void minTtlAboveMaxTtlIsRejected() {
            ConfigException e = rejectionWith("\"jwks\":{\"min_ttl_seconds\":600,\"max_ttl_seconds\":300}");
            assertThat(e.key()).isEqualTo("jwks.min_ttl_seconds");
            assertThat(e.reason()).contains("must not exceed jwks.max_ttl_seconds");
        }

        @Test
        void minTtlEqualToMaxTtlIsAccepted() {
            JwksSettings s = parseWith("\"jwks\":{\"min_ttl_seconds\":300,\"max_ttl_seconds\":300}").jwks();
            assertThat(s.minTtl()).isEqualTo(s.maxTtl());
        }

        @Test
        void maxTtlBelowTheDefaultMinTtlIsRejected() {
            ConfigException e = rejectionWith("\"jwks\":{\"max_ttl_seconds\":10}");
            assertThat(e.key()).isEqualTo("jwks.min_ttl_seconds");
        }

        @Test
        void unknownSubKeyIsNamedWithItsPath() {
            ConfigException e = rejectionWith("\"jwks\":{\"ttl\":60}");
            assertThat(e.key()).isEqualTo("jwks.ttl");
            assertThat(e.reason()).contains("not a known key").contains("ttl_seconds").contains("wait_timeout_ms");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "\"fast\"", "5", "null"})
        void mustBeAnObject(String value) {
            ConfigException e = rejectionWith("\"jwks\":" + value);
            assertThat(e.key()).isEqualTo("jwks");
            assertThat(e.reason()).isEqualTo("must be an object");
        }
    }

    @Nested
    class Document {
        @Test
        void unknownTopLevelKeyIsNamed() {
            ConfigException e = rejectionWith("\"audiences\":[\"x\"]");
            assertThat(e.key()).isEqualTo("audiences");
            assertThat(e.reason()).startsWith("is not a known key (known: algorithms, allow_cors_preflight, audience, authgear_endpoint");
        }

        @Test
        void unknownTopLevelKeySuggestsTheClosestKnownKey() {
            ConfigException e = rejectionWith("\"audiences\":[\"x\"]");
            assertThat(e.reason()).endsWith("; did you mean audience?");
            assertThat(rejectionWith("\"cookie_prefx\":\"x\"").reason()).endsWith("; did you mean cookie_prefix?");
        }

        @Test
        void unknownNestedKeySuggestsTheClosestKnownKey() {
            ConfigException e = rejectionWith("\"jwks\":{\"ttl_second\":60}");
            assertThat(e.key()).isEqualTo("jwks.ttl_second");
            assertThat(e.reason()).startsWith("is not a known key (known: fetch_timeout_ms,").endsWith("; did you mean ttl_seconds?");
        }

        @Test
        void aKeyFarFromEveryKnownKeySuggestsNothing() {
            assertThat(rejectionWith("\"qqqqqqqqqq\":1").reason()).doesNotContain("did you mean");
        }

        @Test
        void unknownKeyIsReportedEvenWhenTheEndpointIsMissing() {
            ConfigException e = rejectionOf("{\"authgear_endpiont\":\"https://auth.example.com\"}");
            assertThat(e.key()).isEqualTo("authgear_endpiont");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{", "{\"authgear_endpoint\":}", "{authgear_endpoint: \"x\"}", "not json",
                "{\"authgear_endpoint\":\"https://auth.example.com\",}"})
        void invalidJsonIsRejectedWithItsPosition(String json) {
            ConfigException e = rejectionOf(json);
            assertThat(e.key()).isEqualTo("(document)");
            assertThat(e.reason()).contains("is not valid JSON").contains("line ").contains("column ");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"authgear_endpoint\":\"https://p.example\",\"revocation\":{\"webhook_secret\": Sup3rS3cretWebhookKey0123456789ab}}",
                "{\"authgear_endpoint\":\"https://p.example\",\"revocation\":{\"redis\":{\"uri\":redis://:Sup3rS3cret@r:6379/0}}}",
                "{\"authgear_endpoint\":\"https://p.example\",\"Sup3rS3cret\":1,\"Sup3rS3cret\":2}"})
        void invalidJsonIsReportedWithoutItsText(String json) {
            // Fronts log this reason (APISIX's WebhookRoutes, once per route value): Jackson's own message quotes the token.
            assertThatThrownBy(() -> ConfigParser.readJson(json)).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.getMessage()).doesNotContain("Sup3rS3cret");
                assertThat(e.reason()).startsWith("is not valid JSON (").contains("line 1, column ");
            });
        }

        @Test
        void trailingContentAfterTheObjectIsInvalidJson() {
            ConfigException e = rejectionOf(endpoint(ENDPOINT) + " {\"authgear_endpoint\":\"https://evil.example.com\"}");
            assertThat(e.key()).isEqualTo("(document)");
            assertThat(e.reason()).startsWith("is not valid JSON (something follows the value) at line 1, column ");
        }

        @Test
        void duplicateTopLevelKeysAreRejected() {
            ConfigException e = rejectionOf("{\"authgear_endpoint\":\"https://auth.example.com\","
                    + "\"authgear_endpoint\":\"https://evil.example.com\"}");
            assertThat(e.key()).isEqualTo("(document)");
            assertThat(e.reason()).isEqualTo("is not valid JSON (a key appears twice) at line 1, column 68"); // the second one's position, not its name
        }

        @Test
        void duplicateNestedKeysAreRejected() {
            ConfigException e = rejectionWith("\"jwks\":{\"ttl_seconds\":1,\"ttl_seconds\":2}");
            assertThat(e.key()).isEqualTo("(document)");
            assertThat(e.reason()).isEqualTo("is not valid JSON (a key appears twice) at line 1, column 86");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"authgear_endpoint\":\"https://auth.example.com\"}]", "\"https://auth.example.com\"",
                "42", "null", "true"})
        void aDocumentThatIsNotAnObjectIsRejected(String json) {
            ConfigException e = rejectionOf(json);
            assertThat(e.key()).isEqualTo("(document)");
            assertThat(e.reason()).isEqualTo("must be an object");
        }

        @Test
        void aTreeThatIsNotAnObjectIsRejected() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> ConfigParser.parse(new ObjectMapper().createArrayNode()));
            assertThat(e.key()).isEqualTo("(document)");
        }

        @Test
        void aNullTreeIsRejected() {
            assertThatThrownBy(() -> ConfigParser.parse(null)).isInstanceOf(ConfigException.class)
                    .hasMessage("(document): must be an object");
        }

        @Test
        void aTreeReadElsewhereIsParsedLikeJson() throws Exception {
            AuthgateConfig c = ConfigParser.parse(new ObjectMapper().readTree(
                    "{\"authgear_endpoint\":\"https://auth.example.com\",\"audience\":[\"a\",\"b\"],\"mode\":\"resolve\"}"));
            assertThat(c.issuer()).isEqualTo(ENDPOINT);
            assertThat(c.audiences()).isEqualTo(Set.of("a", "b"));
        }

        @Test
        void aFullConfigurationParses() {
            AuthgateConfig c = ConfigParser.parseJson("""
                    {
                      "authgear_endpoint": "https://myapp.authgear.cloud",
                      "jwks_uri": "https://myapp.authgear.cloud/oauth2/jwks",
                      "audience": ["https://myapp.authgear.cloud", "https://api.example.com"],
                      "clock_skew_seconds": 30,
                      "algorithms": ["RS256", "PS256"],
                      "cookie_prefix": "my_",
                      "mode": "resolve",
                      "jwks": {"ttl_seconds": 600, "wait_timeout_ms": 500},
                      "token_cache_max_bytes": "8MiB"
                    }
                    """);
            assertThat(c).isEqualTo(new AuthgateConfig("https://myapp.authgear.cloud",
                    URI.create("https://myapp.authgear.cloud/oauth2/jwks"),
                    Set.of("https://myapp.authgear.cloud", "https://api.example.com"), Duration.ofSeconds(30),
                    Set.of("RS256", "PS256"), "my_", Mode.RESOLVE, Policy.DEFAULT,
                    new JwksSettings(Duration.ofSeconds(600), JwksSettings.DEFAULTS.minTtl(), JwksSettings.DEFAULTS.maxTtl(),
                            JwksSettings.DEFAULTS.staleIfError(), JwksSettings.DEFAULTS.unknownKidMinInterval(),
                            JwksSettings.DEFAULTS.fetchTimeout(), Duration.ofMillis(500)),
                    8L << 20, Optional.of(ResolverSettings.defaultsFor("https://myapp.authgear.cloud", MemoryBudgets.maxHeap())), false,
                    io.authgate.core.headers.ClaimHeaders.NONE, RevocationSettings.DEFAULTS));
        }
    }
}
