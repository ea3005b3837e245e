/**
 * The mirror: running the non-authoritative write after the authoritative one, sync or async, behind a
 * circuit breaker, a bulkhead and a time limiter, and recording whatever did not get through.
 */
@NullMarked
package io.dualwrite.mirror;

import org.jspecify.annotations.NullMarked;
