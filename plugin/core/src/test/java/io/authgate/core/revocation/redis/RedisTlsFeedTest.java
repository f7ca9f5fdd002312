package io.authgate.core.revocation.redis;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.RevocationFeedFailure;
import io.authgate.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocketFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.authgate.core.revocation.redis.RedisStreamFeedTest.PATIENCE;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.await;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.text;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code rediss://} against a real redis-server speaking only TLS, with a certificate for 127.0.0.1. */
class RedisTlsFeedTest {
    /** One server for the class: making its key pair takes seconds on a loaded machine. */
    private static RedisServer redis;
    private final List<RedisStreamFeed> feeds = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startTls();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stop() {
        feeds.forEach(RedisStreamFeed::close);
    }

    @Test
    void eventsTravelOverTls() throws Exception {
        RedisStreamFeed feed = feed("rediss://127.0.0.1:" + redis.port(), redis.tls().clientContext().getSocketFactory());
        List<String> seen = new CopyOnWriteArrayList<>();
        feed.start(b -> seen.add(text(b)));

        feed.publish(utf8("over tls")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        await("the event", () -> seen.contains("over tls"));
        assertThat(redis.cli("XRANGE", RedisSettings.DEFAULT_STREAM, "-", "+")).contains("over tls");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() {
        // The certificate names 127.0.0.1 only; "localhost" reaches the same server but is not its name.
        RedisStreamFeed feed = feed("rediss://localhost:" + redis.port(), redis.tls().clientContext().getSocketFactory());
        assertConnectFailure(feed);
    }

    @Test
    void aCertificateNotTrustedIsRefused() {
        RedisStreamFeed feed = feed("rediss://127.0.0.1:" + redis.port(), (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertConnectFailure(feed);
    }

    @Test
    void plainRedisToATlsPortFailsWithinTheDeadline() {
        RedisStreamFeed feed = feed("redis://127.0.0.1:" + redis.port(), (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertThatThrownBy(() -> feed.publish(utf8("x")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).cause()
                .isInstanceOf(RedisException.class);
    }

    private static void assertConnectFailure(RedisStreamFeed feed) {
        assertThatThrownBy(() -> feed.publish(utf8("x")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RedisException.class, e -> {
                    assertThat(e.failure()).isEqualTo(RevocationFeedFailure.CONNECT);
                    assertThat(e.getMessage()).contains("TLS failed");
                });
    }

    private RedisStreamFeed feed(String uri, SSLSocketFactory tls) {
        RedisStreamFeed f = new RedisStreamFeed(ShortTimeouts.forUri(uri), AuthgateEvents.NONE, tls);
        feeds.add(f);
        return f;
    }
}
