package io.dualwrite.jdbc.verify;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How far a running verification is, readable at any time from any thread ({@link VerificationRun#progress()})
 * and logged at a steady interval.
 *
 * @param table         the table being verified, or {@code null} before the first and after the last
 * @param tablesDone    tables finished
 * @param tables        tables of the job
 * @param chunksDone    key ranges of the current table compared (or skipped by the sample)
 * @param chunks        key ranges of the current table, 0 until they are known
 * @param rowsCompared  rows of the old store compared so far, all tables
 * @param differences   differences found so far (before they are read again)
 * @param currentChunk  the key range being compared, e.g. {@code [1000, 2000)}
 * @param rowsPerSecond rows compared per second since the run started
 * @param eta           the estimated time left for the current table, or {@code null} when unknown
 * @param elapsed       time since the run started
 */
public record VerificationProgress(@Nullable String table, int tablesDone, int tables, long chunksDone, long chunks,
                                   long rowsCompared, long differences, @Nullable String currentChunk,
                                   double rowsPerSecond, @Nullable Duration eta, Duration elapsed) {

    @Override
    public String toString() {
        return "table " + (table == null ? "-" : table) + " (" + tablesDone + "/" + tables + " done), chunk "
                + chunksDone + "/" + chunks + (currentChunk == null ? "" : " " + currentChunk) + ", " + rowsCompared
                + " rows compared, " + Math.round(rowsPerSecond) + " rows/s, " + differences + " differences so far"
                + (eta == null ? "" : ", ETA " + eta.toSeconds() + " s");
    }
}
