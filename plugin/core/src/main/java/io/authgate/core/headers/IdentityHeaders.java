package io.authgate.core.headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code x-authgear-*} headers that describe a session, exactly as Authgear's resolver writes
 * them (names in lower case, one value each). Immutable, so one instance is built per verified token
 * and handed to every request that carries it.
 */
public final class IdentityHeaders {
    /** No session: Authgear answers with no identity header at all. */
    public static final IdentityHeaders NONE = new IdentityHeaders(List.of());

    /** A session was found but is not valid (disabled user, IdP cookie no longer valid, ...). */
    public static final IdentityHeaders SESSION_INVALID =
            new IdentityHeaders(List.of(new Header(IdentityHeaderNames.SESSION_VALID, "false")));

    private static final byte[] NOT_ENCODABLE = new byte[0];
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};

    private final List<Header> headers;
    /** The HTTP/1.1 form, built on first use (a benign race: any thread builds the same bytes). Volatile so the array's contents are seen with it. */
    private volatile byte[] fieldLines;

    private IdentityHeaders(List<Header> headers) {
        this.headers = headers;
    }

    /** Headers as given (for a remote resolver's answer, which is taken as it is). */
    public static IdentityHeaders of(List<Header> headers) {
        return headers.isEmpty() ? NONE : new IdentityHeaders(List.copyOf(headers));
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
        return new IdentityHeaders(List.copyOf(out));
    }

    /**
     * The headers as HTTP/1.1 field lines ({@code name: value\r\n} each, values as their UTF-8 bytes
     * like every front writes them: {@link HeaderValues}), built once per instance, so a front that
     * writes HTTP/1.1 itself can answer a cached session without encoding it again. {@code null} when
     * a value is not {@link HeaderValues#isSafe safe} (the core never makes such headers): those go
     * through the front's own encoder and its validation instead, which refuses them.
     */
    public byte[] http1FieldLines() {
        byte[] lines = fieldLines;
        if (lines == null) {
            lines = encode(headers);
            fieldLines = lines;
        }
        return lines == NOT_ENCODABLE ? null : lines;
    }

    private static byte[] encode(List<Header> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (Header h : headers) {
            if (!HeaderValues.isSafe(h.value())) {
                return NOT_ENCODABLE;
            }
            out.writeBytes(h.name().getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(COLON_SPACE);
            out.writeBytes(h.value().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(CRLF);
        }
        return out.toByteArray();
    }

    public List<Header> asList() {
        return headers;
    }

    public boolean isEmpty() {
        return headers.isEmpty();
    }

    /** @return the value of a header by its lower-case name, or {@code null} */
    public String get(String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return h.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return headers.toString();
    }
}
