package io.authgate.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What is wrong with a document that is not valid JSON, told without its text: Jackson's own message
 * quotes the token it stopped at ({@code Unrecognized token 'Sup3rS3cret…'}, {@code Duplicate field
 * 'x'}), and a route value's error is logged (APISIX's {@code WebhookRoutes}), so a value with an
 * unquoted secret or Redis password would put it in the log. Only the kind and the position are told.
 */
final class JsonSyntaxError {
    private JsonSyntaxError() {
    }

    /** @return e.g. {@code is not valid JSON (a key appears twice) at line 1, column 71} */
    static String describe(JsonProcessingException e) {
        String position = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "is not valid JSON (" + kind(e.getOriginalMessage()) + ")" + position;
    }

    /** Jackson's message is read only to pick one of these fixed phrases; none of it is passed on. */
    private static String kind(String message) {
        if (message == null) {
            return "unreadable";
        }
        if (message.startsWith("Duplicate field")) {
            return "a key appears twice";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return "it ends before the value does";
        }
        if (message.startsWith("Trailing token")) {
            return "something follows the value";
        }
        if (message.startsWith("Unrecognized token") || message.startsWith("Unexpected character")) {
            return "an unexpected character or unquoted text";
        }
        return "malformed";
    }
}
