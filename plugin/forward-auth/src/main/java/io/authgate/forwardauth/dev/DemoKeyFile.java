package io.authgate.forwardauth.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.authgate.forwardauth.BoundedFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Map;

/**
 * How {@code mint} signs tokens that a running {@code --demo} adapter accepts: the demo writes its
 * development issuer's origin and private key to this file when it starts and deletes it when it
 * stops; {@code mint} reads it. Why this is safe: the key is made fresh for each demo run and
 * trusted only by that run's development issuer, which exists only in demo mode, binds only to
 * loopback and cannot be combined with a real {@code authgear_endpoint}; the file is created owner
 * read/write only ({@code 0600}) in the user's own runtime directory ({@code $XDG_RUNTIME_DIR},
 * else {@code ~/.authgate}, made {@code 0700}), never in a shared directory where another user
 * could place or read it. Anyone who can read it could already reach the development issuer on
 * loopback, which mints tokens for anyone who asks. No key is built into the jar: one published key
 * would be trusted by every demo everywhere.
 */
public final class DemoKeyFile {
    public static final String ENV = "AUTHGATE_DEMO_FILE";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above the ~2 KiB a demo writes; bounded so that {@code --demo-file /dev/zero} ends. */
    static final int MAX_BYTES = 64 * 1024;

    private DemoKeyFile() {
    }

    /** {@code AUTHGATE_DEMO_FILE}, else {@code $XDG_RUNTIME_DIR/authgate-demo-issuer.json}, else {@code ~/.authgate/demo-issuer.json}. */
    public static Path defaultPath(Map<String, String> env) {
        String named = env.get(ENV);
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "authgate-demo-issuer.json");
        }
        return Path.of(System.getProperty("user.home"), ".authgate", "demo-issuer.json");
    }

    /** Writes the file (owner-only), replacing one a previous demo left behind. */
    public static void write(Path file, DemoTokens tokens) throws IOException {
        write(file, tokens, java.util.Optional.empty());
    }

    /** Writes the file with where the demo receives webhook events and their secret, for {@code event}. */
    public static void write(Path file, DemoTokens tokens, java.util.Optional<DemoWebhook> webhook) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("issuer", tokens.issuer());
        doc.set("key", JSON.readTree(tokens.key().toJSONString()));
        webhook.ifPresent(w -> doc.putObject("webhook").put("url", w.url().toString()).put("secret", w.secret()));
        Path next = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            Files.delete(next);
            Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(next, JSON.writeValueAsString(doc));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The running demo's issuer and key. @throws IllegalArgumentException with a sentence for the user */
    public static DemoTokens read(Path file) {
        try {
            JsonNode doc = document(file);
            JsonNode issuer = doc == null ? null : doc.get("issuer");
            JsonNode key = doc == null ? null : doc.get("key");
            if (issuer == null || !issuer.isTextual() || key == null || !key.isObject()) {
                throw new IllegalArgumentException(file + " is not a demo issuer file (issuer and key)");
            }
            JWK jwk = JWK.parse(key.toString());
            if (!(jwk instanceof RSAKey rsa) || !rsa.isPrivate()) {
                throw new IllegalArgumentException(file + " holds no private RSA key");
            }
            return new DemoTokens(rsa, issuer.textValue());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no demo is running (" + file + " does not exist): start one with --demo,"
                    + " or name its file with --demo-file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + BoundedFile.problem(e));
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The file's JSON, read up to {@link #MAX_BYTES}. @throws IllegalArgumentException with a sentence for the user */
    private static JsonNode document(Path file) throws IOException {
        byte[] bytes = BoundedFile.read(file, MAX_BYTES).orElseThrow(() ->
                new IllegalArgumentException(file + " is larger than 64 KiB, too large for a demo issuer file"));
        try {
            return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not a demo issuer file (not JSON)");
        }
    }

    /** Where the running demo receives webhook events. @throws IllegalArgumentException with a sentence for the user */
    public static DemoWebhook readWebhook(Path file) {
        read(file); // the same checks and sentences as mint's
        try {
            JsonNode webhook = document(file).get("webhook");
            if (webhook == null || !webhook.path("url").isTextual() || !webhook.path("secret").isTextual()) {
                throw new IllegalArgumentException("the demo of " + file + " receives no webhook events (webhook_listen is off)");
            }
            return new DemoWebhook(java.net.URI.create(webhook.get("url").textValue()), webhook.get("secret").textValue());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + BoundedFile.problem(e));
        }
    }

    /** Removes the file if it is still this run's (a newer demo may have replaced it). */
    public static void delete(Path file, DemoTokens tokens) {
        try {
            if (Files.exists(file) && read(file).key().getKeyID().equals(tokens.key().getKeyID())) {
                Files.delete(file);
            }
        } catch (IOException | IllegalArgumentException e) {
            // Best effort on the way out: the key is useless once its demo has stopped.
        }
    }
}
