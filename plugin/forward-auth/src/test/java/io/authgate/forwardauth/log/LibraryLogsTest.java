package io.authgate.forwardauth.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Netty's and Caffeine's {@code java.util.logging} records become one line each of the adapter's log. */
class LibraryLogsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Handler[] before;

    @BeforeEach
    void keepTheHandlers() {
        before = root().getHandlers();
    }

    @AfterEach
    void putTheHandlersBack() {
        for (Handler h : root().getHandlers()) {
            root().removeHandler(h);
        }
        for (Handler h : before) {
            root().addHandler(h);
        }
    }

    private static Logger root() {
        return LogManager.getLogManager().getLogger("");
    }

    private List<String> lines(AdapterLog log) {
        log.flush();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aWarningWithAnExceptionIsOneJsonLineUnderJson() throws Exception {
        AdapterLog log = AdapterLog.to(LogFormat.JSON, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        LibraryLogs.routeTo(log);
        LogRecord record = new LogRecord(Level.WARNING, "closing {0}\nafter a failure");
        record.setLoggerName("io.netty.test");
        record.setParameters(new Object[] {"channel 7"});
        record.setThrown(new IllegalStateException("boom\nsecond line"));
        Logger.getLogger("io.netty.test").log(record);

        List<String> lines = lines(log);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("level").textValue()).isEqualTo("warn");
        assertThat(line.get("event").textValue()).isEqualTo("library_log");
        assertThat(line.get("logger").textValue()).isEqualTo("io.netty.test");
        assertThat(line.get("message").textValue())
                .isEqualTo("io.netty.test: closing channel 7 after a failure: java.lang.IllegalStateException: boom second line");
        assertThat(root().getHandlers()).as("the console handler is gone").hasSize(1);
    }

    @Test
    void infoIsOneTextLineAndFineIsDropped() {
        AdapterLog log = AdapterLog.to(LogFormat.TEXT, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        LibraryLogs.routeTo(log);
        Logger logger = Logger.getLogger("com.github.benmanes.caffeine.test");
        logger.setLevel(Level.ALL);
        logger.fine("not shown");
        logger.info("shown");

        assertThat(lines(log)).containsExactly("authgate: com.github.benmanes.caffeine.test: shown");
    }
}
