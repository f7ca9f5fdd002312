package io.authgate.forwardauth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user sees for a config file that cannot be used (issue 13): through {@link Main#run},
 * so exactly the line the adapter prints. Every case here fails before anything is started.
 */
@Timeout(30)
class ConfigFileErrorsTest {
    /** Free ports, should a case be accepted by mistake: then it fails on its timeout instead of holding a fixed port. */
    private static final String ENDPOINT = "authgear_endpoint: https://myapp.authgear.cloud\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    private Path dir;

    record Run(int status, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing started").isEmpty();
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    private Run runFile(String yaml) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("authgate-config-errors");
        }
        Path file = dir.resolve("authgate.yaml");
        Files.writeString(file, yaml);
        return run("--config", file.toString());
    }

    @AfterEach
    void deleteFiles() throws IOException {
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("authgate.yaml"));
            Files.delete(dir);
        }
    }

    private static void assertOneLine(Run r, String key) {
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("authgate: invalid configuration: " + key + ": ");
        assertThat(r.err().strip()).doesNotContain("\n");
    }

    @Test
    void aMissingFileIsSaidNotToExist() {
        Run r = run("--config", "/nonexistent-authgate-dir/authgate.yaml");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("cannot read /nonexistent-authgate-dir/authgate.yaml: it does not exist");
    }

    @Test
    void aDirectoryIsSaidToBeOne() throws IOException {
        Path d = Files.createTempDirectory("authgate-config-dir");
        try {
            Run r = run("--config", d.toString());
            assertOneLine(r, "(document)");
            assertThat(r.err()).contains("cannot read " + d + ": it is a directory, not a config file");
        } finally {
            Files.delete(d);
        }
    }

    @Test
    void aSymbolicLinkLoopIsSaidToBeOne() throws IOException {
        Path d = Files.createTempDirectory("authgate-config-loop");
        Path link = d.resolve("authgate.yaml");
        try {
            Files.createSymbolicLink(link, link);
            Run r = run("--config", link.toString());
            assertOneLine(r, "(document)");
            assertThat(r.err()).contains("cannot read " + link + ": it is a symbolic link that leads nowhere (a loop, or its target is gone)");
        } finally {
            Files.deleteIfExists(link);
            Files.delete(d);
        }
    }

    @Test
    void anEmptyPathIsNotTheCurrentDirectory() {
        Run r = run("check", "");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read the file: its name is empty").doesNotContain("directory");
    }

    /** Root reads any file whatever its mode (the tests run as root in CI), so the message is checked on the exception. */
    @Test
    void permissionDeniedIsSaidInWords() {
        assertThat(BoundedFile.problem(new java.nio.file.AccessDeniedException("/etc/authgate.yaml"))).isEqualTo("permission denied");
        assertThat(BoundedFile.problem(new java.io.IOException("Input/output error"))).isEqualTo("Input/output error");
    }

    /** A config file is small; reading one without a bound would let {@code --config /dev/zero} fill the heap. */
    @Test
    void aFileOverOneMebibyteIsRefusedUnread() throws IOException {
        Run r = runFile(ENDPOINT + "# " + "x".repeat(1 << 20) + "\n");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("is larger than 1 MiB, too large for a configuration file");
    }

    @Test
    void anEndlessStreamIsRefusedAtTheBound() {
        Run r = run("--config", "/dev/zero");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("/dev/zero is larger than 1 MiB");
    }

    @Test
    void checkAnEndlessStreamEndsToo() {
        Run r = run("check", "/dev/zero");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("/dev/zero is larger than 1 MiB");
    }

    @Test
    void aTopLevelTypoSuggestsTheClosestKeyAndListsThemAll() throws IOException {
        Run r = runFile(ENDPOINT + "jwks_url: https://myapp.authgear.cloud/oauth2/jwks\n");
        assertOneLine(r, "jwks_url");
        assertThat(r.err()).contains("did you mean jwks_uri?")
                // the adapter's keys and the core's, all of them
                .contains("listen").contains("admin_listen").contains("forwarded_headers").contains("max_pipelined_requests")
                .contains("audience").contains("cookie_prefix").contains("token_cache_max_bytes").contains("resolver");
    }

    @Test
    void anAdapterKeyTypoSuggestsTheAdapterKey() throws IOException {
        Run r = runFile(ENDPOINT + "admin_lsiten: 127.0.0.1:0\n");
        assertOneLine(r, "admin_lsiten");
        assertThat(r.err()).contains("did you mean admin_listen?");
    }

    @Test
    void aNestedTypoSuggestsTooAndKeepsTheList() throws IOException {
        Run r = runFile(ENDPOINT + "mode: enforce\npolicy: {roles_ayn: [admin]}\n");
        assertOneLine(r, "policy.roles_ayn");
        assertThat(r.err()).contains("known: ").contains("did you mean roles_any?");
    }

    @Test
    void aKeyLikeNoneSuggestsNothing() throws IOException {
        Run r = runFile(ENDPOINT + "zzzzzzzz: 1\n");
        assertOneLine(r, "zzzzzzzz");
        assertThat(r.err()).doesNotContain("did you mean");
    }

    /** The line where the problem is, counted from 1 as editors do: the problem's mark, not the last token's. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a: 1\\n\\tb: 2\\n|2",                   // a tab indents line 2
            "a: 1\\nb:\\n  - x\\n  y: 2\\n|4",        // a mapping after a list item, on line 4
            "a: 1\\nb: 2\\n c: 3\\n|3",              // indented into the value of b
            "a: 1\\nb: @x\\n|2",                     // a reserved indicator
            "a: 1\\nb: 2\\na: 3\\n|3",               // a duplicate key
    })
    void aYamlErrorOnLineNNamesLineN(String yaml, int line) throws IOException {
        Run r = runFile(yaml.replace("\\n", "\n").replace("\\t", "\t"));
        assertOneLine(r, "(document)");
        assertThat(r.err()).containsPattern(" at line " + line + "(\\D|$)");
    }

    /** Only YAML 1.2's core booleans are booleans: {@code yes} is a word, and a boolean key refuses it. */
    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF", "Y", "N"})
    void yaml11BooleansAreRefusedNamingTheKey(String word) throws IOException {
        Run r = runFile(ENDPOINT + "mode: enforce\npolicy:\n  allow_anonymous: " + word + "\n");
        assertOneLine(r, "policy.allow_anonymous");
        assertThat(r.err()).contains("must be true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"development_issuer", "live"})
    void yaml11BooleansAreRefusedForEveryBooleanKey(String key) throws IOException {
        Run r = runFile(ENDPOINT + key + ": yes\n");
        assertOneLine(r, key);
        assertThat(r.err()).contains("must be true or false");
    }

    @Test
    void resolverOffIsNotFalse() throws IOException {
        Run r = runFile(ENDPOINT + "resolver: off\n");
        assertOneLine(r, "resolver");
        assertThat(r.err()).contains("or false");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "True,true", "TRUE,true", "false,false", "False,false", "FALSE,false"})
    void yaml12CoreBooleansAreBooleans(String word, boolean value) {
        AdapterConfig c = AdapterConfig.parse(ConfigFile.parse(ENDPOINT + "mode: enforce\npolicy:\n  allow_anonymous: " + word + "\n", "test"));
        assertThat(c.coreConfig(null).policy().allowAnonymous()).isEqualTo(value);
    }

    @Test
    void aQuotedYesIsAWordEverywhere() {
        assertThat(ConfigFile.parse("k: 'yes'\nj: \"on\"\n", "test").get("k").isTextual()).isTrue();
    }

    @Test
    void aJsonFileIsReadLikeYamlAndCheckedTheSame() {
        AdapterConfig c = AdapterConfig.parse(ConfigFile.parse(
                "{\"authgear_endpoint\": \"https://myapp.authgear.cloud\", \"mode\": \"enforce\", \"policy\": {\"allow_anonymous\": true}}", "test"));
        assertThat(c.coreConfig(null).policy().allowAnonymous()).isTrue();
    }

    @Test
    void aJsonSyntaxErrorNamesItsLine() throws IOException {
        Run r = runFile("{\n  \"authgear_endpoint\": \"https://myapp.authgear.cloud\",\n  \"mode\" \"enforce\"\n}\n");
        assertOneLine(r, "(document)");
        assertThat(r.err()).containsPattern(" at line 3(\\D|$)");
    }

    /**
     * Jackson caps nesting at 1000 levels (StreamReadConstraints) and says so with no location: that
     * must still be one line and exit 2, not a NullPointerException that ends {@code check} as fatal.
     */
    @ParameterizedTest
    @ValueSource(strings = {"[", "{a: "})
    void nestingPastJacksonsDepthLimitIsOneLine(String open) throws IOException {
        String close = open.equals("[") ? "]" : "}";
        Run r = runFile(ENDPOINT + "rules: " + open.repeat(5000) + "1" + close.repeat(5000) + "\n");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("is not valid YAML").contains("nesting depth").doesNotContain("Exception");
    }

    /**
     * Jackson's YAML parser reads an alias ({@code *name}) as the text of its anchor's name, not as the
     * anchored value ({@code YAMLParser.nextToken}, AliasEvent: VALUE_STRING of the anchor), so
     * {@code mode: *m} would be the mode "m" and {@code audience: *aud} the audience "aud", silently.
     * Refused, naming the line, rather than read as something the file does not say.
     */
    @Test
    void aYamlAliasIsRefusedNamingItsLine() throws IOException {
        Run r = runFile(ENDPOINT + "audience: &aud https://api.example.com\nrules:\n  - match: {path_prefix: /a}\n"
                + "    authgear_endpoint: https://other.authgear.cloud\n    audience: *aud\n");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("alias *aud").contains("at line 8");
    }

    /** {@code readTree} stops after the first document: a second one (rules after a {@code ---}) would be dropped silently. */
    @Test
    void aSecondYamlDocumentIsRefusedNotDropped() throws IOException {
        Run r = runFile(ENDPOINT + "---\nrules:\n  - match: {path_prefix: /admin}\n    mode: enforce\n");
        assertOneLine(r, "(document)");
        assertThat(r.err()).contains("more than one YAML document").contains("at line 5");
    }

    @Test
    void aLeadingDocumentMarkerIsOneDocument() {
        assertThat(ConfigFile.parse("---\nk: v\n", "test").get("k").textValue()).isEqualTo("v");
    }
}
