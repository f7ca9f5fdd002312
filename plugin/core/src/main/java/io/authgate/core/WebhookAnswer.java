package io.authgate.core;

/**
 * What the webhook receiver answers Authgear, and the label it is counted under. Authgear treats any
 * status outside 2xx as a failed delivery (authgear-server {@code pkg/lib/hook/hook_web.go},
 * {@code performRequest}): an event this does not handle is still 2xx, so it is not sent again.
 */
public enum WebhookAnswer {
    /** Verified and handed to the feed, which applied it (embedded) or made it durable (Redis). */
    ACCEPTED(200, "accepted"),
    /** Verified, of a type that changes no token: not published. */
    IGNORED(200, "ignored"),
    UNSIGNED(401, "unsigned"),
    BAD_SIGNATURE(401, "bad_signature"),
    MALFORMED(400, "malformed"),
    TOO_LARGE(413, "too_large"),
    /** The feed could not take it (Redis down, the watermark table full): Authgear may deliver it again. */
    UNAVAILABLE(503, "unavailable");

    private final int status;
    private final String label;

    WebhookAnswer(int status, String label) {
        this.status = status;
        this.label = label;
    }

    public int status() {
        return status;
    }

    public String label() {
        return label;
    }
}
