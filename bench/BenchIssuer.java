import io.authgate.forwardauth.dev.DevelopmentIssuer;

import java.time.Duration;

/**
 * For bench/forward-auth.sh: a stand-in Authgear issuer on loopback (the adapter's own development
 * issuer: discovery and JWKS over HTTP, tokens shaped like Authgear's). Prints its origin and one
 * valid user token, then serves until killed. Run with the adapter jar on the class path:
 * {@code java -cp authgate-forward-auth-<version>.jar bench/BenchIssuer.java}.
 */
public final class BenchIssuer {
    public static void main(String[] args) throws Exception {
        DevelopmentIssuer issuer = DevelopmentIssuer.start();
        System.out.println("ISSUER " + issuer.issuer());
        System.out.println("TOKEN " + issuer.demoUserToken(Duration.ofHours(2)));
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM
    }
}
