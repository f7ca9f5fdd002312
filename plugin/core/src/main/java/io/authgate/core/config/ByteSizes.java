package io.authgate.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes in configurations: a whole number of bytes, or a string with a binary unit ({@code "64MiB"}). */
final class ByteSizes {
    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]{1,12})\\s*(B|KiB|MiB|GiB)");

    private ByteSizes() {
    }

    /** @return the size in bytes, or -1 when the value is neither form */
    static long parse(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (!value.isTextual()) {
            return -1;
        }
        Matcher m = WITH_UNIT.matcher(value.textValue().strip());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    }

    /** For messages: bytes in the largest binary unit that keeps one decimal. */
    static String describe(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
