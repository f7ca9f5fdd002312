package io.authgate.forwardauth;

import io.authgate.core.config.WebhookSecretFromEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.Denials;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key of the adapter's YAML, and the core's keys still validated through it. */
class AdapterConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String ENDPOINT = "authgear_endpoint: https://myapp.authgear.cloud\n";

    static AdapterConfig parse(String yaml) {
        try {
            return AdapterConfig.parse(YAML.readTree(yaml));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Fails unless parsing throws naming exactly this key; returns the one-line message. */
    static String rejected(String yaml, String key) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            assertThat(e.key()).as("key named by: %s", e.getMessage()).isEqualTo(key);
            String line = Denials.invalidConfigMessage(e);
            assertThat(line).startsWith("authgate: invalid configuration: " + key + ": ").doesNotContain("\n");
            return line;
        }
        throw new AssertionError("accepted, but must be rejected naming " + key + ":\n" + yaml);
    }

    @Nested
    class Listen {
        @Test
        void defaultsAreLoopback9095And9096() {
            AdapterConfig c = parse(ENDPOINT);
            assertThat(c.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 9095));
            assertThat(c.adminListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 9096));
            assertThat(c.listen().getAddress().isLoopbackAddress()).isTrue();
            assertThat(c.envoyPathPrefix()).isNull();
            assertThat(c.developmentIssuer()).isFalse();
        }

        @Test
        void ipv4HostAndPort() {
            AdapterConfig c = parse(ENDPOINT + "listen: 0.0.0.0:8080\nadmin_listen: 127.0.0.1:8081\n");
            assertThat(c.listen().getPort()).isEqualTo(8080);
            assertThat(c.listen().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(c.adminListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 8081));
        }

        @Test
        void bracketedIpv6Loopback() throws Exception {
            AdapterConfig c = parse(ENDPOINT + "listen: \"[::1]:9095\"\nadmin_listen: \"[::1]:9096\"\n");
            assertThat(c.listen().getAddress()).isEqualTo(InetAddress.getByName("::1"));
            assertThat(c.listen().getPort()).isEqualTo(9095);
            assertThat(c.adminListen().getAddress()).isEqualTo(InetAddress.getByName("::1"));
            assertThat(c.adminListen().getPort()).isEqualTo(9096);
        }

        @Test
        void hostName() {
            AdapterConfig c = parse(ENDPOINT + "listen: localhost:7000\n");
            assertThat(c.listen().getPort()).isEqualTo(7000);
            assertThat(c.listen().getAddress().isLoopbackAddress()).isTrue();
        }

        @Test
        void portZeroMeansEphemeralAndMayBeUsedTwice() {
            AdapterConfig c = parse(ENDPOINT + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
            assertThat(c.listen().getPort()).isZero();
            assertThat(c.adminListen().getPort()).isZero();
        }

        @Test
        void portRangeEnds() {
            assertThat(parse(ENDPOINT + "listen: 127.0.0.1:1\n").listen().getPort()).isEqualTo(1);
            assertThat(parse(ENDPOINT + "listen: 127.0.0.1:65535\n").listen().getPort()).isEqualTo(65535);
        }

        @ParameterizedTest
        @ValueSource(strings = {"listen", "admin_listen"})
        void portAboveRange(String key) {
            assertThat(rejected(ENDPOINT + key + ": 127.0.0.1:65536\n", key)).contains("0-65535").contains("65536");
        }

        @ParameterizedTest
        @ValueSource(strings = {"listen", "admin_listen"})
        void negativePort(String key) {
            assertThat(rejected(ENDPOINT + key + ": 127.0.0.1:-1\n", key)).contains("0-65535");
        }

        @ParameterizedTest
        @ValueSource(strings = {"9095", ":9095", "127.0.0.1:", "127.0.0.1"})
        void notHostColonPort(String value) {
            assertThat(rejected(ENDPOINT + "listen: \"" + value + "\"\n", "listen")).contains("host:port");
        }

        @Test
        void bracketedIpv6WithoutAPort() {
            // Read as host "[:" and port "1]": rejected, naming the key, with a less helpful reason.
            rejected(ENDPOINT + "listen: \"[::1]\"\n", "listen");
        }

        @ParameterizedTest
        @ValueSource(strings = {"listen", "admin_listen"})
        void hostThatDoesNotResolveIsAConfigurationError(String key) {
            // Not a bind failure at start (exit 1) but a bad key (exit 2), named.
            assertThat(rejected(ENDPOINT + key + ": no-such-host.invalid:9000\n", key)).contains("does not resolve");
            rejected(ENDPOINT + key + ": \"[::1:9000\"\n", key);
        }

        @Test
        void portNotANumber() {
            assertThat(rejected(ENDPOINT + "listen: 127.0.0.1:http\n", "listen")).contains("not a number");
            rejected(ENDPOINT + "admin_listen: \"127.0.0.1:90 95\"\n", "admin_listen");
        }

        @Test
        void notAString() {
            assertThat(rejected(ENDPOINT + "listen: 9095\n", "listen")).contains("must be a string host:port");
            rejected(ENDPOINT + "admin_listen: [127.0.0.1, 9096]\n", "admin_listen");
            rejected(ENDPOINT + "listen: null\n", "listen");
        }

        @Test
        void samePortAsListenIsRejected() {
            assertThat(rejected(ENDPOINT + "listen: 127.0.0.1:7000\nadmin_listen: 127.0.0.1:7000\n", "admin_listen"))
                    .contains("must differ from listen");
            rejected(ENDPOINT + "listen: \"[::1]:7000\"\nadmin_listen: \"[::1]:7000\"\n", "admin_listen");
        }

        @Test
        void listenOnTheDefaultAdminPortClashesWithTheDefaultAdminListen() {
            rejected(ENDPOINT + "listen: 127.0.0.1:9096\n", "admin_listen");
            rejected(ENDPOINT + "admin_listen: 127.0.0.1:9095\n", "admin_listen");
        }

        @Test
        void samePortOnOtherAddressesIsAllowed() {
            AdapterConfig c = parse(ENDPOINT + "listen: 127.0.0.1:7000\nadmin_listen: 127.0.0.2:7000\n");
            assertThat(c.listen().getPort()).isEqualTo(c.adminListen().getPort());
        }
    }

    @Nested
    class EnvoyPathPrefix {
        @Test
        void aPath() {
            assertThat(parse(ENDPOINT + "envoy_path_prefix: /ext_authz\n").envoyPathPrefix()).isEqualTo("/ext_authz");
        }

        @Test
        void nullMeansOff() {
            assertThat(parse(ENDPOINT + "envoy_path_prefix: null\n").envoyPathPrefix()).isNull();
            assertThat(parse(ENDPOINT + "envoy_path_prefix:\n").envoyPathPrefix()).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"ext_authz", "\"\"", "5", "[/a]", "true"})
        void mustBeAPathStartingWithSlash(String value) {
            assertThat(rejected(ENDPOINT + "envoy_path_prefix: " + value + "\n", "envoy_path_prefix")).contains("starting with /");
        }
    }

    @Nested
    class EventLoopThreads {
        @Test
        void oneThreadPerCoreByDefault() {
            assertThat(parse(ENDPOINT).eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }

        @Test
        void aNumber() {
            assertThat(parse(ENDPOINT + "event_loop_threads: 3\n").eventLoopThreads()).isEqualTo(3);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "257", "1.5", "\"2\"", "[2]", "null"})
        void mustBeAWholeNumberFrom1To256(String value) {
            assertThat(rejected(ENDPOINT + "event_loop_threads: " + value + "\n", "event_loop_threads")).contains("from 1 to 256");
        }
    }

    @Nested
    class DevelopmentIssuer {
        @Test
        void needsNoEndpointAndFillsInTheIssuersOrigin() {
            AdapterConfig c = parse("development_issuer: true\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
            assertThat(c.developmentIssuer()).isTrue();
            assertThat(c.coreKeys().has("authgear_endpoint")).isFalse();
            AuthgateConfig core = c.coreConfig("http://127.0.0.1:41234");
            assertThat(core.issuer()).isEqualTo("http://127.0.0.1:41234");
        }

        @Test
        void falseIsTheDefault() {
            assertThat(parse(ENDPOINT + "development_issuer: false\n").developmentIssuer()).isFalse();
        }

        @Test
        void incompatibleWithARealEndpoint() {
            assertThat(rejected("development_issuer: true\n" + ENDPOINT, "development_issuer")).contains("authgear_endpoint");
        }

        @Test
        void incompatibleWithAJwksUri() {
            rejected("development_issuer: true\njwks_uri: https://myapp.authgear.cloud/oauth2/jwks\n", "development_issuer");
        }

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1:9095", "127.1.2.3:9095", "localhost:9095", "\"[::1]:9095\""})
        void allowsLoopbackListen(String listen) {
            assertThat(parse("development_issuer: true\nlisten: " + listen + "\n").developmentIssuer()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.0.0.0:9095", "\"[::]:9095\"", "10.0.0.1:9095"})
        void requiresLoopbackListen(String listen) {
            assertThat(rejected("development_issuer: true\nlisten: " + listen + "\n", "listen")).contains("loopback");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"true\"", "yes-please", "1", "[true]"})
        void mustBeABoolean(String value) {
            assertThat(rejected(ENDPOINT + "development_issuer: " + value + "\n", "development_issuer")).contains("true or false");
        }

        @Test
        void theOtherCoreKeysAreStillValidated() {
            assertThat(rejected("development_issuer: true\nclock_skew_seconds: 301\n", "clock_skew_seconds")).contains("0 to 300");
            rejected("development_issuer: true\njwks: {ttl_seconds: 0}\n", "jwks.ttl_seconds");
            rejected("development_issuer: true\nalgorithms: [HS256]\n", "algorithms");
        }
    }

    /** (Issue 15) Rules with their own Authgear project, and claim headers per rule. */
    @Nested
    class Projects {
        private static final String TWO = ENDPOINT + "rules:\n  - match: {host: b.example}\n    authgear_endpoint: https://b.authgear.cloud\n"
                + "    audience: api-b\n    resolver: false\n    mode: enforce\n";

        @Test
        void aRuleWithAnEndpointIsAProjectOfItsOwn() {
            AdapterConfig c = parse(TWO);
            AuthgateConfig b = c.coreConfig(c.rules().get(0), null);
            assertThat(b.issuer()).isEqualTo("https://b.authgear.cloud");
            assertThat(b.audiences()).containsExactly("api-b");
            assertThat(b.resolver()).isEmpty();
            assertThat(b.mode()).isEqualTo(io.authgate.core.config.Mode.ENFORCE);
            assertThat(c.core().issuer()).isEqualTo("https://myapp.authgear.cloud");
            assertThat(c.core().resolver()).isPresent();
        }

        @Test
        void eachProjectsCachesGetAnEqualShareOfTheHeap() {
            long heap = io.authgate.core.config.MemoryBudgets.maxHeap();
            AdapterConfig two = parse(TWO);
            AuthgateConfig a = two.core();
            AuthgateConfig b = two.coreConfig(two.rules().get(0), null);
            assertThat(a.tokenCacheMaxBytes()).isEqualTo(io.authgate.core.config.MemoryBudgets.tokenCacheDefault(heap / 2));
            long all = a.tokenCacheMaxBytes() + a.resolver().orElseThrow().cacheMaxBytes() + b.tokenCacheMaxBytes();
            assertThat(all).as("both projects' caches together").isLessThanOrEqualTo(heap / 2);
            // A budget set beyond a project's share is refused, naming the rule's key.
            rejected(TWO + "    token_cache_max_bytes: " + (heap / 4 + (1 << 20)) + "\n", "rules[0].token_cache_max_bytes");
        }

        @Test
        void aProjectKeyWithoutAnEndpointIsRefusedNamingIt() {
            assertThat(rejected(ENDPOINT + "rules:\n  - match: {host: b.example}\n    jwks_uri: https://b.example/jwks\n",
                    "rules[0].jwks_uri")).contains("rules[0].authgear_endpoint");
        }

        @Test
        void aProjectRulesKeysAreCheckedLikeTheTopLevels() {
            rejected(ENDPOINT + "rules:\n  - match: {host: b.example}\n    authgear_endpoint: http://b.example\n", "rules[0].authgear_endpoint");
            rejected(ENDPOINT + "rules:\n  - match: {host: b.example}\n    authgear_endpoint: https://b.example\n    listen: x\n", "rules[0].listen");
        }

        @Test
        void claimsToHeadersIsInheritedReplacedOrClearedPerRule() {
            AdapterConfig c = parse(ENDPOINT + "claims_to_headers: {x-tenant: tenant}\nrules:\n"
                    + "  - match: {path_prefix: /a}\n"
                    + "  - match: {path_prefix: /b}\n    claims_to_headers: {x-plan: plan}\n"
                    + "  - match: {path_prefix: /c}\n    claims_to_headers: {}\n");
            assertThat(c.core().claimHeaders().headerNames()).containsExactly("x-tenant");
            assertThat(c.coreConfig(c.rules().get(0), null).claimHeaders().headerNames()).containsExactly("x-tenant");
            assertThat(c.coreConfig(c.rules().get(1), null).claimHeaders().headerNames()).containsExactly("x-plan");
            assertThat(c.coreConfig(c.rules().get(2), null).claimHeaders().isEmpty()).isTrue();
            rejected(ENDPOINT + "rules:\n  - match: {path_prefix: /a}\n    claims_to_headers: {X_Authgear_Tenant: t}\n",
                    "rules[0].claims_to_headers.X_Authgear_Tenant");
        }
    }

    @Nested
    class Keys {
        @Test
        void unknownKeyIsNamed() {
            String line = rejected(ENDPOINT + "listne: 127.0.0.1:9095\n", "listne");
            assertThat(line).contains("not a known key").contains("listen").contains("admin_listen");
        }

        @Test
        void unknownKeyInsideACoreSectionIsNamedWithItsPath() {
            rejected(ENDPOINT + "jwks: {ttl: 60}\n", "jwks.ttl");
        }

        @Test
        void coreKeysAreValidated() {
            assertThat(rejected("listen: 127.0.0.1:0\n", "authgear_endpoint")).contains("required");
            rejected("authgear_endpoint: http://myapp.authgear.cloud\n", "authgear_endpoint");
            rejected(ENDPOINT + "clock_skew_seconds: -1\n", "clock_skew_seconds");
            rejected(ENDPOINT + "algorithms: [none]\n", "algorithms");
            rejected(ENDPOINT + "mode: proxy\n", "mode");
            rejected(ENDPOINT + "audience: []\n", "audience");
            rejected(ENDPOINT + "token_cache_max_entries: many\n", "token_cache_max_entries");
        }

        @Test
        void coreKeysPassThroughAndAdapterKeysDoNot() throws Exception {
            AdapterConfig c = parse(ENDPOINT + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\nenvoy_path_prefix: /x\n"
                    + "clock_skew_seconds: 30\naudience: [https://api.example.com]\n");
            AuthgateConfig core = c.coreConfig(null);
            // The adapter's keys reach the core as nothing: its configuration is what the core keys alone make.
            assertThat(core).isEqualTo(ConfigParser.parse(YAML.readTree(ENDPOINT + "clock_skew_seconds: 30\naudience: [https://api.example.com]\n")));
            assertThat(core.issuer()).isEqualTo("https://myapp.authgear.cloud");
            assertThat(core.clockSkew()).hasSeconds(30);
            assertThat(core.audiences()).containsExactly("https://api.example.com");
        }

        @Test
        void theDocumentMustBeAMapping() throws Exception {
            JsonNode list = YAML.readTree("- listen\n- admin_listen\n");
            assertThatThrownBy(() -> AdapterConfig.parse(list)).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.key()).isEqualTo("(document)"));
            assertThatThrownBy(() -> AdapterConfig.parse(null)).isInstanceOf(ConfigException.class);
        }

        @Test
        void parsingDoesNotChangeTheTreeItWasGiven() throws Exception {
            JsonNode tree = YAML.readTree(ENDPOINT + "listen: 127.0.0.1:0\n");
            AdapterConfig.parse(tree);
            assertThat(tree.has("listen")).isTrue();
        }
    }

    @Nested
    class ForwardedHeadersKey {
        @Test
        void defaultIsXForwarded() {
            assertThat(parse(ENDPOINT).forwardedHeaders()).isEqualTo(ForwardedHeaders.X_FORWARDED);
        }

        @Test
        void xOriginal() {
            assertThat(parse(ENDPOINT + "forwarded_headers: x-original\n").forwardedHeaders()).isEqualTo(ForwardedHeaders.X_ORIGINAL);
        }

        @ParameterizedTest
        @ValueSource(strings = {"X-Forwarded", "forwarded", "true", "[x-forwarded]", "''"})
        void anythingElseIsRejected(String value) {
            assertThat(rejected(ENDPOINT + "forwarded_headers: " + value + "\n", "forwarded_headers")).contains("x-forwarded", "x-original");
        }

        @Test
        void hostRulesNeedAFamilyThatNamesTheHost() {
            String yaml = ENDPOINT + "forwarded_headers: x-original\nrules:\n  - match: {path_prefix: /a}\n    mode: enforce\n"
                    + "  - match: {host: admin.example.com}\n    mode: enforce\n";
            assertThat(rejected(yaml, "rules[1].match.host")).contains("forwarded_headers: x-forwarded");
        }
    }

    @Nested
    class WebhookListen {
        private static final String SECRET = "revocation:\n  webhook_secret: 0123456789abcdefghijklmnopqrstuv\n";

        @Test
        void offByDefault() {
            assertThat(parse(ENDPOINT).webhookListen()).isEmpty();
        }

        @Test
        void readsTheAddressWithTheSecret() {
            AdapterConfig c = parse(ENDPOINT + SECRET + "webhook_listen: 127.0.0.1:9097\n");
            assertThat(c.webhookListen()).contains(new InetSocketAddress("127.0.0.1", 9097));
            assertThat(c.core().revocation().webhookSecret()).isPresent();
        }

        @Test
        void needsTheSecret() {
            String line = rejected(ENDPOINT + "webhook_listen: 127.0.0.1:9097\n", "revocation.webhook_secret");
            assertThat(line).contains("AUTHGATE_WEBHOOK_SECRET");
        }

        @Test
        void isNeitherTheDecisionNorTheManagementPort() {
            rejected(ENDPOINT + SECRET + "webhook_listen: 127.0.0.1:9095\n", "webhook_listen");
            rejected(ENDPOINT + SECRET + "webhook_listen: 127.0.0.1:9096\n", "webhook_listen");
            rejected(ENDPOINT + SECRET + "webhook_listen: nowhere\n", "webhook_listen");
        }

        @Test
        void theSecretMayComeFromTheEnvironmentAndTheFileWins() throws Exception {
            var env = java.util.Map.of("AUTHGATE_WEBHOOK_SECRET", "from-the-environment-0123456789ab");
            AdapterConfig fromEnv = AdapterConfig.parse(WebhookSecretFromEnvironment.adjust(env)
                    .apply(YAML.readTree(ENDPOINT + "webhook_listen: 127.0.0.1:9097\n")));
            assertThat(fromEnv.core().revocation().webhookSecret())
                    .contains(io.authgate.core.config.WebhookSecret.of("from-the-environment-0123456789ab", "k"));
            AdapterConfig fileWins = AdapterConfig.parse(WebhookSecretFromEnvironment.adjust(env)
                    .apply(YAML.readTree(ENDPOINT + SECRET + "webhook_listen: 127.0.0.1:9097\n")));
            assertThat(fileWins.core().revocation().webhookSecret())
                    .contains(io.authgate.core.config.WebhookSecret.of("0123456789abcdefghijklmnopqrstuv", "k"));
        }
    }
}
