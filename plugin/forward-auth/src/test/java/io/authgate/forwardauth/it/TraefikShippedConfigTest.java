package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * traefik-conf/ is what users copy: both files must be valid Traefik v3 configuration (the
 * SchemaStore schemas, copied from {@code shared/schemas} into this module's test resources so a clone
 * of the repository alone can run this) and must say what the project decided. TraefikGatewayIT runs
 * them in real Traefik in front of the adapter.
 */
class TraefikShippedConfigTest {
    static final String SCHEMA_BASE = "https://json.schemastore.org/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A directory found by walking up from the working directory (the module's, or the repository's). */
    static Path findUp(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found in or above " + Path.of("").toAbsolutePath());
    }

    static Path staticYml() {
        return findUp("traefik-conf/traefik.yml");
    }

    static Path dynamicYml() {
        return findUp("traefik-conf/dynamic.yml");
    }

    /** The schemas, by their $id, read from the test resources (never fetched: the $id prefix maps there). */
    static JsonSchema schema(String file) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
                b -> b.schemaMappers(m -> m.mapPrefix(SCHEMA_BASE, "classpath:schemas/")));
        return factory.getSchema(SchemaLocation.of(SCHEMA_BASE + file));
    }

    static Set<ValidationMessage> validateStatic(JsonNode doc) {
        return schema("traefik-v3.json").validate(doc);
    }

    static Set<ValidationMessage> validateDynamic(JsonNode doc) {
        return schema("traefik-v3-file-provider.json").validate(doc);
    }

    private static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    @Test
    void theCopiedSchemasAreTheSharedOnesWhereverThoseAreBesideTheRepository() throws IOException {
        for (String file : List.of("traefik-v3.json", "traefik-v3-file-provider.json")) {
            byte[] copy;
            try (var in = TraefikShippedConfigTest.class.getClassLoader().getResourceAsStream("schemas/" + file)) {
                assertThat(in).as("schemas/%s on the test class path", file).isNotNull();
                copy = in.readAllBytes();
            }
            assertThat(YAML.readTree(copy).path("$id").asText()).isEqualTo(SCHEMA_BASE + file);
            Path shared = sharedSchemas();
            if (shared != null) {
                assertThat(copy).as("%s equals %s", file, shared.resolve(file)).isEqualTo(Files.readAllBytes(shared.resolve(file)));
            }
        }
    }

    /** {@code shared/schemas} in or above the working directory, or {@code null} in a lone clone. */
    private static Path sharedSchemas() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/schemas"))) {
                return dir.resolve("shared/schemas");
            }
        }
        return null;
    }

    @Test
    void staticConfigurationMatchesTheSchema() throws IOException {
        assertThat(validateStatic(read(staticYml()))).as("schema errors in %s", staticYml()).isEmpty();
    }

    @Test
    void dynamicConfigurationMatchesTheSchema() throws IOException {
        assertThat(validateDynamic(read(dynamicYml()))).as("schema errors in %s", dynamicYml()).isEmpty();
    }

    @Test
    void theValidationIsNotVacuous() throws IOException {
        // Broken copies, in memory: each must be rejected, or the two tests above prove nothing.
        ObjectNode dyn = (ObjectNode) read(dynamicYml());
        ObjectNode fa = (ObjectNode) dyn.path("http").path("middlewares").path("authgear-resolve").path("forwardAuth");
        fa.put("trustForwardHeader", "false"); // a string, not a boolean
        fa.put("authResponseHeaderRegex", "^X-Authgear-"); // misspelt key
        assertThat(validateDynamic(dyn)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("trustForwardHeader")).anyMatch(m -> m.contains("authResponseHeaderRegex"));

        ObjectNode stat = (ObjectNode) read(staticYml());
        ((ObjectNode) stat.path("entryPoints").path("web")).put("adress", ":80");
        assertThat(validateStatic(stat)).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("adress"));
    }

    @Test
    void forwardAuthSaysWhatWasDecided() throws IOException {
        JsonNode dyn = read(dynamicYml());
        JsonNode router = dyn.path("http").path("routers").path("api");
        assertThat(router.path("middlewares").get(0).asText()).isEqualTo("authgear-resolve");
        assertThat(dyn.path("http").path("services").has(router.path("service").asText())).as("the router's service exists").isTrue();

        JsonNode fa = dyn.path("http").path("middlewares").path("authgear-resolve").path("forwardAuth");
        assertThat(fa.path("address").asText()).isEqualTo("http://authgate:9095/_resolver/resolve");
        assertThat(fa.get("trustForwardHeader")).as("set, and false: Traefik is the edge").isNotNull();
        assertThat(fa.get("trustForwardHeader").isBoolean() && !fa.get("trustForwardHeader").booleanValue()).isTrue();
        assertThat(fa.path("preserveRequestMethod").asBoolean(false)).as("the adapter answers 405 to anything but GET/HEAD").isFalse();
        assertThat(fa.path("forwardBody").asBoolean(false)).isFalse();

        Pattern regex = Pattern.compile(fa.path("authResponseHeadersRegex").asText());
        for (String spelling : new String[] {"X-Authgear-User-Id", "x-authgear-session-valid", "X_Authgear_User_Id",
                "x_authgear_user_roles", "X-Authgear_User-Verified", "X-Authgear-Anything-Else"}) {
            String goKey = goCanonical(spelling);
            assertThat(regex.matcher(goKey).find()).as("the regex strips %s (Go key %s)", spelling, goKey).isTrue();
        }
        for (String other : new String[] {"Authorization", "Cookie", "X-Authgearx", "X-Request-Id"}) {
            assertThat(regex.matcher(other).find()).as("the regex leaves %s alone", other).isFalse();
        }
    }

    @Test
    void entryPointDropsClientForwardedHeadersAndUnderscoreHeaders() throws IOException {
        JsonNode web = read(staticYml()).path("entryPoints").path("web");
        assertThat(web.path("forwardedHeaders").path("insecure").asBoolean(true)).isFalse();
        assertThat(web.path("forwardedHeaders").path("trustedIPs").isMissingNode()).isTrue();
        assertThat(web.path("http").path("underscoreHeadersStrategy").asText()).isEqualTo("delete");
        assertThat(read(staticYml()).path("providers").path("file").path("filename").asText()).endsWith("/dynamic.yml");
    }

    /**
     * The name Go's server stores a header under (net/textproto CanonicalMIMEHeaderKey): each letter
     * after a "-" or at the start upper case, every other one lower case; "_" is no separator.
     */
    static String goCanonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return b.toString();
    }

    @Test
    void goCanonicalFormKeepsUnderscoreSpellingsApart() {
        assertThat(goCanonical("x-authgear-user-id")).isEqualTo("X-Authgear-User-Id");
        assertThat(goCanonical("X_AUTHGEAR_USER_ID")).isEqualTo("X_authgear_user_id");
        assertThat(goCanonical("x-authgear_user-verified")).isEqualTo("X-Authgear_user-Verified");
    }
}
