/**
 * Step 2, verification in-process: an Authgear JWT access token parsed strictly, its signature checked with a key from {@code jwks}, its claims checked by one small validator per rule, and the verified token cached with its headers rendered. Internal: only {@link io.authgate.core.Authgate} wires it.
 */
package io.authgate.core.jwt;
