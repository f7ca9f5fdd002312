package io.authgate.core.headers;

import io.authgate.core.memory.HeapSize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code x-authgear-*} headers that describe a session, exactly as Authgear's resolver writes
 * them (names in lower case, one value each). Immutable, so one instance is built per verified token
 * or resolver answer and handed to every request that carries it.
 *
 * <p>Held in the form a cache hit needs, and only that: the HTTP/1.1 field lines, encoded once (values
 * as their UTF-8 bytes, like every front writes them: {@link HeaderValues}), which the adapter writes
 * as they are. {@link #asList()} reads them back for fronts that set headers one by one. Headers with
 * a value that is not {@link HeaderValues#isSafe safe} (the core never makes such headers) are kept
 * as a list instead and go through the front's own encoder and its validation, which refuses them.
 */
public final class IdentityHeaders {
    private static final byte[] NOT_ENCODABLE = new byte[0];
    private static final byte[] SEPARATOR = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};
    /** The contract's names, so that reading lines back allocates no name. */
    private static final List<String> KNOWN_NAMES = List.of(
            IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
            IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE, IdentityHeaderNames.USER_ROLES,
            IdentityHeaderNames.SESSION_AMR, IdentityHeaderNames.SESSION_AUTHENTICATED_AT);

    /** No session: Authgear answers with no identity header at all. */
    public static final IdentityHeaders NONE = new IdentityHeaders(new byte[0], List.of());

    /** A session was found but is not valid (disabled user, IdP cookie no longer valid, ...). */
    public static final IdentityHeaders SESSION_INVALID = of(List.of(new Header(IdentityHeaderNames.SESSION_VALID, "false")));

    /** {@code name: value\r\n} per header, UTF-8; {@link #NOT_ENCODABLE} when {@link #unencodable} holds them. */
    private final byte[] fieldLines;
    /** The headers, only when they cannot be written as field lines as they are; empty otherwise. */
    private final List<Header> unencodable;

    private IdentityHeaders(byte[] fieldLines, List<Header> unencodable) {
        this.fieldLines = fieldLines;
        this.unencodable = unencodable;
    }

    /** Headers as given (for a remote resolver's answer, which is taken as it is). */
    public static IdentityHeaders of(List<Header> headers) {
        if (headers.isEmpty()) {
            return NONE;
        }
        List<Header> copy = List.copyOf(headers);
        byte[] lines = encode(copy);
        return lines == NOT_ENCODABLE ? new IdentityHeaders(NOT_ENCODABLE, copy) : new IdentityHeaders(lines, List.of());
    }

    /**
     * Headers for a valid session, mapped from claims as the contract says: roles joined with
     * {@code ,} and omitted when empty; amr joined with a space and always present; the
     * authentication time omitted when unknown or zero.
     */
    public static IdentityHeaders validSession(SessionClaims claims) {
        return validSession(claims, List.of());
    }

    /** As {@link #validSession(SessionClaims)}, followed by a route's claim headers ({@link ClaimHeaders#render}). */
    public static IdentityHeaders validSession(SessionClaims claims, List<Header> claimHeaders) {
        List<Header> out = new ArrayList<>(8 + claimHeaders.size());
        out.add(new Header(IdentityHeaderNames.SESSION_VALID, "true"));
        out.add(new Header(IdentityHeaderNames.USER_ID, claims.userId()));
        out.add(new Header(IdentityHeaderNames.USER_ANONYMOUS, Boolean.toString(claims.anonymous())));
        out.add(new Header(IdentityHeaderNames.USER_VERIFIED, Boolean.toString(claims.verified())));
        out.add(new Header(IdentityHeaderNames.USER_CAN_REAUTHENTICATE, Boolean.toString(claims.canReauthenticate())));
        if (!claims.roles().isEmpty()) {
            out.add(new Header(IdentityHeaderNames.USER_ROLES, String.join(",", claims.roles())));
        }
        out.add(new Header(IdentityHeaderNames.SESSION_AMR, String.join(" ", claims.amr())));
        if (claims.authTime() != 0) {
            out.add(new Header(IdentityHeaderNames.SESSION_AUTHENTICATED_AT, Long.toString(claims.authTime())));
        }
        out.addAll(claimHeaders);
        return of(out);
    }

    /**
     * The headers as HTTP/1.1 field lines ({@code name: value\r\n} each, values as their UTF-8 bytes
     * like every front writes them: {@link HeaderValues}), encoded once, so a front that writes
     * HTTP/1.1 itself can answer a cached session without encoding it again. {@code null} when a value
     * is not {@link HeaderValues#isSafe safe} (the core never makes such headers): those go through
     * the front's own encoder and its validation instead, which refuses them. The array is shared:
     * never write it.
     */
    public byte[] http1FieldLines() {
        return fieldLines == NOT_ENCODABLE ? null : fieldLines;
    }

    private static byte[] encode(List<Header> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        for (Header h : headers) {
            if (!HeaderValues.isSafe(h.value())) {
                return NOT_ENCODABLE;
            }
            out.writeBytes(h.name().getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(SEPARATOR);
            out.writeBytes(h.value().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(CRLF);
        }
        return out.toByteArray();
    }

    /** The headers, in order. Read back from the field lines: a new list on every call. */
    public List<Header> asList() {
        if (fieldLines == NOT_ENCODABLE) {
            return unencodable;
        }
        List<Header> out = new ArrayList<>(8);
        int at = 0;
        while (at < fieldLines.length) {
            int colon = indexOf(fieldLines, (byte) ':', at);
            int end = indexOf(fieldLines, (byte) '\r', colon);
            out.add(new Header(name(at, colon), new String(fieldLines, colon + 2, end - colon - 2, StandardCharsets.UTF_8)));
            at = end + 2;
        }
        return List.copyOf(out);
    }

    private String name(int from, int to) {
        for (String known : KNOWN_NAMES) {
            if (spells(known, from, to)) {
                return known;
            }
        }
        return new String(fieldLines, from, to - from, StandardCharsets.US_ASCII);
    }

    private boolean spells(String name, int from, int to) {
        if (name.length() != to - from) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (fieldLines[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalStateException("field lines are always complete");
    }

    public boolean isEmpty() {
        return fieldLines.length == 0 && unencodable.isEmpty();
    }

    /** @return the value of a header by its lower-case name, or {@code null} */
    public String get(String name) {
        if (fieldLines == NOT_ENCODABLE) {
            for (Header h : unencodable) {
                if (h.name().equals(name)) {
                    return h.value();
                }
            }
            return null;
        }
        for (int at = 0; at < fieldLines.length; ) {
            int colon = indexOf(fieldLines, (byte) ':', at);
            int end = indexOf(fieldLines, (byte) '\r', colon);
            if (spells(name, at, colon)) {
                return new String(fieldLines, colon + 2, end - colon - 2, StandardCharsets.UTF_8);
            }
            at = end + 2;
        }
        return null;
    }

    /** What this instance takes on the heap, for the caches' weighers (the shared constants take nothing). */
    public long heapSize() {
        if (this == NONE || this == SESSION_INVALID) {
            return 0;
        }
        long size = HeapSize.object(2, 0);
        if (fieldLines != NOT_ENCODABLE) {
            size += HeapSize.bytes(fieldLines);
        } else {
            size += HeapSize.object(1, 1) + HeapSize.referenceArray(unencodable.size());
            for (Header h : unencodable) {
                size += HeapSize.object(2, 0) + HeapSize.string(h.value());
            }
        }
        return size;
    }

    @Override
    public String toString() {
        return asList().toString();
    }
}
