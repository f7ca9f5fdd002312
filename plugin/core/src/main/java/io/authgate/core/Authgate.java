package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.JwksSettings;
import io.authgate.core.config.ResolverSettings;
import io.authgate.core.jwks.CachedJwks;
import io.authgate.core.jwks.HttpJwksFetcher;
import io.authgate.core.jwks.JwksFetcher;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenValidators;
import io.authgate.core.jwt.VerifiedTokenCache;
import io.authgate.core.remote.HttpResolverClient;
import io.authgate.core.remote.RemoteSessions;
import io.authgate.core.remote.ResolverClient;
import io.authgate.core.resolve.CredentialPipeline;
import io.authgate.core.revocation.ProjectFeeds;
import io.authgate.core.revocation.RevocationSink;
import io.authgate.core.revocation.redis.RedisStreamFeed;
import io.authgate.core.revocation.Revocations;
import io.authgate.core.revocation.Watermarks;
import io.authgate.core.revocation.WebhookSignature;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The process-wide runtime a front holds, and the one class that wires the core: credentials
 * ({@code credentials}) → verification ({@code jwt} against {@code jwks}, or Authgear's resolver in
 * {@code remote}) → policy ({@code resolve}) → headers ({@code headers}). One HTTP client; one key
 * source per issuer and key settings, with a verified-token cache per source and budget; one cache of Authgear's resolver
 * answers per resolver settings. Each is shared by every configuration that names it (many APISIX
 * routes use the same Authgear project; they must not each fetch the JWKS or ask Authgear about the
 * same cookie). A front needs only {@link #prepare}, {@link #ready} and the gauges.
 */
public final class Authgate implements AutoCloseable {
    private final Clock clock;
    private final AuthgateEvents events;
    private final Function<AuthgateConfig, JwksFetcher> fetchers;
    private final BiFunction<ResolverSettings, String, ResolverClient> resolverClients;
    private final Map<KeysKey, CachedJwks> keySources = new ConcurrentHashMap<>();
    private final Map<IssuerKey, Issuer> issuers = new ConcurrentHashMap<>();
    private final Map<RemoteKey, RemoteSessions> remotes = new ConcurrentHashMap<>();
    /**
     * Per Authgear project (its issuer: user ids are a project's own), the watermarks its webhook
     * events set. Never forgotten on {@link #retainOnly}: a reload must not undo a revocation, and
     * entries expire by themselves.
     */
    private final Map<String, Watermarks> watermarks = new ConcurrentHashMap<>();
    /** Per project, what its configurations so far say the watermarks keep and hold (kept like them). */
    private final Map<String, WatermarkBounds> watermarkBounds = new ConcurrentHashMap<>();
    /**
     * The Redis stream of each project that names one ({@code revocation.redis}), followed from the
     * first {@link #prepare}; like the watermarks, kept on {@link #retainOnly} (a reload cannot change
     * {@code revocation}) until {@link #close}.
     */
    private final ProjectFeeds feeds;
    /** The key sets of every prepared configuration, for {@link #ready}. */
    private final Set<CachedJwks> prepared = ConcurrentHashMap.newKeySet();

    /** What makes two configurations share keys: one key source per Authgear project and key settings. */
    private record KeysKey(String issuer, URI jwksUri, JwksSettings jwks) {
        static KeysKey of(AuthgateConfig c) {
            return new KeysKey(c.issuer(), c.jwksUri(), c.jwks());
        }
    }

    /**
     * What makes two configurations share verified tokens: the same keys and budget. Routes that map
     * other claims to headers share the cache and its budget too: their entries are told apart by
     * the mapping in the key ({@link VerifiedTokenCache}), so a thousand routes' mappings cannot each
     * take a budget of their own.
     */
    private record IssuerKey(KeysKey keys, long tokenCacheMaxBytes) {
        static IssuerKey of(AuthgateConfig c) {
            return new IssuerKey(KeysKey.of(c), c.tokenCacheMaxBytes());
        }
    }

    /** What makes two configurations share Authgear's resolver answers. */
    private record RemoteKey(ResolverSettings settings, String issuer) {
    }

    /** The keys of one issuer and the tokens verified with them. */
    record Issuer(CachedJwks keys, VerifiedTokenCache tokens) {
    }

    /**
     * @param fetchers        the JWKS fetcher for a configuration's issuer
     * @param resolverClients the client of Authgear's resolver, for settings and the issuer
     */
    public Authgate(Clock clock, AuthgateEvents events, Function<AuthgateConfig, JwksFetcher> fetchers,
                    BiFunction<ResolverSettings, String, ResolverClient> resolverClients) {
        this.clock = clock;
        // Guarded once here, so no part of the core need defend against a listener that throws.
        this.events = GuardedEvents.of(List.of(events));
        this.fetchers = fetchers;
        this.resolverClients = resolverClients;
        this.feeds = new ProjectFeeds(settings -> new RedisStreamFeed(settings, this.events));
    }

    /** A runtime with its own JWKS fetchers and the JDK HTTP client for Authgear's resolver. */
    public Authgate(Clock clock, AuthgateEvents events, Function<AuthgateConfig, JwksFetcher> fetchers) {
        this(clock, events, fetchers, jdkResolverClients(httpClient()));
    }

    /**
     * The production runtime: the system clock and the JDK HTTP client. A front calls
     * {@link HostHeader#allowForResolver()} at its start-up, before this.
     */
    public static Authgate create(AuthgateEvents events) {
        HttpClient client = httpClient();
        return new Authgate(Clock.systemUTC(), events, config -> new HttpJwksFetcher(
                client, config.issuer(), config.jwksUri(), config.discoveryUri(), config.jwks().fetchTimeout()),
                jdkResolverClients(client));
    }

    private static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static BiFunction<ResolverSettings, String, ResolverClient> jdkResolverClients(HttpClient client) {
        return (settings, issuer) -> new HttpResolverClient(client, settings, issuer);
    }

    /**
     * A configuration's resolver, with its issuer's keys being fetched already (in the background),
     * so its first request finds them; counted by {@link #ready}. Cheap after the first for the same
     * issuer.
     *
     * When the configuration names a Redis stream ({@code revocation.redis}), the project's events
     * are followed from here on (in the background: Redis down delays nothing).
     *
     * @throws ConfigException when the configuration cannot run in this JVM (a resolver url whose Host it cannot set),
     *                         or names another stream than its project follows, or another project's
     */
    public Gate prepare(AuthgateConfig config) {
        feeds.follow(config.issuer(), config.revocation().redis(), new RevocationSink(watermarks(config)));
        Gate gate = gateFor(config);
        CachedJwks keys = issuer(config).keys();
        prepared.add(keys);
        keys.prefetch();
        return gate;
    }

    /**
     * True when every prepared configuration's keys are loaded (within their stale-if-error bound).
     * When not, a fetch starts for those that lack them; never waits.
     */
    public boolean ready() {
        boolean ready = prepared.stream().allMatch(CachedJwks::hasKeys);
        if (!ready) {
            prepared.forEach(CachedJwks::prefetch);
        }
        return ready;
    }

    /**
     * Fetches a configuration's keys now unless they are fresh, waiting at most the JWKS wait
     * timeout: true when keys are loaded. For start-up checks and tests; requests never call it.
     */
    public boolean preloadKeys(AuthgateConfig config) {
        return issuer(config).keys().preload();
    }

    /** The verified-token cache a configuration uses (shared with every configuration of its issuer). */
    public TokenCacheGauges tokenCache(AuthgateConfig config) {
        return issuer(config).tokens();
    }

    /** The cache of Authgear's resolver answers a configuration uses; empty when it has no resolver. */
    public Optional<ResolverCacheGauges> resolverCache(AuthgateConfig config) {
        return remoteSessions(config).map(r -> r);
    }

    /** A resolver for a configuration; cheap after the first for the same issuer. */
    public Gate gateFor(AuthgateConfig config) {
        Issuer issuer = issuer(config);
        Revocations revoked = watermarks(config);
        AccessTokenVerifier verifier = new AccessTokenVerifier(
                TokenValidators.forConfig(config), issuer.keys(), issuer.tokens(), config.claimHeaders(), revoked, clock, events);
        return new CredentialPipeline(config, verifier, remoteSessions(config), revoked, clock);
    }

    /**
     * The webhook receiver of a configuration's Authgear project: it applies what it receives to this
     * node's watermarks, then appends it to the project's Redis stream when one is followed (see
     * {@link ProjectFeeds#publish}). Each configuration gets its own, checking its own
     * {@code webhook_secret}: a rotated secret (a new route value) is the only one a receiver made for
     * the new value accepts. A receiver holds no state of its own, so one per call costs an object.
     *
     * @throws ConfigException naming {@code revocation.webhook_secret} when the configuration has none,
     *                         or as {@link #prepare} does for its {@code revocation.redis}
     */
    public WebhookReceiver webhookReceiver(AuthgateConfig config) {
        WebhookSignature signature = signatureOf(config);
        Watermarks marks = watermarks(config);
        RevocationSink here = new RevocationSink(marks);
        feeds.follow(config.issuer(), config.revocation().redis(), here);
        String issuer = config.issuer();
        return new WebhookReceiver(signature, body -> feeds.publish(issuer, here, body), () -> feeds.up(issuer), marks, events);
    }

    /**
     * 1 for {@code authgate_revocation_feed_up}: every Redis stream followed is read and the last
     * append reached it; true without any (the embedded feed cannot be down).
     */
    public boolean revocationFeedUp() {
        return feeds.up();
    }

    private static WebhookSignature signatureOf(AuthgateConfig config) {
        return new WebhookSignature(config.revocation().webhookSecret().orElseThrow(() -> new ConfigException(
                "revocation.webhook_secret", "is required to receive Authgear's webhook events (the project's webhook secret)")));
    }

    /**
     * The project's watermarks. Each change drops the cached resolver answers of that user, so a
     * signed-out cookie session is asked of Authgear again. Each configuration asking widens their
     * keep and cap to what it states ({@link WatermarkBounds}), whichever asked first.
     */
    Watermarks watermarks(AuthgateConfig config) {
        WatermarkBounds stated = WatermarkBounds.of(config);
        Watermarks marks = watermarks.computeIfAbsent(config.issuer(), issuer -> {
            Watermarks w = new Watermarks(stated.keep(), stated.cap(), clock);
            w.onChange(user -> remotes.forEach((key, sessions) -> {
                if (key.issuer().equals(issuer)) {
                    sessions.dropUser(user);
                }
            }));
            return w;
        });
        // Atomic per project, so two configurations asking at once cannot leave the narrower bounds in force.
        watermarkBounds.compute(config.issuer(), (issuer, held) -> {
            WatermarkBounds next = held == null ? stated : held.with(stated);
            if (!next.equals(held)) {
                marks.resize(next.keep(), next.cap());
            }
            return next;
        });
        return marks;
    }

    /** The cache of Authgear's resolver answers for a configuration; empty when it is off. */
    Optional<RemoteSessions> remoteSessions(AuthgateConfig config) {
        if (config.resolver().isEmpty()) {
            return Optional.empty();
        }
        ResolverSettings settings = config.resolver().get();
        if (settings.needsHostOverride() && !HttpResolverClient.canSetHost()) {
            throw new ConfigException("resolver.url", "is not Authgear's own origin, so Host must be set to "
                    + settings.authgearHost() + ", which this JVM refuses: start it with -Djdk.httpclient.allowRestrictedHeaders=host");
        }
        return Optional.of(remotes.computeIfAbsent(new RemoteKey(settings, config.issuer()),
                k -> new RemoteSessions(resolverClients.apply(k.settings(), k.issuer()), k.settings(), clock, events)));
    }

    Issuer issuer(AuthgateConfig config) {
        return issuers.computeIfAbsent(IssuerKey.of(config), key -> {
            CachedJwks keys = keySources.computeIfAbsent(key.keys(), k -> new CachedJwks(fetchers.apply(config), config.jwks(), clock, events));
            VerifiedTokenCache tokens = new VerifiedTokenCache(config.tokenCacheMaxBytes(), clock);
            keys.onKeysRemoved(tokens::invalidateAll);
            return new Issuer(keys, tokens);
        });
    }

    /**
     * Forgets the key sources, token caches and resolver-answer caches no configuration here uses,
     * so a process that replaces its configuration (the adapter's reload) keeps only what it serves
     * with, and {@link #ready} then answers for those alone. Whatever the given configurations name is kept, so keys and caches carry over. Anything
     * still deciding with a forgotten one keeps it until it ends: nothing is closed.
     */
    public void retainOnly(Collection<AuthgateConfig> inUse) {
        Set<IssuerKey> issuersInUse = new HashSet<>();
        Set<KeysKey> keySourcesInUse = new HashSet<>();
        Set<RemoteKey> remotesInUse = new HashSet<>();
        for (AuthgateConfig c : inUse) {
            issuersInUse.add(IssuerKey.of(c));
            keySourcesInUse.add(KeysKey.of(c));
            c.resolver().ifPresent(settings -> remotesInUse.add(new RemoteKey(settings, c.issuer())));
        }
        issuers.keySet().retainAll(issuersInUse);
        keySources.keySet().retainAll(keySourcesInUse);
        remotes.keySet().retainAll(remotesInUse);
        // ready() answers for what is in use: a forgotten issuer's keys no longer count.
        Set<CachedJwks> keysInUse = new HashSet<>();
        issuers.values().forEach(i -> keysInUse.add(i.keys()));
        prepared.retainAll(keysInUse);
    }

    public Clock clock() {
        return clock;
    }

    /** Stops following the Redis streams (their threads and connections); decisions still work. Idempotent. */
    @Override
    public void close() {
        feeds.close();
    }
}
