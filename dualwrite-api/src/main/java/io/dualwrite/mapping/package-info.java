/**
 * Mapping old rows to new rows: one {@link io.dualwrite.mapping.TableMapping} per table, shared by
 * statement mirroring, the reconciler, the backfill and the verifier.
 */
@NullMarked
package io.dualwrite.mapping;

import org.jspecify.annotations.NullMarked;
