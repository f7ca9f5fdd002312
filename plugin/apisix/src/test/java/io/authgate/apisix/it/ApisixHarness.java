package io.authgate.apisix.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The real runner with the built plugin jar, driven as APISIX drives it: one PrepareConf per distinct
 * route value (remembered, as APISIX keeps conf tokens), then HTTPReqCalls.
 */
final class ApisixHarness implements AutoCloseable {
    static final String FILTER = "AuthgearResolver";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunnerProcess runner;
    private final ApisixExtPluginClient client;
    private final Map<String, Long> confTokens = new HashMap<>();

    private ApisixHarness(RunnerProcess runner) {
        this.runner = runner;
        this.client = new ApisixExtPluginClient(runner.socket());
    }

    static ApisixHarness start() throws IOException {
        return start(List.of());
    }

    /** The runner started with these JVM options too (before {@code -jar}). */
    static ApisixHarness start(List<String> jvmOptions) throws IOException {
        return start(jvmOptions, Map.of());
    }

    /** The runner started with these JVM options and this environment too (APISIX's ext-plugin.cmd environment). */
    static ApisixHarness start(List<String> jvmOptions, Map<String, String> env) throws IOException {
        // The shipped log configuration, so the tests read the log an operator would get.
        List<String> options = new java.util.ArrayList<>(jvmOptions);
        options.add("-Dlogging.config=" + repoFile("runner-config/log4j2.xml"));
        return new ApisixHarness(RunnerProcess.start(RunnerProcess.runnerJar(), RunnerProcess.pluginJar(), env, options));
    }

    long runnerPid() {
        return runner.pid();
    }

    boolean runnerAlive() {
        return runner.isAlive();
    }

    /** A file of this repository, found from the working directory (the module's, or the root's). */
    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (java.nio.file.Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    static String json(Map<String, Object> config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request on a route whose AuthgearResolver value is {@code routeValue}. */
    ReqCallResult call(String routeValue, HttpRequestSpec request) throws IOException {
        return call(FILTER, routeValue, request);
    }

    /** Sends a request on a route whose only ext-plugin filter is {@code filter}, with the value {@code routeValue}. */
    ReqCallResult call(String filter, String routeValue, HttpRequestSpec request) throws IOException {
        String key = filter.equals(FILTER) ? routeValue : filter + "\n" + routeValue;
        Long token = confTokens.get(key);
        if (token == null) {
            token = client.prepareConf("route-" + confTokens.size(), List.of(Map.entry(filter, routeValue)));
            confTokens.put(key, token);
        }
        return client.call(token, request);
    }

    String log() {
        return runner.log();
    }

    /** How many times the runner asked this harness's client for a request body. */
    int bodiesAsked() {
        return client.bodiesAsked();
    }

    /**
     * The conf token APISIX holds for a route value (one PrepareConf per distinct value, remembered),
     * for requests sent through {@link #newClient}. Call it before going concurrent: not thread-safe.
     */
    long confToken(String routeValue) throws IOException {
        Long token = confTokens.get(routeValue);
        if (token == null) {
            token = client.prepareConf("route-" + confTokens.size(), List.of(Map.entry(FILTER, routeValue)));
            confTokens.put(routeValue, token);
        }
        return token;
    }

    /**
     * A client with a connection of its own, as each of APISIX's nginx workers has: the harness's own
     * client sends one request at a time, so concurrent requests need one of these each.
     */
    ApisixExtPluginClient newClient(java.time.Duration timeout) {
        return new ApisixExtPluginClient(runner.socket(), timeout);
    }

    /**
     * The headers the table watches (x-authgear-* or x_authgear_*, and the claim-header family
     * x-myapp-*, any case: {@link io.authgate.testkit.ConformanceCase#isWatched}) the upstream receives,
     * by lower-case name; each must have exactly one value.
     */
    static Map<String, String> identityHeadersAtUpstream(HttpRequestSpec request, ReqCallResult result) {
        UpstreamRequest upstream = UpstreamRequest.of(request, result)
                .orElseThrow(() -> new AssertionError("the request did not reach the upstream: " + result));
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : upstream.byLowerName().entrySet()) {
            String name = e.getKey();
            if (io.authgate.testkit.ConformanceCase.isWatched(name)) {
                if (e.getValue().size() != 1) {
                    throw new AssertionError(name + " reaches the upstream with " + e.getValue().size() + " values: " + e.getValue());
                }
                out.put(name, e.getValue().get(0));
            }
        }
        return out;
    }

    /**
     * What the table expects, as nginx can carry it: nginx deletes a request header that a plugin sets
     * to an empty value (lua-nginx-module's set_header), so an empty header is absent behind APISIX.
     */
    static Map<String, String> expectedBehindNginx(Map<String, String> expected) {
        Map<String, String> out = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        return out;
    }

    static Set<String> names(Map<String, String> headers) {
        return new LinkedHashMap<>(headers).keySet();
    }

    @Override
    public void close() {
        client.close();
        runner.close();
    }
}
