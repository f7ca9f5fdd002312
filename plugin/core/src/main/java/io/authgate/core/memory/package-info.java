/**
 * Heap-aware sizing: cache budgets derived from the JVM's max heap, and interning of values many cache entries share. Internal.
 */
package io.authgate.core.memory;
