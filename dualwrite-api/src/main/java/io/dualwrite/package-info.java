/**
 * The core of dualwrite: migration phases, the per-call context, and the programmatic entry point
 * that applies the phase to a write and mirrors it to the other store, either by a second call or, where
 * both stores can be read back by key, by copying the key's state ({@link io.dualwrite.StateSync}).
 */
@NullMarked
package io.dualwrite;

import org.jspecify.annotations.NullMarked;
