package io.authgate.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a session must be for a route in enforce mode. Immutable; empty sets mean "no rule".
 *
 * @param maxAuthAge the longest time since the user last authenticated ({@code auth_time}), or
 *                   {@code null} for no limit
 */
public record Policy(
        boolean allowAnonymous,
        boolean requireVerified,
        Set<String> rolesAny,
        Set<String> rolesAll,
        Set<String> scopesAll,
        Set<String> amrAny,
        Duration maxAuthAge) {

    /** Enforce mode with no policy written: any valid, non-anonymous session. */
    public static final Policy DEFAULT = new Policy(false, false, Set.of(), Set.of(), Set.of(), Set.of(), null);

    public Policy {
        rolesAny = Set.copyOf(Objects.requireNonNull(rolesAny));
        rolesAll = Set.copyOf(Objects.requireNonNull(rolesAll));
        scopesAll = Set.copyOf(Objects.requireNonNull(scopesAll));
        amrAny = Set.copyOf(Objects.requireNonNull(amrAny));
    }
}
