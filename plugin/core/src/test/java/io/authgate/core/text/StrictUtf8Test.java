package io.authgate.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Well-formed UTF-8, at every boundary of the Unicode Standard's table 3-7, and against the JDK's strict decoder. */
class StrictUtf8Test {
    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "7f", "c2 80", "df bf", "e0 a0 80", "ed 9f bf", "ee 80 80", "ef bf bf",
            "f0 90 80 80", "f4 8f bf bf", "e2 82 ac 41 c3 a9", "00"})
    void wellFormed(String bytes) {
        assertThat(StrictUtf8.isWellFormed(hex(bytes))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "80", "bf", // a continuation byte alone
            "c0 af", "c1 bf", "e0 80 af", "e0 9f bf", "f0 80 80 af", "f0 8f bf bf", // overlong forms
            "ed a0 80", "ed bf bf", // surrogates
            "f4 90 80 80", "f5 80 80 80", "f7 bf bf bf", // above U+10FFFF
            "f8 88 80 80 80", "fe", "ff", // never UTF-8
            "c2", "e2 82", "f0 9f 98", // cut short
            "c2 41", "e2 41 ac", "f0 9f 41 80", // a continuation byte missing
            "41 80", "c3 a9 a9"}) // a stray continuation byte
    void malformed(String bytes) {
        assertThat(StrictUtf8.isWellFormed(hex(bytes))).isFalse();
    }

    @Test
    void agreesWithTheJdksReportingDecoderOnRandomBytes() throws Exception {
        // The JDK's UTF-8 decoder with REPORT is strict in the same way (it refuses overlong forms,
        // surrogates and code points above U+10FFFF): the two must agree on anything.
        Random random = new Random(42);
        int malformed = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                bytes[0] = (byte) (0xc0 | random.nextInt(0x40)); // lead bytes are rare in uniform noise
            }
            boolean jdk = jdkDecodes(bytes);
            assertThat(StrictUtf8.isWellFormed(bytes)).as(HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(jdk);
            malformed += jdk ? 0 : 1;
        }
        assertThat(malformed).as("the sample holds both kinds").isBetween(1_000, 199_000);
    }

    private static boolean jdkDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void aRangeIsCheckedAlone() {
        byte[] bytes = hex("ff 41 c3 a9 ff");
        assertThat(StrictUtf8.isWellFormed(bytes, 1, 4)).isTrue();
        assertThat(StrictUtf8.isWellFormed(bytes, 1, 3)).isFalse(); // cuts the e-acute
    }

    @Test
    void encodableMeansNoLoneSurrogate() {
        assertThat(StrictUtf8.isEncodable("caf\u00e9 \ud83d\ude00")).isTrue();
        assertThat(StrictUtf8.isEncodable("\ud800")).isFalse();
        assertThat(StrictUtf8.isEncodable("a\udc00")).isFalse();
        assertThat(StrictUtf8.isEncodable("\udc00\ud800")).isFalse();
        assertThat(StrictUtf8.isEncodable("\ud800a")).isFalse();
    }

    @Test
    void octetsAreDecodedStrictly() {
        assertThat(StrictUtf8.decodeOctets("plain")).contains("plain");
        assertThat(StrictUtf8.decodeOctets("caf\u00c3\u00a9")).contains("caf\u00e9");
        assertThat(StrictUtf8.decodeOctets("\u00f0\u009f\u0098\u0080")).contains("\ud83d\ude00");
        assertThat(StrictUtf8.decodeOctets("caf\u00e9")).isEqualTo(Optional.empty()); // ISO-8859-1, not UTF-8
        assertThat(StrictUtf8.decodeOctets("\u00c0\u00af")).isEqualTo(Optional.empty());
        assertThat(StrictUtf8.decodeOctets("\u7528")).isEqualTo(Optional.empty()); // not a byte
    }
}
