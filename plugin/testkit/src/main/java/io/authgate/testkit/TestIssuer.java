package io.authgate.testkit;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an Authgear project's public key endpoints, over real HTTP on loopback: the
 * discovery document at {@code /.well-known/openid-configuration} and the JWKS at
 * {@code /oauth2/jwks}, as Authgear serves them. Its origin is the issuer. The keys, the
 * {@code Cache-Control} header, a delay and failures can be changed while it runs; it counts fetches.
 * The same server answers as Authgear's resolver endpoint, see {@link #resolver()}.
 * (Authgear itself cannot run here; this follows the contract file's description of it.)
 */
public final class TestIssuer implements AutoCloseable {
    public static final String CURRENT_KID = "2f1f0d52-4c5e-4c43-9a48-6d1e1a1f0b01";
    public static final String PREVIOUS_KID = "7c7a9e36-5f5e-4f6e-8d7d-3f0c6f2a9b02";

    /**
     * A second JWKS document: the published keys, then one entry per name here, by {@code kid}: the
     * project's current key's public part (so a token signed by the issuer under that {@code kid} verifies
     * when the entry may verify, and no key generation delays the first fetch past the 1 s wait for
     * keys), with {@code alg: RS256}, without {@code use} (so {@code key_ops} alone decides: Nimbus
     * refuses a {@code use} that contradicts {@code key_ops} before anyone reads either) and with
     * these {@code key_ops}; except {@code use-enc}, which has {@code use: enc} and no {@code key_ops}.
     */
    public static final String KEY_OPS_JWKS_PATH = "/oauth2/jwks-key-ops";
    public static final Map<String, List<String>> KEY_OPS_KEYS = keyOpsKeys();

    private final HttpServer server;
    private final String issuer;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile List<JWK> keys;
    private volatile String cacheControl;
    private volatile int failWithStatus;
    private volatile Duration delay = Duration.ZERO;
    private final ResolverStandIn resolver;
    private final TestProject project;

    private TestIssuer(HttpServer server, TestProject project) {
        this.server = server;
        this.project = project;
        String host = "127.0.0.1:" + server.getAddress().getPort();
        this.issuer = "http://" + host;
        this.keys = List.of(TestKeys.rsa(project.currentKid()), TestKeys.rsa(project.previousKid()));
        // The resolver verifies JWTs against whatever is published at the moment of the call.
        this.resolver = new ResolverStandIn(issuer, host, () -> this.keys, project);
    }

    /** Starts the {@link TestProject#FIRST first project} on an ephemeral loopback port, publishing its current and previous key. */
    public static TestIssuer start() {
        return start(TestProject.FIRST);
    }

    /** Starts this project on an ephemeral loopback port, publishing its current and previous key, its sessions seeded. */
    public static TestIssuer start(TestProject project) {
        try {
            // Go's net.Listen (Authgear) queues as many connections as the kernel allows (somaxconn, 4096 on
            // current Linux); the JDK's default backlog of 50 would drop the connections of a burst.
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "test-issuer");
                t.setDaemon(true);
                return t;
            }));
            TestIssuer issuer = new TestIssuer(server, project);
            server.createContext("/.well-known/openid-configuration", issuer::discovery);
            server.createContext("/oauth2/jwks", issuer::jwks);
            server.createContext(KEY_OPS_JWKS_PATH, issuer::keyOpsJwks);
            // Authgear serves its resolver at both paths.
            server.createContext(ResolverStandIn.PATH, issuer.resolver::handle);
            server.createContext(ResolverStandIn.SHORT_PATH, issuer.resolver::handle);
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** Which project this issuer is: whose keys it publishes and whose sessions its resolver knows. */
    public TestProject project() {
        return project;
    }

    /** A minter of this project's tokens: its issuer, signed with its keys. */
    public TokenMinter minter() {
        return new TokenMinter(issuer, project);
    }

    public String jwksUri() {
        return issuer + "/oauth2/jwks";
    }

    /** The stand-in for Authgear's resolver endpoint on this server; it has its own failure and delay controls. */
    public ResolverStandIn resolver() {
        return resolver;
    }

    /** {@code <issuer>/_resolver/resolve}. */
    public String resolverUri() {
        return issuer + ResolverStandIn.PATH;
    }

    /** Replaces the published keys (public parts only are ever served). */
    public void publish(JWK... keys) {
        this.keys = List.of(keys);
    }

    public void cacheControl(String value) {
        this.cacheControl = value;
    }

    /**
     * Every discovery and JWKS request answers this status from now on (0: serve normally). The
     * resolver is not affected: see {@link ResolverStandIn#failWith(int)}.
     */
    public void failWith(int status) {
        this.failWithStatus = status;
    }

    /** Discovery and JWKS answer after this delay; the resolver has its own ({@link ResolverStandIn#delay}). */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    public int jwksFetches() {
        return hits.getOrDefault("/oauth2/jwks", new AtomicInteger()).get();
    }

    public int discoveryFetches() {
        return hits.getOrDefault("/.well-known/openid-configuration", new AtomicInteger()).get();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String body = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri() + "\","
                + "\"authorization_endpoint\":\"" + issuer + "/oauth2/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/oauth2/token\"}";
        answer(exchange, body);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        answer(exchange, new JWKSet(keys).toPublicJWKSet().toString());
    }

    private static Map<String, List<String>> keyOpsKeys() {
        Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        keys.put("key-ops-encrypt", List.of("encrypt"));
        keys.put("key-ops-empty", List.of());
        keys.put("key-ops-sign", List.of("sign"));
        keys.put("key-ops-verify", List.of("verify"));
        keys.put("key-ops-sign-verify", List.of("sign", "verify"));
        keys.put("key-ops-verify-twice", List.of("verify", "verify")); // RFC 7517 §4.3: duplicates MUST NOT be present
        keys.put("use-enc", List.of());
        return java.util.Collections.unmodifiableMap(keys);
    }

    private void keyOpsJwks(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (JWK key : keys) {
            entries.add(key.toPublicJWK().toJSONObject());
        }
        KEY_OPS_KEYS.forEach((kid, ops) -> {
            Map<String, Object> entry = new java.util.LinkedHashMap<>(TestKeys.rsa(project.currentKid()).toPublicJWK().toJSONObject());
            entry.put("kid", kid);
            entry.remove("use");
            if (kid.equals("use-enc")) {
                entry.put("use", "enc");
            } else {
                entry.put("key_ops", ops);
            }
            entries.add(entry);
        });
        answer(exchange, com.nimbusds.jose.util.JSONObjectUtils.toJSONString(Map.of("keys", entries)));
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = failWithStatus;
            if (status != 0) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (cacheControl != null) {
                exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
