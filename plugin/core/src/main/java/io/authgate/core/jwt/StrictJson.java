package io.authgate.core.jwt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.core.text.StrictUtf8;

import java.io.IOException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Reads one JWS segment (the header or the payload) as RFC 7519 §7.2 asks: its octets are
 * well-formed UTF-8 holding one JSON object, and nothing else is guessed. Refused: another encoding
 * (Jackson would detect UTF-16 and UTF-32 and read them), a byte order mark (RFC 8259 §8.1; Jackson
 * would skip it, Go's decoder refuses it), malformed UTF-8 ({@link StrictUtf8}), a string holding a
 * lone surrogate from a {@code \}{@code u} escape (not Unicode text, RFC 8259 §8.2: no header can
 * carry it as UTF-8), a name given twice, anything after the object.
 *
 * <p>Go's decoder, which Authgear uses, reads malformed UTF-8 and lone surrogates as U+FFFD. That
 * would map different signed bytes to one value, and Authgear's encoder never writes them (Go's
 * {@code json.Marshal} writes valid UTF-8 only), so refusing them refuses no token Authgear issued.
 */
final class StrictJson {
    private static final byte[] UTF8_BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    /** Duplicate names are refused: two readers of one token must not see two values. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private StrictJson() {
    }

    /** @throws ParseException when the octets are not one strict UTF-8 JSON object */
    static Map<String, Object> readObject(byte[] octets) throws ParseException {
        if (startsWithBom(octets)) {
            throw new ParseException("a byte order mark before the JSON", 0);
        }
        for (byte b : octets) {
            // Never valid in JSON text (a control character must be escaped, and is not whitespace),
            // and the byte Jackson reads as the sign of UTF-16 or UTF-32.
            if (b == 0) {
                throw new ParseException("a NUL byte", 0);
            }
        }
        if (!StrictUtf8.isWellFormed(octets)) {
            throw new ParseException("not well-formed UTF-8", 0);
        }
        Map<String, Object> object;
        try {
            object = JSON.readValue(octets, OBJECT);
        } catch (IOException | RuntimeException e) {
            throw new ParseException("not a JSON object", 0);
        }
        if (object == null) {
            throw new ParseException("not a JSON object", 0); // the text "null"
        }
        if (!isText(object)) {
            throw new ParseException("a string holding a lone surrogate", 0);
        }
        return object;
    }

    private static boolean startsWithBom(byte[] octets) {
        return octets.length >= 3 && octets[0] == UTF8_BOM[0] && octets[1] == UTF8_BOM[1] && octets[2] == UTF8_BOM[2];
    }

    /**
     * True when every string in the value (names too) is Unicode text. Raw bytes are well-formed by
     * now, so a lone surrogate can only have come from an escape. The depth is bounded by Jackson's
     * nesting limit.
     */
    private static boolean isText(Object value) {
        if (value instanceof String s) {
            return isText(s);
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!isText((String) e.getKey()) || !isText(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!isText(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isText(String s) {
        return StrictUtf8.isEncodable(s);
    }
}
