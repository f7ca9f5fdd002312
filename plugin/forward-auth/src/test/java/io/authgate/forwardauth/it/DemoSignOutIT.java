package io.authgate.forwardauth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's logout in the demo, through the built jar: mint a token, 200; {@code event
 * user.signed_out} (a webhook event signed as Authgear signs them, posted to the demo's webhook
 * port); the same token 401; a token minted after, 200.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoSignOutIT {
    @TempDir
    Path dir;
    private final List<AdapterProcess> adapters = new ArrayList<>();

    @AfterEach
    void stop() {
        adapters.forEach(AdapterProcess::close);
    }

    private static AdapterProcess.Result run(Path demoFile, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--demo-file", demoFile.toString()));
        return AdapterProcess.run(all, Duration.ofSeconds(30));
    }

    private static String lastLine(AdapterProcess.Result r) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = r.output().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static int ask(AdapterProcess a, String token) throws Exception {
        return RawHttp.exchange(a.decisionPort(), RawHttp.get("/_resolver/resolve", a.decisionPort(),
                "X-Forwarded-Method", "GET", "X-Forwarded-Host", "app.example", "X-Forwarded-Uri", "/",
                "Authorization", "Bearer " + token)).status();
    }

    @Test
    void mintThenSignOutThenTheTokenIsRefusedAndANewOneWorks() throws Exception {
        Path demoFile = dir.resolve("demo-issuer.json");
        Path config = dir.resolve("authgate.yaml");
        Files.writeString(config, "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\nmode: enforce\n");
        AdapterProcess a = AdapterProcess.startWithArgs(dir, List.of("--demo", "--config", config.toString(), "--demo-file", demoFile.toString()));
        adapters.add(a);
        assertThat(a.log()).contains("webhooks http://127.0.0.1:");

        String token = lastLine(run(demoFile, "mint"));
        assertThat(ask(a, token)).isEqualTo(200);
        Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 20); // the sign-out in a later second than the token's iat

        AdapterProcess.Result signedOut = run(demoFile, "event", "user.signed_out");
        assertThat(lastLine(signedOut)).contains("user.signed_out").contains("200");
        assertThat(ask(a, token)).as("signed out").isEqualTo(401);
        assertThat(ask(a, lastLine(run(demoFile, "mint")))).as("a token minted after").isEqualTo(200);

        AdapterProcess.Result disabled = run(demoFile, "event", "user.disabled", "--sub", "someone-else");
        assertThat(disabled.exitCode()).isZero();
        assertThat(ask(a, lastLine(run(demoFile, "mint", "--sub", "someone-else")))).isEqualTo(401);

        AdapterProcess.Result bad = run(demoFile, "event", "user.nonsense");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output().strip()).startsWith("authgate event: ").doesNotContain("\n");
    }
}
