package io.authgate.bench;

import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.Decision;
import io.authgate.core.Gate;
import io.authgate.core.GatewayRequest;
import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.AuthgearWebhooks;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the revocation check on the cached JWT path ({@link ResolveBenchmark#cachedToken}'s
 * request), in one invocation: {@link #cachedTokenNoWatermarks} with an empty watermark table and
 * {@link #cachedTokenWatermarks10k} with {@value #WATERMARKS} users revoked by signed Authgear
 * events, the requesting user among them (signed out before the token was issued, so the token still
 * resolves: the lookup finds an entry and compares its {@code iat}, the dearest path that allows).
 * {@link BenchMain} prints the ratio. Setup refuses to run unless both paths allow the user and the
 * table holds what it should.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RevocationBenchmark {
    static final int WATERMARKS = 10_000;
    private static final String SECRET = "bench-webhook-secret-0123456789ab";

    private TestIssuer issuer;
    private Gate empty;
    private Gate revoked;
    private byte[] authorization;

    @Setup(Level.Trial)
    public void setUp() {
        issuer = TestIssuer.start();
        long now = System.currentTimeMillis() / 1000;
        String json = "{\"authgear_endpoint\": \"" + issuer.issuer() + "\", \"resolver\": false, \"revocation\": {\"webhook_secret\": \""
                + SECRET + "\"}}";
        AuthgateConfig config = ConfigParser.parseJson(json);
        empty = Authgate.create(AuthgateEvents.NONE).gateFor(config);
        Authgate withMarks = Authgate.create(AuthgateEvents.NONE);
        revoked = withMarks.gateFor(config);
        WebhookReceiver receiver = withMarks.webhookReceiver(config);
        for (int i = 0; i < WATERMARKS; i++) {
            String user = i == 0 ? AuthgearClaims.USER_ID : "bench-user-" + i;
            byte[] body = AuthgearWebhooks.event("user.signed_out", user, now - 60, i);
            WebhookAnswer answer = receiver.receive(body, Optional.of(AuthgearWebhooks.sign(SECRET, body))).join();
            if (answer != WebhookAnswer.ACCEPTED) {
                throw new IllegalStateException("event " + i + ": " + answer);
            }
        }
        if (receiver.activeWatermarks() != WATERMARKS) {
            throw new IllegalStateException("expected " + WATERMARKS + " watermarks, got " + receiver.activeWatermarks());
        }
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, now);
        authorization = ("Bearer " + token).getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 2; i++) {
            requireAllow(cachedTokenNoWatermarks(), "cachedTokenNoWatermarks");
            requireAllow(cachedTokenWatermarks10k(), "cachedTokenWatermarks10k");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (issuer != null) {
            issuer.close();
        }
    }

    @Benchmark
    public Decision cachedTokenNoWatermarks() {
        return empty.resolve(GatewayRequest.of(new String(authorization, StandardCharsets.ISO_8859_1), null));
    }

    @Benchmark
    public Decision cachedTokenWatermarks10k() {
        return revoked.resolve(GatewayRequest.of(new String(authorization, StandardCharsets.ISO_8859_1), null));
    }

    private static void requireAllow(Decision decision, String what) {
        if (!(decision instanceof Decision.Allow allow)
                || !AuthgearClaims.USER_ID.equals(allow.headers().get(IdentityHeaderNames.USER_ID))) {
            throw new IllegalStateException(what + ": expected Allow, got " + decision);
        }
    }
}
