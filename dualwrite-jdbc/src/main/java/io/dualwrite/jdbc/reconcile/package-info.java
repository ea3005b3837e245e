/**
 * Repairing rows by key: {@link io.dualwrite.jdbc.copy.RowCopier} copies one row from the
 * authoritative store into the other through a {@link io.dualwrite.mapping.TableMapping} (or deletes it
 * there), and {@link io.dualwrite.jdbc.reconcile.Reconciler} drains the change log with it, safely with
 * many instances running at once.
 */
@NullMarked
package io.dualwrite.jdbc.reconcile;

import org.jspecify.annotations.NullMarked;
