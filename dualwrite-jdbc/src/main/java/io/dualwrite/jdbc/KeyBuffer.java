package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The keys one authoritative transaction touched, waiting for its commit: coalesced (a key written 50,000
 * times is held once) and bounded. Past {@code maxKeys} a table's further keys are not held one by one: the
 * table gets a scoped resync instead. Not thread-safe: one per connection.
 */
final class KeyBuffer {

    /**
     * One touched row: its table, key (KeyCodec form, old-store values), the last operation and context,
     * whether that last write left a row under the key ({@link io.dualwrite.jdbc.copy.RowCopier.TableKeys#expectRows})
     * and when it began ({@link System#nanoTime()}: a removal of the key done after it explains a missing row).
     */
    record Touched(TableMapping mapping, String key, Operation operation, MigrationContext context,
                   MigrationPhase phase, boolean expectsRow, long began) {
        Touched withoutExpectation() {
            return expectsRow ? new Touched(mapping, key, operation, context, phase, false, began) : this;
        }

        Touched expecting(boolean expected) {
            return expectsRow == expected ? this : new Touched(mapping, key, operation, context, phase, expected, began);
        }
    }

    /** A scope to resync: a table, or one merchant's rows of it. */
    record Resync(TableMapping mapping, @Nullable String merchantId, String reason, MigrationContext context) {
    }

    /** What a transaction leaves to sync and to record. */
    record Snapshot(List<Touched> keys, List<Resync> resyncs) {
        boolean isEmpty() {
            return keys.isEmpty() && resyncs.isEmpty();
        }

        /**
         * The same keys, none expecting a row: for a commit that threw, whose writes may not have happened (the
         * sync copies whatever the store holds, and a key without a row is no sign of another key).
         */
        Snapshot withoutExpectations() {
            if (keys.stream().noneMatch(Touched::expectsRow)) {
                return this;
            }
            return new Snapshot(keys.stream().map(Touched::withoutExpectation).toList(), resyncs);
        }
    }

    private final int maxKeys;
    private final Map<TableKey, Touched> keys = new LinkedHashMap<>();
    private final Map<TableMapping, Resync> resyncs = new LinkedHashMap<>();
    private final Set<TableMapping> overflowed = new HashSet<>();
    /** The removals this transaction's writes noted ({@link Removals}), forgotten should it roll back. */
    private final List<Runnable> removals = new ArrayList<>();
    /** The savepoints of the transaction, oldest first, each with what it must restore ({@link Mark}). */
    private final List<Mark> marks = new ArrayList<>();

    /**
     * A savepoint: its identity (a JDBC {@code Savepoint}, or the lower-case name of one set by SQL), whether each
     * key touched since expected a row when the savepoint was set ({@code false} when it was not touched), and how
     * many removals were noted before it.
     */
    private static final class Mark {
        final Object id;
        final Map<TableKey, Boolean> before = new LinkedHashMap<>();
        final int removals;

        Mark(Object id, int removals) {
            this.id = id;
            this.removals = removals;
        }
    }

    /**
     * A write of the open transaction that did not mirror under the phase it was resolved to as it ran: its context,
     * whether that phase was the unattributed one (no ids, no context open), and whether the unattributed phase would
     * have mirrored it too (an open context, or rows that may leave its ids: see {@code ConnectionHandler#phaseForWrite}).
     * Should a switch move before the transaction ends, the commit resolves it again ({@code ConnectionHandler#takeEnded}).
     */
    record Unmirrored(MigrationContext context, boolean unattributed, boolean mayUpgrade) {
    }

    /** At most this many distinct {@link Unmirrored} writes are kept per transaction; the rest count as unattributed. */
    static final int MAX_UNMIRRORED = 256;

    /** The transaction's writes that did not mirror, by distinct context ({@link Unmirrored}). */
    private final Set<Unmirrored> unmirrored = new java.util.LinkedHashSet<>(0);

    KeyBuffer(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    private record TableKey(TableMapping mapping, String key) {
    }

    /**
     * Holds a touched key (replacing an earlier touch of the same key); past the bound, resyncs its table.
     *
     * @param expectsRow whether this write left a row under {@code key} (see {@link Touched})
     * @param began      when the write began ({@link System#nanoTime()})
     */
    void add(TableMapping mapping, String key, Operation operation, MigrationContext context, MigrationPhase phase,
             boolean expectsRow, long began) {
        if (overflowed.contains(mapping)) {
            return;
        }
        TableKey tableKey = new TableKey(mapping, key);
        if (keys.size() >= maxKeys && !keys.containsKey(tableKey)) {
            overflowed.add(mapping);
            resync(mapping, null, "buffer-full", context);
            return;
        }
        Touched before = keys.put(tableKey, new Touched(mapping, key, operation, context, phase, expectsRow, began));
        if (!marks.isEmpty()) {
            marks.get(marks.size() - 1).before.putIfAbsent(tableKey, before != null && before.expectsRow());
        }
    }

    /** Records that a scope must be resynced; two different merchants of one table widen it to the table. */
    void resync(TableMapping mapping, @Nullable String merchantId, String reason, MigrationContext context) {
        Resync known = resyncs.get(mapping);
        if (known == null) {
            resyncs.put(mapping, new Resync(mapping, merchantId, reason, context));
        } else if (!Objects.equals(known.merchantId(), merchantId)) {
            resyncs.put(mapping, new Resync(mapping, null, known.reason(), known.context()));
        }
    }

    /**
     * After a rollback to a savepoint this buffer does not know: the writes since it are undone but their keys stay
     * (a sync of an unchanged row changes nothing), and which of them is unknown, so no key held may expect a row
     * any more, nor any removal noted explain a missing row.
     */
    void forgetExpectations() {
        keys.replaceAll((key, touched) -> touched.withoutExpectation());
        forgetRemovals();
        marks.clear();
    }

    /** A savepoint was set: {@code id} is the JDBC {@code Savepoint}, or the lower-case name of one set by SQL. */
    void savepoint(Object id) {
        // a name used again: MySQL drops the older savepoint, PostgreSQL keeps it under the newer one; both roll
        // back to and release the newest of that name, which is what is looked up
        marks.add(new Mark(id, removals.size()));
    }

    /**
     * After a rollback to savepoint {@code id}: the keys touched since it stay (their sync changes nothing), each
     * expecting a row only as it did when the savepoint was set; the removals noted since are forgotten. The
     * savepoint stays; those set after it are gone. An unknown savepoint forgets every expectation.
     */
    void rollbackTo(Object id) {
        int index = indexOf(id);
        if (index < 0) {
            forgetExpectations();
            return;
        }
        for (int i = marks.size() - 1; i >= index; i--) {
            Mark mark = marks.get(i);
            mark.before.forEach((tableKey, expected) -> keys.computeIfPresent(tableKey, (k, now) -> now.expecting(expected)));
        }
        Mark mark = marks.get(index);
        for (int i = removals.size() - 1; i >= mark.removals; i--) {
            removals.remove(i).run();
        }
        marks.subList(index + 1, marks.size()).clear();
        mark.before.clear();
    }

    /** After savepoint {@code id} was released: it and those set after it are gone, their changes kept. */
    void release(Object id) {
        int index = indexOf(id);
        if (index < 0) {
            return;
        }
        Mark below = index > 0 ? marks.get(index - 1) : null;
        if (below != null) {
            for (int i = index; i < marks.size(); i++) {
                marks.get(i).before.forEach(below.before::putIfAbsent);
            }
        }
        marks.subList(index, marks.size()).clear();
    }

    private int indexOf(Object id) {
        for (int i = marks.size() - 1; i >= 0; i--) {
            if (marks.get(i).id.equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Notes a write that did not mirror under the phase it was resolved to ({@link Unmirrored}); past {@link
     * #MAX_UNMIRRORED} distinct ones, further ones are noted as unattributed writes (resolved again as a write without
     * ids is: it mirrors when any switch of the migration mirrors).
     */
    void unmirrored(MigrationContext context, boolean unattributed, boolean mayUpgrade) {
        Unmirrored write = new Unmirrored(context, unattributed, mayUpgrade);
        if (unmirrored.size() >= MAX_UNMIRRORED && !unmirrored.contains(write)) {
            write = new Unmirrored(unmirrored.iterator().next().context(), true, true);
        }
        unmirrored.add(write);
    }

    /** The writes of the open transaction that did not mirror ({@link Unmirrored}), oldest first. */
    Set<Unmirrored> unmirrored() {
        return unmirrored;
    }

    /** Holds how to forget a removal this transaction noted, should it roll back ({@link #rollback}). */
    void removal(Runnable forget) {
        removals.add(forget);
    }

    private void forgetRemovals() {
        removals.forEach(Runnable::run);
        removals.clear();
    }

    /** After a commit in auto-commit that handed nothing over: the removals noted stand. */
    void removalsCommitted() {
        removals.clear();
    }

    /** After a rollback: nothing is held, and the removals noted are forgotten (they removed nothing). */
    void rollback() {
        forgetRemovals();
        clear();
    }

    /** The mapped tables with keys or a scoped resync in the buffer. */
    Set<TableMapping> tables() {
        Set<TableMapping> tables = new java.util.LinkedHashSet<>(resyncs.keySet());
        keys.keySet().forEach(key -> tables.add(key.mapping()));
        return tables;
    }

    boolean isEmpty() {
        return keys.isEmpty() && resyncs.isEmpty();
    }

    int size() {
        return keys.size();
    }

    void clear() {
        keys.clear();
        resyncs.clear();
        overflowed.clear();
        removals.clear();
        marks.clear();
        unmirrored.clear();
    }

    /**
     * Holds again what {@code snapshot} took (after a commit that threw, whose transaction may go on): each key as it
     * was, unless this buffer holds a later touch of it, and each scoped resync.
     */
    void restore(Snapshot snapshot) {
        for (Touched touched : snapshot.keys()) {
            keys.putIfAbsent(new TableKey(touched.mapping(), touched.key()), touched);
        }
        for (Resync resync : snapshot.resyncs()) {
            resync(resync.mapping(), resync.merchantId(), resync.reason(), resync.context());
        }
    }

    /** What is held, and an empty buffer. */
    Snapshot take() {
        Snapshot snapshot = new Snapshot(new ArrayList<>(keys.values()), new ArrayList<>(resyncs.values()));
        clear();
        return snapshot;
    }
}
