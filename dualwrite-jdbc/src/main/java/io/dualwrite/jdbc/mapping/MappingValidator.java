package io.dualwrite.jdbc.mapping;

import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Checks {@link TableMapping}s against the real schemas of both stores, so that a mapping that cannot
 * work fails at start-up with every problem named, instead of at the first mirrored write: tables and
 * key columns that do not exist, old columns with no place in the new table, renames to columns that do
 * not exist, and new {@code NOT NULL} columns without a default that nothing fills (DESIGN §9.7).
 */
public final class MappingValidator {

    private MappingValidator() {
    }

    /**
     * Validates every mapping and throws when any has a problem.
     *
     * @throws IllegalStateException listing every problem found, one per line
     * @throws SQLException          when a store's metadata cannot be read
     */
    public static void validate(DataSource oldStore, DataSource newStore, List<TableMapping> mappings) throws SQLException {
        List<String> problems = problems(oldStore, newStore, mappings);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("table mappings do not match the schemas of the stores:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** Every problem of every mapping; empty when all can work. */
    public static List<String> problems(DataSource oldStore, DataSource newStore, List<TableMapping> mappings)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            for (TableMapping mapping : mappings) {
                Optional<Map<String, Column>> oldColumns = columns(oldConnection, mapping.oldTable());
                Optional<Map<String, Column>> newColumns = columns(newConnection, mapping.newTable());
                if (oldColumns.isEmpty()) {
                    problems.add("old table '" + mapping.oldTable() + "' does not exist in the old store");
                }
                if (newColumns.isEmpty()) {
                    problems.add("new table '" + mapping.newTable() + "' does not exist in the new store");
                }
                if (oldColumns.isPresent() && newColumns.isPresent()) {
                    check(mapping, oldColumns.get(), newColumns.get(), problems);
                }
            }
        }
        return problems;
    }

    private static void check(TableMapping mapping, Map<String, Column> oldColumns, Map<String, Column> newColumns,
                              List<String> problems) {
        String oldTable = mapping.oldTable();
        String newTable = mapping.newTable();
        for (String key : mapping.primaryKey()) {
            if (!oldColumns.containsKey(lower(key))) {
                problems.add(oldTable + ": primary-key column '" + key + "' does not exist in the old table");
            }
        }
        for (Column old : oldColumns.values()) {
            mapping.newColumn(old.name).ifPresent(newName -> {
                if (!newColumns.containsKey(lower(newName))) {
                    problems.add(oldTable + "." + old.name + ": the new table " + newTable + " has no column '" + newName
                            + "'; rename it to an existing column or drop it in the mapping");
                }
            });
        }
        for (String added : mapping.addedColumns().keySet()) {
            if (!newColumns.containsKey(lower(added))) {
                problems.add(newTable + ": added column '" + added + "' does not exist in the new table");
            }
        }
        for (Column column : newColumns.values()) {
            boolean filled = mapping.oldColumn(column.name).map(old -> oldColumns.containsKey(lower(old))).orElse(false)
                    || mapping.addedColumns().keySet().stream().anyMatch(added -> added.equalsIgnoreCase(column.name));
            if (!filled && column.required()) {
                problems.add(newTable + "." + column.name + " is NOT NULL without a default and no old column maps to it;"
                        + " add it to the mapping with a value (TableMapping.Builder.add)");
            }
        }
        mapping.orderIdColumn().filter(column -> !oldColumns.containsKey(lower(column))).ifPresent(column ->
                problems.add(oldTable + ": orderIdColumn '" + column + "' does not exist in the old table"));
        mapping.merchantIdColumn().filter(column -> !oldColumns.containsKey(lower(column))).ifPresent(column ->
                problems.add(oldTable + ": merchantIdColumn '" + column + "' does not exist in the old table"));
    }

    /** The columns of a table by lower-case name; empty when the table does not exist. */
    private static Optional<Map<String, Column>> columns(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        // Identifiers are stored upper-case (H2), lower-case (PostgreSQL) or as written (MySQL).
        for (String candidate : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            Map<String, Column> columns = new LinkedHashMap<>();
            try (ResultSet rows = metaData.getColumns(connection.getCatalog(), connection.getSchema(), candidate, null)) {
                while (rows.next()) {
                    String name = rows.getString("COLUMN_NAME");
                    boolean notNull = rows.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls;
                    boolean hasDefault = rows.getString("COLUMN_DEF") != null;
                    boolean generated = "YES".equalsIgnoreCase(rows.getString("IS_AUTOINCREMENT"))
                            || "YES".equalsIgnoreCase(rows.getString("IS_GENERATEDCOLUMN"));
                    columns.put(lower(name), new Column(name, notNull && !hasDefault && !generated));
                }
            }
            if (!columns.isEmpty()) {
                return Optional.of(columns);
            }
        }
        return Optional.empty();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private record Column(String name, boolean required) {
    }
}
