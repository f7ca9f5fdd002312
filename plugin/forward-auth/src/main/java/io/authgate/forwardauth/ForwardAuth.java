package io.authgate.forwardauth;

import io.authgate.forwardauth.dev.DevelopmentIssuer;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.HostHeader;
import io.authgate.core.StateChanges;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.BrowserAnswers;
import io.authgate.core.Gate;
import io.authgate.forwardauth.log.AdapterLog;
import io.authgate.forwardauth.log.StartupSummary;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The running adapter: the core, the development issuer if configured, the two listeners, and the log. */
public final class ForwardAuth implements AutoCloseable {
    private final ForwardAuthServer server;
    private final DevelopmentIssuer developmentIssuer;
    private final Metrics metrics;
    private final AdapterLog log;
    private final AuthgateConfig core;
    private final int rules;

    private ForwardAuth(ForwardAuthServer server, DevelopmentIssuer developmentIssuer, Metrics metrics, AdapterLog log,
                        AuthgateConfig core, int rules) {
        this.server = server;
        this.developmentIssuer = developmentIssuer;
        this.metrics = metrics;
        this.log = log;
        this.core = core;
        this.rules = rules;
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
        ForwardAuthServer server = new ForwardAuthServer(inFlight, config.eventLoopThreads(), config.connections(), metrics);
        try {
            if (config.developmentIssuer()) {
                dev = DevelopmentIssuer.start();
            }
            HostHeader.allowForResolver(); // JVM-wide: the adapter's start-up is where it belongs
            Authgate authgate = Authgate.create(AuthgateEvents.all(List.of(metrics, new StateChanges(log::stateChanged))));
            String devEndpoint = dev == null ? null : dev.issuer();
            AuthgateConfig core = config.coreConfig(devEndpoint);
            Gate resolver = authgate.prepare(core);
            // The top level's project's caches; a rule with its own project has caches of its own, which
            // the gauges do not show yet (README, "Several Authgear projects"). Readiness covers every
            // project: Authgate.ready is true only when all prepared configurations have their keys.
            metrics.watch(authgate.tokenCache(core), authgate.resolverCache(core));
            List<Router.Route> routes = new ArrayList<>();
            for (AdapterConfig.Rule rule : config.rules()) {
                AuthgateConfig ruleConfig = rule.configOver(core);
                routes.add(new Router.Route(rule.match(), authgate.prepare(ruleConfig), BrowserAnswers.of(rule.browser())));
            }
            Router router = new Router(routes, resolver, BrowserAnswers.of(config.browser()), config.forwardedHeaders());
            DecisionRequests requests = new DecisionRequests(config.envoyPathPrefix(), config.forwardedHeaders(), router);
            DecisionEntries entries = new DecisionEntries(router, config.envoyPathPrefix(), config.forwardedHeaders());
            server.start(config.listen(), new DecisionHandler(requests, router, metrics, inFlight,
                            config.answerCaching(), Clock.systemUTC(), log.decisions(config.logs().decisionLog()), entries),
                    config.adminListen(), new AdminHandler(authgate::ready, metrics));
            return new ForwardAuth(server, dev, metrics, log, core, config.rules().size());
        } catch (ConfigException e) {
            // Found only once the runtime exists (a resolver url whose Host this JVM cannot set).
            stopPartial(server, dev);
            throw e;
        } catch (IOException | RuntimeException e) {
            stopPartial(server, dev);
            throw new StartException(describe(config, e), e);
        } catch (InterruptedException e) {
            stopPartial(server, dev);
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while starting", e);
        }
    }

    /** What a start that cannot finish has opened, closed: the listeners and the development issuer. */
    private static void stopPartial(ForwardAuthServer server, DevelopmentIssuer dev) {
        server.close();
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
        String jwks = core.jwksUri() != null ? core.jwksUri().toString() : "discovered from " + core.discoveryUri();
        return new StartupSummary(version, core.issuer(), jwks, core.mode().configName(), rules, core.resolver().isPresent(),
                decisionAddress(), DecisionHandler.RESOLVE_PATH, adminAddress());
    }

    /** Stops accepting, drains requests in flight for at most {@code drain}, then stops. */
    public void close(Duration drain) {
        server.shutdown(drain);
        if (developmentIssuer != null) {
            developmentIssuer.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
