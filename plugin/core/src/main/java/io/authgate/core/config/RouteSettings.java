package io.authgate.core.config;

import io.authgate.core.headers.ClaimHeaders;

import java.util.Objects;

/**
 * What one route of a front sets for itself on top of its configuration: the mode, the policy,
 * whether to ask Authgear live, and which claims become headers. Read and checked once, by {@link ConfigParser#route}; applied with
 * {@link AuthgateConfig#with}. Immutable.
 */
public record RouteSettings(Mode mode, Policy policy, boolean live, ClaimHeaders claimHeaders) {
    public RouteSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(claimHeaders, "claimHeaders");
    }
}
