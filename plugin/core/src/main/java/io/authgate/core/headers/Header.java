package io.authgate.core.headers;

import java.util.Objects;

/** One header: a lower-case name and its single value. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
