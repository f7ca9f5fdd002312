package io.authgate.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code mode: enforce} and its {@code policy}: every key, every contradiction. */
class PolicyConfigTest {
    private static AuthgateConfig parse(String rest) {
        return ConfigParser.parseJson("{\"authgear_endpoint\":\"https://auth.example.com\"," + rest + "}");
    }

    private static ConfigException rejection(String rest) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(rest));
        assertThat(e).as(rest).isNotNull();
        return e;
    }

    @Test
    void enforceWithoutAPolicyAdmitsAnyNonAnonymousSession() {
        AuthgateConfig c = parse("\"mode\":\"enforce\"");
        assertThat(c.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(c.policy()).isEqualTo(Policy.DEFAULT);
        assertThat(c.policy().allowAnonymous()).isFalse();
    }

    @Test
    void everyPolicyKeyIsRead() {
        Policy p = parse("\"mode\":\"enforce\",\"policy\":{\"require_verified\":true,\"roles_any\":[\"a\",\"b\"],"
                + "\"roles_all\":[\"c\"],\"scopes_all\":[\"orders:read\"],\"amr_any\":[\"mfa\"],\"max_auth_age_seconds\":300}").policy();
        assertThat(p).isEqualTo(new Policy(false, true, Set.of("a", "b"), Set.of("c"), Set.of("orders:read"), Set.of("mfa"),
                Duration.ofSeconds(300)));
    }

    @Test
    void aPolicyInResolveModeIsAnErrorNotSilentlyIgnored() {
        ConfigException e = rejection("\"policy\":{\"require_verified\":true}");
        assertThat(e.key()).isEqualTo("policy");
        assertThat(e.reason()).contains("mode: enforce");
    }

    @Test
    void allowAnonymousWithRequireVerifiedIsAContradiction() {
        ConfigException e = rejection("\"mode\":\"enforce\",\"policy\":{\"allow_anonymous\":true,\"require_verified\":true}");
        assertThat(e.key()).isEqualTo("policy.allow_anonymous");
        assertThat(e.reason()).contains("require_verified");
    }

    @Test
    void unknownPolicyKeysAreNamed() {
        ConfigException e = rejection("\"mode\":\"enforce\",\"policy\":{\"roles\":[\"a\"]}");
        assertThat(e.key()).isEqualTo("policy.roles");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"roles_any\":[]", "\"roles_any\":\"a\"", "\"roles_all\":[\"\"]", "\"scopes_all\":[1]",
            "\"amr_any\":null"})
    void listsMustBeNonEmptyListsOfNonEmptyStrings(String entry) {
        ConfigException e = rejection("\"mode\":\"enforce\",\"policy\":{" + entry + "}");
        assertThat(e.key()).startsWith("policy.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "\"60\"", "31708801"})
    void maxAuthAgeIsAPositiveWholeNumberOfSeconds(String value) {
        ConfigException e = rejection("\"mode\":\"enforce\",\"policy\":{\"max_auth_age_seconds\":" + value + "}");
        assertThat(e.key()).isEqualTo("policy.max_auth_age_seconds");
    }

    @Test
    void booleansMustBeBooleans() {
        assertThat(rejection("\"mode\":\"enforce\",\"policy\":{\"allow_anonymous\":\"yes\"}").key()).isEqualTo("policy.allow_anonymous");
        assertThat(rejection("\"mode\":\"enforce\",\"policy\":[]").key()).isEqualTo("policy");
    }
}
