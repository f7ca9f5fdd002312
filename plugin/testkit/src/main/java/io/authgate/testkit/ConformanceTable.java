package io.authgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared tables, run by the core's tests and by every front's tests, so the fronts cannot drift
 * apart: the conformance table ({@code conformance/resolve.yaml}: request → upstream headers, as
 * Authgear's resolver answers) and the hostile-request matrix ({@code conformance/hostile.yaml}:
 * attack → outcome at the gateway's edge). Both have one row schema. Strictly read: a misspelt key
 * in a table fails loudly rather than testing nothing.
 */
public final class ConformanceTable {
    public static final String RESOURCE = "conformance/resolve.yaml";
    public static final String HOSTILE = "conformance/hostile.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TABLE_KEYS = Set.of("header_sets", "default_fronts", "cases");
    private static final Set<String> CASE_KEYS = Set.of("name", "config", "token", "request", "method", "target", "expect", "fronts", "note",
            "project", "route");
    private static final Set<String> TOKEN_KEYS = Set.of("header", "claims", "signer", "raw", "pad_bytes", "header_bytes", "payload_bytes");
    private static final Set<String> SEGMENT_BYTES_KEYS = Set.of("encoding", "bom", "replace");
    private static final Set<String> EXPECT_KEYS = Set.of("status", "upstream", "reason");

    private ConformanceTable() {
    }

    /** Every row of the conformance table. */
    public static List<ConformanceCase> load() {
        return load(RESOURCE);
    }

    /** Every row of the hostile-request matrix. */
    public static List<ConformanceCase> hostile() {
        return load(HOSTILE);
    }

    /** The conformance rows that apply to one front. */
    public static List<ConformanceCase> forFront(String front) {
        return load().stream().filter(c -> c.appliesTo(front)).toList();
    }

    /** The hostile-request rows that apply to one front. */
    public static List<ConformanceCase> hostileForFront(String front) {
        return hostile().stream().filter(c -> c.appliesTo(front)).toList();
    }

    /** Every row of the table at this classpath resource (tests load broken tables of their own). */
    static List<ConformanceCase> load(String resource) {
        try (InputStream in = ConformanceTable.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            JsonNode root = YAML.readTree(in);
            check(root, TABLE_KEYS, resource);
            // A table without header sets of its own uses the conformance table's.
            JsonNode sets = root.has("header_sets") || resource.equals(RESOURCE) ? root.path("header_sets") : headerSets(RESOURCE);
            List<String> defaultFronts = texts(root.required("default_fronts"));
            List<ConformanceCase> cases = new ArrayList<>();
            for (JsonNode node : root.required("cases")) {
                cases.add(read(node, sets, defaultFronts));
            }
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode headerSets(String resource) throws IOException {
        try (InputStream in = ConformanceTable.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return YAML.readTree(in).required("header_sets");
        }
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(f -> out.add(f.asText()));
        return List.copyOf(out);
    }

    private static ConformanceCase read(JsonNode node, JsonNode headerSets, List<String> defaultFronts) {
        String name = node.required("name").asText();
        check(node, CASE_KEYS, name);
        TokenRecipe token = node.has("token") ? token(node.get("token"), name) : null;
        List<Map.Entry<String, String>> request = new ArrayList<>();
        for (JsonNode pair : node.path("request")) {
            if (!pair.isArray() || pair.size() != 2) {
                throw new IllegalStateException(name + ": request entries are [name, value] pairs");
            }
            request.add(Map.entry(pair.get(0).asText(), pair.get(1).asText()));
            if (pair.get(0).asText().equals(ConformanceCase.FILLER) && !pair.get(1).asText().matches("[1-9][0-9]{0,3}")) {
                throw new IllegalStateException(name + ": a filler entry is [\"{filler}\", \"N\"] with N from 1 to 9999");
            }
        }
        JsonNode expect = node.required("expect");
        check(expect, EXPECT_KEYS, name);
        JsonNode upstreamNode = expect.required("upstream");
        if (upstreamNode.isTextual()) {
            String set = upstreamNode.asText();
            upstreamNode = headerSets.get(set);
            if (upstreamNode == null) {
                throw new IllegalStateException(name + ": no header set named " + set);
            }
        }
        Map<String, String> upstream = new LinkedHashMap<>();
        upstreamNode.fields().forEachRemaining(e -> upstream.put(e.getKey(), e.getValue().asText()));
        List<String> fronts = node.has("fronts") ? texts(node.get("fronts")) : defaultFronts;
        TestProject route = node.has("route") ? TestProject.named(node.get("route").asText(), name) : TestProject.FIRST;
        String target = node.path("target").asText(route == TestProject.SECOND
                ? TestProject.SECOND_PREFIX + ConformanceCase.DEFAULT_TARGET : ConformanceCase.DEFAULT_TARGET);
        if (!target.startsWith("/")) {
            throw new IllegalStateException(name + ": target must start with /");
        }
        Map<String, Object> config = map(node.get("config"));
        List<TestProject> projects = node.has("route") ? List.of(TestProject.values()) : List.of(TestProject.FIRST);
        TestProject project = projectOf(node, name, token, target, route, config);
        return new ConformanceCase(name, config, token, List.copyOf(request),
                expect.required("status").asInt(), upstream,
                expect.has("reason") ? expect.get("reason").asText() : null, fronts, node.path("note").asText(""),
                node.path("method").asText("GET"), target, project, route, projects);
    }

    /**
     * The row's {@code project} (whose token it carries), checked against the rest of the row: it
     * needs a token and a {@code route} (so the front runs with both projects, and the row says which
     * route it is on); the target is on that route; the projects' endpoints and rules are the runner's.
     */
    private static TestProject projectOf(JsonNode node, String name, TokenRecipe token, String target, TestProject route,
                                         Map<String, Object> config) {
        boolean underSecond = target.equals(TestProject.SECOND_PREFIX) || target.startsWith(TestProject.SECOND_PREFIX + "/")
                || target.startsWith(TestProject.SECOND_PREFIX + "?");
        if (node.has("route") && underSecond != (route == TestProject.SECOND)) {
            throw new IllegalStateException(name + ": the target " + target + " is not on the " + route.tableName()
                    + " project's route (the second's is " + TestProject.SECOND_PREFIX + "/...)");
        }
        if (node.has("route") && (config.containsKey("rules") || config.containsKey("authgear_endpoint"))) {
            throw new IllegalStateException(name + ": a row naming a route leaves rules and authgear_endpoint to the runner");
        }
        if (!node.has("project")) {
            return TestProject.FIRST;
        }
        if (token == null) {
            throw new IllegalStateException(name + ": project names whose token the row carries, and it has no token");
        }
        if (!node.has("route")) {
            throw new IllegalStateException(name + ": a row naming a project names its route too (first or second)");
        }
        return TestProject.named(node.get("project").asText(), name);
    }

    private static TokenRecipe token(JsonNode node, String name) {
        check(node, TOKEN_KEYS, name);
        return new TokenRecipe(map(node.get("header")), map(node.get("claims")),
                node.path("signer").asText("issuer"), node.has("raw") ? node.get("raw").asText() : null,
                node.path("pad_bytes").asInt(0),
                segmentBytes(node.get("header_bytes"), name), segmentBytes(node.get("payload_bytes"), name));
    }

    private static SegmentBytes segmentBytes(JsonNode node, String name) {
        if (node == null) {
            return SegmentBytes.UTF8;
        }
        check(node, SEGMENT_BYTES_KEYS, name);
        List<List<String>> replace = new ArrayList<>();
        for (JsonNode pair : node.path("replace")) {
            List<String> texts = new ArrayList<>();
            pair.forEach(t -> texts.add(t.asText()));
            replace.add(texts);
        }
        try {
            return new SegmentBytes(node.path("encoding").asText("UTF-8"), node.path("bom").asBoolean(false), replace);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        return YAML.convertValue(node, LinkedHashMap.class);
    }

    private static void check(JsonNode node, Set<String> known, String name) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalStateException(name + ": unknown key " + key + " in the conformance table");
            }
        }
    }
}
