package io.authgate.core.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimHeadersTest {
    private static final ClaimHeaders TENANT = new ClaimHeaders(List.of(new ClaimHeaders.Mapping("x-myapp-tenant", "t")));

    private static List<Header> render(Object value) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("t", value);
        return TENANT.render(claims);
    }

    private static String rendered(Object value) {
        List<Header> out = render(value);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).name()).isEqualTo("x-myapp-tenant");
        return out.get(0).value();
    }

    @Test
    void writesStringsAsTheyAreAndScalarsAsJsonText() {
        assertThat(rendered("acme Ünïcode 管理")).isEqualTo("acme Ünïcode 管理");
        assertThat(rendered(42)).isEqualTo("42");
        assertThat(rendered(new BigInteger("123456789012345678901234567890"))).isEqualTo("123456789012345678901234567890");
        assertThat(rendered(-1.5)).isEqualTo("-1.5");
        assertThat(rendered(true)).isEqualTo("true");
        assertThat(rendered(false)).isEqualTo("false");
    }

    @Test
    void joinsArraysOfScalarsWithACommaAsTheRolesHeaderDoes() {
        assertThat(rendered(List.of("a", "b c", 3, true))).isEqualTo("a,b c,3,true");
    }

    @Test
    void writesObjectsAndNestedArraysAsBase64urlJson() {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("name", "pro");
        plan.put("max", 3);
        assertThat(rendered(plan)).isEqualTo("eyJuYW1lIjoicHJvIiwibWF4IjozfQ");
        // [["a"],null]
        assertThat(rendered(Arrays.asList(List.of("a"), null))).isEqualTo("W1siYSJdLG51bGxd");
    }

    @Test
    void omitsTheHeaderForNoValue() {
        assertThat(TENANT.render(Map.of())).isEmpty();
        assertThat(render(null)).isEmpty();
        assertThat(render("")).isEmpty();
        assertThat(render(List.of())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nx-authgear-user-id: evil", "a\nb", "a\u0000b", "a\u007fb", "a\u0085b", "lone \ud800 surrogate"})
    void omitsTheHeaderForAValueNoHeaderMayCarry(String value) {
        assertThat(render(value)).isEmpty();
        assertThat(render(List.of("ok", value))).isEmpty();
    }

    @Test
    void omitsAnArrayWhoseItemHoldsAComma() {
        assertThat(render(List.of("a,b", "c"))).isEmpty();
    }

    @Test
    void boundsAValueAtFourKibibytesOfUtf8() {
        assertThat(rendered("x".repeat(ClaimValueText.MAX_BYTES))).hasSize(ClaimValueText.MAX_BYTES);
        assertThat(render("x".repeat(ClaimValueText.MAX_BYTES + 1))).isEmpty();
        // é is two bytes: 2048 of them are exactly the bound, one more is over it.
        assertThat(render("é".repeat(ClaimValueText.MAX_BYTES / 2))).hasSize(1);
        assertThat(render("é".repeat(ClaimValueText.MAX_BYTES / 2) + "x")).isEmpty();
    }

    @Test
    void anUnsafeClaimOmitsOnlyItsOwnHeader() {
        ClaimHeaders two = new ClaimHeaders(List.of(new ClaimHeaders.Mapping("x-a", "a"), new ClaimHeaders.Mapping("x-b", "b")));
        assertThat(two.render(Map.of("a", "bad\r\n", "b", "good"))).containsExactly(new Header("x-b", "good"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-myapp-tenant", "X-Myapp-Tenant", "x_myapp_tenant", "X_MYAPP-TENANT"})
    void recognisesEverySpellingOfItsNames(String name) {
        assertThat(TENANT.isSetHere(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-myapp-tenants", "x-myapp-tenan", "x-myapp", "x-authgear-user-id", ""})
    void recognisesNoOtherName(String name) {
        assertThat(TENANT.isSetHere(name)).isFalse();
        assertThat(ClaimHeaders.NONE.isSetHere(name)).isFalse();
    }
}
