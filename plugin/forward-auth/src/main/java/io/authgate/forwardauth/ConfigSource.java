package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The configuration file the adapter runs with, read the same way at start and on every reload.
 *
 * @param adjust what the command line changes in the file's tree before it is parsed (the demo
 *               swaps in the development issuer: {@link DemoConfig}); {@link UnaryOperator#identity()}
 *               otherwise
 */
record ConfigSource(Path path, UnaryOperator<JsonNode> adjust) {
    static ConfigSource plain(Path path) {
        return new ConfigSource(path, UnaryOperator.identity());
    }

    /** @throws io.authgate.core.config.ConfigException naming the key, or {@code (document)} for a file that cannot be read */
    AdapterConfig read() {
        return parse(ConfigFile.read(path));
    }

    /** The file's tree, already read (a pipe can be read only once), adjusted and parsed as {@link #read} does. */
    AdapterConfig parse(JsonNode tree) {
        return AdapterConfig.parse(adjust.apply(tree));
    }
}
