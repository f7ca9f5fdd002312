/**
 * Small concurrency helpers shared by the internals (one single-flight for every coalesced fetch). Internal.
 */
package io.authgate.core.concurrent;
