package io.authgate.apisix.it;

import io.authgate.testkit.TemporaryDirectories;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The belt-and-braces function shipped in {@code apisix-conf/route.json} ({@code serverless-pre-function}), run
 * by real nginx with Debian's lua-nginx-module on a request of more than 100 header lines, in front of a
 * backend (the same nginx) that answers with every header line it received.
 *
 * <p>APISIX itself is not installable here, so this stands in for how it calls the function: APISIX's
 * {@code serverless/init.lua} loads each string with {@code pcall(loadstring(func_str))} and calls the result
 * with {@code (conf, ctx)}; plugins' rewrite phases run inside {@code access_by_lua} ({@code apisix/init.lua},
 * {@code http_access_phase}); APISIX's nginx has {@code underscores_in_headers on} ({@code apisix/cli/config.lua}).
 */
class ShippedIdentityClearIT {
    private static final String LUA_MODULE = "/usr/lib/nginx/modules/ngx_http_lua_module.so";
    private static final String NDK_MODULE = "/usr/lib/nginx/modules/ndk_http_module.so";

    private static Path dir;
    private static Process nginx;
    private static int port;

    @BeforeAll
    static void startNginx() throws Exception {
        for (String module : List.of(LUA_MODULE, NDK_MODULE)) {
            if (!Files.isRegularFile(Path.of(module))) {
                throw new IllegalStateException(module + " is missing: install Debian package libnginx-mod-http-lua");
            }
        }
        dir = TemporaryDirectories.create("authgate-lua-nginx");
        Files.writeString(dir.resolve("shipped.lua"), shippedFunction());
        port = freePort();
        int backend = freePort();
        String conf = String.join("\n",
                "load_module " + NDK_MODULE + ";",
                "load_module " + LUA_MODULE + ";",
                "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 64; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  underscores_in_headers on;",
                "  init_by_lua_block {",
                "    local file = assert(io.open('" + dir.resolve("shipped.lua") + "'))",
                "    local ok, f = pcall(loadstring(file:read('*a')))",
                "    file:close()",
                "    assert(ok and type(f) == 'function', 'the shipped string must return a function')",
                "    shipped = f",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + backend + ";",
                "    location / { content_by_lua_block {",
                "      for name, value in pairs(ngx.req.get_headers(0, true)) do",
                "        for _, v in ipairs(type(value) == 'table' and value or {value}) do ngx.say(name, ': ', v) end",
                "      end",
                "    } }",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location / {",
                "      access_by_lua_block { shipped({phase = 'rewrite'}, ngx.ctx) }",
                "      proxy_pass http://127.0.0.1:" + backend + ";",
                "    }",
                "  }",
                "}", "");
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder("nginx", "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts(port)) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("nginx did not start: " + logs());
            }
            Thread.sleep(25);
        }
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            List<ProcessHandle> workers = nginx.descendants().toList();
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
            workers.forEach(ProcessHandle::destroyForcibly);
        }
        if (dir != null) {
            TemporaryDirectories.delete(dir);
        }
    }

    /** The one function route.json ships, checked equal to apisix.yaml's. */
    private static String shippedFunction() throws IOException {
        var route = new ObjectMapper().readTree(ApisixHarness.repoFile("apisix-conf/route.json").toFile());
        var functions = route.path("plugins").path("serverless-pre-function").path("functions");
        assertThat(functions).hasSize(1);
        return functions.get(0).asText();
    }

    @Test
    void everyFamilyLineGoesWhereverItIsAndEverythingElseStays() throws Exception {
        List<String> lines = new ArrayList<>(List.of("Host: api.example.com", "Authorization: Bearer abc"));
        for (int i = 1; i <= 120; i++) {
            lines.add("X-Filler-" + i + ": f");
        }
        lines.addAll(List.of("X-Authgear-User-Id: victim", "x_authgear-user_id: victim",
                "X_AUTHGEAR_USER_ROLES: superadmin", "x-authgear_session-valid: true", "X-Authgear-Custom: spoofed",
                "x_Authgear_Anything_Else: spoofed", "X-Authgear-User-Id: second line",
                "X-Authgear: not the family", "X-Authgearish-Id: not the family"));

        List<String> received = send(lines);

        assertThat(received).as(logs()).filteredOn(line -> isFamily(line.substring(0, line.indexOf(':')))).isEmpty();
        assertThat(received).filteredOn(line -> line.startsWith("X-Filler-")).hasSize(120);
        assertThat(received).contains("Authorization: Bearer abc", "X-Authgear: not the family",
                "X-Authgearish-Id: not the family");
    }

    @Test
    void aRequestWithoutTheFamilyPassesUntouched() throws Exception {
        List<String> received = send(List.of("Host: api.example.com", "Accept: */*", "X-Request-Id: 1"));

        assertThat(received).contains("Accept: */*", "X-Request-Id: 1");
    }

    private static boolean isFamily(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').startsWith("x-authgear-");
    }

    /** One HTTP/1.0 request with these header lines; the backend's answer, one received line per element. */
    private static List<String> send(List<String> headerLines) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/orders HTTP/1.0\r\n" + String.join("\r\n", headerLines) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).as(logs()).startsWith("HTTP/1.1 200");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            return body.lines().toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String logs() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("nginx.out", "error.log")) {
            try {
                b.append(name).append(":\n").append(Files.readString(dir.resolve(name))).append('\n');
            } catch (IOException e) {
                b.append(name).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }
}
