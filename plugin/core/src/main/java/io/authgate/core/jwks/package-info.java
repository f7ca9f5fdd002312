/**
 * Step 2, the keys: Authgear's JWKS fetched over HTTPS (HTTP on loopback only), cached by its Cache-Control, refreshed once for every waiter, stale keys kept while a refresh fails. Internal.
 */
package io.authgate.core.jwks;
