package io.dualwrite.mirror;

import io.dualwrite.MigrationContext;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.LogThrottle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What happens once a mirror has ended, exactly once per task: the change log (new entries per row, or
 * the task's outbox entries completed / rescheduled), a rate-limited WARN line with the call's context in
 * MDC, and the observer. Never throws: a failing change log or observer is logged and skipped.
 */
final class MirrorRecorder {

    static final String MDC_MIGRATION = "dualwrite.migration";
    static final String MDC_ORDER = "dualwrite.order";
    static final String MDC_MERCHANT = "dualwrite.merchant";
    static final String MDC_PHASE = "dualwrite.phase";
    static final String MDC_TABLE = "dualwrite.table";
    static final String MDC_KEY = "dualwrite.key";
    static final String MDC_OUTCOME = "dualwrite.outcome";

    private static final Logger log = LoggerFactory.getLogger(MirrorExecutor.class);

    private final String name;
    private final ChangeLog changeLog;
    private final MirrorObserver observer;
    private final LogThrottle throttle;
    private final LongSupplier ticker;

    MirrorRecorder(String name, ChangeLog changeLog, MirrorObserver observer, Duration warnInterval,
                   LongSupplier ticker) {
        this.name = name;
        this.ticker = ticker;
        this.changeLog = changeLog;
        this.observer = observer;
        this.throttle = new LogThrottle(warnInterval);
    }

    /** Records how {@code task}, handed over at {@code submittedNanos} (read from the ticker), ended. */
    void finish(MirrorTask task, MirrorOutcome outcome, @Nullable Throwable error, long submittedNanos) {
        Duration latency = Duration.ofNanos(Math.max(0, ticker.getAsLong() - submittedNanos));
        try {
            if (outcome == MirrorOutcome.SUCCEEDED) {
                for (long id : task.outboxEntryIds()) {
                    safely(task, "complete outbox entry " + id, () -> changeLog.complete(id));
                }
            } else {
                recordFailure(task, outcome, error);
                warn(task, outcome, error);
            }
        } catch (Throwable unexpected) {
            rethrowIfFatal(unexpected);
            logThrottled("recorder|" + task.migration(), () -> log.error(
                    "Mirror executor {} could not record the outcome {} of a mirror for migration {}",
                    name, outcome, task.migration(), unexpected));
        }
        try {
            observer.onMirror(new MirrorEvent(task, outcome, latency, error));
        } catch (Throwable broken) {
            rethrowIfFatal(broken);
            logThrottled("observer|" + task.migration(), () -> log.warn(
                    "Mirror observer threw for migration {}; ignored", task.migration(), broken));
        }
    }

    /**
     * Records how each of {@code tasks} ended, all with one {@code outcome} and no error: one write to the change
     * log for all of their rows, one WARN line, and one observer event per task. {@code submittedNanos[i]} is when
     * {@code tasks.get(i)} was handed over.
     */
    void finishAll(List<MirrorTask> tasks, long[] submittedNanos, MirrorOutcome outcome) {
        if (tasks.isEmpty()) {
            return;
        }
        MirrorTask first = tasks.get(0);
        try {
            List<MirrorTask> parts = new ArrayList<>();
            for (MirrorTask task : tasks) {
                parts.addAll(partsOf(task));
            }
            recordParts(first, parts, outcome, null);
            warn(first, outcome, null);
        } catch (Throwable unexpected) {
            rethrowIfFatal(unexpected);
            logThrottled("recorder|" + first.migration(), () -> log.error(
                    "Mirror executor {} could not record the outcome {} of {} mirror(s) for migration {}",
                    name, outcome, tasks.size(), first.migration(), unexpected));
        }
        long now = ticker.getAsLong();
        for (int i = 0; i < tasks.size(); i++) {
            MirrorTask task = tasks.get(i);
            try {
                observer.onMirror(new MirrorEvent(task, outcome, Duration.ofNanos(Math.max(0, now - submittedNanos[i])),
                        null));
            } catch (Throwable broken) {
                rethrowIfFatal(broken);
                logThrottled("observer|" + task.migration(), () -> log.warn(
                        "Mirror observer threw for migration {}; ignored", task.migration(), broken));
            }
        }
    }

    /** A merged run's tasks, each with its own order and merchant ids; any other task alone. */
    private static List<MirrorTask> partsOf(MirrorTask task) {
        return task.work() instanceof MergedWork merged ? merged.parts() : List.of(task);
    }

    private void recordFailure(MirrorTask task, MirrorOutcome outcome, @Nullable Throwable error) {
        recordParts(task, partsOf(task), outcome, error);
    }

    private void recordParts(MirrorTask task, List<MirrorTask> parts, MirrorOutcome outcome, @Nullable Throwable error) {
        // recorded task by task: each with its own order and merchant ids, and a task whose rows are covered by
        // outbox entries has them rescheduled while the others' rows are recorded
        String detail = error == null ? outcome.reason() : outcome.reason() + ": " + Credentials.mask(error.toString());
        List<ChangeRecord> records = new ArrayList<>();
        for (MirrorTask part : parts) {
            if (!part.outboxEntryIds().isEmpty()) {
                // The outbox entries recorded with the authoritative write already cover the rows: make them
                // due now instead of adding new ones.
                Instant now = Instant.now();
                for (long id : part.outboxEntryIds()) {
                    safely(task, "reschedule outbox entry " + id, () -> changeLog.retryLater(id, now, detail));
                }
                continue;
            }
            for (RowRef row : part.rows()) {
                records.add(ChangeRecord.of(part.migration(), row, outcome.reason(), part.target(), part.context()));
            }
        }
        if (records.isEmpty()) {
            return;
        }
        if (records.size() == 1) {
            ChangeRecord record = records.get(0);
            safely(task, "record " + record.table() + "/" + record.key(), () -> changeLog.record(record));
            return;
        }
        try {
            changeLog.recordAll(records); // a merged batch: one write to the change log, not one per row
        } catch (Throwable batchFailed) {
            rethrowIfFatal(batchFailed);
            // some may be written; one by one is safe: a row recorded twice is synced twice, harmlessly. The
            // interrupt flag is cleared meanwhile and raised again after: an interrupt (a stray one reaching the
            // rejected-mirror thread, or the caller's own) is what fails a pool's connection, and a pool such as
            // HikariCP raises the flag again, so left up it would fail every row's own write too and lose the
            // whole batch (up to maxBatchRows tasks' rows on the backlog's thread)
            boolean interrupted = Thread.interrupted();
            try {
                for (ChangeRecord record : records) {
                    safely(task, "record " + record.table() + "/" + record.key(), () -> changeLog.record(record));
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void safely(MirrorTask task, String action, Runnable step) {
        try {
            step.run();
        } catch (Throwable failed) {
            rethrowIfFatal(failed);
            logThrottled("changelog|" + task.migration(), () -> log.error(
                    "Change log refused to {} for migration {} (mirror executor {}); the row may need a manual "
                            + "verification run", action, task.migration(), name, failed));
        }
    }

    private void warn(MirrorTask task, MirrorOutcome outcome, @Nullable Throwable error) {
        long suppressed = throttle.tryAcquire(task.migration() + '|' + outcome);
        if (suppressed == LogThrottle.SUPPRESS || !log.isWarnEnabled()) {
            return;
        }
        RowRef first = task.rows().get(0);
        @Nullable MigrationContext context = task.context();
        Map<String, @Nullable String> values = new LinkedHashMap<>();
        values.put(MDC_MIGRATION, task.migration());
        values.put(MDC_ORDER, context == null ? null : context.orderId().orElse(null));
        values.put(MDC_MERCHANT, context == null ? null : context.merchantId().orElse(null));
        values.put(MDC_PHASE, task.phase().name());
        values.put(MDC_TABLE, first.table());
        values.put(MDC_KEY, first.key());
        values.put(MDC_OUTCOME, outcome.name());
        Map<String, @Nullable String> previous = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            put(key, value);
        });
        try {
            // a driver's message may quote the new store's URL, credentials and all
            String cause = error == null ? outcome.reason() : Credentials.mask(error.toString());
            log.warn("Mirror to the {} store {} for migration {} ({} row(s), first {}/{}): {}; recorded for the "
                            + "reconciler" + (suppressed > 0 ? "; {} similar line(s) suppressed since the last one" : ""),
                    task.target(), outcome.reason(), task.migration(), task.rows().size(), first.table(),
                    first.key(), cause, suppressed);
            if (error != null && log.isDebugEnabled()) {
                // The stack trace is for debugging the other store; at WARN it would flood the log per failure.
                // Its messages are masked like the line above: a stack trace quotes them too.
                log.debug("Mirror failure of migration {} in detail", task.migration(), Credentials.masked(error));
            }
        } finally {
            previous.forEach(MirrorRecorder::put);
        }
    }

    private void logThrottled(String key, Runnable line) {
        if (throttle.tryAcquire(key) != LogThrottle.SUPPRESS) {
            line.run();
        }
    }

    /**
     * Lets only errors the JVM cannot go on from escape: whatever a user callback, the change log or the
     * work throws otherwise (assertion errors included) must not reach the caller of the write.
     */
    static void rethrowIfFatal(Throwable thrown) {
        if (thrown instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static void put(String key, @Nullable String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
