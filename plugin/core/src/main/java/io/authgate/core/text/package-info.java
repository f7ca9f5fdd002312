/**
 * Strict text decoding (UTF-8 that refuses malformed input) for tokens and header values. Internal.
 */
package io.authgate.core.text;
