package io.dualwrite.jdbc.verify;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One table as its database reports it: the quoted name that reaches it, its columns in table order (with
 * their collations where they matter) and its primary key.
 */
record TableShape(String table, String quotedTable, List<ColumnInfo> columns, List<String> primaryKey) {

    /**
     * Reads a table by its configured name (optionally {@code schema.table}): tried quoted as the database folds
     * unquoted names, then quoted as written. Runs in auto-commit.
     *
     * @return empty when no form of the name reaches a table
     */
    static Optional<TableShape> read(Connection connection, VerifyDialect dialect, String table) throws SQLException {
        if (!table.contains(".")) {
            // a bare name is read in its home (OwnTable#homeOf), the copier's, not in the schema or database an
            // earlier borrower left this pooled session on, where a table of the name may hold other rows
            for (String name : new LinkedHashSet<>(List.of(dialect.fold(table), table))) {
                @Nullable String home = io.dualwrite.jdbc.schema.OwnTable.homeOf(connection, name);
                if (home != null && !home.contains(".")) {
                    Optional<TableShape> found = read(connection, dialect, home + "." + name);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(qualified(dialect, table, true));
        candidates.add(qualified(dialect, table, false));
        for (String quoted : candidates) {
            List<ColumnInfo> columns = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet empty = statement.executeQuery("SELECT * FROM " + quoted + " WHERE 1 = 0")) {
                ResultSetMetaData meta = empty.getMetaData();
                List<String> every = everyColumn(connection, dialect, quoted, meta);
                if (every.size() > meta.getColumnCount()) {
                    // INVISIBLE columns (MariaDB, H2), which SELECT * leaves out: a difference in one was never found
                    try (Statement named = connection.createStatement();
                         ResultSet all = named.executeQuery("SELECT " + every.stream().map(dialect::quote)
                                 .collect(java.util.stream.Collectors.joining(", ")) + " FROM " + quoted + " WHERE 1 = 0")) {
                        addColumns(all.getMetaData(), columns);
                    }
                } else {
                    addColumns(meta, columns);
                }
            } catch (SQLException missing) {
                if (dialect == VerifyDialect.POSTGRESQL && !connection.getAutoCommit()) {
                    connection.rollback();
                }
                continue;
            }
            if (dialect == VerifyDialect.POSTGRESQL) {
                // a policy hiding rows from this session would make them look absent: never a false CLEAN, nor a
                // repair that deletes them from the other store
                io.dualwrite.jdbc.copy.RowSecurity.refuseFiltered(connection, quoted, table);
            }
            columns = withCollations(connection, dialect, table, quoted, columns);
            return Optional.of(new TableShape(table, quoted, List.copyOf(columns), primaryKey(connection, table)));
        }
        return Optional.empty();
    }

    private static void addColumns(ResultSetMetaData meta, List<ColumnInfo> columns) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(new ColumnInfo(meta.getColumnName(i), meta.getColumnType(i), meta.getColumnTypeName(i),
                    meta.getPrecision(i), meta.getScale(i), null));
        }
    }

    /**
     * Every column's name in table order from the catalog, invisible ones included (MySQL/MariaDB, H2); empty where
     * the catalog says nothing more than {@code SELECT *} does (PostgreSQL has no invisible columns) or cannot be
     * read.
     */
    private static List<String> everyColumn(Connection connection, VerifyDialect dialect, String quoted,
                                            ResultSetMetaData meta) {
        List<String> every = new ArrayList<>();
        try {
            if (dialect == VerifyDialect.MYSQL) {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SHOW COLUMNS FROM " + quoted)) {
                    while (rows.next()) {
                        every.add(rows.getString("Field"));
                    }
                }
            } else if (dialect == VerifyDialect.H2 && meta.getColumnCount() > 0) {
                try (PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_NAME FROM"
                        + " INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                    statement.setString(1, meta.getSchemaName(1));
                    statement.setString(2, meta.getTableName(1));
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            every.add(rows.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException unread) {
            return List.of();
        }
        return every;
    }

    /** A column by name, case-insensitively. */
    Optional<ColumnInfo> column(String name) {
        return columns.stream().filter(column -> column.name().equalsIgnoreCase(name)).findFirst();
    }

    private static String qualified(VerifyDialect dialect, String table, boolean folded) {
        List<String> parts = new ArrayList<>();
        for (String part : table.split("\\.", -1)) {
            parts.add(dialect.quote(folded ? dialect.fold(part) : part));
        }
        return String.join(".", parts);
    }

    private static List<ColumnInfo> withCollations(Connection connection, VerifyDialect dialect, String table,
                                                   String quoted, List<ColumnInfo> columns) throws SQLException {
        Map<String, String> collations = new HashMap<>();
        java.util.Set<String> zerofill = new java.util.HashSet<>();
        if (dialect == VerifyDialect.MYSQL) {
            String[] parts = table.split("\\.", -1);
            String sql = "SELECT COLUMN_NAME, COLLATION_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                    + (parts.length == 2 ? "?" : "DATABASE()") + " AND TABLE_NAME = ?";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int index = 1;
                if (parts.length == 2) {
                    select.setString(index++, parts[0]);
                }
                select.setString(index, parts[parts.length - 1]);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (rows.getString(2) != null) {
                            collations.put(rows.getString(1).toLowerCase(Locale.ROOT), rows.getString(2));
                        }
                        String type = rows.getString(3);
                        if (type != null && type.toLowerCase(Locale.ROOT).contains("zerofill")) {
                            zerofill.add(rows.getString(1).toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        } else if (dialect == VerifyDialect.POSTGRESQL) {
            try (PreparedStatement select = connection.prepareStatement("SELECT a.attname, CASE WHEN co.collname IS NULL"
                    + " THEN NULL WHEN co.collname = 'default' THEN (SELECT datcollate FROM pg_database"
                    + " WHERE datname = current_database()) ELSE co.collname END FROM pg_attribute a"
                    + " LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = ?::regclass"
                    + " AND a.attnum > 0")) {
                select.setString(1, quoted);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (rows.getString(2) != null) {
                            collations.put(rows.getString(1).toLowerCase(Locale.ROOT), rows.getString(2));
                        }
                    }
                }
            }
        }
        if (collations.isEmpty() && zerofill.isEmpty()) {
            return columns;
        }
        List<ColumnInfo> with = new ArrayList<>(columns.size());
        for (ColumnInfo column : columns) {
            String name = column.name().toLowerCase(Locale.ROOT);
            ColumnInfo collated = column.withCollation(collations.get(name));
            with.add(zerofill.contains(name) ? collated.asZerofill() : collated);
        }
        return with;
    }

    /** The primary-key columns in key order; empty when the table has none. */
    private static List<String> primaryKey(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String[] parts = table.split("\\.", -1);
        String name = parts[parts.length - 1];
        @Nullable String schema = parts.length == 2 ? parts[0] : null;
        boolean mysql = meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("maria")
                || meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mysql");
        for (String candidate : new LinkedHashSet<>(List.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT)))) {
            for (String schemaName : schemaCandidates(connection, schema)) {
                TreeMap<Integer, String> key = new TreeMap<>();
                String catalog = mysql ? (schema != null ? schema : connection.getCatalog()) : null;
                try (ResultSet rows = meta.getPrimaryKeys(catalog, mysql ? null : schemaName, candidate)) {
                    while (rows.next()) {
                        key.put((int) rows.getShort("KEY_SEQ"), rows.getString("COLUMN_NAME"));
                    }
                }
                if (!key.isEmpty()) {
                    return List.copyOf(key.values());
                }
            }
        }
        return List.of();
    }

    private static List<@Nullable String> schemaCandidates(Connection connection, @Nullable String schema)
            throws SQLException {
        List<@Nullable String> schemas = new ArrayList<>();
        if (schema != null) {
            schemas.add(schema);
            schemas.add(schema.toLowerCase(Locale.ROOT));
            schemas.add(schema.toUpperCase(Locale.ROOT));
        } else {
            schemas.add(connection.getSchema());
        }
        return schemas;
    }

    /** The columns by lower-case name. */
    Map<String, ColumnInfo> byName() {
        Map<String, ColumnInfo> map = new LinkedHashMap<>();
        columns.forEach(column -> map.put(column.name().toLowerCase(Locale.ROOT), column));
        return map;
    }
}
