package io.authgate.forwardauth;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.authgate.core.config.ConfigException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.Optional;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The adapter's config file, YAML or JSON (JSON is YAML), read into a tree for {@link AdapterConfig}.
 * Every problem is one line naming the file, and for syntax the line, counted from 1 as editors do.
 *
 * <p>Scalars are read as YAML 1.2's core schema reads them: only {@code true}/{@code false}
 * ({@code True}, {@code TRUE}) are booleans. Jackson's YAML parser otherwise follows YAML 1.1 and
 * reads {@code yes}, {@code no}, {@code on} and {@code off} in any case as booleans
 * ({@code YAMLParser._matchYAMLBoolean}, jackson-dataformat-yaml 2.21; {@code y}/{@code n} it already
 * leaves as words). {@code PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS} turns that off, so those words reach
 * the boolean keys as text and are refused there naming the key.
 */
final class ConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The largest configuration file read: far above any real one (a thousand rules is about 100 KiB). */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /** @throws ConfigException on {@code (document)} when the file is missing, unreadable, empty or not YAML */
    static JsonNode read(Path file) {
        if (file.toString().isEmpty()) {
            // Path.of("") is the working directory: "is a directory" would puzzle whoever passed an unset variable.
            throw new ConfigException("(document)", "cannot read the file: its name is empty");
        }
        if (!Files.exists(file)) {
            throw new ConfigException("(document)", "cannot read " + file + ": " + (Files.isSymbolicLink(file)
                    ? "it is a symbolic link that leads nowhere (a loop, or its target is gone)" : "it does not exist"));
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException("(document)", "cannot read " + file + ": it is a directory, not a config file");
        }
        return parse(text(file), file.toString());
    }

    /** At most {@link #MAX_BYTES} ({@link BoundedFile}) of strict UTF-8. */
    private static String text(Path file) {
        byte[] bytes;
        try {
            bytes = BoundedFile.read(file, MAX_BYTES).orElseThrow(() ->
                    new ConfigException("(document)", file + " is larger than 1 MiB, too large for a configuration file"));
        } catch (IOException e) {
            throw new ConfigException("(document)", "cannot read " + file + ": " + BoundedFile.problem(e));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("(document)", file + " is not UTF-8 text");
        }
    }

    /** @param source what to call the text in an error (the file's name) */
    static JsonNode parse(String text, String source) {
        JsonNode tree;
        try {
            tree = oneDocument(new WithoutAliases(YAML.getFactory().createParser(text)));
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", source + " is not valid YAML: " + problem(e));
        } catch (IOException e) {
            // Not reachable for a String source; said as a read error should it ever be.
            throw new ConfigException("(document)", "cannot read " + source + ": " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException("(document)", source + " is empty");
        }
        return tree;
    }

    /** The file's only document: {@code readTree} stops after the first, and what follows a {@code ---} would be dropped silently. */
    private static JsonNode oneDocument(JsonParser parser) throws IOException {
        try (parser) {
            JsonNode tree = YAML.readTree(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "holds more than one YAML document (a second one starts here):"
                        + " write one document", parser.currentTokenLocation());
            }
            return tree;
        }
    }

    /**
     * One line: the problem and its line. SnakeYAML's messages span lines (context, a snippet, a
     * caret), and Jackson's location for them is that of its last event, not the problem's (a tab on
     * line 2 reads as line 1), so the line is SnakeYAML's own mark, counted from 0 there.
     */
    private static String problem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String problem = m.getProblem() == null ? "unreadable" : oneLine(m.getProblem());
            Mark at = m.getProblemMark();
            Mark context = m.getContextMark();
            String started = context != null && m.getContext() != null && context.getLine() != at.getLine()
                    ? " (" + oneLine(m.getContext()) + " at line " + (context.getLine() + 1) + ")" : "";
            return problem + " at line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1) + started;
        }
        String message = e.getOriginalMessage() == null ? "unreadable" : oneLine(e.getOriginalMessage());
        // Jackson's own limits (StreamReadConstraints: nesting depth 1000, ...) come without a location.
        return message + Optional.ofNullable(e.getLocation()).filter(at -> at.getLineNr() > 0)
                .map(at -> " at line " + at.getLineNr() + ", column " + at.getColumnNr()).orElse("");
    }

    /**
     * Refuses a YAML alias ({@code *name}). Jackson's YAML parser does not expand one: it reads it as
     * the text of the anchor's name ({@code YAMLParser.nextToken}, the AliasEvent branch,
     * jackson-dataformat-yaml 2.21), so {@code mode: *m} would be the mode "m" and
     * {@code audience: *aud} the audience "aud", silently. (So there is no alias bomb to fear either.)
     */
    private static final class WithoutAliases extends JsonParserDelegate {
        WithoutAliases(JsonParser yaml) {
            super(yaml);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new JsonParseException(this, "alias *" + yaml.getText() + " is not supported (anchors and aliases are not"
                        + " read: write the value out)", yaml.currentTokenLocation());
            }
            return token;
        }
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s+", " ").trim();
    }
}
