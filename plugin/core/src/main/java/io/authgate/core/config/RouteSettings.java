package io.authgate.core.config;

import java.util.Objects;

/**
 * What one route of a front sets for itself on top of its configuration: the mode, the policy and
 * whether to ask Authgear live. Read and checked once, by {@link ConfigParser#route}; applied with
 * {@link AuthgateConfig#with}. Immutable.
 */
public record RouteSettings(Mode mode, Policy policy, boolean live) {
    public RouteSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
    }
}
