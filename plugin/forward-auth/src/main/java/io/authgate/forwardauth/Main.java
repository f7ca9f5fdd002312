package io.authgate.forwardauth;

import io.authgate.core.config.WebhookSecretFromEnvironment;
import io.authgate.forwardauth.dev.DemoKeyFile;
import io.authgate.forwardauth.dev.DemoWebhook;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.UnixOperatingSystemMXBean;
import io.authgate.core.config.ConfigException;
import io.authgate.core.Denials;
import io.authgate.forwardauth.log.AdapterLog;
import io.authgate.forwardauth.log.LibraryLogs;
import io.authgate.forwardauth.log.LogFormat;
import io.authgate.forwardauth.log.LogLine;
import io.authgate.forwardauth.log.StartupSummary;
import sun.misc.Signal;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar authgate-forward-auth-VERSION.jar --config FILE} (or {@code AUTHGATE_CONFIG=FILE}), or
 * {@code --demo} for the development issuer; {@code check FILE} validates a configuration,
 * {@code --version} and {@code --help} print to stdout and exit 0. Exit status: 0 after a clean shutdown (SIGTERM or
 * SIGINT drain requests in flight first), 1 when it cannot start (a port in use), 2 for a bad
 * configuration or bad arguments, 3 when it died of a fatal error while running (an Error, a dead
 * thread: {@link Fatal}; also what {@code -XX:+ExitOnOutOfMemoryError} exits with).
 */
public final class Main {
    static final Duration DRAIN = Duration.ofSeconds(10);

    private Main() {
    }

    public static void main(String[] args) {
        Fatal.install();
        System.exit(runWithEnvironment(args, System.getenv(), System.out, System.err));
    }

    /** The usage text, naming the jar this process runs from (its real file name). */
    static String usage() {
        String jar = jarFileName();
        return "usage: java -jar " + jar + " --config FILE     serve decisions with this configuration\n"
                + "       java -jar " + jar + " --demo            the development issuer, a demo config, sample requests\n"
                + "       java -jar " + jar + " --demo --config FILE [--demo-file F]   your rules against the development issuer\n"
                + "       java -jar " + jar + " mint [--roles a,b] [--amr pwd,mfa] [--sub ID] [--expires-in SECONDS] [--anonymous true]\n"
                + "                          a token from the running demo's issuer (stdout)\n"
                + "       java -jar " + jar + " event TYPE [--sub ID]   a signed Authgear webhook event to the running demo\n"
                + "                          (TYPE: " + String.join(", ", EventCommand.TYPES) + ")\n"
                + "       java -jar " + jar + " check FILE        validate a configuration and exit (0 valid, 2 invalid)\n"
                + "       java -jar " + jar + " explain FILE [--method M] [--host H] [--path P] [--header 'N: V']...\n"
                + "                          [--token T | --token-file F] [--cookie C | --cookie-file F] [--jwks FILE]\n"
                + "                          which rule, which decision, which headers or challenge, and why (never the token)\n"
                + "       java -jar " + jar + " --version | --help\n"
                + "       (with no arguments, AUTHGATE_CONFIG=FILE names the configuration)\n"
                + "exit status: 0 stopped cleanly, 1 cannot start (a port in use), 2 bad configuration or arguments,\n"
                + "             3 fatal error while running\n";
    }

    /** The jar's file name as run ({@code java -jar}); the name the build gives it otherwise (tests, IDEs). */
    static String jarFileName() {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String name = location.getFileName() == null ? "" : location.getFileName().toString();
            if (name.endsWith(".jar")) {
                return name;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // No readable code source (a custom class loader): the build's name below is right for the release.
        }
        return "authgate-forward-auth-" + BuildInfo.VERSION + ".jar";
    }

    static int run(String[] args, String configFromEnv, PrintStream out, PrintStream err) {
        return runWithEnvironment(args, configFromEnv == null ? Map.of() : Map.of("AUTHGATE_CONFIG", configFromEnv), out, err);
    }

    /** @param env the environment: AUTHGATE_CONFIG, and where the demo file is ({@link DemoKeyFile#defaultPath}) */
    static int runWithEnvironment(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String configFromEnv = env.get("AUTHGATE_CONFIG");
        List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            out.println("authgate forward-auth " + BuildInfo.VERSION);
            return 0;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(usage());
            return 0;
        }
        if (args.length == 2 && args[0].equals("check")) {
            return check(Path.of(args[1]), out, err);
        }
        if (args.length >= 1 && args[0].equals("explain")) {
            return ExplainCommand.run(rest, out, err);
        }
        if (args.length >= 1 && args[0].equals("mint")) {
            return MintCommand.run(rest, env, out, err);
        }
        if (args.length >= 1 && args[0].equals("event")) {
            return EventCommand.run(rest, env, out, err);
        }
        boolean demo = false;
        Optional<ConfigSource> file;
        AdapterConfig config;
        Path demoFile = DemoKeyFile.defaultPath(env);
        try {
            if (args.length >= 1 && args[0].equals("--demo")) {
                demo = true;
                CommandFlags flags;
                try {
                    flags = CommandFlags.parse(rest, Set.of("--config", "--demo-file"), Set.of());
                } catch (CommandFlags.UsageException e) {
                    err.println("authgate --demo: " + e.getMessage());
                    return 2;
                }
                demoFile = flags.value("--demo-file").map(Path::of).orElse(demoFile);
                UnaryOperator<JsonNode> secretFromEnv = WebhookSecretFromEnvironment.adjust(env);
                String demoSecret = DemoWebhook.newSecret(); // one per run: a reload must not change it
                file = flags.value("--config").map(f -> new ConfigSource(Path.of(f),
                        t -> DemoConfig.withWebhooks(secretFromEnv.apply(DemoConfig.adjust(t)), demoSecret)));
                if (file.isPresent()) {
                    JsonNode tree = ConfigFile.read(file.get().path()); // once: a pipe (<(envsubst ...)) reads once
                    List<String> setAside = DemoConfig.setAside(tree);
                    config = file.get().parse(tree);
                    out.println("--demo --config " + file.get().path() + ": your rules against the development issuer"
                            + (setAside.isEmpty() ? "" : " (set aside from the file: " + String.join(", ", setAside) + ")"));
                } else {
                    ObjectNode node = JsonNodeFactory.instance.objectNode();
                    node.put("development_issuer", true);
                    config = AdapterConfig.parse(DemoConfig.withWebhooks(node, demoSecret));
                }
            } else if (args.length == 2 && args[0].equals("--config")) {
                file = Optional.of(new ConfigSource(Path.of(args[1]), WebhookSecretFromEnvironment.adjust(env)));
                config = file.get().read();
            } else if (args.length == 0 && configFromEnv != null && !configFromEnv.isBlank()) {
                file = Optional.of(new ConfigSource(Path.of(configFromEnv), WebhookSecretFromEnvironment.adjust(env)));
                config = file.get().read();
            } else {
                err.print(usage());
                return 2;
            }
        } catch (ConfigException e) {
            err.println(Denials.invalidConfigMessage(e));
            return 2;
        }
        LogFormat format = config.logs().format();
        Fatal.writeAs(format);
        AdapterLog log = AdapterLog.to(format, out);
        LibraryLogs.routeTo(log);
        ForwardAuth app;
        try {
            app = ForwardAuth.start(config, log);
        } catch (ForwardAuth.StartException e) {
            err.println(LogLine.error("cannot_start", "cannot start: " + e.getMessage()).render(format, Instant.now()));
            return 1;
        } catch (ConfigException e) {
            err.println(Denials.invalidConfigMessage(e));
            return 2;
        }
        // Before the start-up line that says it listens: a SIGHUP from then on reloads (the JVM's
        // default ends the process), and whoever waits for that line may run mint at once.
        if (file.isPresent()) {
            ReloadOnHangup.install(file.get(), app, app.log());
        } else {
            Signal.handle(new Signal("HUP"), s -> err.println("authgate: SIGHUP ignored: no configuration file to read again (--demo)"));
        }
        boolean demoFileWritten = config.developmentIssuer() && writeDemoFile(demoFile, app, err);
        log.started(app.summary(BuildInfo.VERSION));
        log.flush(); // the start-up line before anything else is printed
        descriptorWarning(config.connections()).ifPresent(log::note);
        if (config.developmentIssuer()) {
            out.println("DEVELOPMENT ISSUER (a stand-in for Authgear on loopback, never for production): " + app.developmentIssuer().issuer());
            if (demoFileWritten) {
                out.println("Demo tokens: java -jar " + jarFileName() + " mint --roles admin --expires-in 60"
                        + " (signed with this run's key, kept in " + demoFile + " until it stops)");
            }
        }
        if (demo && file.isEmpty()) {
            new Demo(app, out).show();
        } else if (demo) {
            Demo.showOwnRules(app, demoFile, out);
        }
        out.flush();

        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.stopping();
        log.flush();
        try {
            app.close(DRAIN);
        } catch (RuntimeException | Error e) {
            // Never hang on the way out: main exits with this status whatever the event loops do.
            err.println("authgate: error while stopping: " + e);
            return 1;
        }
        if (config.developmentIssuer()) {
            DemoKeyFile.delete(demoFile, app.developmentIssuer().tokens());
        }
        log.stopped();
        log.flush();
        out.flush();
        return 0;
    }

    /** The file {@code mint} reads; a demo that cannot write it still runs (only {@code mint} needs it). */
    private static boolean writeDemoFile(Path demoFile, ForwardAuth app, PrintStream err) {
        Optional<DemoWebhook> webhook = app.webhookAddress().map(a -> new DemoWebhook(
                java.net.URI.create("http://" + hostPort(a) + WebhookHandler.PATH),
                new String(app.config().core().revocation().webhookSecret().orElseThrow().keyBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        try {
            DemoKeyFile.write(demoFile, app.developmentIssuer().tokens(), webhook);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("authgate: warning: cannot write " + demoFile + " (" + e.getMessage() + "): mint will not find this demo");
            return false;
        }
    }

    /**
     * {@code check FILE}: the file read and parsed exactly as {@code --config} does, nothing started:
     * no port is bound and no JWKS is fetched (so it runs in CI without the network; keys that
     * cannot be had are a run-time state, answered 503 and shown by {@code /readyz}, not a config
     * error).
     */
    static int check(Path file, PrintStream out, PrintStream err) {
        try {
            AdapterConfig config = AdapterConfig.parse(ConfigFile.read(file));
            out.println(file + ": valid (" + config.rules().size() + " rules; listen " + hostPort(config.listen())
                    + ", admin_listen " + hostPort(config.adminListen()) + ")");
            return 0;
        } catch (ConfigException e) {
            err.println(Denials.invalidConfigMessage(e));
            return 2;
        }
    }

    /**
     * A line when the process may open fewer files than the connection cap needs: past the limit,
     * accepting fails (EMFILE) and new connections wait until descriptors free, however low the
     * adapter's own load. Not an error: the limit may be right for a smaller deployment.
     */
    static Optional<LogLine> descriptorWarning(ConnectionPolicy connections) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) {
            return Optional.empty();
        }
        long limit = os.getMaxFileDescriptorCount();
        long needed = connections.descriptorsNeeded();
        if (limit >= needed) {
            return Optional.empty();
        }
        return Optional.of(LogLine.warn("open_file_limit_low", "warning: the open-file limit (" + limit + ") is below what max_connections "
                + connections.maxConnections() + " needs (" + needed + "); past it new connections wait until descriptors free:"
                + " raise ulimit -n (LimitNOFILE) or lower max_connections")
                .with("limit", limit).with("max_connections", connections.maxConnections()).with("needed", needed));
    }

    /** {@code 127.0.0.1:9095}, {@code [::1]:9095}: no resolver's "/" (InetSocketAddress.toString). */
    static String hostPort(java.net.InetSocketAddress address) {
        return StartupSummary.hostPort(address);
    }
}
