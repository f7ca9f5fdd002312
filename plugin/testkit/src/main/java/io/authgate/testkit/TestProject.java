package io.authgate.testkit;

import java.util.Locale;

/**
 * The Authgear projects the conformance table knows (issue 15 item 1: an adapter rule or an APISIX
 * route names its own project). Each is a {@link TestIssuer} of its own: its own origin (so its own
 * {@code iss} and default audience), its own RSA keys under its own {@code kid}s, and its own resolver
 * stand-in seeded with sessions of its own, so no credential of one project is anything to the other,
 * as in Authgear, where projects share no keys and no sessions.
 */
public enum TestProject {
    /** The project of the base configuration: every row that names no other. */
    FIRST(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID),
    /**
     * The project bound to the route under {@link #SECOND_PREFIX} in rows that name a {@code route}.
     * Its kids are UUIDs like Authgear's, unlike the first project's.
     */
    SECOND("a3e1c6f0-2d7b-4b9e-8f31-5c0d9e2b7a14", "d85b0f2e-61a4-4c7d-9e0b-3f2a8c1d6e25");

    /** The path prefix the second project's route covers, on every front that runs two projects. */
    public static final String SECOND_PREFIX = "/second";

    private final String currentKid;
    private final String previousKid;

    TestProject(String currentKid, String previousKid) {
        this.currentKid = currentKid;
        this.previousKid = previousKid;
    }

    /** The {@code kid} of the key it signs with now. */
    public String currentKid() {
        return currentKid;
    }

    /** The {@code kid} of its older key, still published. */
    public String previousKid() {
        return previousKid;
    }

    /** The name a conformance row uses: {@code first} or {@code second}. */
    public String tableName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The project a row names; an unknown name fails, naming the row. */
    public static TestProject named(String name, String row) {
        for (TestProject p : values()) {
            if (p.tableName().equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException(row + ": no project named " + name + " (first or second)");
    }
}
