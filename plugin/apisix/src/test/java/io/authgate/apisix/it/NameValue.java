package io.authgate.apisix.it;

import java.util.Objects;

/**
 * One ordered name/value pair: a header, a query argument or a conf entry. The value is null where the
 * ext-plugin protocol leaves a {@code TextEntry} without a value (an argument without {@code =}, or a
 * header/argument the runner asks to delete).
 */
public record NameValue(String name, String value) {

    public NameValue {
        Objects.requireNonNull(name, "name");
    }

    public static NameValue of(String name, String value) {
        return new NameValue(name, value);
    }
}
