package io.authgate.core.headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A route's {@code claims_to_headers}: which claims of a verified access token (Authgear's custom
 * fields, "Add custom fields to a JWT Access Token") become which upstream headers. Immutable, a
 * value (equal mappings share a verified-token cache). Rendered once per token, where it enters the
 * cache ({@link #render}), so a cache hit costs nothing more. Every name here is also one the client
 * may not send on that route ({@link #isSetHere}): a front deletes it, in every spelling, like the
 * {@code x-authgear-*} family.
 *
 * @param mappings in the configured order; names lower case, checked by {@link ClaimHeaderNames}
 */
public record ClaimHeaders(List<Mapping> mappings) {
    /** No claim becomes a header: the default, and what APISIX routes without the key have. */
    public static final ClaimHeaders NONE = new ClaimHeaders(List.of());

    /** One header and the claim it carries. */
    public record Mapping(String header, String claim) {
    }

    public ClaimHeaders {
        mappings = List.copyOf(mappings);
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    /** The header names, lower case, in the configured order. */
    public List<String> headerNames() {
        List<String> out = new ArrayList<>(mappings.size());
        for (Mapping m : mappings) {
            out.add(m.header());
        }
        return List.copyOf(out);
    }

    /**
     * The headers for a verified token's claims ({@link ClaimValueText} says how each is written); a
     * claim that is absent, null, empty, or has no safe text is left out: its header is omitted.
     */
    public List<Header> render(Map<String, Object> claims) {
        if (mappings.isEmpty()) {
            return List.of();
        }
        List<Header> out = new ArrayList<>(mappings.size());
        for (Mapping m : mappings) {
            Optional<String> text = ClaimValueText.of(claims.get(m.claim()));
            text.ifPresent(t -> out.add(new Header(m.header(), t)));
        }
        return out;
    }

    /**
     * True when a client-sent header of this name is one of this route's, in any spelling: case
     * ignored and {@code _} read as {@code -}, as nginx's variables and WSGI-style backends read them.
     */
    public boolean isSetHere(String clientName) {
        for (int i = 0; i < mappings.size(); i++) {
            if (ClaimHeaderNames.sameHeader(mappings.get(i).header(), clientName)) {
                return true;
            }
        }
        return false;
    }
}
