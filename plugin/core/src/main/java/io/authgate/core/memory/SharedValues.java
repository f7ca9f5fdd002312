package io.authgate.core.memory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of each value that many cache entries hold equal (an issuer, an audience, a key id, a
 * client id, a set of scopes, roles or amr), so that an entry holds a reference rather than a copy.
 * Values come only from answers authgate trusts (verified tokens, Authgear's resolver), never from
 * unverified input. Bounded: at most {@value #MAX_VALUES} values of at most {@value #MAX_CHARS}
 * characters each (under 1 MiB in all); a value beyond either bound is kept by its entry, which is
 * then weighed with it. Thread-safe.
 */
public final class SharedValues {
    static final int MAX_VALUES = 2048;
    static final int MAX_CHARS = 128;

    private final ConcurrentHashMap<Object, Object> values = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    /** The shared instance equal to {@code s}, or {@code s} itself when it cannot be shared. */
    public String share(String s) {
        return s == null || s.length() > MAX_CHARS ? s : (String) intern(s);
    }

    /** The shared instance equal to {@code list} (an immutable list), or {@code list} itself. */
    public List<String> share(List<String> list) {
        if (list.isEmpty() || chars(list) > MAX_CHARS) {
            return list;
        }
        @SuppressWarnings("unchecked")
        List<String> shared = (List<String>) intern(List.copyOf(list));
        return shared;
    }

    /** True when this very instance is the shared one (so an entry that holds it is not charged for it). */
    public boolean holds(Object value) {
        return value != null && values.get(value) == value;
    }

    private Object intern(Object value) {
        Object known = values.get(value);
        if (known != null) {
            return known;
        }
        if (count.get() >= MAX_VALUES) {
            return value;
        }
        known = values.putIfAbsent(value, value);
        if (known != null) {
            return known;
        }
        count.incrementAndGet();
        return value;
    }

    private static int chars(List<String> list) {
        int n = 0;
        for (String s : list) {
            n += s.length();
        }
        return n;
    }

    /** How many values are shared now. */
    public int size() {
        return count.get();
    }
}
