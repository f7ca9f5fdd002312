package io.authgate.forwardauth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way the project tells you to start a JVM (scripts, APISIX's {@code ext-plugin.cmd}, the
 * READMEs, and the test harnesses that start the adapter and the runner as a user would) passes
 * {@code -XX:+ExitOnOutOfMemoryError}: a JVM out of heap exits (status 3) so its supervisor restarts
 * it, instead of living on with threads that died of the error.
 */
class StartCommandsTest {
    static final String FLAG = "-XX:+ExitOnOutOfMemoryError";
    /** A command line that runs java with options: {@code java -...} or {@code java $OPTS}. */
    private static final Pattern JAVA_COMMAND = Pattern.compile("(^|[\\s`(&;])java\\s+[-$]");

    private static String read(String relative) throws IOException {
        Path file = GatewayProcess.REPO_ROOT.resolve(relative);
        assertThat(file).as("a file this test checks").exists();
        return Files.readString(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "nginx-conf/README.md", "runner-config/start-runner.sh", "bench/forward-auth.sh"})
    void everyJavaCommandLinePassesTheFlag(String relative) throws IOException {
        List<String> commands = read(relative).lines().filter(l -> JAVA_COMMAND.matcher(l).find()).toList();
        assertThat(commands).as("java command lines in %s", relative).isNotEmpty();
        assertThat(commands).as("java command lines in %s", relative).allMatch(l -> l.contains(FLAG));
    }

    @Test
    void apisixStartsTheRunnerWithTheFlag() throws IOException {
        List<String> cmd = read("apisix-conf/config.yaml").lines().map(String::strip)
                .dropWhile(l -> !l.equals("cmd:")).skip(1).filter(l -> !l.startsWith("#"))
                .takeWhile(l -> l.startsWith("- ")).map(l -> l.substring(2)).toList();
        assertThat(cmd).as("ext-plugin.cmd").startsWith("/usr/bin/java").contains(FLAG);
        assertThat(cmd.indexOf(FLAG)).as("a JVM option, so before -jar").isLessThan(cmd.indexOf("-jar"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "plugin/forward-auth/src/test/java/io/authgate/forwardauth/it/AdapterProcess.java",
            "plugin/apisix/src/test/java/io/authgate/apisix/it/RunnerProcess.java"})
    void theHarnessesStartTheJvmAsAUserWould(String relative) throws IOException {
        assertThat(read(relative)).contains("\"" + FLAG + "\"");
    }
}
