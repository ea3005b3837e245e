package io.dualwrite;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.Checks;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.mirror.MirrorWork;
import io.dualwrite.switches.PhaseResolver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Where both stores can be read back by key, prefer the state form, {@link #writeState}: the mirror then
 * copies the key's current value instead of replaying a call, so it is idempotent and
 * {@link #syncKey} can repair it from a change-log entry.
 *
 * <pre>{@code
 * StateSync<Order> sync = StateSync.of(oldOrders, newOrders);   // two KeyedStore<Order>
 * writer.writeState(context, new RowRef("orders", "o-1", Operation.UPSERT),
 *         store -> repositories.get(store).save(order), sync);
 * }</pre>
 *
 * <p>Thread-safe. {@link #awaitMirrors} waits until the mirrors handed off so far have ended.
 * {@link #close()} closes the mirror executors (queued mirrors are recorded in the change log); writes
 * after it still run their authoritative call, and their mirrors are recorded as shut down.
 */
public final class DualWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DualWriter.class);

    private final PhaseResolver resolver;
    private final ChangeLog changeLog;
    private final MirrorHandOff mirrors;
    private final StateCopier states;

    private DualWriter(Builder builder) {
        this.states = new StateCopier(builder.sharedKeyLock);
        this.resolver = Objects.requireNonNull(builder.resolver, "resolver must be set");
        this.changeLog = Objects.requireNonNull(builder.changeLog, "changeLog must be set");
        this.mirrors = new MirrorHandOff(changeLog, builder.observer, builder.defaultConfig, builder.configs);
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
        if (!phase.mirrors()) {
            return callUnmirrored(context, row, phase, authoritative);
        }
        return mirrors.callAndMirror(context, row, phase, authoritative, mirrorWork(oldRules ? newCall : oldCall),
                false);
    }

    /**
     * Writes one key in the state form under the context open on this thread.
     *
     * @throws IllegalStateException when no {@link MigrationContext} is open on this thread
     * @see #writeState(MigrationContext, RowRef, StoreWrite, StateSync)
     */
    public <T extends @Nullable Object, X extends Throwable> T writeState(RowRef row, StoreWrite<T, X> write,
            StateSync<?> sync) throws X {
        return writeState(currentContext(), row, write, sync);
    }

    /**
     * Writes one key in the state form, preferred wherever both stores can be read back by key: runs
     * {@code write} on the store the phase makes authoritative, on this thread, and returns its result or
     * throws its exception unchanged; then, when the phase mirrors, hands off a sync of {@code row.key()}
     * instead of a second write. The sync reads the key's current value from the authoritative store and
     * upserts it into the other one, or deletes it there when the authoritative store has none.
     *
     * <p>Why state, not a second write: a sync is idempotent and needs no knowledge of what the write did, so
     * it converges whatever happened before (a relative update, a lost or repeated mirror, a repair running
     * meanwhile): the last sync of a key leaves the other store equal to the authoritative one. Syncs of one
     * key never overlap within this writer (a per-key lock held from the read to the write), nor across
     * processes when the writer has a {@link Builder#sharedKeyLock}, so the sync
     * that runs last reads the latest value, in {@link io.dualwrite.mirror.MirrorMode#SYNC} as in
     * {@link io.dualwrite.mirror.MirrorMode#ASYNC}. Async syncs of one key also share a lane, in order.
     *
     * <p>The sync is handed off <em>even when {@code write} throws</em>: a store call that fails may still
     * have written (an answer lost after the commit), and a sync copies whatever the authoritative store
     * holds, so it is safe either way; the caller still gets the exception unchanged. A sync that fails or is
     * skipped (breaker open, queue full, time limit) is recorded in the change log, one entry per key, exactly
     * like {@link #write}'s mirrors; {@link #syncKey} repairs it. In {@link ChangeLogMode#ALWAYS} the outbox
     * entry is recorded before {@code write} and completed once the sync succeeded.
     *
     * @param row   the table (for the change log and the lock) and the key to sync
     * @param write the application's write, given the authoritative store
     * @param sync  both stores by key
     */
    public <T extends @Nullable Object, X extends Throwable> T writeState(MigrationContext context, RowRef row,
            StoreWrite<T, X> write, StateSync<?> sync) throws X {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(sync, "sync");
        // before the phase: a cache that refreshes between the two can only make the count older (round 27)
        long counted = resolver.authorityMoves(context);
        MigrationPhase phase = resolver.resolveWrite(context).phase();
        Store authoritative = phase.authoritative();
        StoreCall<T, X> call = () -> write.write(authoritative);
        if (!phase.mirrors()) {
            return callUnmirrored(context, row, phase, call);
        }
        return mirrors.callAndMirror(context, row, phase, call,
                states.mirror(context.migration(), row, authoritative, sync,
                        mirrors.configFor(context.migration()).timeLimit(), () -> phaseStored(context, counted)),
                true);
    }

    /**
     * The key's phase for a state sync's last look before it writes the other store: from the switches as stored now
     * ({@link PhaseResolver#current}: one read of the switch store, and of the order's pin with pinning, on the
     * sync's thread) when the resolver has them, else from the resolver. The cache may still hold the phase before a
     * move another instance made across the key's authority, and that instance's write of the key would then be
     * replaced with this one's older value, in both stores once its own sync ran (round 26). A switch store that
     * cannot be read throws: the sync fails and its key is recorded, since whether the authority moved is not known.
     * So does a stored count of authority moves ({@link PhaseResolver#authorityMoves}) other than {@code counted}, the
     * one taken at the write: a move and its return while the sync waited show the phase of the write (round 27).
     */
    private MigrationPhase phaseStored(MigrationContext context, long counted) {
        Optional<PhaseResolver> current = resolver.current(context.migration(), List.of(context));
        if (current.isEmpty()) {
            return resolver.resolveWrite(context).phase();
        }
        if (current.get().authorityMoves(context) != counted) {
            // the switches that decide the key may have moved its authority since the write, and back (the same
            // phase now as then: round 27); the other store may hold a write made while it was authoritative
            throw new IllegalStateException("the switches of migration '" + context.migration() + "' that decide this"
                    + " key may have moved its authority since the write was made (" + counted + " moves counted"
                    + " then, " + current.get().authorityMoves(context) + " now); neither store was written. Compare"
                    + " the key in both stores before repairing it");
        }
        return current.get().resolveRead(context).phase();
    }

    /**
     * Makes {@code target} equal to the other store for one key, on this thread: reads the key from the store
     * that did not miss the write ({@code target.other()}; old wins while the old store is authoritative) and
     * upserts it into {@code target}, or deletes it there. It is the repair of a change-log entry left by
     * {@link #writeState}, and takes the same per-key lock as live syncs, so it can never race one into an
     * older value:
     *
     * <pre>{@code
     * for (ChangeEntry entry : changeLog.claim(100, Instant.now(), Duration.ofMinutes(1))) {
     *     ChangeRecord record = entry.record();
     *     try {
     *         writer.syncKey(record.migration(), record.row(), record.target(), sync);
     *         changeLog.complete(entry.id());
     *     } catch (Exception failed) {
     *         changeLog.retryLater(entry.id(), Instant.now().plusSeconds(30), failed.toString());
     *     }
     * }
     * }</pre>
     *
     * <p>It does not go through the mirror executor (no breaker, no time limit on the store calls) and does
     * not consult the phase: the caller decides which entries are due.
     *
     * @param migration the migration the entry belongs to; its time limit bounds the wait for the key's lock
     * @param row       the entry's row; a scoped resync ({@link io.dualwrite.changelog.Operation#RESYNC}) has no
     *                  single key and is refused
     * @param target    the store that missed the write
     * @throws java.util.concurrent.TimeoutException when another sync of the key held it for the whole time
     *                                              limit
     * @throws IllegalArgumentException             when {@code row} is a scoped resync
     * @throws Exception                            whatever the stores throw
     */
    public void syncKey(String migration, RowRef row, Store target, StateSync<?> sync) throws Exception {
        Checks.requireId("migration", migration);
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sync, "sync");
        if (row.operation() == Operation.RESYNC) {
            throw new IllegalArgumentException("row must name one key, but was the scoped resync " + row.table()
                    + "/" + row.key() + "; it is resolved by verifying and copying its scope, not by key");
        }
        states.copyNow(migration, row, target.other(), sync, mirrors.configFor(migration).timeLimit());
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
     * or exception unchanged. Nothing is mirrored, and nothing is shadow-read: this method runs one call. The
     * shadow reads of {@link MigrationPhase#SHADOW_READ} and {@link MigrationPhase#NEW_PRIMARY} (a sample of calls
     * run on the other store too and compared) are done by the Spring Boot starter's {@code @DualRead} advice.
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
        return mirrors.executorFor(Checks.requireId("migration", migration), Objects.requireNonNull(target, "target"));
    }

    /**
     * The executor that mirrors writes of {@code migration} to {@code target} if one was created (by a write or
     * by {@link #mirrorExecutor}), for monitoring that must not start mirror threads by looking.
     */
    public Optional<MirrorExecutor> existingMirrorExecutor(String migration, Store target) {
        return mirrors.existingExecutor(Checks.requireId("migration", migration), Objects.requireNonNull(target, "target"));
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
        return mirrors.configFor(migration);
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
        return mirrors.awaitIdle(Checks.requireNonNegative("timeout", timeout));
    }

    /** The copier of the state form (tests look at its locks). */
    StateCopier states() {
        return states;
    }

    /** Closes every mirror executor; queued mirrors are recorded in the change log. Idempotent. */
    @Override
    public void close() {
        mirrors.close();
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

    /**
     * Runs the call of a write whose phase does not mirror, then asks the phase again: a switch may have moved while
     * the call ran (it waited for a lock), and a backfill started once every instance had seen the move may have read
     * the row before the call's write landed. When the phase mirrors now, the row is recorded in the change log
     * ({@code phase-moved}, the other store as target) for {@link #syncKey} or the reconciler; the call's result or
     * exception reaches the caller unchanged either way, and a failure to record is logged, never thrown. While no
     * switch of the migration mirrors anything, only the cached unattributed phase is read.
     */
    private <T extends @Nullable Object, X extends Throwable> T callUnmirrored(MigrationContext context, RowRef row,
            MigrationPhase phase, StoreCall<T, ? extends Throwable> call) throws X {
        try {
            return callUnchanged(call);
        } finally {
            recordIfMoved(context, row, phase);
        }
    }

    private void recordIfMoved(MigrationContext context, RowRef row, MigrationPhase phase) {
        try {
            if (!resolver.resolveUnattributed(context.migration()).phase().mirrors()) {
                return; // nothing of the migration mirrors: no switch can have moved this write into mirroring
            }
            MigrationPhase now = resolver.resolveWrite(context).phase();
            if (!now.mirrors()) {
                return;
            }
            Store target = phase.authoritative().other();
            log.warn("The phase of migration '{}' moved from {} to {} while a write of {} ran under the former: the"
                            + " row is recorded for the {} store (phase-moved)", context.migration(), phase, now,
                    row.table(), target);
            changeLog.record(io.dualwrite.changelog.ChangeRecord.of(context.migration(), row, "phase-moved", target,
                    context));
        } catch (RuntimeException failure) {
            log.error("Could not ask the phase of a write of {} again, or record it, after it ran under {}: {}",
                    row.table(), phase, io.dualwrite.internal.Credentials.describe(failure));
        }
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
        private @Nullable SharedKeyLock sharedKeyLock;

        private Builder() {
        }

        /**
         * A lock that the state form's syncs of one key take across processes ({@link SharedKeyLock}: needed when
         * several application instances, or a repair job elsewhere, sync the same keys); default none, so that
         * syncs of one key are kept apart within this writer only. Each sync waits for it at most the migration's
         * time limit.
         */
        public Builder sharedKeyLock(SharedKeyLock lock) {
            this.sharedKeyLock = Checks.requireNonNull("sharedKeyLock", lock);
            return this;
        }

        /** Decides the phase of each call (for example the switches module's switchboard). Required. */
        public Builder resolver(PhaseResolver resolver) {
            this.resolver = Checks.requireNonNull("resolver", resolver);
            return this;
        }

        /** Where failed and skipped mirrors (and, in {@link ChangeLogMode#ALWAYS}, every mirror) are recorded. Required. */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = Checks.requireNonNull("changeLog", changeLog);
            return this;
        }

        /** Told of every mirror outcome; default none. */
        public Builder observer(MirrorObserver observer) {
            this.observer = Checks.requireNonNull("observer", observer);
            return this;
        }

        /** The mirror configuration of every migration without its own; default {@link MirrorConfig#ofDefaults()}. */
        public Builder mirrorConfig(MirrorConfig config) {
            this.defaultConfig = Checks.requireNonNull("mirrorConfig", config);
            return this;
        }

        /** The mirror configuration of one migration. */
        public Builder mirrorConfig(String migration, MirrorConfig config) {
            configs.put(Checks.requireId("migration", migration), Checks.requireNonNull("mirrorConfig", config));
            return this;
        }

        /**
         * The writer.
         *
         * @throws IllegalStateException    when the resolver or the change log is missing
         * @throws IllegalArgumentException when a {@link #mirrorConfig(String, MirrorConfig)} names a migration the
         *                                  resolver does not know ({@link PhaseResolver#requireKnownMigration})
         */
        public DualWriter build() {
            if (resolver == null) {
                throw new IllegalStateException("resolver must be set: DualWriter.builder().resolver(...)");
            }
            if (changeLog == null) {
                throw new IllegalStateException("changeLog must be set: DualWriter.builder().changeLog(...)");
            }
            for (String migration : configs.keySet()) {
                resolver.requireKnownMigration("mirrorConfig(migration, config)", migration);
            }
            return new DualWriter(this);
        }
    }
}
