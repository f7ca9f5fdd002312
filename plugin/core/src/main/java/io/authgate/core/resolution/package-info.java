/**
 * The answer of one credential step: a session, invalid, not responsible, or unavailable (keys, resolver). Mode and policy are applied to it afterwards, in one place.
 */
package io.authgate.core.resolution;
