package io.dualwrite.jdbc.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verification running in the background ({@link Verifier#start}): its progress can be read at any time, and
 * its result awaited.
 */
public final class VerificationRun {

    private static final Logger log = LoggerFactory.getLogger(VerificationRun.class);

    private final VerificationJob job;
    private final Tracker tracker;
    private final CompletableFuture<VerificationResult> result = new CompletableFuture<>();

    VerificationRun(VerificationJob job, Tracker tracker) {
        this.job = job;
        this.tracker = tracker;
    }

    /** The job being run. */
    public VerificationJob job() {
        return job;
    }

    /** How far the run is now. */
    public VerificationProgress progress() {
        return tracker.snapshot();
    }

    /** Whether the run has ended (with a result or a failure). */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits for the result.
     *
     * @throws java.sql.SQLException when a store failed during the run
     */
    public VerificationResult await() throws java.sql.SQLException, InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    /**
     * Waits at most {@code timeout} for the result.
     *
     * @throws TimeoutException when the run has not ended by then
     */
    public VerificationResult await(Duration timeout) throws java.sql.SQLException, InterruptedException, TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    private static java.sql.SQLException rethrow(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof java.sql.SQLException sql) {
            return sql;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new java.sql.SQLException(cause);
    }

    /**
     * Asks the run to stop after the chunk it is comparing (or at once while it reads again the rows found
     * different); {@link #await} then throws
     * {@link VerificationStoppedException}. A job with a {@linkplain VerificationJob.Builder#checkpoint checkpoint}
     * keeps it, and its next run goes on from there. Nothing is recorded for the phase gate. Does nothing when the
     * run has ended.
     */
    public void stop() {
        tracker.stop();
    }

    Tracker tracker() {
        return tracker;
    }

    void complete(VerificationResult value) {
        result.complete(value);
    }

    void fail(Throwable failure) {
        result.completeExceptionally(failure);
    }

    /** Counts what a run does and logs it at a steady interval; read from any thread. */
    static final class Tracker {
        private final Clock clock;
        private final Duration logInterval;
        private final int tables;
        private final Instant started;
        private volatile @Nullable String table;
        private volatile int tablesDone;
        private volatile long chunks;
        private volatile long chunksDone;
        private volatile long rowsCompared;
        private volatile long differences;
        private volatile @Nullable String current;
        private volatile Instant tableStarted;
        private volatile Instant lastLog;
        private volatile boolean stopRequested;
        private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

        Tracker(Clock clock, Duration logInterval, int tables) {
            this.clock = clock;
            this.logInterval = logInterval;
            this.tables = tables;
            this.started = clock.instant();
            this.tableStarted = started;
            this.lastLog = started;
        }

        void stop() {
            stopRequested = true;
            stopped.countDown();
        }

        /** Waits for {@code duration}, or less when a stop is asked for. */
        void awaitStop(Duration duration) {
            try {
                stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        boolean stopRequested() {
            return stopRequested;
        }

        synchronized void table(String name) {
            table = name;
            chunks = 0;
            chunksDone = 0;
            current = null;
            tableStarted = clock.instant();
        }

        synchronized void tableDone() {
            tablesDone++;
            table = null;
            current = null;
        }

        synchronized void chunks(long count) {
            chunks = count;
        }

        synchronized void current(String chunk) {
            current = chunk;
        }

        synchronized void chunkDone(long rows, long found) {
            chunksDone++;
            rowsCompared += rows;
            differences = found;
            Instant now = clock.instant();
            if (Duration.between(lastLog, now).compareTo(logInterval) >= 0) {
                lastLog = now;
                log.info("Verification progress: {}", snapshot());
            }
        }

        synchronized VerificationProgress snapshot() {
            Instant now = clock.instant();
            Duration elapsed = Duration.between(started, now);
            double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
            Duration eta = null;
            if (chunksDone > 0 && chunks > 0) {
                Duration tableElapsed = Duration.between(tableStarted, now);
                eta = tableElapsed.multipliedBy(Math.max(0, chunks - chunksDone)).dividedBy(chunksDone);
            }
            return new VerificationProgress(table, tablesDone, tables, chunksDone, chunks, rowsCompared, differences,
                    current, rowsCompared / seconds, eta, elapsed);
        }
    }
}
