package io.authgate.core.credentials;

import java.util.Objects;

/** An Authgear session cookie: opaque, only Authgear can resolve it. */
public record SessionCookie(String name, String value) {
    public SessionCookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Never print the value: it is a credential. */
    @Override
    public String toString() {
        return "SessionCookie[" + name + "]";
    }
}
