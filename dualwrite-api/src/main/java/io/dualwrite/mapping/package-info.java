/**
 * Mapping old rows to new rows: one {@link io.dualwrite.mapping.TableMapping} per table, shared by
 * every copy of a row between the stores (the live sync and the reconciler) and by statement rewriting.
 */
@NullMarked
package io.dualwrite.mapping;

import org.jspecify.annotations.NullMarked;
