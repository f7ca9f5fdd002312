package io.authgate.forwardauth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --name value} flags of a subcommand ({@code mint}, {@code explain}), and its plain
 * arguments. Every flag takes a value; only the flags named repeatable may be given twice.
 */
final class CommandFlags {
    /** A bad command line, said in one sentence (exit status 2). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> values;
    private final List<String> positional;

    private CommandFlags(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = List.copyOf(positional);
    }

    static CommandFlags parse(List<String> args, Set<String> known, Set<String> repeatable) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            if (!known.contains(arg)) {
                throw new UsageException("unknown option " + arg + " (options: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(arg + " needs a value");
            }
            List<String> list = values.computeIfAbsent(arg, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(arg)) {
                throw new UsageException(arg + " given twice");
            }
            list.add(args.get(++i));
        }
        return new CommandFlags(values, positional);
    }

    Optional<String> value(String flag) {
        List<String> list = values.get(flag);
        return list == null ? Optional.empty() : Optional.of(list.get(0));
    }

    List<String> values(String flag) {
        return values.getOrDefault(flag, List.of());
    }

    List<String> positional() {
        return positional;
    }

    /** A comma-separated list ({@code admin,editor}); empty entries dropped. */
    List<String> list(String flag) {
        return value(flag).map(v -> List.of(v.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when the flag is absent. */
    long number(String flag, long fallback, long min, long max) {
        Optional<String> text = value(flag);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(text.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + " (got \"" + text.get() + "\")");
    }
}
