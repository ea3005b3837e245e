package io.dualwrite.changelog;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The durable list of rows whose mirror is missing or in doubt, drained by the reconciler.
 *
 * <p>Implementations must be safe for concurrent use, and {@link #claim} must hand an entry to one
 * claimer at a time, also across processes where the implementation is shared (a database table).
 */
public interface ChangeLog {

    /** Records an entry and returns its id. */
    long record(ChangeRecord record);

    /**
     * Records several entries, as {@link #record} would one by one (the mirror executor records every row of
     * a failed batch this way). Implementations over a database write them in one batch; when it fails,
     * none or only some may have been written, and the exception says so.
     */
    default void recordAll(List<ChangeRecord> records) {
        for (ChangeRecord record : records) {
            record(record);
        }
    }

    /** Records an entry for a row of the old store whose mirror to the new store failed or was skipped. */
    default long record(String migration, String table, String key, Operation operation, String reason) {
        return record(new ChangeRecord(migration, table, key, operation, reason, io.dualwrite.Store.NEW,
                null, null, Instant.now()));
    }

    /**
     * Claims up to {@code limit} entries that are due at {@code now} and not claimed by anyone else. A
     * claim lasts {@code lease}; an entry neither completed nor rescheduled by then is due again (its
     * claimer died). Scoped resyncs ({@link Operation#RESYNC}) are never claimed here: they are resolved by
     * verifying their scope (see {@link #claimScoped}), and stay pending until then.
     */
    List<ChangeEntry> claim(int limit, Instant now, Duration lease);

    /**
     * As {@link #claim(int, Instant, Duration)}, for the entries of one {@code migration} only: one change log may
     * hold the entries of several migrations, and a reconciler repairs the stores of one.
     *
     * @throws UnsupportedOperationException when this change log cannot (the default)
     */
    default List<ChangeEntry> claim(String migration, int limit, Instant now, Duration lease) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot claim the entries of one migration");
    }

    /** Marks an entry done: its row is now identical in both stores (or the mirror it guarded succeeded). */
    void complete(long id);

    /** Returns a claimed entry to the backlog, due again at {@code dueAt}, counting one more attempt. */
    void retryLater(long id, Instant dueAt, String error);

    /** The number of entries not yet completed for a migration: the backlog the phase gate checks. */
    long pendingCount(String migration);

    /**
     * The entries not yet completed for a migration, counted by their reason ({@code "failed"}, {@code
     * "breaker-open"}, {@code "outbox"}, a scoped resync's reason, …), for monitoring; the counts add up to
     * {@link #pendingCount}. Reasons with no entry are absent.
     *
     * @throws UnsupportedOperationException when this change log cannot (the default)
     */
    default Map<String, Long> pendingCountByReason(String migration) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot count its backlog by reason");
    }

    /**
     * Claims up to {@code limit} scoped resync entries ({@link Operation#RESYNC}) that are due at {@code now} and
     * not claimed by anyone else, for the tool that resolves them (it verifies the entry's scope, repairs what
     * differs, then {@linkplain #complete completes} the entry or {@linkplain #retryLater reschedules} it). Claims
     * work as in {@link #claim}: one claimer at a time, for {@code lease}.
     *
     * @throws UnsupportedOperationException when this change log cannot (the default)
     */
    default List<ChangeEntry> claimScoped(int limit, Instant now, Duration lease) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot claim scoped resync entries");
    }

    /**
     * As {@link #claimScoped(int, Instant, Duration)}, for the entries of one {@code migration} only: one change log
     * may hold the entries of several migrations, and a resolver verifies the stores of one.
     *
     * @throws UnsupportedOperationException when this change log cannot (the default)
     */
    default List<ChangeEntry> claimScoped(String migration, int limit, Instant now, Duration lease) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot claim the scoped resync entries of"
                + " one migration");
    }

    /**
     * Which of {@code keys} (rows of {@code table}, by its old-store name) have an entry not yet completed, claimed
     * or not, other than a scoped resync: rows whose mirror is in flight or waits for the reconciler. A
     * verification reads such rows again only once they are no longer pending.
     *
     * @param keys primary keys in the change log's string form
     * @return the subset of {@code keys} that are pending
     * @throws UnsupportedOperationException when this change log cannot (the default)
     */
    default Set<String> pendingKeys(String migration, String table, Collection<String> keys) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot list pending keys");
    }
}
