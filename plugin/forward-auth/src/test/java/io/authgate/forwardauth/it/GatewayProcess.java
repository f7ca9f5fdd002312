package io.authgate.forwardauth.it;

import io.authgate.testkit.TemporaryDirectories;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway (Debian's nginx, Debian's or current Caddy, Traefik) run as its own process from
 * the repository's shipped configuration, on a free loopback port, with every file it writes in a
 * temporary directory. Start waits until the gateway routes requests; a missing binary, module or
 * template fails (never skips).
 */
public final class GatewayProcess implements AutoCloseable {
    /** The repository root: {@code authgate.repo.root} if set, else found upwards from the working directory. */
    public static final Path REPO_ROOT = repoRoot();
    public static final Path NGINX_TEMPLATE = REPO_ROOT.resolve("nginx-conf/authgate.conf");
    public static final Path CADDYFILE = REPO_ROOT.resolve("caddy-conf/Caddyfile");
    public static final Path TRAEFIK_STATIC = REPO_ROOT.resolve("traefik-conf/traefik.yml");
    public static final Path TRAEFIK_DYNAMIC = REPO_ROOT.resolve("traefik-conf/dynamic.yml");
    /** The host name traefik-conf/dynamic.yml routes (its router rule). */
    public static final String TRAEFIK_HOST = "api.example.com";
    public static final String HEADERS_MORE_MODULE = "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");
    private static final long START_TIMEOUT_MS = 15_000;

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path output;
    private final int port;
    private final String host;

    private GatewayProcess(String name, Process process, Path dir, Path output, int port, String host) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.output = output;
        this.port = port;
        this.host = host;
    }

    /** When a started gateway is ready: for most, once its port accepts connections. */
    @FunctionalInterface
    private interface Readiness {
        boolean ready(GatewayProcess gateway) throws IOException;
    }

    private static final Readiness ACCEPTS = g -> accepts(g.port());

    /** Where the template keeps its decision cache; each test nginx gets its own directory instead. */
    public static final String NGINX_CACHE_PATH = "/run/nginx-authgate-cache";

    /**
     * How the nginx template is rendered.
     *
     * @param siteEdits text replaced in the rendered template, each exactly once (from, to), in order
     */
    public record NginxOptions(boolean headersMore, boolean underscoresInHeaders, List<Map.Entry<String, String>> siteEdits) {
        /** The recipe as documented, in the worst case for spoofing: underscore names forwarded. */
        public static final NginxOptions RECIPE_WITH_UNDERSCORES = new NginxOptions(true, true);

        public NginxOptions {
            siteEdits = List.copyOf(siteEdits);
        }

        public NginxOptions(boolean headersMore, boolean underscoresInHeaders) {
            this(headersMore, underscoresInHeaders, List.of());
        }
    }

    /**
     * nginx with {@code nginx-conf/authgate.conf} rendered ({@code ${LISTEN}} a free port,
     * {@code ${AUTHGATE}}, {@code ${UPSTREAM}}) and included in a minimal main configuration.
     */
    public static GatewayProcess nginx(String authgate, String upstream, NginxOptions options) throws IOException {
        Path binary = binary("nginx", "Debian package nginx");
        Path dir = TemporaryDirectories.create("authgate-nginx");
        for (String sub : List.of("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs")) {
            Files.createDirectories(dir.resolve(sub));
        }
        int port = AdapterProcess.freePort();
        String template = read(NGINX_TEMPLATE);
        String site = render(template, Map.of("LISTEN", "127.0.0.1:" + port, "AUTHGATE", authgate, "UPSTREAM", upstream));
        if (options.underscoresInHeaders()) {
            site = replaceOnce(site, "# underscores_in_headers on;", "underscores_in_headers on;", NGINX_TEMPLATE);
        }
        if (!options.headersMore()) {
            site = removeLineStartingWith(site, "more_clear_input_headers ", NGINX_TEMPLATE);
        }
        // Its own cache directory: nginx's cache loader would otherwise hand one instance's entries
        // (another test's, another helper's run) to the next.
        site = replaceOnce(site, NGINX_CACHE_PATH + " ", dir.resolve("cache") + " ", NGINX_TEMPLATE);
        for (Map.Entry<String, String> edit : options.siteEdits()) {
            site = replaceOnce(site, edit.getKey(), edit.getValue(), NGINX_TEMPLATE);
        }
        Files.writeString(dir.resolve("authgate.conf"), site);

        StringBuilder main = new StringBuilder();
        main.append("# written by the test harness around ").append(NGINX_TEMPLATE).append('\n');
        if ("root".equals(System.getProperty("user.name"))) {
            // Workers would run as nobody and could not write the temp directories made here.
            main.append("user root;\n");
        }
        if (options.headersMore()) {
            if (!Files.isRegularFile(Path.of(HEADERS_MORE_MODULE))) {
                throw new IllegalStateException("the nginx recipe needs " + HEADERS_MORE_MODULE
                        + ": install Debian package libnginx-mod-http-headers-more-filter");
            }
            main.append("load_module ").append(HEADERS_MORE_MODULE).append(";\n");
        }
        main.append("worker_processes 1;\n")
                .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
                .append("error_log ").append(dir.resolve("logs/error.log")).append(" info;\n")
                .append("events { worker_connections 256; }\n")
                .append("http {\n")
                .append("    access_log ").append(dir.resolve("logs/access.log")).append(";\n")
                .append("    client_body_temp_path ").append(dir.resolve("tmp/body")).append(";\n")
                .append("    proxy_temp_path ").append(dir.resolve("tmp/proxy")).append(";\n")
                .append("    fastcgi_temp_path ").append(dir.resolve("tmp/fastcgi")).append(";\n")
                .append("    uwsgi_temp_path ").append(dir.resolve("tmp/uwsgi")).append(";\n")
                .append("    scgi_temp_path ").append(dir.resolve("tmp/scgi")).append(";\n")
                .append("    include ").append(dir.resolve("authgate.conf")).append(";\n")
                .append("}\n");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, main.toString());

        List<String> command = List.of(binary.toString(), "-p", dir + "/", "-c", conf.toString(),
                "-e", dir.resolve("logs/error.log").toString(), "-g", "daemon off;");
        return start("nginx", command, Map.of(), dir, port, "127.0.0.1:" + port, ACCEPTS);
    }

    /** Debian's Caddy (the {@code caddy} on PATH) running the Caddyfile, see {@link #caddy(Path, String, String)}. */
    public static GatewayProcess caddy(String authgate, String upstream) throws IOException {
        return caddy(binary("caddy", "Debian package caddy"), authgate, upstream);
    }

    /**
     * This Caddy binary running {@code caddy-conf/Caddyfile} as a user would: {@code LISTEN},
     * {@code AUTHGATE} and {@code UPSTREAM} in the environment, imported from a wrapper that only
     * adds global options (admin endpoint off, bind to loopback). HOME and XDG directories are in
     * the temp directory.
     */
    public static GatewayProcess caddy(Path binary, String authgate, String upstream) throws IOException {
        return caddy(binary, authgate, upstream, List.of());
    }

    /**
     * As {@link #caddy(Path, String, String)}, with the Caddyfile edited first: each {@code from}
     * (found exactly once) replaced by its {@code to}, in order, as a user adds lines to it.
     */
    public static GatewayProcess caddy(Path binary, String authgate, String upstream, List<Map.Entry<String, String>> edits)
            throws IOException {
        if (!Files.isRegularFile(CADDYFILE)) {
            throw new IllegalStateException("no Caddyfile at " + CADDYFILE);
        }
        Path dir = TemporaryDirectories.create("authgate-caddy");
        int port = AdapterProcess.freePort();
        Path site = CADDYFILE;
        if (!edits.isEmpty()) {
            String edited = read(CADDYFILE);
            for (Map.Entry<String, String> edit : edits) {
                edited = replaceOnce(edited, edit.getKey(), edit.getValue(), CADDYFILE);
            }
            site = dir.resolve("site.Caddyfile");
            Files.writeString(site, edited);
        }
        Path wrapper = dir.resolve("Caddyfile");
        Files.writeString(wrapper, "# written by the test harness\n{\n\tadmin off\n\tdefault_bind 127.0.0.1\n}\n\nimport "
                + site + "\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.toString());
        env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("LISTEN", "http://127.0.0.1:" + port);
        env.put("AUTHGATE", authgate);
        env.put("UPSTREAM", upstream);
        List<String> command = List.of(binary.toString(), "run", "--config", wrapper.toString(), "--adapter", "caddyfile");
        return start("caddy", command, env, dir, port, "127.0.0.1:" + port, ACCEPTS);
    }

    /** How the shipped Traefik configuration is run. */
    public record TraefikOptions(boolean underscoreHeadersStrategy, Map<String, String> dynamicEdits) {
        public TraefikOptions {
            dynamicEdits = Map.copyOf(dynamicEdits);
        }

        /** As shipped where the binary knows every option; else without the line traefik.yml says to delete there. */
        public static TraefikOptions shippedFor(String version) {
            return new TraefikOptions(TraefikVersions.hasUnderscoreHeadersStrategy(version), Map.of());
        }

        /** Each {@code from} (found exactly once in dynamic.yml) replaced by its {@code to}. */
        public TraefikOptions withDynamicEdit(String from, String to) {
            Map<String, String> edits = new LinkedHashMap<>(dynamicEdits);
            edits.put(from, to);
            return new TraefikOptions(underscoreHeadersStrategy, edits);
        }
    }

    /**
     * Traefik (the binary given) running {@code traefik-conf/traefik.yml} and {@code dynamic.yml} as
     * shipped, but for what a test machine needs: the entry point on a free loopback port, the file
     * provider reading the copy in the temp directory, the forwardAuth address at {@code authgate},
     * the service at {@code upstream}; the router's host rule is kept, so requests carry
     * {@code Host: api.example.com}. Ready once the router answers (the file provider loads after the
     * entry point opens, and until then Traefik answers every request with its own 404).
     */
    public static GatewayProcess traefik(Path binary, String authgate, String upstream, TraefikOptions options) throws IOException {
        Path dir = TemporaryDirectories.create("authgate-traefik");
        int port = AdapterProcess.freePort();
        String dynamic = read(TRAEFIK_DYNAMIC);
        dynamic = replaceOnce(dynamic, "http://authgate:9095", "http://" + authgate, TRAEFIK_DYNAMIC);
        dynamic = replaceOnce(dynamic, "http://backend:8080", "http://" + upstream, TRAEFIK_DYNAMIC);
        if (!dynamic.contains("Host(`" + TRAEFIK_HOST + "`)")) {
            throw new IllegalStateException(TRAEFIK_DYNAMIC + " must route Host(`" + TRAEFIK_HOST + "`): the tests send that host");
        }
        for (Map.Entry<String, String> edit : options.dynamicEdits().entrySet()) {
            dynamic = replaceOnce(dynamic, edit.getKey(), edit.getValue(), TRAEFIK_DYNAMIC);
        }
        Path dynamicFile = dir.resolve("dynamic.yml");
        Files.writeString(dynamicFile, dynamic);

        String staticConfig = read(TRAEFIK_STATIC);
        staticConfig = replaceOnce(staticConfig, "address: \":80\"", "address: \"127.0.0.1:" + port + "\"", TRAEFIK_STATIC);
        staticConfig = replaceOnce(staticConfig, "filename: /etc/traefik/dynamic.yml", "filename: " + dynamicFile, TRAEFIK_STATIC);
        if (!options.underscoreHeadersStrategy()) {
            staticConfig = removeLineStartingWith(staticConfig, "underscoreHeadersStrategy:", TRAEFIK_STATIC);
        }
        Path staticFile = dir.resolve("traefik.yml");
        Files.writeString(staticFile, staticConfig);

        Map<String, String> env = Map.of("HOME", dir.toString());
        List<String> command = List.of(binary.toString(), "--configFile=" + staticFile);
        return start("traefik", command, env, dir, port, TRAEFIK_HOST, GatewayProcess::routes);
    }

    /** Traefik answers with its own "404 page not found" until a router matches. */
    private static boolean routes(GatewayProcess gateway) throws IOException {
        if (!accepts(gateway.port())) {
            return false;
        }
        RawHttp.Response probe = RawHttp.exchange(gateway.port(),
                RawHttp.request("GET", "/", gateway.port(), List.of(Map.entry("Host", gateway.host()))));
        return !(probe.status() == 404 && probe.bodyText().equals("404 page not found\n"));
    }

    private static GatewayProcess start(String name, List<String> command, Map<String, String> env, Path dir, int port,
                                        String host, Readiness readiness) throws IOException {
        Path output = dir.resolve("logs").resolve(name + ".out");
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        GatewayProcess gateway = new GatewayProcess(name, process, dir, output, port, host);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String logs = gateway.logs();
                gateway.close();
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " at start:\n" + logs);
            }
            if (readiness.ready(gateway)) {
                return gateway;
            }
            sleep(25);
        }
        String logs = gateway.logs();
        gateway.close();
        throw new IllegalStateException(name + " was not ready on port " + port + " within "
                + START_TIMEOUT_MS + " ms:\n" + logs);
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    /** The Host header the gateway's configuration routes. */
    public String host() {
        return host;
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process output and, for nginx, its error log: for failure messages. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        for (Path p : List.of(output, dir.resolve("logs/error.log"))) {
            if (Files.exists(p)) {
                try {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    b.append("--- ").append(p.getFileName()).append(" (last 4000 chars)\n")
                            .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text).append('\n');
                } catch (IOException e) {
                    b.append("--- ").append(p).append(" unreadable: ").append(e).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Stops the gateway (SIGTERM, then SIGKILL after 10 s) and removes its directory. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            TemporaryDirectories.delete(dir);
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy(); // SIGTERM: nginx fast shutdown, Caddy graceful stop
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // nginx workers of a master that had to be killed would keep the port.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        TemporaryDirectories.delete(dir);
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Replaces every {@code ${NAME}}; an unknown or leftover placeholder fails. */
    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template placeholder ${" + m.group(1) + "} has no value in the test");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replaceOnce(String text, String from, String to, Path source) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException(source + " must contain exactly one \"" + from + "\" (the tests rewrite it)");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    private static String removeLineStartingWith(String text, String prefix, Path source) {
        List<String> kept = new ArrayList<>();
        int removed = 0;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith(prefix)) {
                removed++;
            } else {
                kept.add(line);
            }
        }
        if (removed != 1) {
            throw new IllegalStateException(source + " must contain exactly one \"" + prefix + "...\" line, found " + removed);
        }
        return String.join("\n", kept);
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no template at " + file);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The executable on PATH (or in the sbin directories, which a non-login PATH may lack), or a clear failure. */
    static Path binary(String name, String installHint) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/usr/local/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " is not installed (looked on PATH and in the sbin directories): these tests run the real "
                + name + "; install " + installHint + " (.ci/run does)");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path repoRoot() {
        String configured = System.getProperty("authgate.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("nginx-conf")) && Files.isDirectory(p.resolve("plugin"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with nginx-conf/ and plugin/) above "
                + Path.of("").toAbsolutePath() + "; set -Dauthgate.repo.root");
    }
}
