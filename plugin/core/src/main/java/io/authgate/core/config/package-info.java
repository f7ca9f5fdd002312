/**
 * Configuration, validated once at start-up (or reload) into immutable values; every error names the key and the reason. Public: both fronts parse through it.
 */
package io.authgate.core.config;
