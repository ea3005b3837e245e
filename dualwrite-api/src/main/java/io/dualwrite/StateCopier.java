package io.dualwrite;

import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.KeyFold;
import io.dualwrite.mirror.MirrorWork;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one copy of the state form: read a key from the store that is authoritative, upsert its value into
 * the other store, or delete it there when the authoritative store has none. Live mirrors
 * ({@link DualWriter#writeState}) and repairs ({@link DualWriter#syncKey}) both run it.
 *
 * <p><b>Invariant:</b> two copies of one key (migration, table, key) never overlap within this copier; keys are
 * compared by their loose fold ({@link KeyFold#loose}), since a store may hold {@code 'É'} and {@code 'e'} as one
 * row. Each
 * copy holds the key's lock from before it reads until after it wrote. Every authoritative write of a key
 * is followed by a copy that starts after it, so the copy that runs last reads the latest value, whatever
 * order the copies were handed off in, whether a sync caller raced another, an abandoned copy was still
 * running, or a repair ran meanwhile. The in-process lock covers one {@link DualWriter}; copies of one key from
 * several processes (application instances, a repair job elsewhere) are covered when the writer has a
 * {@link SharedKeyLock}, which each copy takes after the in-process lock (so one process waits for a key with
 * one thread only) and before it reads, and releases after it wrote.
 *
 * <p>A live mirror writes only into a store that is still not authoritative for the key: after its read it asks the
 * key's phase again, and when a switch moved the key's authority to the store it was to write (a rollback from
 * {@code NEW_PRIMARY}, a move to it) or to a phase that does not mirror, it writes nothing and fails, so the executor
 * records it. A sync left over from the former authority thus never writes its older value over a write made under
 * the new one (that write's own sync, handed off after it, copies it to the other store), and a write the former
 * authority held alone stays visible as a change-log entry. A repair ({@link DualWriter#syncKey}) copies from the
 * store its caller names.
 *
 * <p>A lock exists only while a copy holds or waits for it, so memory follows the keys being copied, not
 * every key ever written.
 */
final class StateCopier {

    private final ConcurrentMap<LockKey, KeyLock> locks = new ConcurrentHashMap<>();
    private final @Nullable SharedKeyLock shared;

    /** A copier whose copies also take {@code shared}, when there is one. */
    StateCopier(@Nullable SharedKeyLock shared) {
        this.shared = shared;
    }

    /**
     * The mirror work that copies {@code row}'s key from {@code from} into the other store. It waits for
     * the key's in-process lock until it gets it or is interrupted (the executor interrupts it at the time
     * limit), and for the shared lock at most {@code timeLimit}.
     */
    MirrorWork mirror(String migration, RowRef row, Store from, StateSync<?> sync, Duration timeLimit,
            Supplier<MigrationPhase> phaseNow) {
        return () -> copy(migration, row, from, sync, null, timeLimit, phaseNow);
    }

    /**
     * Copies {@code row}'s key from {@code from} into the other store on this thread, waiting at most
     * {@code lockWait} for a copy of the same key that is still running.
     *
     * @throws TimeoutException when the key stayed locked in this process for {@code lockWait}
     * @throws Exception        whatever the stores and the {@link SharedKeyLock} throw
     */
    void copyNow(String migration, RowRef row, Store from, StateSync<?> sync, Duration lockWait) throws Exception {
        copy(migration, row, from, sync, lockWait, lockWait, null);
    }

    /** The number of keys whose lock is held or waited for (tests check that none are left behind). */
    int lockedKeys() {
        return locks.size();
    }

    private <V> void copy(String migration, RowRef row, Store from, StateSync<V> sync, @Nullable Duration lockWait,
            Duration sharedWait, @Nullable Supplier<MigrationPhase> phaseNow) throws Exception {
        // folded: a store whose collation ignores case or accents holds 'É' and 'e' as one row
        LockKey key = new LockKey(migration, row.table(), KeyFold.loose(row.key()));
        KeyLock lock = locks.compute(key, (k, existing) -> {
            KeyLock entry = existing == null ? new KeyLock() : existing;
            entry.users++;
            return entry;
        });
        boolean locked = false;
        try {
            if (lockWait == null) {
                lock.lock.lockInterruptibly();
                locked = true;
            } else if (lock.lock.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS)) {
                locked = true;
            } else {
                throw new TimeoutException("key " + row.key() + " of table " + row.table() + " (migration "
                        + migration + ") was still being synced after " + lockWait);
            }
            if (shared == null) {
                transfer(row.key(), from, sync, phaseNow);
            } else {
                SharedKeyLock.Hold hold = shared.acquire(migration, row.table(), row.key(), sharedWait);
                if (hold == null) {
                    throw new IllegalStateException(shared + " returned null from acquire(); a SharedKeyLock returns"
                            + " a Hold or throws");
                }
                try (hold) {
                    transfer(row.key(), from, sync, phaseNow);
                }
            }
        } finally {
            if (locked) {
                lock.lock.unlock();
            }
            locks.computeIfPresent(key, (k, entry) -> --entry.users == 0 ? null : entry);
        }
    }

    private static <V> void transfer(String key, Store from, StateSync<V> sync,
            @Nullable Supplier<MigrationPhase> phaseNow) throws Exception {
        Optional<V> value = read(store(sync, from), key);
        if (phaseNow != null) {
            // asked after the read, just before the write: the latest the copier can know of the key's authority
            MigrationPhase phase = phaseNow.get();
            if (!phase.mirrors() || phase.authoritative() != from) {
                throw new IllegalStateException("key " + key + ": its phase moved to " + phase + " (authoritative: the "
                        + phase.authoritative() + " store) after this sync from the " + from + " store was handed off;"
                        + " neither store was written, so nothing written under " + phase + " is overwritten. Compare"
                        + " the key in both stores before repairing it: syncKey copies from the store that was"
                        + " authoritative when the write was made, which may no longer hold the latest value");
            }
        }
        KeyedStore<V> target = store(sync, from.other());
        if (value.isPresent()) {
            target.upsert(key, value.get());
        } else {
            target.delete(key);
        }
    }

    private static <V> Optional<V> read(KeyedStore<V> source, String key) throws Exception {
        Optional<V> value = source.read(key);
        if (value == null) {
            throw new IllegalStateException(source + " returned null from read(\"" + key
                    + "\"); a KeyedStore returns Optional.empty() for a missing key");
        }
        return value;
    }

    private static <V> KeyedStore<V> store(StateSync<V> sync, Store which) {
        KeyedStore<V> store = sync.store(which);
        if (store == null) {
            throw new IllegalStateException(sync + " has no KeyedStore for the " + which + " store");
        }
        return store;
    }

    private record LockKey(String migration, String table, String key) {
    }

    /** A key's lock and how many copies hold or wait for it; {@code users} changes only inside map compute calls. */
    private static final class KeyLock {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }
}
