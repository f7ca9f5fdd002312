package io.authgate.testkit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed certificate for {@link RedisServer}'s TLS port, for {@code 127.0.0.1} (an IP
 * subject alternative name, so {@code localhost} does not match it): made by the JDK's
 * {@code keytool}, written as the PEM files {@code redis-server} reads ({@code tls-cert-file},
 * {@code tls-key-file}), and an {@link SSLContext} that trusts only it, for the client.
 */
public final class RedisTls {
    private static final char[] PASS = "authgate-test".toCharArray();

    private final Path certificate;
    private final Path privateKey;
    private final SSLContext trustingIt;

    private RedisTls(Path certificate, Path privateKey, SSLContext trustingIt) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.trustingIt = trustingIt;
    }

    static RedisTls create(Path dir) {
        Path p12 = dir.resolve("redis.p12");
        ShortCommand.run(List.of("keytool", "-genkeypair", "-alias", "redis", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", new String(PASS), "-keypass", new String(PASS)));
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS);
            Key key = ks.getKey("redis", PASS);
            Certificate cert = ks.getCertificate("redis");
            Path certFile = dir.resolve("redis.crt");
            Path keyFile = dir.resolve("redis.key");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8, which OpenSSL reads
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("redis", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return new RedisTls(certFile, keyFile, ctx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path certificate() {
        return certificate;
    }

    public Path privateKey() {
        return privateKey;
    }

    /** A client context that trusts this certificate and nothing else. */
    public SSLContext clientContext() {
        return trustingIt;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
