package io.authgate.forwardauth;

import io.authgate.forwardauth.dev.DevelopmentIssuer;
import io.authgate.core.Authgate;
import io.authgate.core.WebhookReceiver;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.HostHeader;
import io.authgate.core.StateChanges;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.forwardauth.log.AdapterLog;
import io.authgate.forwardauth.log.HeldUntilListening;
import io.authgate.forwardauth.log.StartupSummary;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running adapter: the core, the development issuer if configured, the two listeners, the log,
 * and the routing decisions are made with, which {@link #reload} replaces.
 */
public final class ForwardAuth implements AutoCloseable {
    private final ForwardAuthServer server;
    private final DevelopmentIssuer developmentIssuer;
    private final Metrics metrics;
    private final AdapterLog log;
    private final Authgate authgate;
    private final LiveRouting live;
    /** The webhook receiver's thread, when {@code webhook_listen} is set. */
    private final Optional<WebhookWork> webhooks;

    private ForwardAuth(ForwardAuthServer server, DevelopmentIssuer developmentIssuer, Metrics metrics, AdapterLog log,
                        Authgate authgate, LiveRouting live, Optional<WebhookWork> webhooks) {
        this.webhooks = webhooks;
        this.server = server;
        this.developmentIssuer = developmentIssuer;
        this.metrics = metrics;
        this.log = log;
        this.authgate = authgate;
        this.live = live;
    }

    /** Could not start: a port in use, an address that is not local. */
    public static final class StartException extends Exception {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static ForwardAuth start(AdapterConfig config, AdapterLog log) throws StartException {
        DevelopmentIssuer dev = null;
        // One server, created once: each one opens its event loops' selectors at construction.
        AtomicInteger inFlight = new AtomicInteger();
        Metrics metrics = new Metrics();
        metrics.logDrops(log::droppedLines);
        ForwardAuthServer server = new ForwardAuthServer(inFlight, config.eventLoopThreads(), config.connections(), metrics, log);
        Optional<Authgate> runtime = Optional.empty();
        try {
            if (config.developmentIssuer()) {
                dev = DevelopmentIssuer.start();
            }
            HostHeader.allowForResolver(); // JVM-wide: the adapter's start-up is where it belongs
            HeldUntilListening stateChanges = new HeldUntilListening(log::stateChanged);
            Authgate authgate = Authgate.create(AuthgateEvents.all(List.of(metrics, new StateChanges(stateChanges))));
            runtime = Optional.of(authgate);
            String devEndpoint = dev == null ? null : dev.issuer();
            Routing routing = Routing.build(config, authgate, devEndpoint);
            watch(metrics, authgate, routing);
            metrics.watchRevocationFeed(authgate::revocationFeedUp);
            LiveRouting live = new LiveRouting(routing);
            server.start(config.listen(), new DecisionHandler(live, metrics, inFlight, config.answerCaching(), Clock.systemUTC(),
                            log.decisions(config.logs().decisionLog())),
                    config.adminListen(), new AdminHandler(authgate::ready, metrics));
            Optional<WebhookWork> webhooks = startWebhooks(config, server, authgate, routing, metrics);
            ForwardAuth started = new ForwardAuth(server, dev, metrics, log, authgate, live, webhooks);
            stateChanges.release();
            return started;
        } catch (ConfigException e) {
            // Found only once the runtime exists (a resolver url whose Host this JVM cannot set, a
            // Redis stream another project names).
            stopPartial(server, dev, runtime);
            throw e;
        } catch (IOException | RuntimeException e) {
            stopPartial(server, dev, runtime);
            throw new StartException(describe(config, e), e);
        } catch (InterruptedException e) {
            stopPartial(server, dev, runtime);
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while starting", e);
        }
    }

    /**
     * The webhook port, when configured: the top level's Authgear project (its secret, its
     * watermarks). This adapter applies the events it receives, and appends them to the project's
     * Redis stream when {@code revocation.redis} is set (then every adapter following it applies
     * them; one without {@code webhook_listen} is a pure reader).
     */
    private static Optional<WebhookWork> startWebhooks(AdapterConfig config, ForwardAuthServer server, Authgate authgate, Routing routing,
                                                       Metrics metrics) throws InterruptedException, ListenException {
        if (config.webhookListen().isEmpty()) {
            return Optional.empty();
        }
        WebhookReceiver receiver = authgate.webhookReceiver(routing.topLevel());
        WebhookWork work = new WebhookWork();
        metrics.watchWatermarks(receiver);
        server.startWebhooks(config.webhookListen().get(), new WebhookHandler(receiver, work, metrics));
        return Optional.of(work);
    }

    /** Rules share the top level's issuer and resolver settings, so these are the adapter's caches. */
    /** The gauges show every project's caches: the top level's and those of each rule naming its own project. */
    private static void watch(Metrics metrics, Authgate authgate, Routing routing) {
        metrics.watch(ProjectCaches.of(authgate, routing.coreConfigs()));
    }

    /**
     * Replaces the running configuration with {@code next}, whole, or changes nothing. Requests
     * already deciding finish under the configuration they started with; keys and caches carry over
     * for every issuer (and resolver settings) the new configuration still names, and those it no
     * longer names are forgotten ({@link Authgate#retainOnly}, which {@code /readyz} then follows).
     * The new issuers' keys are fetched at once, in the background.
     *
     * @throws ConfigException naming the key when {@code next} changes what only a restart can
     *                         ({@link RestartOnlyKeys}) or what only the runtime can check; the running
     *                         configuration keeps serving
     */
    public synchronized void reload(AdapterConfig next) {
        Routing running = live.current();
        Optional<String> restartOnly = RestartOnlyKeys.firstChanged(running.config(), next);
        if (restartOnly.isPresent()) {
            throw new ConfigException(restartOnly.get(), "cannot change on reload (it is set when the process starts): restart to apply it");
        }
        Routing routing = Routing.build(next, authgate, developmentIssuer == null ? null : developmentIssuer.issuer());
        live.replace(routing);
        watch(metrics, authgate, routing);
        authgate.retainOnly(routing.coreConfigs());
    }

    /** The configuration requests are decided with now. */
    public AdapterConfig config() {
        return live.current().config();
    }

    /** What a start that cannot finish has opened, closed: the listeners, the development issuer, the Redis feeds. */
    private static void stopPartial(ForwardAuthServer server, DevelopmentIssuer dev, Optional<Authgate> runtime) {
        server.close();
        runtime.ifPresent(Authgate::close);
        if (dev != null) {
            dev.close();
        }
    }

    private static String describe(AdapterConfig config, Exception e) {
        if (e instanceof ListenException) {
            return e.getMessage();
        }
        // NIO reports a BindException; the epoll transport a NativeIoException saying the same.
        String message = String.valueOf(e.getMessage());
        if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException
                || message.contains("Address already in use") || message.contains("Cannot assign requested address")) {
            return "cannot listen on " + config.listen() + " or " + config.adminListen() + ": " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public InetSocketAddress decisionAddress() {
        return server.decisionAddress();
    }

    /** The webhook port's address; empty when {@code webhook_listen} is not set. */
    public Optional<InetSocketAddress> webhookAddress() {
        return server.webhookAddress();
    }

    public InetSocketAddress adminAddress() {
        return server.adminAddress();
    }

    public DevelopmentIssuer developmentIssuer() {
        return developmentIssuer;
    }

    public Metrics metrics() {
        return metrics;
    }

    public AdapterLog log() {
        return log;
    }

    /** What the start-up line says about this adapter. */
    public StartupSummary summary(String version) {
        AuthgateConfig core = live.current().topLevel();
        int rules = live.current().config().rules().size();
        String jwks = core.jwksUri() != null ? core.jwksUri().toString() : "discovered from " + core.discoveryUri();
        return new StartupSummary(version, core.issuer(), jwks, core.mode().configName(), rules, core.resolver().isPresent(),
                decisionAddress(), DecisionHandler.RESOLVE_PATH, adminAddress(), webhookAddress().map(a -> "http://" + StartupSummary.hostPort(a) + WebhookHandler.PATH));
    }

    /** Stops accepting, drains requests in flight for at most {@code drain}, then stops. */
    public void close(Duration drain) {
        server.shutdown(drain);
        webhooks.ifPresent(WebhookWork::close);
        authgate.close();
        if (developmentIssuer != null) {
            developmentIssuer.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
