package io.authgate.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.headers.ClaimHeaderNames;
import io.authgate.core.headers.ClaimHeaders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code claims_to_headers} ({@code {x-myapp-tenant: "https://myapp.example/tenant"}}): each
 * key a header name ({@link ClaimHeaderNames#problem}), each value the claim's name, at most
 * {@link #MAX_MAPPINGS} of them, no two names that are one header to nginx or a WSGI backend
 * ({@code X-Tenant} and {@code x_tenant}).
 */
final class ClaimHeadersConfig {
    static final int MAX_MAPPINGS = 32;
    static final int MAX_CLAIM_LENGTH = 256;

    private ClaimHeadersConfig() {
    }

    static ClaimHeaders parse(ConfigSection section) {
        List<ClaimHeaders.Mapping> out = new ArrayList<>();
        Map<String, String> byFolded = new HashMap<>();
        for (Iterator<String> names = section.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String key = section.key(name);
            ClaimHeaderNames.problem(name).ifPresent(why -> {
                throw new ConfigException(key, why);
            });
            String earlier = byFolded.putIfAbsent(ClaimHeaderNames.folded(name), name);
            if (earlier != null) {
                throw new ConfigException(key, "is the same header as " + section.key(earlier) + " (case and _/- are not told apart)");
            }
            JsonNode claim = section.get(name).orElseThrow();
            if (!claim.isTextual() || claim.textValue().isEmpty() || claim.textValue().length() > MAX_CLAIM_LENGTH) {
                throw new ConfigException(key, "must be a claim name: a string of 1 to " + MAX_CLAIM_LENGTH + " characters");
            }
            out.add(new ClaimHeaders.Mapping(ClaimHeaderNames.canonical(name), claim.textValue()));
        }
        if (out.size() > MAX_MAPPINGS) {
            throw new ConfigException(section.path(), "maps " + out.size() + " claims; at most " + MAX_MAPPINGS + " are allowed");
        }
        return out.isEmpty() ? ClaimHeaders.NONE : new ClaimHeaders(out);
    }
}
