package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorWork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The mirror work of one committed transaction: sync its keys from {@code from} through the copier. Works
 * of several transactions queued behind each other merge into one sync (one read per table, one batched
 * write, one commit), keys written twice are synced once.
 */
record SyncWork(RowCopier copier, Store from, List<RowCopier.TableKeys> tables) implements MirrorWork.Batchable {

    @Override
    public void run() throws Exception {
        copier.sync(from, tables);
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
        Map<Group, Set<String>> keys = new LinkedHashMap<>();
        add(keys, tables);
        for (MirrorWork work : later) {
            add(keys, ((SyncWork) work).tables);
        }
        List<RowCopier.TableKeys> merged = new ArrayList<>(keys.size());
        keys.forEach((group, groupKeys) -> merged.add(new RowCopier.TableKeys(group.mapping, List.copyOf(groupKeys),
                group.context)));
        return new SyncWork(copier, from, merged);
    }

    private static void add(Map<Group, Set<String>> keys, List<RowCopier.TableKeys> tables) {
        for (RowCopier.TableKeys table : tables) {
            keys.computeIfAbsent(new Group(table.mapping(), table.context()), group -> new LinkedHashSet<>())
                    .addAll(table.keys());
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
