package io.authgate.core.headers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * How one claim's JSON value is written as a header value. A string as it is; a number or a boolean
 * as its JSON text ({@code 42}, {@code 1.5}, {@code true}); an array of those joined with {@code ,}
 * and no space, as the contract joins {@code x-authgear-user-roles}; an object, or an array holding an
 * object, an array or null, as the base64url (no padding) of its JSON, so any structure reaches the
 * backend intact in one safe value. Nothing at all (the header omitted) for null, an empty string or
 * array, an array element holding a {@code ,} (the backend could not split it back), a value that is
 * not {@link HeaderValues#isSafe safe} (CR, LF, NUL, another control, a lone surrogate), and a value
 * longer than {@link #MAX_BYTES} UTF-8 bytes. Omitting is the answer to a bad value, never an error:
 * the token is Authgear's and valid; only this header cannot carry it.
 */
final class ClaimValueText {
    /** Per header; a token is at most 16 KiB, so a few of these bound the answer. */
    static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClaimValueText() {
    }

    static Optional<String> of(Object value) {
        String text = text(value);
        if (text == null || text.isEmpty() || !HeaderValues.isSafe(text)
                || text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** The text, or {@code null} when the value has none (Jackson's and the claim map's own "absent"). */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean || value instanceof Number) {
            return json(value);
        }
        if (value instanceof List<?> list && list.stream().allMatch(ClaimValueText::isScalar)) {
            StringJoiner joined = new StringJoiner(",");
            for (Object item : list) {
                String part = item instanceof String s ? s : json(item);
                if (part.indexOf(',') >= 0) {
                    return null;
                }
                joined.add(part);
            }
            return joined.toString();
        }
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json(value).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static boolean isScalar(Object item) {
        return item instanceof String || item instanceof Boolean || item instanceof Number;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Values read from JSON always write back as JSON.
            throw new IllegalStateException("a parsed claim did not serialise", e);
        }
    }
}
