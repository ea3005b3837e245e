package io.dualwrite.jdbc;

import io.dualwrite.jdbc.statement.StatementAnalyzer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The columns of new-store tables (to expand {@code SELECT *}), read once per table from the database's
 * metadata and kept for the life of the data source.
 */
final class NewStoreColumns implements StatementAnalyzer.NewTableColumns {

    private final DataSource newStore;
    private final Map<String, List<String>> byTable = new ConcurrentHashMap<>();

    NewStoreColumns(DataSource newStore) {
        this.newStore = newStore;
    }

    @Override
    public List<String> of(String newTable) {
        return byTable.computeIfAbsent(newTable.toLowerCase(Locale.ROOT), lower -> read(newTable));
    }

    private List<String> read(String table) {
        try (Connection connection = newStore.getConnection()) {
            List<String> columns = new ArrayList<>();
            var metaData = connection.getMetaData();
            // first as the database folds an unquoted name, then as written, as the copier and the spellings of
            // rewritten statements find a table: of orders2 and "Orders2", Orders2 names the first
            String folded = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT)
                    : metaData.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
            for (String name : new java.util.LinkedHashSet<>(List.of(folded, table, table.toLowerCase(Locale.ROOT),
                    table.toUpperCase(Locale.ROOT)))) {
                try (ResultSet rows = metaData.getColumns(connection.getCatalog(),
                        io.dualwrite.jdbc.mapping.CatalogNames.namePattern(metaData,
                                io.dualwrite.jdbc.mapping.CatalogNames.schemaOf(connection, name)),
                        io.dualwrite.jdbc.mapping.CatalogNames.namePattern(metaData, name), null)) {
                    while (rows.next()) {
                        columns.add(rows.getString("COLUMN_NAME"));
                    }
                }
                if (!columns.isEmpty()) {
                    return List.copyOf(columns);
                }
            }
            throw new IllegalStateException("table " + table + " has no columns in the new store");
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the columns of " + table + " in the new store", e);
        }
    }
}
