/**
 * The core of dualwrite: migration phases, the per-call context, and the programmatic entry point
 * that applies the phase to a write and mirrors it to the other store.
 */
@NullMarked
package io.dualwrite;

import org.jspecify.annotations.NullMarked;
