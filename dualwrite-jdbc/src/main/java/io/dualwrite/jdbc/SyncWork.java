package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorWork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The mirror work of one committed transaction: sync its keys from {@code from} through the copier, and hand
 * the keys whose expected rows the source did not hold ({@link RowCopier.SyncResult#vanished()}) to
 * {@code vanished}, with when the write that expected each of them began ({@code writesBegan}); a sync that met
 * conflicting rows ({@link RowCopier.SyncResult#conflicts()}) fails, so that its keys are recorded. Works of several transactions queued behind each other merge into one sync (one read per
 * table, one batched write, one commit), keys written twice are synced once, with the expectation of the
 * later write. {@code lent}: the application's idle session of {@code from} while it waits for this work (a
 * {@code SYNC} mirror after its commit), on which the source is read; null: the copier takes its own.
 */
record SyncWork(RowCopier copier, Store from, List<RowCopier.TableKeys> tables, Map<List<Object>, Long> writesBegan,
                Vanished vanished, io.dualwrite.jdbc.copy.@Nullable LentSession lent,
                @Nullable ToLongFunction<MigrationContext> countedAtWrite) implements MirrorWork.Batchable {

    /** What to do with the keys whose expected rows the source did not hold. */
    interface Vanished {
        /**
         * @param keys        the keys, per table and context
         * @param writesBegan when the write that expected each key began, by {@link #began(TableMapping, String)}
         *                    ({@link System#nanoTime()})
         */
        void accept(List<RowCopier.TableKeys> keys, Map<List<Object>, Long> writesBegan);
    }

    /** The entry of {@code key} of {@code mapping}'s table in {@link #writesBegan}. */
    static List<Object> began(TableMapping mapping, String key) {
        return List.of(mapping, key);
    }

    @Override
    public void run() throws Exception {
        RowCopier.SyncResult result = copier.sync(from, tables, lent, countedAtWrite);
        if (!result.vanished().isEmpty()) {
            vanished.accept(result.vanished(), writesBegan);
        }
        // the other rows are copied; failing the work records every key of it, so the refused ones stay in the
        // change log (the reconciler copies the rest again, harmlessly)
        if (!result.authorityMoved().isEmpty()) {
            throw new java.sql.SQLException("authority-moved: the own phase of rows written on the " + from
                    + " store now makes the " + from.other() + " store authoritative (a switch moved while their"
                    + " write was in flight, or it was made without the row's authority), so they were not copied"
                    + " over the authoritative store: " + keys(result.authorityMoved())
                    + (result.conflicts().isEmpty() ? "" : "; keys held in both stores by rows of different orders or"
                    + " merchants, each authoritative in its own store, were not copied over each other either: "
                    + keys(result.conflicts()))
                    + "; compare each key in both stores and repair it from the one holding its latest write");
        }
        if (!result.conflicts().isEmpty()) {
            throw new java.sql.SQLException("keys held in both stores by rows of different orders or merchants, each"
                    + " authoritative in its own store, were not copied over each other: " + keys(result.conflicts()));
        }
    }

    private static String keys(List<RowCopier.TableKeys> tables) {
        StringBuilder keys = new StringBuilder();
        for (RowCopier.TableKeys table : tables) {
            keys.append(keys.length() == 0 ? "" : "; ").append(table.mapping().oldTable()).append(' ')
                    .append(table.keys());
        }
        return keys.toString();
    }

    @Override
    public Object batchKey() {
        return new BatchKey(copier, from);
    }

    private record BatchKey(RowCopier copier, Store from) {
        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof BatchKey key && key.copier == copier && key.from == from;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(copier) * 31 + from.hashCode();
        }
    }

    @Override
    public MirrorWork mergeWith(List<MirrorWork> later) {
        // per group, each key with whether its latest write left a row (insertion order kept)
        Map<Group, Map<String, Boolean>> keys = new LinkedHashMap<>();
        add(keys, tables);
        for (MirrorWork work : later) {
            add(keys, ((SyncWork) work).tables);
        }
        List<RowCopier.TableKeys> merged = new ArrayList<>(keys.size());
        keys.forEach((group, groupKeys) -> {
            Set<String> expected = new HashSet<>();
            groupKeys.forEach((key, expects) -> {
                if (expects) {
                    expected.add(key);
                }
            });
            merged.add(new RowCopier.TableKeys(group.mapping, List.copyOf(groupKeys.keySet()), group.context, expected));
        });
        // each vanished key is judged by the start of the latest write that expected it
        Map<List<Object>, Long> began = new HashMap<>(writesBegan);
        for (MirrorWork work : later) {
            began.putAll(((SyncWork) work).writesBegan);
        }
        // the counts of authority moves of the earliest write: counts only grow, so a move since any of the merged
        // writes is seen (round 27b)
        ToLongFunction<MigrationContext> counted = countedAtWrite;
        for (MirrorWork work : later) {
            if (counted == null) {
                counted = ((SyncWork) work).countedAtWrite;
            }
        }
        return new SyncWork(copier, from, merged, began, vanished, lent, counted);
    }

    private static void add(Map<Group, Map<String, Boolean>> keys, List<RowCopier.TableKeys> tables) {
        for (RowCopier.TableKeys table : tables) {
            Map<String, Boolean> group = keys.computeIfAbsent(new Group(table.mapping(), table.context()),
                    key -> new LinkedHashMap<>());
            for (String key : table.keys()) {
                group.put(key, table.expectRows().contains(key));
            }
        }
    }

    /** Keys of one table and one write context sync together (the context scopes rows without id columns). */
    private record Group(TableMapping mapping, @Nullable MigrationContext context) {
        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof Group group && group.mapping == mapping && Objects.equals(group.context, context);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(mapping) * 31 + Objects.hashCode(context);
        }
    }
}
