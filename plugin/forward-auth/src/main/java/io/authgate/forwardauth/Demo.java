package io.authgate.forwardauth;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code --demo} prints: ready-to-paste curl lines against the running adapter, and the
 * headers each yields (asked of the adapter itself, so what is printed is what it answers).
 */
final class Demo {
    private final ForwardAuth app;
    private final PrintStream out;

    Demo(ForwardAuth app, PrintStream out) {
        this.app = app;
        this.out = out;
    }

    void show() {
        String url = "http://" + Main.hostPort(app.decisionAddress()) + DecisionHandler.RESOLVE_PATH;
        Duration lifetime = Duration.ofHours(1);
        String user = app.developmentIssuer().demoUserToken(lifetime);
        String anonymous = app.developmentIssuer().anonymousUserToken(lifetime);
        out.println();
        out.println("Tokens from the development issuer are valid for one hour. Try:");
        example("the demo user", url, "Authorization", "Bearer " + user);
        example("an anonymous user", url, "Authorization", "Bearer " + anonymous);
        example("the demo user's session cookie (asked of the development issuer's resolver, then cached)", url,
                "Cookie", app.developmentIssuer().demoSessionCookie());
        example("an invalid token (no session, as Authgear answers)", url, "Authorization", "Bearer " + user.substring(0, user.length() - 4) + "AAAA");
        example("no credentials", url, null, null);
        app.webhookAddress().ifPresent(w -> signOut(url));
        out.println("Stop with Ctrl-C.");
    }

    /** A logout taking effect: the steps to paste, since doing it here would revoke the tokens printed above. */
    private void signOut(String url) {
        String jar = "java -jar " + Main.jarFileName();
        out.println();
        out.println("# a logout: Authgear's signed webhook event, and the demo user's tokens issued before it give no session");
        out.println("  TOKEN=$(" + jar + " mint)");
        out.println("  curl -i " + url + " -H \"Authorization: Bearer $TOKEN\"    # 200");
        out.println("  " + jar + " event user.signed_out    # posted to this demo's webhook port");
        out.println("  curl -i " + url + " -H \"Authorization: Bearer $TOKEN\"    # 401 invalid_token");
        out.println("  (event user.disabled and user.reenabled work the same way; --sub names another user)");
    }

    /**
     * {@code --demo --config FILE}: the user's rules decide, so requests must say which request they
     * are about ({@code X-Forwarded-*}, as a gateway sends them); tokens come from {@code mint}.
     */
    static void showOwnRules(ForwardAuth app, java.nio.file.Path demoFile, PrintStream out) {
        String url = "http://" + Main.hostPort(app.decisionAddress()) + DecisionHandler.RESOLVE_PATH;
        out.println();
        out.println("Your rules decide. Mint a token with the roles and amr a rule asks for, then ask as a gateway would:");
        out.println("  TOKEN=$(java -jar " + Main.jarFileName() + " mint --roles admin --amr pwd,mfa --expires-in 600"
                + " --demo-file " + demoFile + ")");
        out.println("  curl -i " + url + " -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Host: app.example'"
                + " -H 'X-Forwarded-Uri: /admin' -H \"Authorization: Bearer $TOKEN\"");
        out.println("Edit the file and send SIGHUP (kill -HUP " + ProcessHandle.current().pid() + ") to apply it. Stop with Ctrl-C.");
    }

    private void example(String title, String url, String header, String value) {
        out.println();
        out.println("# " + title);
        out.println("curl -i " + url + (header == null ? "" : " -H '" + header + ": " + value + "'"));
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
            if (header != null) {
                request.header(header, value);
            }
            HttpResponse<Void> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding());
            Map<String, List<String>> identity = new TreeMap<>();
            response.headers().map().forEach((name, values) -> {
                if (name.toLowerCase(Locale.ROOT).startsWith("x-authgear-")) {
                    identity.put(name.toLowerCase(Locale.ROOT), values);
                }
            });
            out.println("  -> " + response.statusCode() + (identity.isEmpty() ? ", no x-authgear-* headers" : ""));
            identity.forEach((name, values) -> out.println("     " + name + ": " + String.join(",", values)));
        } catch (Exception e) {
            out.println("  -> could not ask the adapter: " + e.getMessage());
        }
    }
}
