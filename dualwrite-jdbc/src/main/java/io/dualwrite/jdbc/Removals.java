package io.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.Locale;

/**
 * The keys that writes through any data source of this JVM recently removed from a mapped table — deleted, or
 * moved to another key by an update — each with when its removal began (noted before the removing statement
 * runs, where its keys are known then) and when it was last seen done ({@link System#nanoTime()}; open until
 * then). A sync that finds no row under a key a write left a row under ({@link
 * io.dualwrite.jdbc.copy.RowCopier.SyncResult#vanished()}) asks here whether a removal explains it: one still
 * open, or done after that write began. A removal done before the write began explains nothing (the write
 * made the row again).
 *
 * <p>Bounded in entries and age with Caffeine (a well-kept cache; an entry it drops only costs a resync that was
 * not needed). Static, so that two data sources of one migration in one JVM see each other's removals;
 * removals in other processes are not seen (their keys record resyncs, resolved by verification).
 */
final class Removals {

    /** How long a removal is remembered: far longer than any sync waits in a queue. */
    private static final Duration KEPT = Duration.ofMinutes(5);

    private static final long OPEN = Long.MAX_VALUE;

    private static final Cache<Key, Removal> RECENT = Caffeine.newBuilder()
            .expireAfterWrite(KEPT).maximumSize(200_000).build();

    private record Key(String migration, String table, String key) {
        Key(String migration, TableMapping mapping, String key) {
            this(migration, mapping.oldTable().toLowerCase(Locale.ROOT), key);
        }
    }

    /** One removal: when it began, and when it was last seen done ({@link #OPEN} until then). */
    static final class Removal {
        private final long began;
        private volatile long done = OPEN;

        private Removal(long began) {
            this.began = began;
        }
    }

    private Removals() {
    }

    /**
     * Notes that a write of {@code migration} is about to remove {@code key} (KeyCodec form) from {@code
     * mapping}'s table; the returned removal stays open until {@link #done} or {@link #settle}.
     */
    static Removal begin(String migration, TableMapping mapping, String key) {
        Removal removal = new Removal(System.nanoTime());
        RECENT.put(new Key(migration, mapping, key), removal);
        return removal;
    }

    /**
     * Notes that a removal of {@code key} has run: now, or begun and done now if none was open; the removal, to
     * forget should its transaction roll back.
     */
    static Removal done(String migration, TableMapping mapping, String key) {
        long now = System.nanoTime();
        Removal removal = RECENT.get(new Key(migration, mapping, key), any -> new Removal(now));
        removal.done = now;
        return removal;
    }

    /** Forgets {@code removal} of {@code key}, whose transaction rolled back: it removed nothing. */
    static void forget(String migration, TableMapping mapping, String key, Removal removal) {
        RECENT.asMap().remove(new Key(migration, mapping, key), removal);
    }

    /**
     * Settles {@code removal} of {@code key} once its statement ran ({@code ran}: done now, if still open) or
     * failed (forgotten, if still open: it removed nothing).
     */
    static void settle(String migration, TableMapping mapping, String key, Removal removal, boolean ran) {
        if (removal.done != OPEN) {
            return;
        }
        if (ran) {
            removal.done = System.nanoTime();
        } else {
            forget(migration, mapping, key, removal);
        }
    }

    /**
     * Whether a removal of {@code key} explains that the store holds no row under it for a write begun at
     * {@code writeBegan} ({@link System#nanoTime()}): one still open, or done after the write began.
     */
    static boolean explains(String migration, TableMapping mapping, String key, long writeBegan) {
        Removal removal = RECENT.getIfPresent(new Key(migration, mapping, key));
        return removal != null && (removal.done == OPEN || removal.done - writeBegan > 0);
    }
}
