package io.authgate.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the JSON lines carry reads back as exactly what was written, whatever a client put in a path. */
class JsonTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String literal(String value) {
        StringBuilder out = new StringBuilder();
        JsonText.appendString(out, value);
        return out.toString();
    }

    @Test
    void quotesBackslashesAndEveryControlCharacterAreEscapedAndReadBack() throws Exception {
        StringBuilder all = new StringBuilder("/a\"b\\c/");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f').append('\u2028').append('\u2029');
        String value = all.toString();

        String literal = literal(value);

        for (int i = 1; i < literal.length() - 1; i++) {
            assertThat(literal.charAt(i)).as("char %d of %s", i, literal).isGreaterThanOrEqualTo(' ').isNotEqualTo('\u007f');
        }
        assertThat(literal).startsWith("\"/a\\\"b\\\\c/\\u0000\\u0001").contains("\\n").contains("\\t").contains("\\u2028");
        assertThat(JSON.readValue(literal, String.class)).isEqualTo(value);
    }

    /**
     * C1 controls (U+0080-U+009F) are control characters too: U+0085 (NEL) ends a line for Python's
     * splitlines and some log viewers, U+009B is CSI to a terminal that honours C1 (a client's path could
     * move the cursor of an operator's tail -f). A client puts them in APISIX's decoded $uri with %C2%85.
     */
    @Test
    void c1ControlCharactersAreEscaped() throws Exception {
        StringBuilder all = new StringBuilder("/p");
        for (char c = 0x80; c <= 0x9f; c++) {
            all.append(c);
        }
        String value = all.toString();

        String literal = literal(value);

        assertThat(literal).as("no raw C1 control in %s", literal).doesNotContainPattern("[\\x{80}-\\x{9f}]")
                .startsWith("\"/p\\u0080\\u0081").contains("\\u0085").contains("\\u009b").endsWith("\\u009f\"");
        assertThat(JSON.readValue(literal, String.class)).isEqualTo(value);
    }

    @Test
    void nonAsciiIsWrittenAsItIs() throws Exception {
        String value = "/caf\u00e9/\u7ba1\u7406\u8005/\uD83D\uDE00";
        assertThat(literal(value)).isEqualTo("\"" + value + "\"");
        assertThat(JSON.readValue(literal(value), String.class)).isEqualTo(value);
    }

    @Test
    void aLoneSurrogateIsEscapedSoTheLineStaysValidUtf8() throws Exception {
        String value = "/x\uD800y\uDC00";
        assertThat(literal(value)).isEqualTo("\"/x\\ud800y\\udc00\"");
        assertThat(JSON.readValue(literal(value), String.class)).isEqualTo(value);
    }
}
