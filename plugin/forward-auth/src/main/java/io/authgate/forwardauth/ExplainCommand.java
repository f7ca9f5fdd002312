package io.authgate.forwardauth;

import com.sun.net.httpserver.HttpServer;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.Decision;
import io.authgate.core.HostHeader;
import io.authgate.core.JwksFailure;
import io.authgate.core.TokenRejection;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.headers.Header;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code explain FILE [--method M] [--host H] [--path P] [--header 'Name: value']...
 * [--token T | --token-file F] [--cookie C | --cookie-file F] [--jwks FILE]}: decides one request
 * as the adapter running {@code FILE} would, asked by a gateway that sends the forwarded headers
 * {@code forwarded_headers} names, and says which rule matched, the decision, the identity headers
 * or the challenge, and why a token was rejected. It fetches the JWKS as the server does (and asks
 * Authgear's resolver for cookies), or reads the keys from {@code --jwks FILE}, served to the same
 * fetcher from loopback so they are checked exactly as fetched keys are (the top level's project; a rule
 * naming its own project fetches its own). It never prints the token
 * or the cookie, only their length and where they came from. Exit status 0 once a decision is
 * explained (whatever it is), 2 for a bad command line, config file, token file or JWKS file.
 */
final class ExplainCommand {
    private static final Set<String> FLAGS = Set.of("--method", "--host", "--path", "--header", "--token", "--token-file",
            "--cookie", "--cookie-file", "--jwks");
    private static final Duration DECISION_WAIT = Duration.ofSeconds(30);
    /** A credential file is one line; a bigger file is not one (the core caps tokens at 16 KiB). */
    private static final int MAX_CREDENTIAL_FILE_BYTES = 64 * 1024;
    /** Twice what the server's fetcher takes from a JWKS endpoint (512 KiB): a larger file is refused there anyway. */
    private static final int MAX_JWKS_FILE_BYTES = 1024 * 1024;

    private ExplainCommand() {
    }

    /** What the core reported while deciding: why a token was rejected, why keys could not be had. */
    private static final class Observed implements AuthgateEvents {
        final List<TokenRejection> rejections = new CopyOnWriteArrayList<>();
        final List<String> jwksFailures = new CopyOnWriteArrayList<>();

        @Override
        public void tokenRejected(TokenRejection reason) {
            rejections.add(reason);
        }

        @Override
        public void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
            jwksFailures.add(source + ": " + failure.name().toLowerCase(Locale.ROOT) + ": " + reason);
        }
    }

    /** A credential and where it came from (never its value, in anything printed). */
    private record Credential(String value, String origin) {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        HttpServer jwksServer = null;
        try {
            CommandFlags flags = CommandFlags.parse(args, FLAGS, Set.of("--header"));
            if (flags.positional().size() != 1) {
                throw new CommandFlags.UsageException("explain takes one config file (got " + flags.positional().size() + ")");
            }
            AdapterConfig config = AdapterConfig.parse(ConfigFile.read(Path.of(flags.positional().get(0))));
            if (config.developmentIssuer()) {
                throw new CommandFlags.UsageException("the config uses development_issuer, which exists only in a running"
                        + " adapter: explain a config that names authgear_endpoint");
            }
            Optional<Credential> token = credential(flags, "--token", "--token-file");
            Optional<Credential> cookie = credential(flags, "--cookie", "--cookie-file");
            String method = flags.value("--method").orElse("GET");
            String host = flags.value("--host").orElse("app.example");
            String path = flags.value("--path").orElse("/");
            if (!path.startsWith("/")) {
                throw new CommandFlags.UsageException("--path must start with / (got \"" + path + "\")");
            }

            AuthgateConfig core = config.coreConfig(null);
            if (flags.value("--jwks").isPresent()) {
                jwksServer = serve(Path.of(flags.value("--jwks").get()));
                core = withJwksUri(core, URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks"));
            }
            Observed observed = new Observed();
            HostHeader.allowForResolver();
            Authgate authgate = Authgate.create(observed);
            Routing routing = Routing.build(config, core, authgate);

            HttpRequest request = request(config.forwardedHeaders(), method, host, path, flags.values("--header"), token, cookie);
            DecisionRequest decisionRequest = routing.requests().read(request);
            int selected = routing.router().choose(decisionRequest);
            Decision decision = routing.router().decide(decisionRequest).get(DECISION_WAIT.toMillis(), TimeUnit.MILLISECONDS);

            out.println("request:    " + method + " " + host + path + " (as a gateway asks, with forwarded_headers: "
                    + config.forwardedHeaders().configName + ")");
            out.println("credential: " + token.map(t -> "a bearer token (" + t.value().length() + " characters, " + t.origin() + ")").orElse("no bearer token")
                    + "; " + cookie.map(c -> "a Cookie header (" + c.value().length() + " characters, " + c.origin() + ")").orElse("no cookie"));
            out.println("rule:       " + describeRule(routing, selected));
            print(decision, out);
            for (TokenRejection r : observed.rejections) {
                out.println("reason:     token rejected: " + r.name().toLowerCase(Locale.ROOT) + " (" + r.description() + ")");
            }
            for (String failure : observed.jwksFailures) {
                out.println("keys:       JWKS fetch failed: " + failure);
            }
            return 0;
        } catch (CommandFlags.UsageException e) {
            err.println("authgate explain: " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            err.println("authgate explain: invalid configuration: " + e.key() + ": " + e.reason());
            return 2;
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("authgate explain: no decision within " + DECISION_WAIT.toSeconds() + " s");
            return 2;
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            err.println("authgate explain: could not decide: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        } finally {
            if (jwksServer != null) {
                jwksServer.stop(0);
            }
        }
    }

    private static Optional<Credential> credential(CommandFlags flags, String valueFlag, String fileFlag) {
        Optional<String> value = flags.value(valueFlag);
        Optional<String> file = flags.value(fileFlag);
        if (value.isPresent() && file.isPresent()) {
            throw new CommandFlags.UsageException("give " + valueFlag + " or " + fileFlag + ", not both");
        }
        if (value.isPresent()) {
            return Optional.of(new Credential(value.get(), "from " + valueFlag));
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(file.get());
        if (Files.isDirectory(path)) {
            throw new CommandFlags.UsageException("cannot read " + fileFlag + " " + path + ": it is a directory");
        }
        try {
            byte[] bytes = BoundedFile.read(path, MAX_CREDENTIAL_FILE_BYTES).orElseThrow(() ->
                    new CommandFlags.UsageException(fileFlag + " " + path + " is larger than " + MAX_CREDENTIAL_FILE_BYTES + " bytes"));
            // One line: what `echo "$TOKEN" > file` writes, its line end dropped.
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new CommandFlags.UsageException(fileFlag + " " + path + " must hold one line (one token or one Cookie value)");
            }
            return Optional.of(new Credential(text, "from " + fileFlag + " " + path));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandFlags.UsageException("cannot read " + fileFlag + " " + path + ": it does not exist");
        } catch (IOException e) {
            // The exception's message names the file and the problem, never its content.
            throw new CommandFlags.UsageException("cannot read " + fileFlag + " " + path + ": " + BoundedFile.problem(e));
        }
    }

    /** The decision request a gateway sends: the forwarded family's headers, the user's, the credentials. */
    private static HttpRequest request(ForwardedHeaders family, String method, String host, String path, List<String> headers,
                                       Optional<Credential> token, Optional<Credential> cookie) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, DecisionHandler.RESOLVE_PATH);
        request.headers().set("host", "127.0.0.1");
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new CommandFlags.UsageException("--header must be 'Name: value' (got \"" + header + "\")");
            }
            request.headers().add(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        request.headers().set(family.methodHeader, method);
        request.headers().set(family.uriHeader, path);
        if (family.hostHeader != null) {
            request.headers().set(family.hostHeader, host);
        }
        token.ifPresent(t -> request.headers().set("authorization", "Bearer " + t.value()));
        cookie.ifPresent(c -> request.headers().set("cookie", c.value()));
        return request;
    }

    private static String describeRule(Routing routing, int selected) {
        return switch (selected) {
            case Router.TOP_LEVEL -> (routing.config().rules().isEmpty() ? "no rules: " : "no rule matched: ")
                    + "the top level (mode " + mode(routing.topLevel()) + ")";
            case Router.UNDETERMINED -> "none: the request does not say which request it is (the forwarded headers are missing or repeated)";
            case Router.AMBIGUOUS_TARGET -> "none: the path is ambiguous (an encoded slash or backslash, a dot segment, a control character or an invalid escape)";
            default -> {
                RouteMatch m = routing.config().rules().get(selected).match();
                yield "rules[" + selected + "] (match" + (m.host() == null ? "" : " host " + m.host())
                        + (m.pathPrefix() == null ? "" : " path_prefix " + m.pathPrefix())
                        + (m.pathRegex() == null ? "" : " path_regex " + m.pathRegex().pattern())
                        + (m.methods().isEmpty() ? "" : " methods " + String.join(",", m.methods()))
                        + "; mode " + mode(routing.coreConfigs().get(selected + 1)) + ")";
            }
        };
    }

    private static String mode(AuthgateConfig config) {
        return config.mode().name().toLowerCase(Locale.ROOT);
    }

    private static void print(Decision decision, PrintStream out) {
        if (decision instanceof Decision.Allow allow) {
            List<Header> headers = allow.headers().asList();
            out.println("decision:   allow (200)" + (headers.isEmpty() ? ", no session: no x-authgear-* headers" : ""));
            headers.forEach(h -> out.println("header:     " + h.name() + ": " + h.value()));
        } else {
            Decision.Deny deny = (Decision.Deny) decision;
            out.println("decision:   deny (" + deny.status() + ")");
            deny.headers().stream().filter(h -> h.name().equalsIgnoreCase("www-authenticate"))
                    .forEach(h -> out.println("challenge:  WWW-Authenticate: " + h.value()));
            if (!deny.body().isEmpty()) {
                out.println("body:       " + deny.body().strip());
            }
        }
    }

    /** The JWKS file, served on loopback to the fetcher the server uses, for as long as the command runs. */
    private static HttpServer serve(Path jwks) {
        byte[] body;
        if (Files.isDirectory(jwks)) {
            throw new CommandFlags.UsageException("cannot read --jwks " + jwks + ": it is a directory");
        }
        try {
            body = BoundedFile.read(jwks, MAX_JWKS_FILE_BYTES).orElseThrow(() ->
                    new CommandFlags.UsageException("--jwks " + jwks + " is larger than " + MAX_JWKS_FILE_BYTES + " bytes"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandFlags.UsageException("cannot read --jwks " + jwks + ": it does not exist");
        } catch (IOException e) {
            throw new CommandFlags.UsageException("cannot read --jwks " + jwks + ": " + BoundedFile.problem(e));
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            server.createContext("/jwks", exchange -> {
                try (exchange; OutputStream o = exchange.getResponseBody()) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    o.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the JWKS file on loopback: " + e.getMessage(), e);
        }
    }

    private static AuthgateConfig withJwksUri(AuthgateConfig c, URI jwksUri) {
        return new AuthgateConfig(c.issuer(), jwksUri, c.audiences(), c.clockSkew(), c.algorithms(), c.cookiePrefix(), c.mode(),
                c.policy(), c.jwks(), c.tokenCacheMaxBytes(), c.resolver(), c.live(), c.claimHeaders(), c.revocation());
    }
}
