package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The adapter's {@code rules}: how they are read, and which forwarded requests they cover. */
class RouteRulesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static AdapterConfig parse(String yaml) throws Exception {
        return AdapterConfig.parse(YAML.readTree("authgear_endpoint: https://auth.example.com\n" + yaml));
    }

    private static ConfigException rejection(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as(yaml).isNotNull();
        return e;
    }

    @Test
    void rulesAreReadInOrderWithTheirOwnModeAndPolicy() throws Exception {
        AdapterConfig c = parse("""
                rules:
                  - match: {path_prefix: /admin, methods: [POST, DELETE]}
                    mode: enforce
                    policy: {roles_any: [admin]}
                  - match: {host: api.example.com}
                    mode: enforce
                """);
        assertThat(c.rules()).hasSize(2);
        assertThat(c.coreConfig(c.rules().get(0), null).mode()).isEqualTo(Mode.ENFORCE);
        assertThat(c.coreConfig(c.rules().get(0), null).policy().rolesAny()).containsExactly("admin");
        assertThat(c.coreConfig(c.rules().get(1), null).policy().rolesAny()).isEmpty();
        assertThat(c.coreConfig(null).mode()).isEqualTo(Mode.RESOLVE);
    }

    @Test
    void aRuleDoesNotInheritTheDefaultPolicy() throws Exception {
        AdapterConfig c = parse("""
                mode: enforce
                policy: {require_verified: true}
                rules:
                  - match: {path_prefix: /public}
                    mode: resolve
                """);
        assertThat(c.coreConfig(c.rules().get(0), null).mode()).isEqualTo(Mode.RESOLVE);
    }

    @Test
    void errorsNameTheRule() {
        assertThat(rejection("rules:\n  - match: {path_prefix: /a}\n    policy: {roles_any: [x]}\n").key())
                .isEqualTo("rules[0].policy");
        assertThat(rejection("rules:\n  - match: {path_prefix: /a, path_regex: '^/b'}\n").key())
                .isEqualTo("rules[0].match.path_regex");
        assertThat(rejection("rules:\n  - match: {path_regex: '(unclosed'}\n").reason()).contains("regular expression");
        assertThat(rejection("rules:\n  - match: {path_prefix: admin}\n").key()).isEqualTo("rules[0].match.path_prefix");
        assertThat(rejection("rules:\n  - match: {methods: [get]}\n").key()).isEqualTo("rules[0].match.methods[]");
        assertThat(rejection("rules:\n  - match: {}\n").key()).isEqualTo("rules[0].match");
        assertThat(rejection("rules:\n  - match: {path: /a}\n").key()).isEqualTo("rules[0].match.path");
        assertThat(rejection("rules:\n  - match: {path_prefix: /a}\n    mode: enforce\n    policy: {allow_anonymous: true, require_verified: true}\n").key())
                .isEqualTo("rules[0].policy.allow_anonymous");
        assertThat(rejection("rules: {}\n").key()).isEqualTo("rules");
    }

    private static ForwardedTarget target(String method, String host, String path) {
        return new ForwardedTarget(method, host, path);
    }

    @ParameterizedTest
    @CsvSource({
            "/admin, true", "/admin/, true", "/admin/users, true", "/administrator, false", "/Admin, false",
            "/%61dmin, true", "//admin, true", "/public/../admin/x, true", "/./admin, true", "/public, false",
            "/%E0%A4, false"})
    void pathPrefixIsMatchedOnTheNormalizedPathOnSegmentBoundaries(String path, boolean matches) {
        RouteMatch m = new RouteMatch(null, "/admin", null, Set.of());
        assertThat(m.matches(target("GET", "api.example.com", path))).as(path).isEqualTo(matches);
    }

    @Test
    void hostIsExactInAnyCaseWithoutThePort() {
        RouteMatch m = new RouteMatch("API.example.com", null, null, Set.of());
        assertThat(m.matches(target("GET", "api.EXAMPLE.com:8443", "/"))).isTrue();
        assertThat(m.matches(target("GET", "evil-api.example.com", "/"))).isFalse();
        assertThat(m.matches(target("GET", null, "/"))).isFalse();
    }

    @Test
    void methodsAndRegex() {
        RouteMatch m = new RouteMatch(null, null, Pattern.compile("/orders/[0-9]+"), Set.of("DELETE"));
        assertThat(m.matches(target("delete", "h", "/orders/42"))).isTrue();
        assertThat(m.matches(target("GET", "h", "/orders/42"))).isFalse();
        assertThat(m.matches(target("DELETE", "h", "/orders/42/items"))).as("the whole path").isFalse();
        assertThat(m.matches(target(null, "h", "/orders/42"))).as("no forwarded method").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/b/../../c", "/c", "/./c", "//c"})
    void normalizationResolvesDotSegmentsAndSlashes(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo("/c");
    }
}
