package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Counts successful copies per key, across every reconciler that shares it. */
final class CountingRowCopier implements RowCopier {

    private final RowCopier delegate;
    private final Map<String, AtomicInteger> copies;

    CountingRowCopier(Map<String, AtomicInteger> copies, DataSource oldDataSource, DataSource newDataSource) {
        this.copies = copies;
        this.delegate = RowCopier.builder().oldDataSource(oldDataSource).newDataSource(newDataSource).build();
    }

    static Map<String, AtomicInteger> counts() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
        SyncResult result = delegate.sync(from, tables);
        tables.forEach(table -> table.keys().forEach(
                key -> copies.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet()));
        return result;
    }
}
