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

/**
 * What the key derivation needs to know about an authoritative table, read once per store and table from
 * the database's metadata: its column order (for an {@code INSERT} without a column list) and its unique
 * keys (the columns an upsert can conflict on). Thread-safe.
 */
final class Metadata {

    private final Map<String, List<String>> columns = new ConcurrentHashMap<>();
    private final Map<String, List<List<String>>> uniqueKeys = new ConcurrentHashMap<>();

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
