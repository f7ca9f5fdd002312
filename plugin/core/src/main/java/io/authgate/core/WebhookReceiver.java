package io.authgate.core;

import io.authgate.core.revocation.MalformedEventException;
import io.authgate.core.revocation.ParsedEvent;
import io.authgate.core.revocation.Watermarks;
import io.authgate.core.revocation.WebhookEventParser;
import io.authgate.core.revocation.WebhookSignature;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One Authgear project's webhook endpoint, as a front sees it: the signature is checked first (over
 * the raw bytes, before anything reads them), then the event is read, then a handled one is published
 * to the feed and answered once the feed has it. Nothing here logs a body. Thread-safe; the caller
 * runs it off any event loop (the event is applied to this node's watermarks on the caller's thread;
 * with Redis the answer then completes on the feed's publisher thread).
 */
public final class WebhookReceiver {
    public static final int MAX_BODY_BYTES = WebhookEventParser.MAX_BODY_BYTES;
    /** Where Authgear puts the body's signature. */
    public static final String SIGNATURE_HEADER = WebhookSignature.HEADER;

    private final WebhookSignature signature;
    /** Applies a verified event here and hands it to the project's feed ({@code ProjectFeeds#publish}). */
    private final Function<byte[], CompletableFuture<Void>> publish;
    /** Whether the project's feed is up ({@code ProjectFeeds#up(String)}). */
    private final BooleanSupplier feedUp;
    private final Watermarks watermarks;
    private final AuthgateEvents events;

    WebhookReceiver(WebhookSignature signature, Function<byte[], CompletableFuture<Void>> publish, BooleanSupplier feedUp,
                    Watermarks watermarks, AuthgateEvents events) {
        this.signature = signature;
        this.publish = publish;
        this.feedUp = feedUp;
        this.watermarks = watermarks;
        this.events = events;
    }

    /**
     * @param signatureHeader {@code x-authgear-body-signature}, empty when absent
     * @return the answer; never fails
     */
    public CompletableFuture<WebhookAnswer> receive(byte[] body, Optional<String> signatureHeader) {
        return receive(check(body, signatureHeader));
    }

    /**
     * The first half of {@link #receive}, cheap enough for an event loop (one HMAC-SHA256 over at most
     * {@link #MAX_BODY_BYTES}: tens of microseconds). A refusal (too large, unsigned, badly signed) is
     * counted here. A front calls this before a request takes room in any queue, so that unsigned
     * floods cannot crowd out signed events, then hands a signed one to {@link #receive(Checked)}.
     */
    public Checked check(byte[] body, Optional<String> signatureHeader) {
        Optional<WebhookAnswer> refused = signatureRefusal(body, signatureHeader);
        refused.ifPresent(events::webhookAnswered);
        return new Checked(body, refused);
    }

    /** The second half of {@link #receive}: a refused body's answer, or a signed one read, published and answered; never fails. */
    public CompletableFuture<WebhookAnswer> receive(Checked checked) {
        if (checked.refused.isPresent()) {
            return CompletableFuture.completedFuture(checked.refused.get());
        }
        return answerSigned(checked.body).whenComplete((answer, error) -> events.webhookAnswered(answer));
    }

    /** A body whose signature {@link #check} has looked at: only this class makes one, so nothing skips the check. */
    public static final class Checked {
        private final byte[] body;
        private final Optional<WebhookAnswer> refused;

        private Checked(byte[] body, Optional<WebhookAnswer> refused) {
            this.body = body;
            this.refused = refused;
        }

        /** The answer when the body is not Authgear's signed event; empty when it is. */
        public Optional<WebhookAnswer> refused() {
            return refused;
        }
    }

    private Optional<WebhookAnswer> signatureRefusal(byte[] body, Optional<String> signatureHeader) {
        if (body.length > MAX_BODY_BYTES) {
            return Optional.of(WebhookAnswer.TOO_LARGE);
        }
        if (signatureHeader.isEmpty()) {
            return Optional.of(WebhookAnswer.UNSIGNED);
        }
        if (!signature.matches(body, signatureHeader.get())) {
            return Optional.of(WebhookAnswer.BAD_SIGNATURE);
        }
        return Optional.empty();
    }

    private CompletableFuture<WebhookAnswer> answerSigned(byte[] body) {
        ParsedEvent parsed;
        try {
            parsed = WebhookEventParser.parse(body);
        } catch (MalformedEventException e) {
            return CompletableFuture.completedFuture(WebhookAnswer.MALFORMED);
        }
        if (parsed instanceof ParsedEvent.Ignored) {
            return CompletableFuture.completedFuture(WebhookAnswer.IGNORED);
        }
        CompletableFuture<Void> published;
        try {
            published = publish.apply(body);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        return published.handle((done, error) -> error == null ? WebhookAnswer.ACCEPTED : WebhookAnswer.UNAVAILABLE);
    }

    /**
     * Whether a request's {@code Content-Type} is what Authgear posts: {@code application/json}, with
     * or without parameters ({@code ; charset=utf-8}), in any case. A front answers 415 otherwise.
     */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    /** The event types that change tokens (the rest are answered 2xx and ignored). */
    public static java.util.Set<String> handledTypes() {
        return WebhookEventParser.handledTypes();
    }

    /**
     * Whether the project's feed reaches every node now (always, without Redis): a front that must
     * answer on an event loop answers 503 at once, rather than wait, for an append to a feed known down.
     */
    public boolean feedUp() {
        return feedUp.getAsBoolean();
    }

    /** Users with an active watermark in this node's table: a gauge. */
    public int activeWatermarks() {
        return watermarks.active();
    }

    public int maxWatermarks() {
        return watermarks.maxEntries();
    }
}
