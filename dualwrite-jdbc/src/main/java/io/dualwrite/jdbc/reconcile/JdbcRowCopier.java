package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The {@link RowCopier}: reads by key, maps, upserts or deletes, with column metadata cached per store. */
final class JdbcRowCopier implements RowCopier {

    private static final int MAX_ROUNDS = 3;

    private final Map<String, TableColumns> columns = new ConcurrentHashMap<>();
    private final Map<String, Dialect> dialects = new ConcurrentHashMap<>();

    @Override
    public Outcome copy(TableMapping mapping, String key, Store from, Connection source, Connection target)
            throws SQLException {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(key, "key");
        Store to = from.other();
        try {
            return doCopy(mapping, key, from, to, source, target);
        } catch (SQLException | RuntimeException e) {
            // the tables may be created or altered before the next attempt
            forget(source, mapping.table(from));
            forget(target, mapping.table(to));
            throw e;
        }
    }

    private Outcome doCopy(TableMapping mapping, String key, Store from, Store to, Connection source,
                           Connection target) throws SQLException {
        String sourceTable = mapping.table(from);
        TableColumns sourceColumns = columns(source, sourceTable);
        List<String> sourceKey = keyColumns(mapping, from);
        List<String> keyTexts = KeyCodec.decode(key, sourceKey.size());
        String targetTable = mapping.table(to);
        TableColumns targetColumns = columns(target, targetTable);
        List<String> targetKey = keyColumns(mapping, to);
        boolean locked = !source.getAutoCommit();

        Map<String, @Nullable Object> row = read(mapping, from, source, sourceTable, sourceColumns, sourceKey, keyTexts);
        for (int round = 1; ; round++) {
            Outcome outcome;
            if (row == null) {
                delete(mapping, to, target, targetTable, targetColumns, targetKey, keyTexts);
                outcome = Outcome.DELETED;
            } else {
                Map<String, @Nullable Object> mapped = from == Store.OLD ? mapping.toNewRow(row) : mapping.toOldRow(row);
                upsert(dialect(target), target, targetTable, targetColumns, targetKey, mapped);
                outcome = Outcome.COPIED;
            }
            if (locked) {
                return outcome; // the row is locked in the source until the caller ends its transaction
            }
            // unlocked: a write that committed (and was mirrored) while we copied must not be overwritten by
            // our older copy, so read again and repeat until the row stands still
            Map<String, @Nullable Object> again = read(mapping, from, source, sourceTable, sourceColumns, sourceKey, keyTexts);
            if (sameRow(row, again)) {
                return outcome;
            }
            if (round == MAX_ROUNDS) {
                throw new SQLException("row " + key + " of " + sourceTable + " changed during each of " + MAX_ROUNDS
                        + " copies; the entry is retried later");
            }
            row = again;
        }
    }

    private static boolean sameRow(@Nullable Map<String, @Nullable Object> first,
                                   @Nullable Map<String, @Nullable Object> second) {
        if (first == null || second == null) {
            return first == second;
        }
        for (Map.Entry<String, @Nullable Object> column : first.entrySet()) {
            if (!Objects.deepEquals(column.getValue(), second.get(column.getKey()))) {
                return false;
            }
        }
        return first.size() == second.size();
    }

    private @Nullable Map<String, @Nullable Object> read(TableMapping mapping, Store from, Connection source,
            String table, TableColumns sourceColumns, List<String> keyColumns, List<String> keyTexts)
            throws SQLException {
        List<TableColumns.Column> all = sourceColumns.all();
        String sql = "SELECT " + all.stream().map(TableColumns.Column::name).collect(Collectors.joining(", "))
                + " FROM " + table + " WHERE " + keyCondition(keyColumns)
                + (source.getAutoCommit() ? "" : " FOR UPDATE");
        try (PreparedStatement select = source.prepareStatement(sql)) {
            bindKey(select, mapping, from, sourceColumns, keyColumns, keyTexts);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                Map<String, @Nullable Object> row = new LinkedHashMap<>();
                for (int i = 0; i < all.size(); i++) {
                    row.put(all.get(i).name(), materialised(rows.getObject(i + 1)));
                }
                return row;
            }
        }
    }

    /** LOBs as plain values: they are valid only while the result set is open, and compare by content. */
    private static @Nullable Object materialised(@Nullable Object value) throws SQLException {
        if (value instanceof java.sql.Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        if (value instanceof java.sql.Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        return value;
    }

    private void delete(TableMapping mapping, Store to, Connection target, String table, TableColumns targetColumns,
                        List<String> keyColumns, List<String> keyTexts) throws SQLException {
        try (PreparedStatement delete = target.prepareStatement(
                "DELETE FROM " + table + " WHERE " + keyCondition(keyColumns))) {
            bindKey(delete, mapping, to, targetColumns, keyColumns, keyTexts);
            delete.executeUpdate();
        }
    }

    private static void upsert(Dialect dialect, Connection target, String table, TableColumns targetColumns,
                               List<String> keyColumns, Map<String, @Nullable Object> row) throws SQLException {
        List<String> names = new ArrayList<>(row.keySet());
        List<TableColumns.Column> typed = new ArrayList<>(names.size());
        for (String name : names) {
            typed.add(targetColumns.get(name));
        }
        for (String keyColumn : keyColumns) {
            if (names.stream().noneMatch(keyColumn::equalsIgnoreCase)) {
                throw new SQLException("the mapped row for " + table + " lacks key column " + keyColumn);
            }
        }
        List<String> updated = names.stream()
                .filter(name -> keyColumns.stream().noneMatch(name::equalsIgnoreCase)).toList();
        String columnList = String.join(", ", names);
        String marks = names.stream().map(name -> "?").collect(Collectors.joining(", "));
        String keyList = String.join(", ", keyColumns);
        String sql = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + table + " (" + columnList + ") VALUES (" + marks + ") ON CONFLICT ("
                    + keyList + ") " + (updated.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updated.stream()
                    .map(name -> name + " = EXCLUDED." + name).collect(Collectors.joining(", ")));
            case MYSQL -> "INSERT INTO " + table + " (" + columnList + ") VALUES (" + marks + ") ON DUPLICATE KEY UPDATE "
                    + (updated.isEmpty() ? keyColumns.get(0) + " = " + keyColumns.get(0) : updated.stream()
                    .map(name -> name + " = VALUES(" + name + ")").collect(Collectors.joining(", ")));
            case H2 -> "MERGE INTO " + table + " (" + columnList + ") KEY (" + keyList + ") VALUES (" + marks + ")";
        };
        try (PreparedStatement upsert = target.prepareStatement(sql)) {
            for (int i = 0; i < names.size(); i++) {
                Values.bind(upsert, i + 1, row.get(names.get(i)), typed.get(i));
            }
            upsert.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement statement, TableMapping mapping, Store side, TableColumns sideColumns,
                                List<String> keyColumns, List<String> keyTexts) throws SQLException {
        List<String> oldKey = mapping.primaryKey();
        for (int i = 0; i < keyColumns.size(); i++) {
            TableColumns.Column column = sideColumns.get(keyColumns.get(i));
            Object value = Values.parseKey(keyTexts.get(i), column);
            if (side == Store.NEW && mapping.transforms(oldKey.get(i))) {
                value = mapping.toNewValue(oldKey.get(i), value); // key texts hold the old store's values
            }
            Values.bind(statement, i + 1, value, column);
        }
    }

    private static String keyCondition(List<String> keyColumns) {
        return keyColumns.stream().map(column -> column + " = ?").collect(Collectors.joining(" AND "));
    }

    private static List<String> keyColumns(TableMapping mapping, Store store) {
        return store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey();
    }

    private TableColumns columns(Connection connection, String table) throws SQLException {
        String cacheKey = cacheKey(connection, table);
        TableColumns cached = columns.get(cacheKey);
        if (cached == null) {
            cached = TableColumns.read(connection, table);
            columns.put(cacheKey, cached);
        }
        return cached;
    }

    private void forget(Connection connection, String table) {
        try {
            columns.remove(cacheKey(connection, table));
        } catch (SQLException | RuntimeException brokenConnection) {
            columns.clear(); // cannot tell which database it was: start afresh
        }
    }

    private Dialect dialect(Connection connection) throws SQLException {
        String database = database(connection);
        Dialect known = dialects.get(database);
        if (known == null) {
            known = Dialect.detect(connection);
            dialects.put(database, known);
        }
        return known;
    }

    /** Metadata is cached per database, told apart by the connection URL (kept in memory, never logged). */
    private static String cacheKey(Connection connection, String table) throws SQLException {
        return database(connection) + "#" + table.toLowerCase(Locale.ROOT);
    }

    private static String database(Connection connection) throws SQLException {
        String url = connection.getMetaData().getURL();
        return url == null ? "" : url;
    }
}
