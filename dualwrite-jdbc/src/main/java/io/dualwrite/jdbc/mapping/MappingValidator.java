package io.dualwrite.jdbc.mapping;

import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.EditDistance;
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
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link TableMapping}s against the real schemas of both stores, so that a mapping that cannot
 * work fails at start-up with every problem named, instead of at the first mirrored write.
 *
 * <p>Every name the mapping uses is looked up on its side: on the old table the primary-key columns, the
 * old names of renamed, dropped and transformed columns and the order and merchant id columns; on the new
 * table the new primary-key columns, the targets of renames, the added columns and the new name of every
 * old column the mapping keeps. A new {@code NOT NULL} column without a default that nothing fills is a
 * problem too. A misspelt name is reported with the table's closest column ("did you mean 'amount'?").
 * Column names match case-insensitively, like unquoted SQL identifiers.
 */
public final class MappingValidator {

    private MappingValidator() {
    }

    /**
     * Validates every mapping and throws when any has a problem.
     *
     * @throws IllegalStateException listing every problem of every mapping, one per line
     * @throws SQLException          when a store's metadata cannot be read
     */
    public static void validate(DataSource oldStore, DataSource newStore, List<TableMapping> mappings) throws SQLException {
        List<String> problems = problems(oldStore, newStore, mappings);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("table mappings do not match the schemas of the stores:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /**
     * Every problem of every mapping, one sentence each naming the table, the column and what is wrong; empty
     * when all can work.
     *
     * @throws SQLException when a store's metadata cannot be read
     */
    public static List<String> problems(DataSource oldStore, DataSource newStore, List<TableMapping> mappings)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            String oneDatabase = sameDatabase(oldConnection, newConnection);
            for (TableMapping mapping : mappings) {
                if (oneDatabase != null && mapping.oldTable().equalsIgnoreCase(mapping.newTable())) {
                    problems.add("old table '" + mapping.oldTable() + "' and new table '" + mapping.newTable()
                            + "' are one table: both stores reach the same database (" + oneDatabase + "), so every"
                            + " sync would copy its rows onto themselves; point the new store at its own database, or"
                            + " map the table to a new name (TableMapping.Builder.newTable)");
                }
                Optional<Map<String, Column>> oldColumns = columns(oldConnection, mapping.oldTable());
                Optional<Map<String, Column>> newColumns = columns(newConnection, mapping.newTable());
                if (oldColumns.isEmpty()) {
                    problems.add("old table '" + mapping.oldTable() + "' does not exist in the old store");
                }
                if (newColumns.isEmpty()) {
                    problems.add("new table '" + mapping.newTable() + "' does not exist in the new store");
                }
                Table oldTable = new Table("old table " + mapping.oldTable(), oldColumns.orElse(null), problems);
                Table newTable = new Table("new table " + mapping.newTable(), newColumns.orElse(null), problems);
                checkOldNames(mapping, oldTable);
                checkNewNames(mapping, oldTable, newTable);
            }
        }
        return problems;
    }

    /**
     * The database both connections reach, described without credentials, when they reach the same one: the same
     * JDBC URL without its parameters, catalog and schema; else {@code null}.
     */
    private static @Nullable String sameDatabase(Connection oldConnection, Connection newConnection)
            throws SQLException {
        String oldUrl = oldConnection.getMetaData().getURL();
        String newUrl = newConnection.getMetaData().getURL();
        if (oldUrl == null || newUrl == null
                || !Credentials.withoutParameters(oldUrl).equals(Credentials.withoutParameters(newUrl))
                || !Objects.equals(oldConnection.getCatalog(), newConnection.getCatalog())
                || !Objects.equals(oldConnection.getSchema(), newConnection.getSchema())) {
            return null;
        }
        return Credentials.mask(Credentials.withoutParameters(oldUrl));
    }

    private static void checkOldNames(TableMapping mapping, Table old) {
        mapping.primaryKey().forEach(key -> old.require(key, "primary-key column '" + key + "'"));
        DeclaredNames.renames(mapping).forEach((oldName, newName) ->
                old.require(oldName, "renamed column '" + oldName + "' (renamed to " + newName + ")"));
        mapping.droppedColumns().forEach(dropped -> old.require(dropped, "dropped column '" + dropped + "'"));
        DeclaredNames.transformed(mapping).forEach(column ->
                old.require(column, "transformed column '" + column + "'"));
        mapping.orderIdColumn().ifPresent(column -> old.require(column, "orderIdColumn '" + column + "'"));
        mapping.merchantIdColumn().ifPresent(column -> old.require(column, "merchantIdColumn '" + column + "'"));
    }

    private static void checkNewNames(TableMapping mapping, Table old, Table target) {
        Map<String, String> renames = DeclaredNames.renames(mapping);
        for (String key : mapping.newPrimaryKey()) {
            if (!renames.containsValue(key)) { // a renamed key is checked with the renames
                target.require(key, "primary-key column '" + key + "'");
            }
        }
        renames.forEach((oldName, newName) -> target.requireColumn(newName, mapping.oldTable() + "." + oldName,
                " (its new name in the mapping)"));
        mapping.addedColumns().keySet().forEach(added -> target.require(added, "added column '" + added + "'"));
        if (old.columns == null || target.columns == null) {
            return;
        }
        for (Column column : old.columns.values()) {
            boolean renamed = renames.keySet().stream().anyMatch(column.name::equalsIgnoreCase);
            boolean key = mapping.primaryKey().stream().anyMatch(column.name::equalsIgnoreCase);
            mapping.newColumn(column.name).filter(newName -> !renamed && !key).ifPresent(newName ->
                    target.requireColumn(newName, mapping.oldTable() + "." + column.name,
                            "; rename it to an existing column or drop it in the mapping"));
        }
        for (Column column : target.columns.values()) {
            boolean filled = mapping.oldColumn(column.name).map(oldName -> old.has(oldName)).orElse(false)
                    || mapping.addedColumns().keySet().stream().anyMatch(column.name::equalsIgnoreCase);
            if (!filled && column.required()) {
                target.problems.add(target.label + ": column " + column.name + " is NOT NULL without a default and"
                        + " no old column maps to it; add it to the mapping with a value (TableMapping.Builder.add)");
            }
        }
    }

    /** The columns of a table by lower-case name; empty when the table does not exist. */
    private static Optional<Map<String, Column>> columns(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        // Identifiers are stored upper-case (H2), lower-case (PostgreSQL) or as written (MySQL).
        for (String candidate : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            Map<String, Column> columns = new LinkedHashMap<>();
            // the table's home (OwnTable#homeOf), the copier's, not the place a pooled session was left on
            @Nullable String home = io.dualwrite.jdbc.schema.OwnTable.homeOf(connection, candidate);
            boolean databases = io.dualwrite.jdbc.Dialect.detect(metaData) == io.dualwrite.jdbc.Dialect.MYSQL;
            String catalog = home != null && databases ? home : connection.getCatalog();
            @Nullable String schema = home == null ? CatalogNames.schemaOf(connection, candidate) : databases ? null : home;
            try (ResultSet rows = metaData.getColumns(catalog, CatalogNames.namePattern(metaData, schema),
                    CatalogNames.namePattern(metaData, candidate), null)) {
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

    /** One side's table: looks names up and reports the missing ones (nothing when the table itself is missing). */
    private record Table(String label, @Nullable Map<String, Column> columns,
                         List<String> problems) {

        boolean has(String name) {
            return columns != null && columns.containsKey(lower(name));
        }

        /** Reports "{label}: {what} does not exist" when the table has no column {@code name}. */
        void require(String name, String what) {
            report(name, label + ": " + what + " does not exist");
        }

        /** Reports "{source}: the {label} has no column '{name}'{why}" when the table has no column {@code name}. */
        void requireColumn(String name, String source, String why) {
            report(name, source + ": the " + label + " has no column '" + name + "'" + why);
        }

        private void report(String name, String problem) {
            if (columns == null || has(name)) {
                return;
            }
            String closest = closest(name);
            String message = closest == null ? problem : problem + "; did you mean '" + closest + "'?";
            if (!problems.contains(message)) {
                problems.add(message);
            }
        }

        /** The first of the columns nearest to {@code name}, if one is within two edits of it. */
        private @Nullable String closest(String name) {
            if (columns == null) {
                return null;
            }
            String best = null;
            int bestDistance = 3;
            for (Column column : columns.values()) {
                int distance = EditDistance.between(lower(name), lower(column.name));
                if (distance < bestDistance) {
                    best = column.name;
                    bestDistance = distance;
                }
            }
            return best;
        }
    }
}
