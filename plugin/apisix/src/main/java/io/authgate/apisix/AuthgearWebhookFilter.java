package io.authgate.apisix;

import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;
import org.apache.apisix.plugin.runner.HttpRequest;
import org.apache.apisix.plugin.runner.HttpResponse;
import org.apache.apisix.plugin.runner.filter.PluginFilter;
import org.apache.apisix.plugin.runner.filter.PluginFilterChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code AuthgearWebhook} filter: Authgear's signed webhook events received by APISIX, on a route
 * of their own, answered here and never proxied (the chain stops with the receiver's status). The
 * only filter of this plugin with {@link #requiredBody()}: runner 0.4.0 asks APISIX for the body
 * when any filter of the route's chain wants it ({@code RpcCallHandler.fetchExtraInfo}), and the
 * resolver's routes must not pay for that.
 *
 * <p>The body's bytes: APISIX answers the runner's ExtraInfo ReqBody with
 * {@code core.request.get_body()} packed as a byte vector ({@code apisix/plugins/ext-plugin/init.lua},
 * {@code handle_extra_info}), and runner 0.4.0 turns that vector into a String one char per unsigned
 * byte ({@code ExtraInfoResponse.getResult}); so ISO-8859-1 gives back exactly the bytes Authgear
 * signed. A char past {@code 0xFF} cannot come from that decoding; were one there, ISO-8859-1 would
 * write {@code ?} and the signature would not match (401).
 *
 * <p>Runner 0.4.0 runs filters on its event loop and writes the answer when the chain returns, so
 * the answer cannot wait for another thread. The signature is checked first, on the event loop (one
 * HMAC over at most 64 KiB). A signed event is applied to this runner at once; its append to the
 * project's Redis stream is waited for at most {@link #MAX_WAIT} (an append to a healthy Redis takes
 * about a millisecond), and not at all when the feed already reports down
 * ({@link WebhookReceiver#feedUp}): then, or past the bound, the answer is 503, a failed delivery to
 * Authgear (the portal can deliver it again; an append that lands late as well changes nothing when
 * it is read twice). With the embedded feed nothing waits.
 */
public final class AuthgearWebhookFilter implements PluginFilter {
    public static final String NAME = "AuthgearWebhook";
    /** Longest an event loop of the runner waits for the project's stream to take an event. */
    static final Duration MAX_WAIT = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(AuthgearWebhookFilter.class);

    private final WebhookRoutes routes;

    AuthgearWebhookFilter(WebhookRoutes routes) {
        this.routes = routes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Boolean requiredBody() {
        return true;
    }

    @Override
    public void filter(HttpRequest request, HttpResponse response, PluginFilterChain chain) {
        // Never chain.filter: the event is answered here, and nothing of it goes upstream.
        if (request.getMethod() != HttpRequest.Method.POST) {
            answer(response, 405, "method not allowed: Authgear posts its events");
            response.setHeader("allow", "POST");
            return;
        }
        if (!WebhookReceiver.isJson(request.getHeader("content-type"))) {
            answer(response, 415, "unsupported media type: Authgear posts application/json");
            return;
        }
        Optional<WebhookReceiver> receiver = routes.forValue(request.getConfig(this));
        if (receiver.isEmpty()) {
            answer(response, 500, "authgate: this webhook route's configuration is invalid (see the runner's log)");
            return;
        }
        String text = request.getBody();
        byte[] body = text == null ? new byte[0] : text.getBytes(StandardCharsets.ISO_8859_1);
        WebhookAnswer answer = receive(receiver.get(), body, Optional.ofNullable(request.getHeader(WebhookReceiver.SIGNATURE_HEADER)));
        answer(response, answer.status(), answer.label());
    }

    private static WebhookAnswer receive(WebhookReceiver receiver, byte[] body, Optional<String> signature) {
        try {
            WebhookReceiver.Checked checked = receiver.check(body, signature);
            if (checked.refused().isPresent()) {
                return checked.refused().get();
            }
            CompletableFuture<WebhookAnswer> answer = receiver.receive(checked);
            if (!answer.isDone() && !receiver.feedUp()) {
                return WebhookAnswer.UNAVAILABLE; // the feed is known down: no event loop waits on it
            }
            return answer.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return WebhookAnswer.UNAVAILABLE;
        } catch (ExecutionException | RuntimeException e) {
            LOG.error("authgate: internal error receiving a webhook event: {}", e.toString());
            return WebhookAnswer.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return WebhookAnswer.UNAVAILABLE;
        }
    }

    private static void answer(HttpResponse response, int status, String text) {
        response.setStatusCode(status);
        response.setHeader("content-type", "text/plain; charset=utf-8");
        response.setBody(text + "\n");
    }
}
