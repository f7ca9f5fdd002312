/**
 * Step 4, headers: the x-authgear-* identity headers of Authgear's resolver contract, rendered once per session, and the claim names they come from. Public: the fronts write these.
 */
package io.authgate.core.headers;
