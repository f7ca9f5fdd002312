/**
 * Step 2, verification by Authgear: what only Authgear can resolve (cookies, opaque tokens, live routes) asked of its resolver endpoint, with a byte-bounded answer cache, coalesced calls and a bounded queue. Internal.
 */
package io.authgate.core.remote;
