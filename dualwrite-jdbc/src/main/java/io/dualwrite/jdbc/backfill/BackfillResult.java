package io.dualwrite.jdbc.backfill;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one run of a {@link BackfillJob} did.
 *
 * @param migration the job's migration
 * @param scope     the job's scope
 * @param tables    one result per table, in the job's order (tables the run did not reach are missing)
 * @param duration  how long the run took
 */
public record BackfillResult(String migration, BackfillScope scope, List<TableResult> tables, Duration duration) {

    /** Copies {@code tables}, so that the result is immutable. */
    public BackfillResult {
        tables = List.copyOf(tables);
    }

    /** Rows this run upserted into the new store, over all tables. */
    public long rowsCopied() {
        return tables.stream().mapToLong(TableResult::rowsCopied).sum();
    }

    /** Chunks this run copied, over all tables. */
    public long chunks() {
        return tables.stream().mapToLong(TableResult::chunks).sum();
    }

    /** Whether every table of the job is backfilled to its end (by this run, earlier runs or other instances). */
    public boolean complete() {
        return !tables.isEmpty() && tables.stream().allMatch(TableResult::complete);
    }

    /**
     * Where an earlier run of the same job had got to when this run started.
     *
     * @param chunksDone     chunks done before this run
     * @param rowsDone       keys of those chunks
     * @param lastPlannedKey the last key planned into a chunk, in {@link io.dualwrite.jdbc.KeyCodec} form
     */
    public record ResumePoint(long chunksDone, long rowsDone, @Nullable String lastPlannedKey) {
    }

    /**
     * One table's share of the run.
     *
     * @param table       the old table
     * @param jobId       its checkpoint id in {@value io.dualwrite.jdbc.schema.DualWriteSchema#BACKFILL_CHECKPOINT_TABLE}
     * @param rowsCopied  rows this run upserted into the new store
     * @param rowsDeleted keys this run found gone from the old store (deleted meanwhile) and deleted from the new one
     * @param rowsSkipped keys left alone because their row's phase does not copy old → new (with a phase resolver)
     * @param chunks      chunks this run completed
     * @param resumedFrom where earlier runs had got to, empty when this run started the job
     * @param complete    whether the table is backfilled to its end (all its chunks done)
     */
    public record TableResult(String table, String jobId, long rowsCopied, long rowsDeleted, long rowsSkipped,
                              long chunks, @Nullable ResumePoint resumedFrom, boolean complete) {

        /** Where earlier runs had got to, if this run resumed the table. */
        public Optional<ResumePoint> resumed() {
            return Optional.ofNullable(resumedFrom);
        }
    }
}
