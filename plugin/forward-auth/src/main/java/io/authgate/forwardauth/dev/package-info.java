/**
 * Development only: a stand-in Authgear that mints tokens ({@link io.authgate.forwardauth.dev.DevelopmentIssuer}).
 * Kept out of the adapter's production package so that nothing there can mint a token by accident;
 * the adapter starts it only with {@code development_issuer: true} (or {@code --demo}), on loopback.
 */
package io.authgate.forwardauth.dev;
