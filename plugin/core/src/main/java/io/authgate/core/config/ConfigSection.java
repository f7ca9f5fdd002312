package io.authgate.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;

/**
 * One object of a configuration document and where it sits in it ({@code ""} at the top,
 * {@code policy}, {@code rules[2].match}): every key it names in an error is the full dotted path, so
 * the parsers that read it (the core's {@link ConfigParser}, the adapter's file) never spell a
 * prefix themselves. Reads only; the tree is never changed.
 */
public final class ConfigSection {
    private final ObjectNode node;
    private final String path;

    private ConfigSection(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The document itself, which must be an object. */
    public static ConfigSection root(JsonNode tree, String reasonIfNot) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("(document)", reasonIfNot);
        }
        return new ConfigSection((ObjectNode) tree, "");
    }

    /** {@code value} as an object found at {@code key} (a full path), or an error naming it. */
    public static ConfigSection at(String key, JsonNode value, String reasonIfNot) {
        if (value == null || !value.isObject()) {
            throw new ConfigException(key, reasonIfNot);
        }
        return new ConfigSection((ObjectNode) value, key);
    }

    /** Where this section is: {@code ""} for the document, else its full key. */
    public String path() {
        return path;
    }

    /** The full path of a key of this section. */
    public String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public boolean has(String name) {
        return node.has(name);
    }

    /** The value of a key; empty when the key is absent. */
    public Optional<JsonNode> get(String name) {
        return Optional.ofNullable(node.get(name));
    }

    /** The key's value as an object section; {@code reasonIfNot} when it is something else. */
    public ConfigSection section(String name, String reasonIfNot) {
        return at(key(name), node.get(name), reasonIfNot);
    }

    /** The keys of this section, in document order. */
    public Iterator<String> fieldNames() {
        return node.fieldNames();
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    /**
     * Refuses the first key not in {@code known}, listing them all, and naming the closest when one is
     * close enough to be a typo of it.
     */
    public void allowOnly(Collection<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String suggestion = KeySuggestions.closest(name, known).map(k -> "; did you mean " + k + "?").orElse("");
                throw new ConfigException(key(name), "is not a known key (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")" + suggestion);
            }
        }
    }

    /**
     * A flag: {@code true} or {@code false} and nothing else (absent: false). The YAML file reader
     * already leaves YAML 1.1's {@code yes}/{@code no}/{@code on}/{@code off} as words, which land here.
     */
    public boolean flag(String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ConfigException(key(name), "must be true or false" + (value.isTextual() ? " (got \"" + value.textValue() + "\")" : ""));
        }
        return value.booleanValue();
    }

    /** A whole number within bounds; {@code fallback} when absent. */
    public int integer(String name, int fallback, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw new ConfigException(key(name), "must be a whole number from " + min + " to " + max);
        }
        return value.intValue();
    }
}
