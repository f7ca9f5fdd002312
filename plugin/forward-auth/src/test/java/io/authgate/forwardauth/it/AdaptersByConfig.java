package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One adapter process per distinct configuration of the conformance table, started on first use
 * on ephemeral ports and kept for the rest of the test class.
 */
final class AdaptersByConfig implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Map<String, Object>, AdapterProcess> running = new HashMap<>();

    synchronized AdapterProcess forConfig(Map<String, Object> config) throws Exception {
        AdapterProcess adapter = running.get(config);
        if (adapter == null) {
            Map<String, Object> full = new LinkedHashMap<>(config);
            full.put("listen", "127.0.0.1:0");
            full.put("admin_listen", "127.0.0.1:0");
            // JSON is YAML: the config file is the case's keys, as written.
            adapter = AdapterProcess.start(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(full));
            running.put(config, adapter);
        }
        return adapter;
    }

    @Override
    public synchronized void close() {
        running.values().forEach(AdapterProcess::close);
        running.clear();
    }
}
