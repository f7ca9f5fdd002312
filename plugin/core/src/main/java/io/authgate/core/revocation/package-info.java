/**
 * Revocation pushed by Authgear's webhooks: the signed events, the per-user watermarks they set, and
 * the feed that carries them to every node (embedded, or Redis Streams).
 */
package io.authgate.core.revocation;
