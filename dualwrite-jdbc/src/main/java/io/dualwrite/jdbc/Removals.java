package io.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The keys that writes through any data source of this JVM recently removed from a mapped table — deleted, or
 * moved to another key by an update — each noted before the removing statement runs (where its keys are known
 * then), marked done when its keys are collected ({@link System#nanoTime()}), and forgotten when it removed
 * nothing (it failed, found no row, or its transaction rolled back). A sync that finds no row under a key a
 * write left a row under ({@link io.dualwrite.jdbc.copy.RowCopier.SyncResult#vanished()}) asks here whether a
 * removal explains it: one done after that write began. A removal done before the write began explains
 * nothing (the write made the row again).
 *
 * <p>Bounded in entries and age with Caffeine (a well-kept cache; an entry it drops only costs a resync that was
 * not needed). Static, so that two data sources of one migration in one JVM see each other's removals;
 * removals in other processes are not seen (their keys record resyncs, resolved by verification).
 */
final class Removals {

    /** How long a removal is remembered: far longer than any sync waits in a queue. */
    private static final Duration KEPT = Duration.ofMinutes(5);

    /** A removal under way. */
    private static final long OPEN = Long.MAX_VALUE;

    private static final Cache<Key, KeyRemovals> RECENT = Caffeine.newBuilder()
            .expireAfterWrite(KEPT).maximumSize(200_000).build();

    private record Key(String migration, String table, String key) {
        Key(String migration, TableMapping mapping, String key) {
            this(migration, mapping.oldTable().toLowerCase(Locale.ROOT), key);
        }
    }

    /**
     * The removals of one key: several writers may remove it at once, and one that removed nothing must not
     * hide one that did. Guarded by itself.
     */
    private static final class KeyRemovals {
        final List<Removal> removals = new ArrayList<>(2);
    }

    /** One removal: when it was done ({@link #OPEN} until then, {@link #NONE} once forgotten). */
    static final class Removal {
        private volatile long done = OPEN;
        private final java.util.concurrent.CountDownLatch settled = new java.util.concurrent.CountDownLatch(1);

        private Removal() {
        }

        private void settle(long at) {
            done = at;
            settled.countDown();
        }
    }

    /** A removal forgotten: its statement removed nothing. */
    private static final long NONE = Long.MIN_VALUE;

    /** How long a sync waits for removals under way to settle before judging without them. */
    private static final long SETTLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** How many removals of one key are kept: the oldest settled ones go first. */
    private static final int PER_KEY = 16;

    private Removals() {
    }

    /**
     * Notes that a write of {@code migration} is about to remove {@code key} (KeyCodec form) from {@code
     * mapping}'s table; the returned removal stays open until {@link #done}, {@link #settle} or {@link #forget}.
     */
    static Removal begin(String migration, TableMapping mapping, String key) {
        Removal removal = new Removal();
        Key noted = new Key(migration, mapping, key);
        KeyRemovals removals = RECENT.get(noted, any -> new KeyRemovals());
        synchronized (removals) {
            if (removals.removals.size() >= PER_KEY) {
                removals.removals.stream().filter(r -> r.done != OPEN).findFirst().ifPresent(removals.removals::remove);
            }
            removals.removals.add(removal);
        }
        RECENT.put(noted, removals); // kept for KEPT after its latest removal
        return removal;
    }

    /**
     * Notes that a write removed {@code key}: {@code begun} (its removal noted before it ran), or a new one, done
     * now; the removal, to forget should its transaction roll back.
     */
    static Removal done(String migration, TableMapping mapping, String key, @Nullable Removal begun) {
        Removal removal = begun != null ? begun : begin(migration, mapping, key);
        removal.settle(System.nanoTime());
        return removal;
    }

    /** Forgets {@code removal} of {@code key}: it removed nothing (its statement failed, or it rolled back). */
    static void forget(String migration, TableMapping mapping, String key, Removal removal) {
        removal.settle(NONE);
        KeyRemovals removals = RECENT.getIfPresent(new Key(migration, mapping, key));
        if (removals != null) {
            synchronized (removals) {
                removals.removals.remove(removal);
            }
        }
    }

    /**
     * Settles {@code removal} of {@code key} once its statement ran or failed: a removal its keys did not mark
     * done (the statement found no row under the key, or failed) removed nothing, and is forgotten.
     */
    static void settle(String migration, TableMapping mapping, String key, Removal removal) {
        if (removal.done == OPEN) {
            forget(migration, mapping, key, removal);
        }
    }

    /**
     * Whether a removal of {@code key} explains that the store holds no row under it for a write begun at
     * {@code writeBegan} ({@link System#nanoTime()}): one that removed the row after the write began. Removals
     * still under way are waited for (a second at most in all; then they explain nothing): they may find no row.
     */
    static boolean explains(String migration, TableMapping mapping, String key, long writeBegan) {
        KeyRemovals removals = RECENT.getIfPresent(new Key(migration, mapping, key));
        if (removals == null) {
            return false;
        }
        List<Removal> noted;
        synchronized (removals) {
            noted = List.copyOf(removals.removals);
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (Removal removal : noted) {
            try {
                long left = deadline - System.nanoTime();
                if (removal.done == OPEN && (left <= 0
                        || !removal.settled.await(left, java.util.concurrent.TimeUnit.NANOSECONDS))) {
                    continue;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
            long done = removal.done;
            if (done != NONE && done != OPEN && done - writeBegan > 0) {
                return true;
            }
        }
        return false;
    }
}
