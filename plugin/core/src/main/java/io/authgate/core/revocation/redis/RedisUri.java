package io.authgate.core.revocation.redis;

import io.authgate.core.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where Redis is and how to log in: {@code redis://[[user]:password@]host[:port][/db]}, or
 * {@code rediss://} for TLS (the JVM's trust store, host name checked). A password alone is
 * {@code AUTH password} (requirepass); a user too is {@code AUTH user password} (Redis 6 ACLs).
 * Immutable; {@link #toString} never shows the password.
 */
public record RedisUri(String host, int port, Optional<String> user, Optional<String> password, int database, boolean tls) {
    public static final int DEFAULT_PORT = 6379;
    /** Redis's own bound is its {@code databases} setting (16 by default); this only keeps the number sane. */
    static final int MAX_DATABASE = 65_535;

    /** Parses {@code text}; a {@link ConfigException} naming {@code key} says what is wrong (never the password). */
    public static RedisUri parse(String text, String key) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "is not a URI (redis://[user:password@]host:port/db)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException(key, "must start with redis:// or rediss:// (TLS); Sentinel, Cluster and unix sockets are not supported");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(key, "must name a host (redis://host:6379)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(key, "must not carry a query or fragment (set timeouts under redis: instead)");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        return new RedisUri(uri.getHost(), port, user(uri), password(uri), database(uri.getRawPath(), key), scheme.equals("rediss"));
    }

    private static Optional<String> user(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || !info.contains(":") || info.startsWith(":")) {
            return Optional.empty();
        }
        return Optional.of(decode(info.substring(0, info.indexOf(':'))));
    }

    private static Optional<String> password(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        // redis://secret@host is how redis-cli and most clients spell a password without a user
        String raw = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
        return raw.isEmpty() ? Optional.empty() : Optional.of(decode(raw));
    }

    private static int database(String path, String key) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String n = path.substring(1);
        if (!n.matches("[0-9]{1,5}") || Integer.parseInt(n) > MAX_DATABASE) {
            throw new ConfigException(key, "the path must be a database number (redis://host:6379/0), got /" + n);
        }
        return Integer.parseInt(n);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URI as configured, its password replaced by {@code ***}: safe for logs. */
    @Override
    public String toString() {
        String login = password.map(p -> user.orElse("") + ":***@").orElse("");
        return (tls ? "rediss://" : "redis://") + login + host + ":" + port + "/" + database;
    }
}
