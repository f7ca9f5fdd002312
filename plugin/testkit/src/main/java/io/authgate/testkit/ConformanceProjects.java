package io.authgate.testkit;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Authgear projects a front runs the conformance table with: one {@link TestIssuer} per
 * {@link TestProject}, each with its own keys, issuer and resolver stand-in, and what a front needs
 * to set up a row with them. Every runner of the table uses this, so no front can run a row naming
 * the second project with the first alone ({@link ConformanceCase#configFor} refuses such a row).
 *
 * <p>Two shapes of front: one configuration per route, the gateway choosing the route (the core's
 * gate, an APISIX route's plugin value): {@link #routeConfig}; and one configuration with rules the
 * front matches itself (the adapter, alone or behind a gateway): {@link #adapterConfig}, whose rule
 * for the second project covers {@link TestProject#SECOND_PREFIX}.
 */
public final class ConformanceProjects implements AutoCloseable {
    private final Map<TestProject, TestIssuer> issuers;

    private ConformanceProjects(Map<TestProject, TestIssuer> issuers) {
        this.issuers = issuers;
    }

    /** Starts every project's issuer on an ephemeral loopback port. */
    public static ConformanceProjects start() {
        Map<TestProject, TestIssuer> issuers = new EnumMap<>(TestProject.class);
        try {
            for (TestProject p : TestProject.values()) {
                issuers.put(p, TestIssuer.start(p));
            }
        } catch (RuntimeException e) {
            issuers.values().forEach(TestIssuer::close);
            throw e;
        }
        return new ConformanceProjects(issuers);
    }

    /** The base configuration's project: every row's unless it names another. */
    public TestIssuer first() {
        return issuers.get(TestProject.FIRST);
    }

    public TestIssuer second() {
        return issuers.get(TestProject.SECOND);
    }

    public TestIssuer of(TestProject project) {
        return issuers.get(project);
    }

    /**
     * The token the row's request carries, minted by its project's issuer with its keys, with
     * {@code {issuer:first}} and {@code {issuer:second}} naming those projects' issuers; {@code null}
     * when the row carries none.
     */
    public String token(ConformanceCase c, long nowSeconds) {
        if (c.token() == null) {
            return null;
        }
        Map<String, String> names = new LinkedHashMap<>();
        issuers.forEach((p, issuer) -> names.put("{issuer:" + p.tableName() + "}", issuer.issuer()));
        return of(c.project()).minter().mint(c.token().withNames(names), nowSeconds);
    }

    /**
     * For a front with one configuration per route: the configuration of the route the row's request
     * is on, its {@code authgear_endpoint} that route's project.
     */
    public Map<String, Object> routeConfig(ConformanceCase c) {
        return c.configForProject(of(c.route()).issuer());
    }

    /**
     * For a front that matches rules itself: the first project's configuration at the top level, and
     * for a row with both projects a rule on {@link TestProject#SECOND_PREFIX} naming the second
     * project with the row's keys (a rule with its own project states all of its keys).
     */
    public Map<String, Object> adapterConfig(ConformanceCase c) {
        Map<String, Object> top = new LinkedHashMap<>(c.configForProject(first().issuer()));
        if (c.twoProjects()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("match", Map.of("path_prefix", TestProject.SECOND_PREFIX));
            rule.putAll(c.configForProject(second().issuer()));
            top.put("rules", List.of(rule));
        }
        return top;
    }

    @Override
    public void close() {
        issuers.values().forEach(TestIssuer::close);
    }
}
