package io.dualwrite.jdbc.backfill;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.copy.RowSecurity;
import io.dualwrite.jdbc.copy.UnholdableValueException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link BackfillJob}, going on in the background: its workers copy the job's tables one after
 * another. Read its {@link #progress()} at any time; {@link #await()} for its result; {@link #stop()} it
 * gracefully (each worker finishes its chunk) or {@link #abort()} it hard (its workers are interrupted at once,
 * as if the process died: chunks not marked done stay {@code PENDING} and the next run copies them again,
 * which is harmless since a copy is a sync by key).
 */
public final class BackfillRun {

    private static final Logger log = LoggerFactory.getLogger(BackfillJob.class);
    private static final AtomicInteger RUNS = new AtomicInteger();
    /** How long a worker with nothing to claim waits before it looks again (chunks held by other workers). */
    private static final long POLL_MILLIS = 100;
    /** How long {@link #abort()} lets interrupted workers take to end before the run reports. */
    private static final long ABORT_GRACE_SECONDS = 60;

    private final BackfillJob job;
    private final List<Preflight.Table> tables;
    private final Checkpoints checkpoints;
    private final RowCopier copier;
    private final @Nullable RateLimiter rateLimiter;
    private final ChunkSizer sizer;
    private final String runId;
    private final ExecutorService pool;
    private final ScheduledExecutorService reporter;
    private final CompletableFuture<BackfillResult> outcome = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private final @Nullable MigrationContext context;
    private final @Nullable String merchantId;

    private final LongAdder keysThisRun = new LongAdder();
    private final AtomicLong chunksThisRun = new AtomicLong();
    private final Map<String, String> currentChunks = new ConcurrentHashMap<>();
    private volatile long estimatedRows;
    private volatile long resumedRows;
    /** Rows the new store refused, all told, of the tables this run has worked on (only the coordinator writes it). */
    private long refusedTotal;
    private volatile String currentJobId;
    private volatile String currentTable;
    private volatile @Nullable Thread coordinator;
    private volatile boolean stopRequested;
    private volatile boolean aborted;

    private BackfillRun(BackfillJob job, List<Preflight.Table> tables) {
        this.job = job;
        this.tables = List.copyOf(tables);
        this.checkpoints = new Checkpoints(job.checkpointDataSource(), job.clock());
        this.copier = job.copier();
        this.rateLimiter = job.rateLimit().map(rate -> rateLimiter(job.migration(), rate)).orElse(null);
        int initial = Math.max(job.minChunkRows(), Math.min(job.maxChunkRows(), 1_000));
        this.sizer = new ChunkSizer(job.chunkTimeTarget(), job.minChunkRows(), job.maxChunkRows(), initial);
        int number = RUNS.incrementAndGet();
        this.runId = "backfill-" + number + "-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        this.pool = Executors.newFixedThreadPool(job.workers(), threads("dualwrite-backfill-" + number + "-w"));
        this.reporter = Executors.newSingleThreadScheduledExecutor(threads("dualwrite-backfill-" + number + "-progress"));
        this.merchantId = job.scope().merchantId().orElse(null);
        this.context = merchantId == null ? null
                : MigrationContext.forMigration(job.migration()).merchantId(merchantId).build();
        this.currentJobId = tables.get(0).jobId();
        this.currentTable = tables.get(0).mapping().oldTable();
    }

    static BackfillRun start(BackfillJob job, List<Preflight.Table> tables) {
        BackfillRun run = new BackfillRun(job, tables);
        Thread thread = new Thread(run::coordinate, run.runId + "-coordinator");
        thread.setDaemon(true);
        run.coordinator = thread;
        long interval = job.progressInterval().toMillis();
        run.reporter.scheduleAtFixedRate(() -> log.info("{}", run.progress().describe()), interval, interval,
                TimeUnit.MILLISECONDS);
        thread.start();
        return run;
    }

    /** A snapshot of the run's progress; cheap, no I/O. */
    public BackfillProgress progress() {
        long elapsedNanos = System.nanoTime() - startNanos;
        long thisRun = keysThisRun.sum();
        double seconds = elapsedNanos / 1e9;
        double rate = seconds <= 0 ? 0 : thisRun / seconds;
        long done = resumedRows + thisRun;
        Duration eta = null;
        if (outcome.isDone()) {
            eta = Duration.ZERO;
        } else if (rate > 0 && estimatedRows > 0 && done <= estimatedRows) {
            eta = Duration.ofMillis((long) ((estimatedRows - done) / rate * 1000));
        }
        List<String> current = currentChunks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + ": " + entry.getValue()).toList();
        return new BackfillProgress(currentJobId, currentTable, done, thisRun, estimatedRows, rate, eta,
                chunksThisRun.get(), current, Duration.ofNanos(elapsedNanos), outcome.isDone());
    }

    /**
     * Waits for the run to end.
     *
     * @return what the run did; {@link BackfillResult#complete()} tells whether the job's tables are done (a
     *         {@link #stop() stopped} run returns with what it did)
     * @throws BackfillException    when the run failed or was aborted
     * @throws InterruptedException when this thread is interrupted while it waits (the run goes on)
     */
    public BackfillResult await() throws BackfillException, InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BackfillException failure) {
                throw failure;
            }
            throw new IllegalStateException("backfill run " + runId + " ended unexpectedly", e.getCause());
        }
    }

    /** Whether the run has ended. */
    public boolean isDone() {
        return outcome.isDone();
    }

    /** Asks the workers to stop after their current chunk; {@link #await()} then returns what was done. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Stops the run hard: its workers are interrupted mid-chunk (their claims roll back, so those chunks stay
     * {@code PENDING}), as if the process had been killed. {@link #await()} then throws a
     * {@link BackfillException} once the workers have ended.
     */
    public void abort() {
        aborted = true;
        stopRequested = true;
        pool.shutdownNow();
        Thread thread = coordinator;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The run's id, as its workers write it into {@code claimed_by} (with a worker suffix). */
    public String runId() {
        return runId;
    }

    @Override
    public String toString() {
        return "BackfillRun[" + runId + ", " + job + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private void coordinate() {
        List<BackfillResult.TableResult> results = new ArrayList<>();
        Throwable failure = null;
        log.info("backfill {} starting: {}", runId, job);
        try {
            long estimate = 0;
            for (Preflight.Table table : tables) {
                estimate += estimate(table);
            }
            estimatedRows = estimate;
            for (Preflight.Table table : tables) {
                if (stopRequested) {
                    break;
                }
                TableWork work = new TableWork(table);
                currentJobId = table.jobId();
                currentTable = table.mapping().oldTable();
                try {
                    failure = work.run();
                } finally {
                    results.add(work.result());
                    refusedTotal += work.refusedRows.get();
                }
                if (failure != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            failure = e;
        } catch (SQLException | RuntimeException | Error e) {
            failure = e;
        } finally {
            pool.shutdownNow();
            reporter.shutdownNow();
            if (aborted) {
                Thread.interrupted(); // the abort's interrupt: wait for the workers all the same
                try {
                    if (!pool.awaitTermination(ABORT_GRACE_SECONDS, TimeUnit.SECONDS)) {
                        log.warn("backfill {}: workers still running {} s after the abort", runId, ABORT_GRACE_SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        BackfillResult result = new BackfillResult(job.migration(), job.scope(), results,
                Duration.ofNanos(System.nanoTime() - startNanos));
        if (aborted) {
            log.warn("backfill {} aborted after {} rows in {} chunks: {}", runId, keysThisRun.sum(), chunksThisRun.get(),
                    progress().describe());
            outcome.completeExceptionally(new BackfillException("backfill run " + runId + " was aborted; run the job"
                    + " again to resume it", result, failure instanceof InterruptedException ? null : failure));
        } else if (UnholdableValueException.in(failure) != null) {
            String refusals = refusals(failure, refusedTotal);
            log.error("backfill {} copied every other row, but not {}", runId, refusals);
            outcome.completeExceptionally(new BackfillException("backfill run " + runId + " copied every other row,"
                    + " but the new store cannot hold " + refusals + ". Running the job again will not help until"
                    + " the mapping (a transformer saying what such a value becomes) or the new column's type"
                    + " changes; then a run copies the chunks of those rows, which stay pending", result, failure));
        } else if (keyTooLong(failure) != null) {
            log.error("backfill {} stopped: {}", runId, keyTooLong(failure).getMessage());
            outcome.completeExceptionally(new BackfillException("backfill run " + runId + " stopped: "
                    + keyTooLong(failure).getMessage() + ". Running the job again will not help: the checkpoint keeps"
                    + " each chunk's bounds as key texts, and this table has longer keys than its columns hold (a"
                    + " long text key, or a binary key, whose text is the hex of its bytes; the columns of a "
                    + Checkpoints.TABLE + " created before round 22 hold " + Checkpoints.MAX_KEY_TEXT + " characters)."
                    + " Widen its lower_key and upper_key to the types of the current schema script (TEXT on"
                    + " PostgreSQL, MEDIUMTEXT on MySQL/MariaDB, VARCHAR(1000000) on H2) and run the job again, or"
                    + " copy such rows by key (RowCopier.sync)", result, failure));
        } else if (failure != null) {
            log.error("backfill {} failed: {}", runId, Credentials.describe(failure), Credentials.masked(failure));
            outcome.completeExceptionally(new BackfillException("backfill run " + runId + " failed: " + failure
                    + "; run the job again to resume it", result, failure));
        } else {
            log.info("backfill {} {}: {} rows copied in {} chunks in {} ms; {}", runId,
                    result.complete() ? "complete" : "stopped", result.rowsCopied(), result.chunks(),
                    result.duration().toMillis(), result.tables());
            outcome.complete(result);
        }
    }

    /**
     * The rows {@code failure} and those suppressed by it refused, one clause each (at most ten), and how many more of
     * the {@code total} rows refused there were.
     */
    /** The {@link Checkpoints.KeyTooLong} in {@code failure}'s causes, or null. */
    private static Checkpoints.@Nullable KeyTooLong keyTooLong(@Nullable Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof Checkpoints.KeyTooLong tooLong) {
                return tooLong;
            }
        }
        return null;
    }

    private static String refusals(Throwable failure, long total) {
        List<UnholdableValueException> all = new ArrayList<>();
        all.add(UnholdableValueException.in(failure));
        for (Throwable more : failure.getSuppressed()) {
            if (more instanceof UnholdableValueException refused) {
                all.add(refused);
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(all.size(), MAX_REFUSALS_NAMED); i++) {
            UnholdableValueException refused = all.get(i);
            text.append(i == 0 ? "" : "; ").append("the value '").append(refused.value()).append("' of column ")
                    .append(refused.column()).append(" of the row with key '").append(refused.key().orElse("?"))
                    .append("' of table ").append(refused.table().orElse("?")).append(" (the ")
                    .append(refused.allowed()).append(')');
        }
        long named = Math.min(all.size(), MAX_REFUSALS_NAMED);
        if (Math.max(total, all.size()) > named) {
            long more = Math.max(total, all.size()) - named;
            text.append("; and ").append(more).append(" more rows (").append(total <= MAX_REFUSALS_LOGGED
                    ? "logged at WARN" : "the first " + MAX_REFUSALS_LOGGED + " logged at WARN, the others at DEBUG;"
                    + " a verification lists them").append(')');
        }
        return text.toString();
    }

    /** Rows refused by the new store that a failed run's message names (and keeps); the others are logged. */
    private static final int MAX_REFUSALS_NAMED = 10;

    /** Rows refused by the new store that are logged at WARN, each; the others at DEBUG, after one WARN saying so. */
    private static final int MAX_REFUSALS_LOGGED = 100;

    private long estimate(Preflight.Table table) {
        try (Connection connection = RowSecurity.asLoggedIn(job.oldDataSource())) {
            if (merchantId != null) {
                return table.walk().count(connection, merchantId);
            }
            long statistics = statistics(connection, table);
            return statistics >= 100_000 ? statistics : table.walk().count(connection, null);
        } catch (SQLException e) {
            log.debug("backfill {}: could not estimate the rows of {}: {}", runId, table.mapping().oldTable(), Credentials.mask(e.toString()));
            return 0;
        }
    }

    /** The database's own row estimate of a table (no scan), or -1. */
    private static long statistics(Connection connection, Preflight.Table table) throws SQLException {
        Dialect dialect = Dialect.detect(connection);
        String sql;
        String name = table.mapping().oldTable();
        if (dialect == Dialect.POSTGRESQL) {
            sql = "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)";
            name = table.walk().quotedTable();
        } else if (dialect == Dialect.MYSQL && !name.contains(".")) {
            sql = "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
        } else {
            return -1;
        }
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : -1;
            }
        }
    }

    /**
     * One permit per row, refreshed in periods of about a millisecond (k permits every k/rate seconds, k the
     * permits of one millisecond rounded up), so that the rate holds over any second, with no burst of a
     * second's rows at the start.
     */
    static RateLimiter rateLimiter(String migration, int rowsPerSecond) {
        int permits = (int) Math.max(1, (rowsPerSecond + 999L) / 1_000);
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofNanos(Math.round(1e9 * permits / rowsPerSecond)))
                .limitForPeriod(permits)
                .timeoutDuration(Duration.ofDays(365))
                .build();
        return RateLimiter.of("dualwrite-backfill-" + migration, config);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("backfill worker interrupted");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One table's backfill: its workers, their counts, where earlier runs had got to. */
    private final class TableWork {
        private final Preflight.Table table;
        private final String jobId;
        private final AtomicLong copied = new AtomicLong();
        private final AtomicLong deleted = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private final AtomicLong chunks = new AtomicLong();
        private volatile @Nullable Throwable failure;
        /**
         * The first ten rows the new store cannot hold, refused by the copier, for the run's
         * failure: their chunks stay pending for a later run. Only the first ones: a table whose every row is refused
         * kept an exception (and its stack) per row, memory growing with the table.
         */
        private final java.util.Queue<UnholdableValueException> refused = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** How many rows were refused, all told. */
        private final AtomicLong refusedRows = new AtomicLong();
        /** The chunks of those rows, which this run's workers claim no more. */
        private final Set<Long> passedOver = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private BackfillResult.@Nullable ResumePoint resumedFrom;
        private boolean complete;
        /**
         * The scope's last key in the old store when this run came to the table, read before its workers plan
         * (null: the scope held no row): chunks are planned up to it, never past it. Walking to whatever last key
         * the table had at each plan never ended while the application inserted keys after it faster than the run
         * copied (a rate limit below the insert rate: seen for minutes, never done; round 28). The rows of those keys
         * were written after the run began the table, when every instance double-writes the scope (the start check
         * waits for that), so the live path copies them; a later run reads its own end.
         */
        private volatile @Nullable String end;

        TableWork(Preflight.Table table) {
            this.table = table;
            this.jobId = table.jobId();
        }

        /** Runs the table's workers until the table is done, the run stops, or a worker fails; the failure. */
        @Nullable Throwable run() throws SQLException, InterruptedException {
            // the start checks resumed a head of the mapping's settings alone (before the key's types were kept), of
            // the types without collations, without the run's migration and scope (before round 24), or without a
            // merchant run's merchant column (round 24) as this
            // job's: it now keeps the key and the run as they are, so that a key changed from here on, or a run of
            // another scope or migration under this job's name, is refused when a run resumes
            String settings = job.checkpointSettings(table.mapping(), table.walk().keyTypes());
            boolean adoptedEarlier = checkpoints.ensureHead(jobId, settings,
                    java.util.List.of(job.checkpointSettings(table.mapping()),
                            job.checkpointSettingsOfAnyRun(table.mapping(), table.walk().keyTypes()),
                            job.checkpointSettingsOfAnyRun(table.mapping(), table.walk().keyTypesWithoutCollations()),
                            job.checkpointSettingsBefore25(table.mapping(), table.walk().keyTypes())));
            if (adoptedEarlier && merchantId != null) {
                // a merchant run's head of an earlier version names no merchant column: its done chunks may have been
                // copied through another one (a corrected mapping), and would leave this column's rows behind
                int again = checkpoints.copyDoneAgain(jobId);
                log.warn("backfill {}: the checkpoint of job '{}' was written by an earlier version, which kept no"
                        + " merchant column; its {} done chunks are copied again through merchant column {}", runId,
                        jobId, again, table.mapping().merchantIdColumn().orElse("?"));
            }
            // the start checks read the head before this run made it: a run of another scope or migration under
            // this job's name that started at the same moment may have made it first, and its chunks hold other rows
            java.util.Optional<String> held = checkpoints.settings(jobId);
            if (held.isPresent() && !held.get().equals(settings)) {
                throw new IllegalStateException("the checkpoint of job '" + jobId + "' was made at the same moment by"
                        + " another run under this job's name (" + held.get() + "; this run's " + settings + "):"
                        + " its chunks hold other rows, so no row was copied by this run; give this job another name"
                        + " (BackfillJob.Builder.name), or run it again once the other run is done and forget its"
                        + " checkpoint (BackfillJob.resetCheckpoints)");
            }
            Checkpoints.Totals before = checkpoints.totals(jobId);
            if (before.chunksPlanned() > 0) {
                resumedFrom = new BackfillResult.ResumePoint(before.chunksDone(), before.rowsDone(), before.cursor());
                resumedRows += before.rowsDone();
                log.info("backfill {}: resuming {} after {} of {} planned chunks ({} rows) done{}", runId, jobId,
                        before.chunksDone(), before.chunksPlanned(), before.rowsDone(),
                        before.planned() ? ", planned to its end" : ", planned up to key '" + before.cursor() + "'");
            }
            try (Connection source = RowSecurity.asLoggedIn(job.oldDataSource())) {
                end = table.walk().lastKey(source, merchantId);
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 1; i <= job.workers(); i++) {
                String worker = runId + "-w" + i;
                workers.add(pool.submit(() -> {
                    try {
                        work(worker);
                    } catch (Throwable e) {
                        if (failure == null && !aborted) {
                            failure = e; // the other workers stop after their chunk
                        }
                        throw e;
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // aborted before it started
                }
            }
            if (!aborted) {
                complete = checkpoints.totals(jobId).complete();
            }
            if (first == null && !refused.isEmpty()) {
                UnholdableValueException firstRefused = refused.poll();
                refused.forEach(firstRefused::addSuppressed);
                first = firstRefused;
            }
            if (skipped.get() > 0) {
                log.warn("backfill {}: {} rows of {} skipped because their phase does not copy old -> new", runId,
                        skipped.get(), table.mapping().oldTable());
            }
            return first;
        }

        BackfillResult.TableResult result() {
            return new BackfillResult.TableResult(table.mapping().oldTable(), jobId, copied.get(), deleted.get(),
                    skipped.get(), chunks.get(), resumedFrom, complete);
        }

        /** One worker: claims and copies chunks, planning new ones when none is pending, until all are done. */
        private void work(String worker) throws Exception {
            int failures = 0;
            while (!stopRequested && failure == null) {
                checkInterrupted();
                try {
                    if (claimAndCopy(worker, null, null)) {
                        failures = 0;
                        continue;
                    }
                    Planned planned = plan();
                    if (planned != null) {
                        claimAndCopy(worker, planned.chunk().number(), planned.keys());
                        failures = 0;
                        continue;
                    }
                    // planned to the end and nothing claimable: done, or other workers still hold chunks
                    if (checkpoints.totals(jobId).chunksPending() <= passedOver.size()) {
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                } catch (SQLException e) {
                    checkInterrupted();
                    failures++;
                    if (failures >= job.maxAttempts()) {
                        throw e;
                    }
                    log.warn("backfill {}: {} failed on {} (attempt {} of {}), retrying: {}", runId, worker, jobId,
                            failures, job.maxAttempts(), Credentials.mask(e.toString()));
                    Thread.sleep(200L * failures);
                }
            }
        }

        /**
         * Claims a chunk (the given one, or the first pending), copies it and marks it done, in one checkpoint
         * transaction. False when there was nothing to claim.
         */
        private boolean claimAndCopy(String worker, @Nullable Long chunkNo, @Nullable List<String> plannedKeys)
                throws SQLException, InterruptedException {
            try (Checkpoints.Tx tx = checkpoints.begin()) {
                Checkpoints.Chunk chunk = chunkNo == null ? checkpoints.claimNext(tx.connection(), jobId, passedOver)
                        : checkpoints.claim(tx.connection(), jobId, chunkNo);
                if (chunk == null) {
                    return false;
                }
                currentChunks.put(worker, table.mapping().oldTable() + " " + chunk.describe());
                try {
                    long refusedBefore = refusedRows.get();
                    RowCopier.SyncResult synced = copy(chunk, plannedKeys);
                    checkInterrupted(); // aborted: leave the chunk pending
                    if (refusedRows.get() > refusedBefore) {
                        // its other rows are copied; the chunk stays pending (the claim rolls back) for a run after
                        // the mapping or the new column changed
                        passedOver.add(chunk.number());
                        copied.addAndGet(synced.copied());
                        deleted.addAndGet(synced.deleted());
                        skipped.addAndGet(synced.skipped());
                        return true;
                    }
                    checkpoints.done(tx.connection(), jobId, chunk.number(), synced.copied(), worker);
                    tx.commit();
                    copied.addAndGet(synced.copied());
                    deleted.addAndGet(synced.deleted());
                    skipped.addAndGet(synced.skipped());
                    chunks.incrementAndGet();
                    chunksThisRun.incrementAndGet();
                } finally {
                    currentChunks.remove(worker);
                }
                return true;
            }
        }

        /** The next chunk's keys, planned and recorded under the head row's lock; null when planned to the end. */
        private @Nullable Planned plan() throws SQLException, InterruptedException {
            return checkpoints.inTransaction(connection -> {
                Checkpoints.Head head = checkpoints.lockHead(connection, jobId);
                if (head.planned()) {
                    return null;
                }
                int size = sizer.next();
                String last = end;
                List<String> keys = List.of();
                if (last != null) {
                    try (Connection source = RowSecurity.asLoggedIn(job.oldDataSource())) {
                        keys = table.walk().keys(source, head.cursor(), last, merchantId, size);
                    }
                }
                if (keys.isEmpty()) {
                    checkpoints.planningDone(connection, jobId, head);
                    return null;
                }
                Checkpoints.Chunk chunk = new Checkpoints.Chunk(head.chunksPlanned() + 1, head.cursor(),
                        keys.get(keys.size() - 1), keys.size());
                checkpoints.plan(connection, jobId, chunk, keys.size() < size);
                return new Planned(chunk, keys);
            });
        }

        /**
         * Syncs the keys of a chunk through the copier: those the planner read, or (for a chunk planned by an
         * earlier or other run) the keys now in its range, read page by page.
         */
        private RowCopier.SyncResult copy(Checkpoints.Chunk chunk, @Nullable List<String> plannedKeys)
                throws SQLException, InterruptedException {
            long started = System.nanoTime();
            long[] waited = {0};
            RowCopier.SyncResult total = new RowCopier.SyncResult(0, 0, 0);
            long keys = 0;
            if (plannedKeys != null) {
                total = sync(plannedKeys, waited);
                keys = plannedKeys.size();
            } else {
                String after = chunk.lower();
                while (true) {
                    List<String> page;
                    try (Connection source = RowSecurity.asLoggedIn(job.oldDataSource())) {
                        page = table.walk().keys(source, after, chunk.upper(), merchantId, job.maxChunkRows());
                    }
                    if (page.isEmpty()) {
                        break;
                    }
                    total = total.plus(sync(page, waited));
                    keys += page.size();
                    if (page.size() < job.maxChunkRows()) {
                        break;
                    }
                    after = page.get(page.size() - 1);
                }
            }
            sizer.observe(keys, System.nanoTime() - started - waited[0]);
            return total;
        }

        private RowCopier.SyncResult sync(List<String> keys, long[] waited) throws SQLException, InterruptedException {
            waited[0] += throttle(keys.size());
            RowCopier.SyncResult total = new RowCopier.SyncResult(0, 0, 0);
            for (int start = 0; start < keys.size(); start += BackfillJob.SYNC_BATCH) {
                checkInterrupted();
                List<String> batch = keys.subList(start, Math.min(keys.size(), start + BackfillJob.SYNC_BATCH));
                try {
                    total = total.plus(copier.sync(Store.OLD,
                            List.of(new RowCopier.TableKeys(table.mapping(), batch, context))));
                } catch (SQLException e) {
                    if (UnholdableValueException.in(e) == null) {
                        throw e;
                    }
                    total = total.plus(syncEach(batch)); // the others of the batch still go
                }
                keysThisRun.add(batch.size());
            }
            return total;
        }

        /**
         * Syncs {@code keys} one by one, after a sync of them together met a row the new store cannot hold: every
         * other row is copied, and each refused one is kept for the run's failure.
         */
        private RowCopier.SyncResult syncEach(List<String> keys) throws SQLException, InterruptedException {
            RowCopier.SyncResult total = new RowCopier.SyncResult(0, 0, 0);
            for (String key : keys) {
                checkInterrupted();
                try {
                    total = total.plus(copier.sync(Store.OLD,
                            List.of(new RowCopier.TableKeys(table.mapping(), List.of(key), context))));
                } catch (SQLException e) {
                    UnholdableValueException refusal = UnholdableValueException.in(e);
                    if (refusal == null) {
                        throw e;
                    }
                    recordRefused(key, refusal);
                    long number = refusedRows.incrementAndGet();
                    if (number <= MAX_REFUSALS_NAMED) {
                        refused.add(refusal);
                    }
                    if (number <= MAX_REFUSALS_LOGGED) {
                        log.warn("backfill {}: {}", runId, Credentials.mask(refusal.getMessage()));
                    } else {
                        if (number == MAX_REFUSALS_LOGGED + 1) {
                            log.warn("backfill {}: more than {} rows of {} refused; the others are logged at DEBUG, and"
                                    + " verification lists them", runId, MAX_REFUSALS_LOGGED, table.mapping().oldTable());
                        }
                        log.debug("backfill {}: {}", runId, Credentials.mask(refusal.getMessage()));
                    }
                }
            }
            return total;
        }

        /**
         * Records a row the new store refused in the job's change log ({@link BackfillJob.Builder#changeLog}), unless
         * the log already holds a pending entry of its key: the run's exception names it, but a job runner may catch
         * and log that, and the row must stay in the backlog the phase gate counts and the reconciler drains. A
         * failure to record fails the run, the refusal attached.
         */
        private void recordRefused(String key, UnholdableValueException refusal) {
            ChangeLog changeLog = job.changeLog().orElse(null);
            if (changeLog == null) {
                return;
            }
            try {
                UnholdableValueException.recordIn(changeLog, job.migration(), table.mapping().oldTable(), key,
                        merchantId, Store.NEW);
            } catch (RuntimeException e) {
                e.addSuppressed(refusal);
                throw new IllegalStateException(runId + ": the new store refused the row with key '" + key
                        + "' of table " + table.mapping().oldTable() + ", and recording it in the change log failed: "
                        + e, e);
            }
        }

        /** Waits for the rate limiter's permits for {@code rows} rows; the nanoseconds waited. */
        private long throttle(int rows) throws InterruptedException {
            if (rateLimiter == null || rows == 0) {
                return 0;
            }
            long nanos = rateLimiter.reservePermission(rows);
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
            return Math.max(0, nanos);
        }
    }

    /** A chunk just planned, with the keys the planner read. */
    private record Planned(Checkpoints.Chunk chunk, List<String> keys) {
    }
}
