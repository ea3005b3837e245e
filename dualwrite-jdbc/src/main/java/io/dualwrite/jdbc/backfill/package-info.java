/**
 * Backfill: copies the history of a migration's tables from the old store into the new one, while traffic
 * runs, through the one copier of the write path ({@link io.dualwrite.jdbc.copy.RowCopier}), so that a backfill
 * copy never overwrites a newer live sync nor resurrects a deleted row. Describe a run with a
 * {@link io.dualwrite.jdbc.backfill.BackfillJob} (tables, {@link io.dualwrite.jdbc.backfill.BackfillScope scope},
 * rate, chunk time target, workers) and run it; watch a {@link io.dualwrite.jdbc.backfill.BackfillRun} through
 * its {@link io.dualwrite.jdbc.backfill.BackfillProgress}; read what it did in a
 * {@link io.dualwrite.jdbc.backfill.BackfillResult}. Checkpoints in {@code dualwrite_backfill_checkpoint} let a
 * killed run resume and several workers or instances share a table.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.jdbc.backfill;
