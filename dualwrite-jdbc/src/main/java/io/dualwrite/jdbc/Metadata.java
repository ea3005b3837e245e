package io.dualwrite.jdbc;

import io.dualwrite.Store;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the key derivation needs to know about an authoritative table, read once per store and table from
 * the database's metadata: its column order (for an {@code INSERT} without a column list), its unique
 * keys (the columns an upsert can conflict on) and whether its key compares text loosely. Thread-safe.
 */
final class Metadata {

    private final Map<String, List<String>> columns = new ConcurrentHashMap<>();
    private final Map<String, List<List<String>>> uniqueKeys = new ConcurrentHashMap<>();
    private final Map<String, Boolean> looseKeys = new ConcurrentHashMap<>();

    /** The table's columns in table order, read with an empty query on {@code connection}. */
    List<String> columnOrder(Store store, Connection connection, String table) throws SQLException {
        String key = store + "#" + table.toLowerCase(Locale.ROOT);
        List<String> known = columns.get(key);
        if (known == null) {
            List<String> names = new ArrayList<>();
            try (java.sql.Statement statement = connection.createStatement();
                 ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
                ResultSetMetaData meta = empty.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnName(i));
                }
            }
            known = List.copyOf(names);
            columns.put(key, known);
        }
        return known;
    }

    /** The table's unique keys (primary key included), each as its column names in index order. */
    List<List<String>> uniqueKeys(Store store, Connection connection, String table) throws SQLException {
        String key = store + "#" + table.toLowerCase(Locale.ROOT);
        List<List<String>> known = uniqueKeys.get(key);
        if (known == null) {
            known = readUniqueKeys(connection, table);
            uniqueKeys.put(key, known);
        }
        return known;
    }

    /**
     * Whether a text key column of the table matches rows spelt otherwise than the value compared with it, so
     * that {@code WHERE id = 'ABC'} may touch row {@code 'abc'}: on MySQL and MariaDB every text column (their
     * collations ignore trailing spaces even when binary, and most ignore case); on PostgreSQL {@code char(n)},
     * {@code citext} and nondeterministic collations; on H2 {@code VARCHAR_IGNORECASE} and {@code CHAR}; on any
     * other database, or when the catalog cannot be read, yes. Read once per store and table.
     */
    boolean looseKeys(Store store, Connection connection, @Nullable Dialect dialect, String table,
                      List<String> keyColumns) {
        String key = store + "#" + table.toLowerCase(Locale.ROOT);
        Boolean known = looseKeys.get(key);
        if (known == null) {
            known = readLooseKeys(connection, dialect, table, keyColumns);
            looseKeys.put(key, known);
        }
        return known;
    }

    /** What {@link #looseKeys} found for the table, or {@code null} before it was read. */
    @Nullable Boolean knownLooseKeys(Store store, String table) {
        return looseKeys.get(store + "#" + table.toLowerCase(Locale.ROOT));
    }

    private static boolean readLooseKeys(Connection connection, @Nullable Dialect dialect, String table,
                                         List<String> keyColumns) {
        if (dialect == null || dialect == Dialect.MYSQL) {
            return true;
        }
        String sql = dialect == Dialect.POSTGRESQL
                // to_regclass answers null for a missing table instead of failing the caller's transaction
                ? "SELECT a.attname, t.typname, coalesce(NOT c.collisdeterministic, false)"
                        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                        + " LEFT JOIN pg_collation c ON c.oid = a.attcollation"
                        + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                : "SELECT COLUMN_NAME, DATA_TYPE, FALSE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE UPPER(TABLE_NAME) = UPPER(?) AND TABLE_SCHEMA = CURRENT_SCHEMA";
        String name = dialect == Dialect.H2 && table.contains(".") ? table.substring(table.lastIndexOf('.') + 1) : table;
        boolean found = false;
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String column = rows.getString(1);
                    if (keyColumns.stream().noneMatch(column::equalsIgnoreCase)) {
                        continue;
                    }
                    found = true;
                    String type = rows.getString(2).toLowerCase(Locale.ROOT);
                    if (rows.getBoolean(3) || type.equals("bpchar") || type.equals("citext")
                            || type.contains("ignorecase") || type.equals("character") || type.equals("char")) {
                        return true;
                    }
                }
            }
        } catch (SQLException e) {
            return true;
        }
        return !found;
    }

    private static List<List<String>> readUniqueKeys(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : List.of(table, table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT))) {
            Map<String, TreeMap<Integer, String>> indexes = new LinkedHashMap<>();
            try (ResultSet rows = meta.getIndexInfo(connection.getCatalog(), null, name, true, true)) {
                while (rows.next()) {
                    String index = rows.getString("INDEX_NAME");
                    String column = rows.getString("COLUMN_NAME");
                    if (index != null && column != null) {
                        indexes.computeIfAbsent(index, any -> new TreeMap<>()).put((int) rows.getShort("ORDINAL_POSITION"), column);
                    }
                }
            }
            if (!indexes.isEmpty()) {
                List<List<String>> keys = new ArrayList<>();
                indexes.values().forEach(index -> keys.add(List.copyOf(index.values())));
                return List.copyOf(keys);
            }
        }
        return List.of();
    }
}
