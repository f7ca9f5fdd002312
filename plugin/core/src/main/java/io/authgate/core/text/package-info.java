/**
 * Strict text decoding (UTF-8 that refuses malformed input) for tokens and header values, and the
 * redaction of tokens from text a log writes. Internal.
 */
package io.authgate.core.text;
