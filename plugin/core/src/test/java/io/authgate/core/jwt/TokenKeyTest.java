package io.authgate.core.jwt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The verified-token cache key: equal exactly when the token strings are equal. */
class TokenKeyTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";

    @Test
    void keysOfEqualStringsAreEqualAndHashAlike() {
        TokenKey a = new TokenKey(TOKEN);
        TokenKey b = new TokenKey(new String(TOKEN.toCharArray()));

        assertThat(a).isEqualTo(b);
        assertThat(b).isEqualTo(a);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    void aKeyEqualsItself() {
        TokenKey a = new TokenKey(TOKEN);
        assertThat(a).isEqualTo(a);
    }

    @Test
    void keysOfStringsDifferingByOneCharacterAreNotEqual() {
        assertThat(new TokenKey(TOKEN)).isNotEqualTo(new TokenKey(TOKEN.substring(0, TOKEN.length() - 1) + "M"));
        assertThat(new TokenKey(TOKEN)).isNotEqualTo(new TokenKey("f" + TOKEN.substring(1)));
    }

    @Test
    void aKeyIsNotEqualToAPrefixOrExtensionOfItsToken() {
        assertThat(new TokenKey(TOKEN)).isNotEqualTo(new TokenKey(TOKEN + "x"));
        assertThat(new TokenKey(TOKEN)).isNotEqualTo(new TokenKey(TOKEN.substring(1)));
    }

    @Test
    void keysWithCollidingHashesAreStillNotEqual() {
        // Short strings hash in one lane; "Aa" and "BB" collide there exactly as in String.hashCode.
        TokenKey aa = new TokenKey("Aa");
        TokenKey bb = new TokenKey("BB");

        assertThat(aa.hashCode()).isEqualTo(bb.hashCode());
        assertThat(aa).isNotEqualTo(bb);
    }

    @Test
    void aKeyIsNotEqualToItsStringOrNull() {
        TokenKey key = new TokenKey(TOKEN);
        assertThat(key.equals(TOKEN)).isFalse();
        assertThat(key.equals(null)).isFalse();
    }

    @Test
    void theHashIsTheStaticHashOfTheString() {
        assertThat(new TokenKey(TOKEN).hashCode()).isEqualTo(TokenKey.hash(TOKEN));
    }

    @Test
    void theHashDependsOnEveryLane() {
        String base = "abcdefgh";
        int h = TokenKey.hash(base);
        for (int i = 0; i < base.length(); i++) {
            String changed = base.substring(0, i) + 'X' + base.substring(i + 1);
            assertThat(TokenKey.hash(changed)).as("changed at %d", i).isNotEqualTo(h);
        }
    }

    @Test
    void theHashOfTheEmptyStringIsDefined() {
        assertThat(new TokenKey("")).isEqualTo(new TokenKey(""));
        assertThat(TokenKey.hash("")).isEqualTo(TokenKey.hash(new String("")));
    }
}
