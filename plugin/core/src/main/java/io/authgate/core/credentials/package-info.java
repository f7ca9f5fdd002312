/**
 * Step 1, credentials: what a request carries that Authgear reads (the bearer token, the session cookies), found without judging it.
 */
package io.authgate.core.credentials;
