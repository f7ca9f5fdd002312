package io.authgate.apisix;

import io.authgate.core.headers.IdentityHeaderNames;

import java.util.ArrayList;
import java.util.List;

/**
 * Every spelling of the contract's header names that nginx treats as a different header: each {@code -}
 * read as {@code -} or {@code _} (nginx compares names case-insensitively, so case needs no spelling of its
 * own). WSGI-style backends fold {@code _} and {@code -} together, so to them all of these are the same
 * header. Used to delete identity headers the runner could not see; computed once.
 */
final class ContractHeaderSpellings {
    /** Retired from Authgear in 2021, but old configurations and backends still read it. */
    static final String RETIRED_SESSION_ACR = "x-authgear-session-acr";

    /** The eight contract names and the retired acr, each in every spelling: 88 names. */
    static final List<String> ALL = allSpellings(List.of(
            IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
            IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE,
            IdentityHeaderNames.USER_ROLES, IdentityHeaderNames.SESSION_AMR,
            IdentityHeaderNames.SESSION_AUTHENTICATED_AT, RETIRED_SESSION_ACR));

    private ContractHeaderSpellings() {
    }

    static List<String> allSpellings(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            out.addAll(spellings(name));
        }
        return List.copyOf(out);
    }

    /** {@code name} with each of its {@code -} as {@code -} or as {@code _}, in every combination. */
    static List<String> spellings(String name) {
        List<String> out = new ArrayList<>(List.of(""));
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            List<String> longer = new ArrayList<>(out.size() * 2);
            for (String prefix : out) {
                longer.add(prefix + c);
                if (c == '-') {
                    longer.add(prefix + '_');
                }
            }
            out = longer;
        }
        return List.copyOf(out);
    }
}
