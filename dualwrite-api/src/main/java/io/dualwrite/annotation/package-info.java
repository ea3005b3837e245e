/**
 * Annotations that say how a method of a store interface takes part in a migration: {@link
 * io.dualwrite.annotation.DualWrite} for writes of one row, {@link io.dualwrite.annotation.DualRead} for
 * reads. Read by {@code DualWriter#proxy}.
 */
@NullMarked
package io.dualwrite.annotation;

import org.jspecify.annotations.NullMarked;
