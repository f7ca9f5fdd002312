package io.authgate.apisix.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The files under apisix-conf/ are what users copy: they must be right, not just present. */
class ShippedApisixConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void adminApiRouteRunsAuthgearResolverBeforeAuthWithAValidValue() throws IOException {
        JsonNode route = JSON.readTree(ApisixHarness.repoFile("apisix-conf/route.json").toFile());
        assertExtPluginPreReqWithValidValue(route.path("plugins"));
    }

    @Test
    void standaloneRouteRunsAuthgearResolverWithAValidValue() throws IOException {
        JsonNode doc = YAML.readTree(ApisixHarness.repoFile("apisix-conf/apisix.yaml").toFile());
        assertThat(doc.path("routes")).hasSize(1);
        assertExtPluginPreReqWithValidValue(doc.path("routes").get(0).path("plugins"));
    }

    /** ext-plugin-pre-req's own priority, in apisix/plugins/ext-plugin-pre-req.lua. */
    private static final int EXT_PLUGIN_PRE_REQ_PRIORITY = 12000;

    @Test
    void bothRoutesClearTheIdentityFamilyBeforeTheRunnerWithTheSameFunction() throws IOException {
        JsonNode json = JSON.readTree(ApisixHarness.repoFile("apisix-conf/route.json").toFile()).path("plugins");
        JsonNode yaml = YAML.readTree(ApisixHarness.repoFile("apisix-conf/apisix.yaml").toFile())
                .path("routes").get(0).path("plugins");
        for (JsonNode plugins : List.of(json, yaml)) {
            JsonNode clear = plugins.path("serverless-pre-function");
            // same phase as ext-plugin-pre-req, and sorted before it (plugin.lua sorts by _meta.priority)
            assertThat(clear.path("phase").asText()).isEqualTo("rewrite");
            assertThat(clear.path("_meta").path("priority").asInt()).isGreaterThan(EXT_PLUGIN_PRE_REQ_PRIORITY);
            assertThat(clear.path("functions")).hasSize(1);
        }
        // what it does is ShippedIdentityClearIT's
        assertThat(yaml.path("serverless-pre-function").path("functions"))
                .isEqualTo(json.path("serverless-pre-function").path("functions"));
    }

    @Test
    void configYamlStartsTheRunnerJarWithThePluginFolderOnLoaderPath() throws IOException {
        JsonNode doc = YAML.readTree(ApisixHarness.repoFile("apisix-conf/config.yaml").toFile());
        List<String> cmd = new ArrayList<>();
        doc.path("ext-plugin").path("cmd").forEach(n -> cmd.add(n.asText()));
        assertThat(cmd.get(0)).as("APISIX needs an absolute path to java").startsWith("/");
        assertThat(cmd).anyMatch(a -> a.startsWith("-Dloader.path=/"));
        assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly("-jar", "/opt/authgate/apisix-runner-starter-0.4.0.jar");
    }

    private static void assertExtPluginPreReqWithValidValue(JsonNode plugins) {
        JsonNode ext = plugins.path("ext-plugin-pre-req");
        assertThat(ext.path("allow_degradation").asBoolean(true)).as("fail closed when the runner is down").isFalse();
        JsonNode conf = ext.path("conf");
        assertThat(conf).hasSize(1);
        assertThat(conf.get(0).path("name").asText()).isEqualTo("AuthgearResolver");
        AuthgateConfig config = ConfigParser.parseJson(conf.get(0).path("value").asText());
        assertThat(config.issuer()).isEqualTo("https://myapp.authgear.cloud");
    }
}
