package io.authgate.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row of the conformance table: the request a client sends and what must come of it, the same
 * for every front.
 *
 * @param config       keys merged into the front's base configuration for this case
 * @param token        the token to mint, or {@code null} when the request carries none
 * @param request      the client's headers in order, original case; {@code {token}} stands for the token
 * @param status       200 when the request must reach the upstream, otherwise the status the client gets
 * @param upstream     exactly the {@link #isWatched watched} headers the upstream must see (lower-case names)
 * @param reason       for the core, which can see it: the {@code TokenRejection} that decides, or
 *                     {@code no_credential}; {@code null} for a valid session
 * @param fronts       the fronts the case applies to (the table's default when the row names none; a
 *                     case some gateway cannot express names the others, and says why in {@code note})
 * @param method       the client's request method ({@code GET} unless the row says otherwise)
 * @param target       the client's request target ({@link #DEFAULT_TARGET} unless the row says otherwise;
 *                     under {@link TestProject#SECOND_PREFIX} by default on the second project's route)
 * @param project      whose token the row's {@code token} is: minted by that project's issuer, with its
 *                     keys ({@link TestProject#FIRST} unless the row says otherwise)
 * @param route        the project whose route the request is on ({@link TestProject#FIRST}, the base
 *                     configuration's, unless the row says otherwise)
 * @param projects     the projects the front runs with for this row: the first alone, or (a row naming a
 *                     {@code route}) both, the second on its route under {@link TestProject#SECOND_PREFIX}
 *                     ({@link ConformanceProjects} sets a front up for either)
 */
public record ConformanceCase(
        String name,
        Map<String, Object> config,
        TokenRecipe token,
        List<Map.Entry<String, String>> request,
        int status,
        Map<String, String> upstream,
        String reason,
        List<String> fronts,
        String note,
        String method,
        String target,
        TestProject project,
        TestProject route,
        List<TestProject> projects) {
    /** The request target a row has unless it names one. */
    public static final String DEFAULT_TARGET = "/api/orders?page=2";
    /** A request entry {@code ["{filler}", "N"]} stands for N filler header lines, {@code X-Filler-1: f} ... */
    public static final String FILLER = "{filler}";
    /** A request value {@code {pad:N}} stands for N filler characters. */
    public static final String PAD = "{pad:";

    /**
     * The headers a row's {@code upstream} lists: the {@code x-authgear-} family and the table's
     * claim-header family {@code x-myapp-} ({@code claims_to_headers} rows), any case, {@code _} or {@code -}.
     */
    public static boolean isWatched(String name) {
        String folded = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return folded.startsWith("x-authgear") || folded.startsWith("x-myapp");
    }

    public ConformanceCase {
        projects = List.copyOf(projects);
    }

    /** Whether the front must run with both projects configured for this row. */
    public boolean twoProjects() {
        return projects.size() > 1;
    }

    public boolean appliesTo(String front) {
        return fronts.contains(front);
    }

    /**
     * The request headers with the minted token in place of {@code {token}} and each
     * {@code ["{filler}", "N"]} entry expanded to N filler lines, and each {@code {pad:N}} value to N characters.
     */
    public List<Map.Entry<String, String>> requestWith(String mintedToken) {
        List<Map.Entry<String, String>> out = new ArrayList<>(request.size());
        int filler = 0;
        for (Map.Entry<String, String> h : request) {
            if (h.getKey().equals(FILLER)) {
                int lines = Integer.parseInt(h.getValue());
                for (int i = 0; i < lines; i++) {
                    out.add(Map.entry("X-Filler-" + (++filler), "f"));
                }
                continue;
            }
            String value = mintedToken == null ? h.getValue() : h.getValue().replace("{token}", mintedToken);
            if (value.startsWith(PAD) && value.endsWith("}")) {
                value = "p".repeat(Integer.parseInt(value.substring(PAD.length(), value.length() - 1)));
            }
            out.add(Map.entry(h.getKey(), value));
        }
        return out;
    }

    /** The path of {@link #target()}: no query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /**
     * The configuration for this case: {@code authgear_endpoint} set to the issuer, then the case's
     * keys, with {@code {issuer}} replaced in string values.
     *
     * @throws IllegalStateException for a row with two projects: a front that set up one issuer would
     *                               run it against the wrong project and pass or fail by accident;
     *                               {@link ConformanceProjects} sets up both
     */
    public Map<String, Object> configFor(String issuer) {
        if (twoProjects()) {
            throw new IllegalStateException(name + ": this row runs with two Authgear projects (route: " + route.tableName()
                    + "); set the front up with ConformanceProjects (routeConfig or adapterConfig), not one issuer");
        }
        return configForProject(issuer);
    }

    /**
     * One project's configuration for this case (on a row with two, the configuration of one of its
     * routes): {@code authgear_endpoint} set to the project's issuer, then the case's keys, with
     * {@code {issuer}} replaced in string values.
     */
    Map<String, Object> configForProject(String issuer) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("authgear_endpoint", issuer);
        config.forEach((k, v) -> out.put(k, substitute(v, issuer)));
        return out;
    }

    private static Object substitute(Object value, String issuer) {
        if (value instanceof String s) {
            return s.replace("{issuer}", issuer);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> substitute(v, issuer)).toList();
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }
}
