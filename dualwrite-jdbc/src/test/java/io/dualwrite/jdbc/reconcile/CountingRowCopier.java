package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts successful copies per key, across every reconciler that shares it. */
final class CountingRowCopier implements RowCopier {

    private final RowCopier delegate = RowCopier.create();
    private final Map<String, AtomicInteger> copies;

    CountingRowCopier(Map<String, AtomicInteger> copies) {
        this.copies = copies;
    }

    static Map<String, AtomicInteger> counts() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public Outcome copy(TableMapping mapping, String key, Store from, Connection source, Connection target)
            throws SQLException {
        Outcome outcome = delegate.copy(mapping, key, from, source, target);
        copies.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return outcome;
    }
}
