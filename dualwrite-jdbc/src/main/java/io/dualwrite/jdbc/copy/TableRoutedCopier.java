package io.dualwrite.jdbc.copy;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RowCopier} that hands the keys of some tables to copiers of their own (e.g. a table whose new shape a
 * {@code TableMapping} cannot express, written by user statements) and every other table to a default copier.
 * One sync then makes one target transaction per copier involved, in the order the tables first appear; each
 * copier keeps the per-key lock invariant for its tables. When one fails, the syncs of copiers before it stay
 * committed (re-syncing them is harmless) and the exception propagates, so that the caller records the keys.
 */
public final class TableRoutedCopier implements RowCopier {

    private final RowCopier fallback;
    private final Map<String, RowCopier> byTable;

    /**
     * @param fallback the copier of every table not in {@code byOldTable}
     * @param byOldTable copiers by old-store table name (case-insensitive)
     */
    public TableRoutedCopier(RowCopier fallback, Map<String, RowCopier> byOldTable) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        Map<String, RowCopier> copiers = new LinkedHashMap<>();
        byOldTable.forEach((table, copier) -> copiers.put(table.toLowerCase(Locale.ROOT), Objects.requireNonNull(copier, table)));
        this.byTable = Map.copyOf(copiers);
    }

    @Override
    public java.util.Optional<String> migration() {
        return fallback.migration();
    }

    @Override
    public java.util.Optional<io.dualwrite.switches.PhaseResolver> phaseResolver() {
        return fallback.phaseResolver();
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
        return sync(from, tables, null);
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> tables, @org.jspecify.annotations.Nullable LentSession lent)
            throws SQLException {
        Map<RowCopier, List<TableKeys>> split = new LinkedHashMap<>();
        for (TableKeys table : tables) {
            RowCopier copier = byTable.getOrDefault(table.mapping().oldTable().toLowerCase(Locale.ROOT), fallback);
            split.computeIfAbsent(copier, c -> new ArrayList<>()).add(table);
        }
        SyncResult result = new SyncResult(0, 0, 0);
        for (Map.Entry<RowCopier, List<TableKeys>> part : split.entrySet()) {
            result = result.plus(part.getKey().sync(from, part.getValue(), lent));
        }
        return result;
    }

    @Override
    public void catalogChanged(TableMapping mapping) {
        byTable.getOrDefault(mapping.oldTable().toLowerCase(Locale.ROOT), fallback).catalogChanged(mapping);
    }

    @Override
    public String toString() {
        return "TableRoutedCopier[" + byTable.keySet() + " else " + fallback + "]";
    }
}
