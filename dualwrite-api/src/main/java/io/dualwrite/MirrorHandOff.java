package io.dualwrite;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.mirror.MirrorWork;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror side of a {@link DualWriter}: one executor per migration and target store (created on first
 * use), the configuration of each migration, the outbox entries of {@link ChangeLogMode#ALWAYS}, and the
 * hand-off after the authoritative call. Thread-safe.
 */
final class MirrorHandOff implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DualWriter.class);
    private static final Duration ERROR_INTERVAL = Duration.ofSeconds(10);
    /** Longer waits are cut to this, which keeps the nanosecond arithmetic of {@link #awaitIdle} exact. */
    private static final Duration LONGEST_WAIT = Duration.ofDays(365);

    private final ChangeLog changeLog;
    private final MirrorObserver observer;
    private final MirrorConfig defaultConfig;
    private final Map<String, MirrorConfig> configs;
    /** Per target store, the executors by migration: looked up on every mirrored write without building a key. */
    private final Map<Store, ConcurrentMap<String, MirrorExecutor>> executors = new EnumMap<>(Store.class);
    private final LogThrottle outboxErrors = new LogThrottle(ERROR_INTERVAL);
    private volatile boolean closed;

    MirrorHandOff(ChangeLog changeLog, MirrorObserver observer, MirrorConfig defaultConfig,
                  Map<String, MirrorConfig> configs) {
        this.changeLog = changeLog;
        this.observer = observer;
        this.defaultConfig = defaultConfig;
        this.configs = Map.copyOf(configs);
        for (Store target : Store.values()) {
            executors.put(target, new ConcurrentHashMap<>());
        }
    }

    /**
     * Runs the authoritative call and hands {@code work} to the executor of the other store; in
     * {@link ChangeLogMode#ALWAYS} with an outbox entry recorded first. When the call throws, the work is
     * handed off anyway if {@code evenIfItThrows} (a state sync is safe then), else dropped with its outbox
     * entry; either way the exception is rethrown unchanged.
     */
    <T extends @Nullable Object, X extends Throwable> T callAndMirror(MigrationContext context, RowRef row,
            MigrationPhase phase, StoreCall<T, ? extends Throwable> authoritative, MirrorWork work,
            boolean evenIfItThrows) throws X {
        MirrorConfig config = configFor(context.migration());
        @Nullable Long outboxId = config.changeLogMode() == ChangeLogMode.ALWAYS
                ? recordOutbox(context, row, phase.authoritative().other(), config) : null;
        T result;
        try {
            result = authoritative.call();
        } catch (Throwable failed) {
            if (evenIfItThrows) {
                submit(context, row, phase, work, outboxId);
            } else if (outboxId != null) {
                completeOutbox(outboxId);
            }
            throw DualWriter.<RuntimeException>sneaky(failed);
        }
        submit(context, row, phase, work, outboxId);
        return result;
    }

    /** The executor that mirrors writes of {@code migration} to {@code target}, created on first use. */
    MirrorExecutor executorFor(String migration, Store target) {
        ConcurrentMap<String, MirrorExecutor> byMigration = executors.get(target);
        MirrorExecutor executor = byMigration.get(migration);
        if (executor == null) {
            executor = byMigration.computeIfAbsent(migration, key ->
                    MirrorExecutors.create(migration + "-to-" + target.name().toLowerCase(Locale.ROOT),
                            configFor(migration), changeLog, observer));
        }
        if (closed) {
            executor.close();
        }
        return executor;
    }

    /** The executor of {@code migration} and {@code target} if one was created; never creates one. */
    Optional<MirrorExecutor> existingExecutor(String migration, Store target) {
        return Optional.ofNullable(executors.get(target).get(migration));
    }

    MirrorConfig configFor(String migration) {
        return configs.getOrDefault(migration, defaultConfig);
    }

    /** Waits, in all at most {@code timeout} (zero or positive), until every executor is idle. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long budget = (timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout).toNanos();
        long start = System.nanoTime();
        for (ConcurrentMap<String, MirrorExecutor> byMigration : executors.values()) {
            for (MirrorExecutor executor : byMigration.values()) {
                long left = Math.max(0, budget - (System.nanoTime() - start));
                if (!executor.awaitIdle(Duration.ofNanos(left))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Closes every executor; later hand-offs are recorded as shut down. Idempotent. */
    @Override
    public void close() {
        closed = true;
        executors.values().forEach(byMigration -> byMigration.values().forEach(MirrorExecutor::close));
    }

    private void submit(MigrationContext context, RowRef row, MigrationPhase phase, MirrorWork work,
                        @Nullable Long outboxId) {
        String migration = context.migration();
        MirrorTask task = MirrorTask.of(migration, phase, context, row, work);
        if (outboxId != null) {
            task = new MirrorTask(migration, phase, task.target(), context, task.rows(), task.orderingKey(),
                    task.work(), List.of(outboxId));
        }
        executorFor(migration, task.target()).submit(task);
    }

    private @Nullable Long recordOutbox(MigrationContext context, RowRef row, Store target, MirrorConfig config) {
        try {
            Instant due = Instant.now().plus(config.timeLimit().multipliedBy(2));
            return changeLog.record(ChangeRecord.of(context.migration(), row, "outbox", target, context)
                    .withDueAt(due));
        } catch (RuntimeException refused) {
            logError("Change log refused the outbox entry for {}/{} of migration {}; mirroring without one",
                    row.table(), row.key(), context.migration(), refused);
            return null;
        }
    }

    private void completeOutbox(long id) {
        try {
            changeLog.complete(id);
        } catch (RuntimeException refused) {
            logError("Change log could not remove outbox entry {} after the authoritative write failed; "
                    + "the reconciler will find nothing to repair", id, refused);
        }
    }

    private void logError(String message, Object... arguments) {
        if (outboxErrors.tryAcquire("outbox") != LogThrottle.SUPPRESS) {
            log.error(message, arguments);
        }
    }
}
