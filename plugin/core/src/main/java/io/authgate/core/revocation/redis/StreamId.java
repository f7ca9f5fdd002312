package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

/** A stream entry's id, {@code <ms>-<seq>}: {@code ms} is Redis's clock when the entry was added. */
record StreamId(long millis, long sequence) {

    static StreamId parse(String text) throws RedisException {
        int dash = text.indexOf('-');
        try {
            return new StreamId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new RedisException(RevocationFeedFailure.PROTOCOL, "not a stream id");
        }
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
