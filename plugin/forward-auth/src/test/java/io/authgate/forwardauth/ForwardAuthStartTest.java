package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.forwardauth.log.AdapterLog;
import io.authgate.forwardauth.log.LogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a start that cannot finish leaves behind: nothing. */
@Timeout(60)
class ForwardAuthStartTest {
    /** The JDK's HttpServer (the development issuer's) runs one thread of this name while it serves (sun.net.httpserver.ServerImpl). */
    private static final String DISPATCHER = "HTTP-Dispatcher";

    private static long dispatchers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && DISPATCHER.equals(t.getName())).count();
    }

    @Test
    void aStartInterruptedStopsTheDevelopmentIssuerItStarted() throws Exception {
        ObjectNode tree = JsonNodeFactory.instance.objectNode()
                .put("development_issuer", true).put("listen", "127.0.0.1:0").put("admin_listen", "127.0.0.1:0");
        AdapterConfig config = AdapterConfig.parse(tree);
        AdapterLog log = AdapterLog.to(LogFormat.TEXT, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        long before = dispatchers();
        // Binding the listeners waits (Netty's sync()), and a waiting start sees the interruption.
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> ForwardAuth.start(config, log)).isInstanceOf(ForwardAuth.StartException.class)
                    .hasMessageContaining("interrupted");
        } finally {
            Thread.interrupted();
        }
        // HttpServer.stop ends its dispatcher; generous for a loaded machine.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (dispatchers() > before && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(dispatchers()).as("development issuers still serving").isEqualTo(before);
    }
}
