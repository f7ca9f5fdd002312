package io.authgate.forwardauth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateways built from their own Go modules by {@code gateways/build.sh}: the version is the one
 * {@code gateways/NAME/go.mod} requires, the binary is where that script keeps it
 * ({@code $AUTHGATE_GATEWAYS_CACHE}, default {@code /var/cache/authgate-gateways}, then
 * {@code NAME-VERSION/NAME}). A binary that is not there fails the test that needs it, naming the
 * command that builds it.
 */
public enum GatewayBinaries {
    TRAEFIK("traefik", "github.com/traefik/traefik/v3"),
    CADDY("caddy", "github.com/caddyserver/caddy/v2");

    private static final String DEFAULT_CACHE = "/var/cache/authgate-gateways";

    private final String name;
    private final String module;

    GatewayBinaries(String name, String module) {
        this.name = name;
        this.module = module;
    }

    /** The version pinned in {@code gateways/NAME/go.mod}, e.g. {@code v3.6.12}. */
    public String version() {
        Path goMod = GatewayProcess.REPO_ROOT.resolve("gateways").resolve(name).resolve("go.mod");
        String text;
        try {
            text = Files.readString(goMod);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + goMod + " (it pins the " + name + " the tests run)", e);
        }
        Matcher m = Pattern.compile("(?m)^\\s*(?:require\\s+)?" + Pattern.quote(module) + "\\s+(v\\S+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(goMod + " does not require " + module);
        }
        return m.group(1);
    }

    /** The built binary, or a failure saying how to build it. */
    public Path binary() {
        String cache = System.getenv().getOrDefault("AUTHGATE_GATEWAYS_CACHE", DEFAULT_CACHE);
        Path binary = Path.of(cache, name + "-" + version(), name);
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new IllegalStateException(name + " " + version() + " is not built at " + binary
                    + ": these tests run the real " + name + "; build it with `gateways/build.sh " + name + "` (.ci/run does)");
        }
        return binary;
    }
}
