package io.authgate.core.headers;

import io.authgate.core.memory.HeapSize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code x-authgear-*} headers that describe a session, exactly as Authgear's resolver writes
 * them (names in lower case, one value each). Immutable, so one instance is built per verified token
 * or resolver answer and handed to every request that carries it.
 *
 * <p>Held in the form a cache hit needs, and only that: the HTTP/1.1 field lines, encoded once, which
 * the adapter writes as they are. {@link #asList()} reads them back for fronts that set headers one
 * by one. Headers whose values cannot be written as they are (anything but visible ASCII, space or
 * tab: a control character, non-ASCII text) are kept as a list instead and go through the front's own
 * encoder and its validation.
 */
public final class IdentityHeaders {
    private static final byte[] NOT_ENCODABLE = new byte[0];
    private static final byte[] SEPARATOR = {':', ' '};
    /** The contract's names, so that reading lines back allocates no name. */
    private static final List<String> KNOWN_NAMES = List.of(
            IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
            IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE, IdentityHeaderNames.USER_ROLES,
            IdentityHeaderNames.SESSION_AMR, IdentityHeaderNames.SESSION_AUTHENTICATED_AT);

    /** No session: Authgear answers with no identity header at all. */
    public static final IdentityHeaders NONE = new IdentityHeaders(new byte[0], List.of());

    /** A session was found but is not valid (disabled user, IdP cookie no longer valid, ...). */
    public static final IdentityHeaders SESSION_INVALID = of(List.of(new Header(IdentityHeaderNames.SESSION_VALID, "false")));

    /** {@code name: value\r\n} per header, US-ASCII; {@link #NOT_ENCODABLE} when {@link #unencodable} holds them. */
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
        List<Header> out = new ArrayList<>(8);
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
        return of(out);
    }

    /**
     * The headers as HTTP/1.1 field lines ({@code name: value\r\n} each, US-ASCII), encoded once, so
     * a front that writes HTTP/1.1 itself can answer a cached session without encoding it again.
     * {@code null} when a value holds anything but visible ASCII, space or tab: such headers go
     * through the front's own encoder and its validation instead. The array is shared: never write it.
     */
    public byte[] http1FieldLines() {
        return fieldLines == NOT_ENCODABLE ? null : fieldLines;
    }

    private static byte[] encode(List<Header> headers) {
        int length = 0;
        for (Header h : headers) {
            String value = h.value();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c > 0x7e) {
                    return NOT_ENCODABLE;
                }
            }
            length += h.name().length() + SEPARATOR.length + value.length() + 2;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (Header h : headers) {
            at = copy(h.name(), out, at);
            out[at++] = SEPARATOR[0];
            out[at++] = SEPARATOR[1];
            at = copy(h.value(), out, at);
            out[at++] = '\r';
            out[at++] = '\n';
        }
        return out;
    }

    private static int copy(String ascii, byte[] out, int at) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
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
            out.add(new Header(name(at, colon), new String(fieldLines, colon + 2, end - colon - 2, StandardCharsets.US_ASCII)));
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
                return new String(fieldLines, colon + 2, end - colon - 2, StandardCharsets.US_ASCII);
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
