package io.dualwrite.jdbc.backfill;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a running (or ended) backfill, as {@link BackfillRun#progress()} returns it and the progress
 * log line prints it.
 *
 * @param jobId          the checkpoint id of the table being copied (the last one, once the run has ended)
 * @param table          that table (its old name)
 * @param rowsDone       keys of the run's tables done, including those done by earlier runs (resumed) and by
 *                       other instances running the same job
 * @param rowsThisRun    keys this run has synced (copied, deleted because gone meanwhile, or skipped by phase)
 * @param estimatedRows  the rows of the run's tables in scope, estimated when the run started (0 when unknown)
 * @param rowsPerSecond  this run's keys per second since it started
 * @param eta            the estimated time left, empty when it cannot be estimated (no rate yet, or more rows
 *                       done than estimated)
 * @param chunksThisRun  chunks this run has completed
 * @param currentChunks  the chunks being copied now, one per busy worker ({@code worker: #n (lower, upper]})
 * @param elapsed        the time since the run started
 * @param finished       whether the run has ended (completed, stopped, aborted or failed)
 */
public record BackfillProgress(String jobId, String table, long rowsDone, long rowsThisRun, long estimatedRows,
                               double rowsPerSecond, @Nullable Duration eta, long chunksThisRun,
                               List<String> currentChunks, Duration elapsed, boolean finished) {

    /** Copies {@code currentChunks}, so that the progress is an immutable snapshot. */
    public BackfillProgress {
        currentChunks = List.copyOf(currentChunks);
    }

    /** The estimated time left, when known. */
    public Optional<Duration> remaining() {
        return Optional.ofNullable(eta);
    }

    /** The share of the estimated rows done, 0 to 1 (0 while the estimate is unknown). */
    public double fractionDone() {
        return estimatedRows <= 0 ? 0 : Math.min(1.0, (double) rowsDone / estimatedRows);
    }

    /** One line for the log. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "backfill %s: %,d of ~%,d rows (%.1f%%), %,.0f rows/s, ETA %s,"
                        + " %,d chunks this run, %s",
                jobId, rowsDone, estimatedRows, fractionDone() * 100, rowsPerSecond,
                eta == null ? "unknown" : format(eta), chunksThisRun,
                currentChunks.isEmpty() ? "no chunk in progress" : "copying " + String.join("; ", currentChunks));
    }

    private static String format(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        return seconds >= 3600 ? String.format(java.util.Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format(java.util.Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
                : seconds + "s";
    }
}
