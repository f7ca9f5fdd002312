package io.authgate.forwardauth;

import io.authgate.core.WebhookReceiver;
import io.authgate.forwardauth.dev.DemoKeyFile;
import io.authgate.forwardauth.dev.DemoWebhook;
import io.authgate.forwardauth.dev.DevelopmentIssuer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code event TYPE [--sub ID] [--demo-file FILE]}: sends the running demo one Authgear webhook
 * event about a user (the demo user by default), signed with that run's webhook secret, as Authgear
 * would after a sign-out or a disable; prints the type, the user and the receiver's answer. Exit 0
 * on 2xx, 1 when the receiver refused or could not be reached, 2 with one line on stderr when no
 * demo runs or an argument is wrong.
 */
final class EventCommand {
    /** The events that change tokens (the core's handled types), sorted for the usage line. */
    static final List<String> TYPES = WebhookReceiver.handledTypes().stream().sorted().toList();
    private static final Set<String> FLAGS = Set.of("--sub", "--demo-file");

    private EventCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        DemoWebhook webhook;
        byte[] body;
        String type;
        String sub;
        try {
            CommandFlags flags = CommandFlags.parse(args, FLAGS, Set.of());
            if (flags.positional().size() != 1 || !TYPES.contains(flags.positional().get(0))) {
                throw new CommandFlags.UsageException("give one event type: " + String.join(", ", TYPES));
            }
            type = flags.positional().get(0);
            sub = flags.value("--sub").orElse(DevelopmentIssuer.DEMO_USER_ID);
            if (sub.isBlank()) {
                throw new CommandFlags.UsageException("--sub must not be empty");
            }
            Path file = flags.value("--demo-file").map(Path::of).orElseGet(() -> DemoKeyFile.defaultPath(env));
            webhook = DemoKeyFile.readWebhook(file);
            body = webhook.event(type, sub);
        } catch (CommandFlags.UsageException | IllegalArgumentException e) {
            err.println("authgate event: " + e.getMessage());
            return 2;
        }
        try {
            HttpResponse<String> answer = webhook.send(body);
            out.println(type + " for " + sub + ": " + answer.statusCode() + " " + answer.body().strip());
            return answer.statusCode() / 100 == 2 ? 0 : 1;
        } catch (IOException e) {
            err.println("authgate event: cannot reach the demo's webhook port " + webhook.url() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
