package io.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.Locale;

/**
 * The keys that writes through any data source of this JVM recently removed from a mapped table — deleted, or
 * moved to another key by an update — each with the time ({@link System#nanoTime()}) it was noted, before the
 * removing statement ran where its keys were known then. A sync that finds no row under a key a write left a
 * row under ({@link io.dualwrite.jdbc.copy.RowCopier.SyncResult#vanished()}) asks here whether a removal
 * noted after that write explains it; only an unexplained one records a scoped resync.
 *
 * <p>Bounded in entries and age with Caffeine (a well-kept cache; an entry it drops only costs a resync that was
 * not needed). Static, so that two data sources of one migration in one JVM see each other's removals;
 * removals in other processes are not seen (their keys record resyncs, resolved by verification).
 */
final class Removals {

    /** How long a removal is remembered: far longer than any sync waits in a queue. */
    private static final Duration KEPT = Duration.ofMinutes(5);

    private static final Cache<Removal, Long> RECENT = Caffeine.newBuilder()
            .expireAfterWrite(KEPT).maximumSize(200_000).build();

    private record Removal(String migration, String table, String key) {
    }

    private Removals() {
    }

    /** Notes that a write of {@code migration} is removing {@code key} (KeyCodec form) from {@code mapping}'s table. */
    static void note(String migration, TableMapping mapping, String key) {
        RECENT.put(new Removal(migration, mapping.oldTable().toLowerCase(Locale.ROOT), key), System.nanoTime());
    }

    /** Whether a removal of {@code key} was noted after {@code nanos} ({@link System#nanoTime()}). */
    static boolean since(String migration, TableMapping mapping, String key, long nanos) {
        Long at = RECENT.getIfPresent(new Removal(migration, mapping.oldTable().toLowerCase(Locale.ROOT), key));
        return at != null && at - nanos > 0;
    }
}
