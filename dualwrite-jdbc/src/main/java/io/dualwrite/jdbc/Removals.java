package io.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.Locale;

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

    private static final Cache<Key, Removal> RECENT = Caffeine.newBuilder()
            .expireAfterWrite(KEPT).maximumSize(200_000).build();

    private record Key(String migration, String table, String key) {
        Key(String migration, TableMapping mapping, String key) {
            this(migration, mapping.oldTable().toLowerCase(Locale.ROOT), key);
        }
    }

    /** One removal: when it was last seen done ({@link #OPEN} until then, {@link #NONE} once forgotten). */
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

    /** How long a sync waits for a removal under way to settle before judging without it. */
    private static final long SETTLE_MILLIS = 1_000;

    private Removals() {
    }

    /**
     * Notes that a write of {@code migration} is about to remove {@code key} (KeyCodec form) from {@code
     * mapping}'s table; the returned removal stays open until {@link #done}, {@link #settle} or {@link #forget}.
     */
    static Removal begin(String migration, TableMapping mapping, String key) {
        Removal removal = new Removal();
        RECENT.put(new Key(migration, mapping, key), removal);
        return removal;
    }

    /**
     * Notes that a removal of {@code key} has run: now, or begun and done now if none was open; the removal, to
     * forget should its transaction roll back.
     */
    static Removal done(String migration, TableMapping mapping, String key) {
        Removal removal = RECENT.get(new Key(migration, mapping, key), any -> new Removal());
        removal.settle(System.nanoTime());
        return removal;
    }

    /** Forgets {@code removal} of {@code key}, whose transaction rolled back: it removed nothing. */
    static void forget(String migration, TableMapping mapping, String key, Removal removal) {
        RECENT.asMap().remove(new Key(migration, mapping, key), removal);
        removal.settle(NONE);
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
     * {@code writeBegan} ({@link System#nanoTime()}): one that removed the row after the write began. A removal
     * still under way is waited for (at most a second; it then explains nothing): it may find no row.
     */
    static boolean explains(String migration, TableMapping mapping, String key, long writeBegan) {
        Removal removal = RECENT.getIfPresent(new Key(migration, mapping, key));
        if (removal == null) {
            return false;
        }
        try {
            if (!removal.settled.await(SETTLE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
        long done = removal.done;
        return done != NONE && done - writeBegan > 0;
    }
}
