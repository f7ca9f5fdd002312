package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the stream: its id, and the event body in its {@code body} field (empty when an entry
 * has none: written by something else; it is passed over, its id still counts as read).
 */
record StreamEntry(StreamId id, Optional<byte[]> body) {
    static final String BODY_FIELD = "body";

    /**
     * The entries of one stream in an XREAD reply: {@code [[key, [[id, [field, value, ...]], ...]]]},
     * or nil when the read timed out with nothing new (as {@code xreadCommand} in Redis's
     * {@code src/t_stream.c} answers).
     */
    static List<StreamEntry> fromXread(Reply reply) throws RedisException {
        if (reply == Reply.Nil.NIL) {
            return List.of();
        }
        List<StreamEntry> out = new ArrayList<>();
        for (Reply stream : array(reply)) {
            List<Reply> keyAndEntries = array(stream);
            if (keyAndEntries.size() != 2) {
                throw shape();
            }
            for (Reply entry : array(keyAndEntries.get(1))) {
                List<Reply> idAndFields = array(entry);
                if (idAndFields.size() != 2 || !(idAndFields.get(0) instanceof Reply.Bulk id)) {
                    throw shape();
                }
                out.add(new StreamEntry(StreamId.parse(id.text()), body(array(idAndFields.get(1)))));
            }
        }
        return out;
    }

    private static Optional<byte[]> body(List<Reply> fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (fields.get(i) instanceof Reply.Bulk name && name.text().equals(BODY_FIELD)
                    && fields.get(i + 1) instanceof Reply.Bulk value) {
                return Optional.of(value.bytes());
            }
        }
        return Optional.empty();
    }

    private static List<Reply> array(Reply r) throws RedisException {
        if (r instanceof Reply.Array a) {
            return a.items();
        }
        throw shape();
    }

    private static RedisException shape() {
        return new RedisException(RevocationFeedFailure.PROTOCOL, "an XREAD reply of an unexpected shape");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamEntry e && e.id.equals(id) && e.body.isPresent() == body.isPresent()
                && (body.isEmpty() || Arrays.equals(e.body.get(), body.get()));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
