package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.MigrationContext;
import io.dualwrite.jdbc.copy.RowCopier;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Drains the change log: claims a batch of due entries and, for each, copies the row by key from the
 * authoritative store ({@code record.target().other()}) into the store that missed the write, or deletes
 * it there when the authoritative row is gone (old wins while the old store is authoritative).
 *
 * <p>Safe with many instances running at once: entries are claimed for a lease, so each is worked by one
 * reconciler at a time. A repaired entry is completed; a failed one is retried later with exponential
 * backoff ({@code initialBackoff} doubling up to {@code maxBackoff}). Past {@code maxAttempts} an entry is
 * never dropped: it stays in the log, is still retried at the longest backoff, and each failure is logged
 * at ERROR. An entry for a table without a mapping fails the same way.
 *
 * <p>Every repair goes through the one {@link RowCopier} the live mirror uses: it takes the key's lock on
 * the store being repaired before it reads the authoritative row, so a repair and a live sync of one key
 * never overlap and the later of them copies the latest committed row. No lock is held in the
 * authoritative store. Scoped resync entries ({@link io.dualwrite.changelog.Operation#RESYNC}) are not
 * claimed here; the verification tools resolve them.
 *
 * <pre>{@code
 * Reconciler reconciler = Reconciler.builder()
 *         .changeLog(JdbcChangeLog.create(oldDataSource))
 *         .oldDataSource(oldDataSource).newDataSource(newDataSource)
 *         .mapping(ordersMapping)
 *         .build();
 * reconciler.start(Duration.ofSeconds(5));   // or call runOnce() from your own scheduler
 * }</pre>
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int DETAILED_FAILURES_PER_RUN = 3;
    private static final Duration SCHEDULER_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    private final ReconcilerConfig config;
    private @Nullable ScheduledExecutorService scheduler;
    private volatile Instant lastSchedulerError = Instant.MIN;

    Reconciler(ReconcilerConfig config) {
        this.config = config;
    }

    /** Starts a builder; the change log, both data sources and at least one mapping are required. */
    public static ReconcilerBuilder builder() {
        return new ReconcilerBuilder();
    }

    /**
     * What one run did.
     *
     * @param claimed  entries claimed from the change log
     * @param repaired entries whose row was copied or deleted and that were completed
     * @param failed   entries that failed and were rescheduled with backoff
     */
    public record Result(int claimed, int repaired, int failed) {
    }

    /**
     * Claims one batch of due entries and works each of them. Never throws for a failing entry (it is
     * rescheduled); throws only when the change log itself cannot be claimed from.
     */
    public Result runOnce() {
        List<ChangeEntry> entries = config.changeLog().claim(config.batchSize(), config.clock().instant(),
                config.lease());
        int repaired = 0;
        int failed = 0;
        String firstError = null;
        for (ChangeEntry entry : entries) {
            String error = work(entry, failed < DETAILED_FAILURES_PER_RUN);
            if (error == null) {
                repaired++;
            } else {
                failed++;
                firstError = firstError == null ? error : firstError;
            }
        }
        if (failed > 0) {
            log.warn("reconciler run: {} of {} entries failed and were rescheduled; first error: {}",
                    failed, entries.size(), firstError);
        } else if (!entries.isEmpty()) {
            log.debug("reconciler run: repaired {} entries", repaired);
        }
        return new Result(entries.size(), repaired, failed);
    }

    /**
     * Runs {@link #runOnce()} on one daemon thread, with {@code interval} between the end of a run and the
     * start of the next. Errors of a run are logged (at most once a minute) and the schedule continues.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, but was " + interval);
        }
        if (scheduler != null) {
            throw new IllegalStateException("reconciler is already started");
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualwrite-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::scheduledRun, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        scheduler = executor;
    }

    /** Stops the schedule started by {@link #start}, waiting briefly for a run in progress. Idempotent. */
    @Override
    public synchronized void close() {
        ScheduledExecutorService executor = scheduler;
        scheduler = null;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void scheduledRun() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            Instant now = Instant.now();
            if (Duration.between(lastSchedulerError, now).compareTo(SCHEDULER_ERROR_LOG_INTERVAL) >= 0) {
                lastSchedulerError = now;
                log.warn("reconciler run failed (repeats within a minute are not logged): {}", e.toString(), e);
            }
        }
    }

    /** Works one entry; returns null when it was repaired, else the error it was rescheduled with. */
    private @Nullable String work(ChangeEntry entry, boolean detailed) {
        ChangeRecord record = entry.record();
        MDC.put("dualwrite.migration", record.migration());
        MDC.put("dualwrite.table", record.table());
        MDC.put("dualwrite.key", record.key());
        try {
            TableMapping mapping = config.mappings().get(record.table().toLowerCase(Locale.ROOT));
            if (mapping == null) {
                String error = "no TableMapping for table '" + record.table() + "'; the reconciler knows "
                        + config.mappings().keySet();
                log.warn("change-log entry {} cannot be repaired: {}", entry.id(), error);
                reschedule(entry, error, false);
                return error;
            }
            try {
                RowCopier.SyncResult outcome = copy(mapping, record);
                log.debug("change-log entry {} repaired: {} in the {} store", entry.id(), outcome, record.target());
            } catch (SQLException | RuntimeException e) {
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                reschedule(entry, error, detailed);
                return error;
            }
            try {
                config.changeLog().complete(entry.id());
            } catch (RuntimeException e) {
                // the row is repaired; the entry comes back when its lease ends and the copy is idempotent
                log.warn("change-log entry {} was repaired but could not be completed: {}", entry.id(), e.toString());
            }
            return null;
        } finally {
            MDC.remove("dualwrite.migration");
            MDC.remove("dualwrite.table");
            MDC.remove("dualwrite.key");
        }
    }

    private RowCopier.SyncResult copy(TableMapping mapping, ChangeRecord record) throws SQLException {
        Store from = record.target().other();
        MigrationContext context = contextOf(record);
        return config.rowCopier().sync(from, List.of(new RowCopier.TableKeys(mapping, List.of(record.key()), context)));
    }

    private static @Nullable MigrationContext contextOf(ChangeRecord record) {
        if (record.orderId() == null && record.merchantId() == null) {
            return null;
        }
        return MigrationContext.forMigration(record.migration()).orderId(record.orderId())
                .merchantId(record.merchantId()).build();
    }

    private void reschedule(ChangeEntry entry, String error, boolean detailed) {
        int attempts = entry.attempts() + 1;
        Instant dueAt = config.clock().instant().plus(config.backoff(entry.attempts()));
        if (attempts >= config.maxAttempts()) {
            log.error("change-log entry {} ({} key {}) failed {} times, the limit is {}; it stays in the log"
                            + " and is retried at {}: {}", entry.id(), entry.record().table(), entry.record().key(),
                    attempts, config.maxAttempts(), dueAt, error);
        } else if (detailed) {
            log.warn("change-log entry {} failed (attempt {}), retry at {}: {}", entry.id(), attempts, dueAt, error);
        } else {
            log.debug("change-log entry {} failed (attempt {}), retry at {}: {}", entry.id(), attempts, dueAt, error);
        }
        try {
            config.changeLog().retryLater(entry.id(), dueAt, error);
        } catch (RuntimeException e) {
            log.warn("change-log entry {} could not be rescheduled; it is due again when its lease ends: {}",
                    entry.id(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "Reconciler[tables=" + config.mappings().keySet() + ", batchSize=" + config.batchSize() + "]";
    }
}
