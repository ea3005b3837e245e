package io.dualwrite;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.mirror.MirrorWork;
import io.dualwrite.switches.PhaseResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programmatic entry point, for any store: give it the call's context and the two calls (or an old
 * and a new implementation of one interface, see {@link #proxy}); it resolves the phase, runs the
 * authoritative call on the caller's thread, and mirrors writes to the other store through a
 * {@link MirrorExecutor} per migration and target store, recording whatever does not get through.
 *
 * <pre>{@code
 * DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
 * try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").orderId("o-1").open()) {
 *     writer.write(new RowRef("orders", "o-1", Operation.UPSERT),
 *             () -> oldRepo.save(order), () -> newRepo.save(order));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the mirror executors (queued mirrors are recorded in the change
 * log); writes after it still run their authoritative call, and their mirrors are recorded as shut down.
 */
public final class DualWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DualWriter.class);
    private static final Duration ERROR_INTERVAL = Duration.ofSeconds(10);
    /** Longer waits are cut to this, which keeps the nanosecond arithmetic of {@link #awaitMirrors} exact. */
    private static final Duration LONGEST_WAIT = Duration.ofDays(365);

    private final PhaseResolver resolver;
    private final ChangeLog changeLog;
    private final MirrorObserver observer;
    private final MirrorConfig defaultConfig;
    private final Map<String, MirrorConfig> configs;
    /** Per target store, the executors by migration: looked up on every mirrored write without building a key. */
    private final Map<Store, ConcurrentMap<String, MirrorExecutor>> executors = new EnumMap<>(Store.class);
    private final LogThrottle outboxErrors = new LogThrottle(ERROR_INTERVAL);
    private volatile boolean closed;

    private DualWriter(Builder builder) {
        this.resolver = Objects.requireNonNull(builder.resolver, "resolver must be set");
        this.changeLog = Objects.requireNonNull(builder.changeLog, "changeLog must be set");
        this.observer = builder.observer;
        this.defaultConfig = builder.defaultConfig;
        this.configs = Map.copyOf(builder.configs);
        for (Store target : Store.values()) {
            executors.put(target, new ConcurrentHashMap<>());
        }
    }

    /** Starts a builder; {@link Builder#resolver} and {@link Builder#changeLog} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes one row under the context open on this thread.
     *
     * @throws IllegalStateException when no {@link MigrationContext} is open on this thread
     * @see #write(MigrationContext, RowRef, StoreCall, StoreCall)
     */
    public <T extends @Nullable Object, X extends Throwable> T write(RowRef row, StoreCall<T, X> oldCall,
            StoreCall<T, ? extends Throwable> newCall) throws X {
        return write(currentContext(), row, oldCall, newCall);
    }

    /**
     * Writes one row: runs the call on the store the phase makes authoritative, on this thread, and
     * returns its result or throws its exception unchanged (the same instance; when the new store is
     * authoritative its exception propagates even if {@code X} does not declare it). Only when that call
     * returned normally and the phase mirrors is the other call handed to the mirror executor; its failures
     * never reach the caller.
     *
     * <p>In {@link ChangeLogMode#ALWAYS} a change-log entry (reason {@code "outbox"}, due after twice the
     * time limit) is recorded before the authoritative call and removed once the mirror succeeded, or at
     * once if the authoritative call throws. There is no shared transaction here, so a crash between the
     * authoritative call and the mirror leaves the entry for the reconciler, which is the point; a change
     * log that refuses the entry is logged and the write goes on as in {@link ChangeLogMode#ON_FAILURE}.
     */
    public <T extends @Nullable Object, X extends Throwable> T write(MigrationContext context, RowRef row,
            StoreCall<T, X> oldCall, StoreCall<T, ? extends Throwable> newCall) throws X {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(row, "row");
        MigrationPhase phase = resolver.resolveWrite(context).phase();
        boolean oldRules = phase.authoritative() == Store.OLD;
        StoreCall<T, ? extends Throwable> authoritative = oldRules ? oldCall : newCall;
        StoreCall<T, ? extends Throwable> other = oldRules ? newCall : oldCall;
        if (!phase.mirrors()) {
            return callUnchanged(authoritative);
        }
        String migration = context.migration();
        MirrorConfig config = configFor(migration);
        Store target = phase.authoritative().other();
        @Nullable Long outboxId = config.changeLogMode() == ChangeLogMode.ALWAYS
                ? recordOutbox(context, row, target, config) : null;
        T result;
        try {
            result = authoritative.call();
        } catch (Throwable failed) {
            if (outboxId != null) {
                completeOutbox(outboxId);
            }
            throw DualWriter.<RuntimeException>sneaky(failed);
        }
        MirrorTask task = MirrorTask.of(migration, phase, context, row, mirrorWork(other));
        if (outboxId != null) {
            task = new MirrorTask(migration, phase, target, context, task.rows(), task.orderingKey(), task.work(),
                    List.of(outboxId));
        }
        executorFor(migration, target).submit(task);
        return result;
    }

    /**
     * Reads under the context open on this thread.
     *
     * @throws IllegalStateException when no {@link MigrationContext} is open on this thread
     * @see #read(MigrationContext, StoreCall, StoreCall)
     */
    public <T extends @Nullable Object, X extends Throwable> T read(StoreCall<T, X> oldCall,
            StoreCall<T, ? extends Throwable> newCall) throws X {
        return read(currentContext(), oldCall, newCall);
    }

    /**
     * Reads from the store the phase reads from ({@link MigrationPhase#readsFrom()}), returning its result
     * or exception unchanged. Nothing is mirrored. Shadow reads (comparing a sample with the other store in
     * {@link MigrationPhase#SHADOW_READ} and {@link MigrationPhase#NEW_PRIMARY}) are not done here yet.
     */
    public <T extends @Nullable Object, X extends Throwable> T read(MigrationContext context,
            StoreCall<T, X> oldCall, StoreCall<T, ? extends Throwable> newCall) throws X {
        Objects.requireNonNull(context, "context");
        MigrationPhase phase = resolver.resolveRead(context).phase();
        return callUnchanged(phase.readsFrom() == Store.OLD ? oldCall : newCall);
    }

    /**
     * An implementation of {@code type} that routes every call by phase: methods marked
     * {@link io.dualwrite.annotation.DualWrite} go through {@link #write}, methods marked
     * {@link io.dualwrite.annotation.DualRead} through {@link #read}, both under the context open on the
     * calling thread. Exceptions of the implementations propagate unchanged.
     *
     * @throws IllegalArgumentException when {@code type} is not an interface, or one of its methods carries
     *                                  neither annotation (or both, or a bad key index)
     */
    public <I> I proxy(Class<I> type, I oldImpl, I newImpl) {
        return DualWriterProxy.create(this, type, oldImpl, newImpl);
    }

    /**
     * The phase of a write under {@code context}, for callers that route themselves (with pinning on, this
     * pins the order, exactly like a write).
     */
    public MigrationPhase phaseOf(MigrationContext context) {
        return resolver.resolveWrite(context).phase();
    }

    /** The phase of a read under {@code context}; never pins. */
    public MigrationPhase readPhaseOf(MigrationContext context) {
        return resolver.resolveRead(context).phase();
    }

    /**
     * The executor that mirrors writes of {@code migration} to {@code target}, created on first use, for
     * callers that build their own {@link MirrorTask}s.
     */
    public MirrorExecutor mirrorExecutor(String migration, Store target) {
        return executorFor(migration, target);
    }

    /** The resolver that decides each call's phase. */
    public PhaseResolver resolver() {
        return resolver;
    }

    /** The change log that failed and skipped mirrors are recorded in. */
    public ChangeLog changeLog() {
        return changeLog;
    }

    /** The mirror configuration that applies to a migration. */
    public MirrorConfig mirrorConfig(String migration) {
        return configFor(migration);
    }

    /**
     * Waits until every mirror this writer handed off before the call has ended and been recorded, across
     * the executors of every migration and target store (see {@link MirrorExecutor#awaitIdle}): for tests
     * that compare the stores after writing, and for a shutdown that wants the queues drained before
     * {@link #close()}. Mirrors handed off while it waits may or may not be waited for.
     *
     * @param timeout the longest to wait in all; {@link Duration#ZERO} checks once without waiting
     * @return {@code true} when every executor was idle within {@code timeout}, {@code false} when it passed
     *         first
     * @throws InterruptedException     when the waiting thread is interrupted
     * @throws IllegalArgumentException when {@code timeout} is null or negative
     */
    public boolean awaitMirrors(Duration timeout) throws InterruptedException {
        long budget = Checks.requireNonNegative("timeout", timeout).compareTo(LONGEST_WAIT) > 0
                ? LONGEST_WAIT.toNanos() : timeout.toNanos();
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

    /** Closes every mirror executor; queued mirrors are recorded in the change log. Idempotent. */
    @Override
    public void close() {
        closed = true;
        executors.values().forEach(byMigration -> byMigration.values().forEach(MirrorExecutor::close));
    }

    private MirrorExecutor executorFor(String migration, Store target) {
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

    private MirrorConfig configFor(String migration) {
        return configs.getOrDefault(migration, defaultConfig);
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

    static MigrationContext currentContext() {
        return MigrationContext.current().orElseThrow(() -> new IllegalStateException(
                "No MigrationContext is open on this thread: open one around the call with "
                        + "MigrationContext.forMigration(\"<migration>\")...open(), or pass one explicitly"));
    }

    private static MirrorWork mirrorWork(StoreCall<?, ? extends Throwable> call) {
        return () -> {
            try {
                call.call();
            } catch (Exception | Error failed) {
                throw failed;
            } catch (Throwable other) {
                throw new ExecutionException(other);
            }
        };
    }

    /** Runs a call, letting whatever it throws through as is, whatever the declared type. */
    @SuppressWarnings("unchecked")
    private static <T extends @Nullable Object, X extends Throwable> T callUnchanged(
            StoreCall<T, ? extends Throwable> call) throws X {
        try {
            return call.call();
        } catch (Throwable failed) {
            throw (X) failed;
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable failed) throws E {
        throw (E) failed;
    }

    /** Builds a {@link DualWriter}. */
    public static final class Builder {
        private @Nullable PhaseResolver resolver;
        private @Nullable ChangeLog changeLog;
        private MirrorObserver observer = MirrorObserver.NOOP;
        private MirrorConfig defaultConfig = MirrorConfig.ofDefaults();
        private final Map<String, MirrorConfig> configs = new HashMap<>();

        private Builder() {
        }

        /** Decides the phase of each call (for example the switches module's switchboard). Required. */
        public Builder resolver(PhaseResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Where failed and skipped mirrors (and, in {@link ChangeLogMode#ALWAYS}, every mirror) are recorded. Required. */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = Objects.requireNonNull(changeLog, "changeLog");
            return this;
        }

        /** Told of every mirror outcome; default none. */
        public Builder observer(MirrorObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /** The mirror configuration of every migration without its own; default {@link MirrorConfig#ofDefaults()}. */
        public Builder mirrorConfig(MirrorConfig config) {
            this.defaultConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The mirror configuration of one migration. */
        public Builder mirrorConfig(String migration, MirrorConfig config) {
            configs.put(Checks.requireText("migration", migration), Objects.requireNonNull(config, "config"));
            return this;
        }

        /**
         * The writer.
         *
         * @throws IllegalStateException when the resolver or the change log is missing
         */
        public DualWriter build() {
            if (resolver == null) {
                throw new IllegalStateException("resolver must be set: DualWriter.builder().resolver(...)");
            }
            if (changeLog == null) {
                throw new IllegalStateException("changeLog must be set: DualWriter.builder().changeLog(...)");
            }
            return new DualWriter(this);
        }
    }
}
