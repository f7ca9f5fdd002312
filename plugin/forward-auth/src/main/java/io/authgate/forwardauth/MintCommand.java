package io.authgate.forwardauth;

import io.authgate.forwardauth.dev.DemoKeyFile;
import io.authgate.forwardauth.dev.DevelopmentIssuer;
import io.authgate.forwardauth.dev.DemoTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mint [--sub ID] [--roles a,b] [--amr pwd,mfa] [--expires-in SECONDS] [--anonymous true]
 * [--demo-file FILE]}: prints one access token signed by the running demo's development issuer
 * (read from {@link DemoKeyFile}), so it verifies against that {@code --demo} adapter and no other.
 * The token alone goes to stdout ({@code TOKEN=$(java -jar ... mint --roles admin)}); exit 2 with one
 * line on stderr when no demo runs or an option is wrong.
 */
final class MintCommand {
    static final long MAX_EXPIRES_IN = 86_400;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> FLAGS = Set.of("--sub", "--roles", "--amr", "--expires-in", "--anonymous", "--demo-file");

    private MintCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            CommandFlags flags = CommandFlags.parse(args, FLAGS, Set.of());
            if (!flags.positional().isEmpty()) {
                throw new CommandFlags.UsageException("mint takes only options, not " + flags.positional().get(0));
            }
            boolean anonymous = flags.value("--anonymous").map(MintCommand::bool).orElse(false);
            String sub = flags.value("--sub").orElse(anonymous ? DevelopmentIssuer.ANONYMOUS_USER_ID : DevelopmentIssuer.DEMO_USER_ID);
            if (sub.isBlank()) {
                throw new CommandFlags.UsageException("--sub must not be empty");
            }
            long seconds = flags.number("--expires-in", 3600, 1, MAX_EXPIRES_IN);
            Path file = flags.value("--demo-file").map(Path::of).orElseGet(() -> DemoKeyFile.defaultPath(env));
            DemoTokens tokens = DemoKeyFile.read(file);
            if (!answers(URI.create(tokens.issuer()))) {
                throw new CommandFlags.UsageException("no demo answers at " + tokens.issuer() + " (the demo that wrote " + file
                        + " has stopped): start one with --demo");
            }
            out.println(tokens.mint(new DemoTokens.Claims(sub, anonymous, !anonymous, flags.list("--roles"), flags.list("--amr")),
                    Duration.ofSeconds(seconds)));
            return 0;
        } catch (CommandFlags.UsageException | IllegalArgumentException e) {
            err.println("authgate mint: " + e.getMessage());
            return 2;
        }
    }

    /**
     * Whether something listens where the demo's issuer was: a demo killed with SIGKILL leaves its file
     * behind, and a token signed with its key verifies nowhere. The issuer is on loopback, so a refused
     * connection comes back at once.
     */
    private static boolean answers(URI issuer) {
        int port = issuer.getPort() > 0 ? issuer.getPort() : 80;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(issuer.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CommandFlags.UsageException("--anonymous must be true or false (got \"" + text + "\")");
        };
    }
}
