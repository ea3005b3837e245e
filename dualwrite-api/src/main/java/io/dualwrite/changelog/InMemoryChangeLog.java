package io.dualwrite.changelog;

import io.dualwrite.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ChangeLog} held in this JVM's memory: for tests, examples, and stores whose migration accepts
 * losing the backlog on a restart. Create it with {@link ChangeLogs#inMemory()}.
 *
 * <p>Thread-safe (one lock; every operation is short). {@link #claim} honours each entry's due time and
 * lease: an entry is handed to one claimer at a time, and becomes claimable again once its lease expires
 * without a {@link #complete} or {@link #retryLater}. Memory is <em>not</em> bounded: every entry stays
 * until it is completed, so a store that is down for long grows the backlog without limit; use a durable,
 * table-backed change log in production.
 */
public final class InMemoryChangeLog implements ChangeLog {

    private final Map<Long, Slot> entries = new LinkedHashMap<>();
    private long nextId = 1;

    InMemoryChangeLog() {
    }

    @Override
    public synchronized long record(ChangeRecord record) {
        Objects.requireNonNull(record, "record");
        long id = nextId++;
        entries.put(id, new Slot(id, record, Instant.now()));
        return id;
    }

    @Override
    public synchronized List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, false, null);
    }

    /** Claims the due entries of {@code migration} only; see {@link ChangeLog#claim(String, int, Instant, Duration)}. */
    @Override
    public synchronized List<ChangeEntry> claim(String migration, int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, false, Checks.requireId("migration", migration));
    }

    /** Claims due scoped resyncs ({@link Operation#RESYNC}) only; see {@link ChangeLog#claimScoped}. */
    @Override
    public synchronized List<ChangeEntry> claimScoped(int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, true, null);
    }

    /** Claims due scoped resyncs of {@code migration} only; see {@link ChangeLog#claimScoped(String, int, Instant, Duration)}. */
    @Override
    public synchronized List<ChangeEntry> claimScoped(String migration, int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, true, Checks.requireId("migration", migration));
    }

    private List<ChangeEntry> claim(int limit, Instant now, Duration lease, boolean scoped,
                                    @org.jspecify.annotations.Nullable String migration) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, but was " + lease);
        }
        List<ChangeEntry> claimed = new ArrayList<>();
        for (Slot slot : entries.values()) {
            if (claimed.size() == limit) {
                break;
            }
            if (slot.record.isScoped() != scoped || migration != null && !migration.equals(slot.record.migration())) {
                continue;
            }
            boolean due = !slot.record.dueAt().isAfter(now);
            boolean free = slot.leaseUntil == null || !slot.leaseUntil.isAfter(now);
            if (due && free) {
                slot.leaseUntil = now.plus(lease);
                claimed.add(slot.toEntry());
            }
        }
        return List.copyOf(claimed);
    }

    /** The keys of {@code table} (compared case-insensitively) with an entry other than a scoped resync. */
    @Override
    public synchronized Set<String> pendingKeys(String migration, String table, Collection<String> keys) {
        Checks.requireId("migration", migration);
        Checks.requireText("table", table);
        Checks.requireNonNull("keys", keys);
        Set<String> wanted = new HashSet<>(keys);
        Set<String> pending = new HashSet<>();
        String lowerTable = table.toLowerCase(Locale.ROOT);
        for (Slot slot : entries.values()) {
            ChangeRecord record = slot.record;
            if (!record.isScoped() && record.migration().equals(migration)
                    && record.table().toLowerCase(Locale.ROOT).equals(lowerTable) && wanted.contains(record.key())) {
                pending.add(record.key());
            }
        }
        return pending;
    }

    /** Removes the entry; unknown ids (already completed) are ignored. */
    @Override
    public synchronized void complete(long id) {
        entries.remove(id);
    }

    /** Reschedules the entry and counts an attempt; unknown ids (already completed) are ignored. */
    @Override
    public synchronized void retryLater(long id, Instant dueAt, String error) {
        Objects.requireNonNull(dueAt, "dueAt");
        Slot slot = entries.get(id);
        if (slot != null) {
            slot.record = slot.record.withDueAt(dueAt);
            slot.attempts++;
            slot.lastError = io.dualwrite.internal.Credentials.mask(error);
            slot.leaseUntil = null;
        }
    }

    @Override
    public synchronized long pendingCount(String migration) {
        Checks.requireId("migration", migration);
        return entries.values().stream().filter(slot -> slot.record.migration().equals(migration)).count();
    }

    @Override
    public synchronized Map<String, Long> pendingCountByReason(String migration) {
        Checks.requireId("migration", migration);
        Map<String, Long> counts = new TreeMap<>();
        for (Slot slot : entries.values()) {
            if (slot.record.migration().equals(migration)) {
                counts.merge(slot.record.reason(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Every entry not yet completed, in the order they were recorded, claimed or not. */
    public synchronized List<ChangeEntry> entries() {
        return entries.values().stream().map(Slot::toEntry).toList();
    }

    /** The number of entries not yet completed, across migrations. */
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized String toString() {
        return "InMemoryChangeLog[" + entries.size() + " entries]";
    }

    private static final class Slot {
        final long id;
        final Instant createdAt;
        ChangeRecord record;
        int attempts;
        @Nullable String lastError;
        @Nullable Instant leaseUntil;

        Slot(long id, ChangeRecord record, Instant createdAt) {
            this.id = id;
            this.record = record;
            this.createdAt = createdAt;
        }

        ChangeEntry toEntry() {
            return new ChangeEntry(id, record, attempts, createdAt, lastError);
        }
    }
}
