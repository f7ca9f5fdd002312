package io.authgate.core.revocation;

import java.util.function.Consumer;

/**
 * What every node does with an event body the feed delivers: read it again (a feed carries bytes) and
 * apply it to the node's watermarks. A body that is not a handled event changes nothing (the receiver
 * refused or ignored it before publishing; a replay of one is harmless). At the table's cap it throws
 * {@link TableFull}, so the embedded feed's publish fails and the receiver answers 503.
 */
public final class RevocationSink implements Consumer<byte[]> {
    private final Watermarks watermarks;

    public RevocationSink(Watermarks watermarks) {
        this.watermarks = watermarks;
    }

    /** The watermark table has no room for another user. No stack trace: it is an expected state. */
    public static final class TableFull extends RuntimeException {
        TableFull(int cap) {
            super("the revocation table holds its cap of " + cap + " users (revocation.max_entries)", null, false, false);
        }
    }

    @Override
    public void accept(byte[] body) {
        ParsedEvent parsed;
        try {
            parsed = WebhookEventParser.parse(body);
        } catch (MalformedEventException e) {
            return;
        }
        if (parsed instanceof ParsedEvent.Handled handled && watermarks.apply(handled.event()) == Watermarks.Outcome.FULL) {
            throw new TableFull(watermarks.maxEntries());
        }
    }
}
