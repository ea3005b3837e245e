package io.dualwrite.jdbc;

import io.dualwrite.Store;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Generated keys of a mapped insert: requests them from the driver even when the application did not,
 * reads them for the mirror into a copy, and gives the application exactly what it asked for: the same
 * keys (the copy, rewound) when it asked; when it did not, what its driver answers then (an empty result,
 * or on MySQL/MariaDB an {@link SQLException}).
 */
final class KeyTracker {

    /**
     * The names MySQL's and MariaDB's drivers give the generated key, whatever columns were asked for: the key by
     * its position.
     */
    private static final java.util.Set<String> UNNAMED = java.util.Set.of("generated_key", "insert_id");

    private boolean appAsked;
    private boolean requestedByUs;
    private @Nullable KeyRows cached;

    KeyTracker(boolean appAsked) {
        this.appAsked = appAsked;
    }

    void appAsked(boolean asked) {
        this.appAsked = asked;
        this.requestedByUs = false;
    }

    void reset() {
        cached = null;
    }

    /** Prepares an insert so that the driver returns its generated keys. */
    static Statement prepareWithKeys(Connection connection, String sql, StatementAnalysis analysis, Store store,
                                     @Nullable Dialect dialect) throws SQLException {
        if (dialect == Dialect.MYSQL || dialect == null) {
            return connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        }
        return connection.prepareStatement(sql, keyColumns(analysis, store));
    }

    void markRequestedByUs() {
        requestedByUs = true;
    }

    /** Whether the keys of the statement's next execution are requested by the library, not the application. */
    boolean requestedByUsOnly() {
        return requestedByUs && !appAsked;
    }

    /** The plain-Statement call that also returns keys: {@code (sql, RETURN_GENERATED_KEYS)} or {@code (sql, columns)}. */
    Object[] keyedArgs(Object[] args, StatementAnalysis analysis, Store store, @Nullable Dialect dialect) {
        requestedByUs = true;
        Object request = dialect == Dialect.MYSQL || dialect == null ? (Object) Statement.RETURN_GENERATED_KEYS
                : keyColumns(analysis, store);
        return new Object[] {args[0], request};
    }

    static Method keyedMethod(Method method, Object request) throws NoSuchMethodException {
        return Statement.class.getMethod(method.getName(), String.class,
                request instanceof String[] ? String[].class : int.class);
    }

    private static String[] keyColumns(StatementAnalysis analysis, Store store) {
        List<String> key = store == Store.NEW ? analysis.mapping().newPrimaryKey() : analysis.mapping().primaryKey();
        return key.toArray(String[]::new);
    }

    /**
     * Reads the keys of the last execution, one list of key values per inserted row. Only when the application
     * asked for the keys itself are they copied, so that it can read them afterwards; keys requested by us
     * alone are read straight from the driver.
     */
    List<List<Object>> read(Statement physical, StatementAnalysis analysis, Store store) throws SQLException {
        KeyRows rows;
        try (ResultSet keys = physical.getGeneratedKeys()) {
            rows = KeyRows.read(keys);
        }
        if (!requestedByUs || appAsked) {
            cached = rows; // the application asked for the keys: it reads this copy afterwards
        }
        List<String> keyColumns = store == Store.NEW ? analysis.mapping().newPrimaryKey() : analysis.mapping().primaryKey();
        int[] positions = new int[keyColumns.size()];
        boolean unnamed = rows.columnCount() == keyColumns.size() && rows.columnCount() > 0
                && UNNAMED.contains(rows.label(0).toLowerCase(java.util.Locale.ROOT));
        for (int k = 0; k < keyColumns.size(); k++) {
            positions[k] = unnamed ? k : -1;
            for (int c = 0; c < rows.columnCount(); c++) {
                if (rows.label(c).equalsIgnoreCase(keyColumns.get(k))) {
                    positions[k] = c;
                }
            }
            if (positions[k] < 0) {
                // the application asked for other columns (prepareStatement(sql, new String[] {"qty"})): their
                // values are no key, and the rows' keys are unknown
                return List.of();
            }
        }
        List<List<Object>> keys = new ArrayList<>(rows.rows().size());
        for (Object[] row : rows.rows()) {
            List<Object> key = new ArrayList<>(positions.length);
            for (int position : positions) {
                Object value = row[position];
                key.add(value instanceof BigInteger big && big.bitLength() < 64 ? big.longValue() : value);
            }
            keys.add(key);
        }
        return keys;
    }


    /** What {@code getGeneratedKeys()} returns to the application; {@code dialect} is the statement's store's. */
    ResultSet forApplication(Statement physical, @Nullable Dialect dialect,
                             io.dualwrite.mapping.@Nullable TableMapping newStoreMapping) throws SQLException {
        if (newStoreMapping != null && !(requestedByUs && !appAsked)) {
            // on the new store the keys come in the new table's names: the application asked in the old ones
            KeyRows rows = cached != null ? cached : readAll(physical);
            cached = rows;
            return rows.inOldNames(newStoreMapping).resultSet();
        }
        return forApplication(physical, dialect);
    }

    private static KeyRows readAll(Statement physical) throws SQLException {
        try (ResultSet keys = physical.getGeneratedKeys()) {
            return KeyRows.read(keys);
        }
    }

    /** What {@code getGeneratedKeys()} returns to the application on the old store. */
    ResultSet forApplication(Statement physical, @Nullable Dialect dialect) throws SQLException {
        if (requestedByUs && !appAsked) {
            if (dialect == Dialect.MYSQL) {
                // what the MySQL and MariaDB drivers do for keys not asked for: the app sees its driver's answer
                if (physical.getConnection().getMetaData().getDriverName().toLowerCase(java.util.Locale.ROOT)
                        .contains("mariadb")) {
                    throw new SQLException("Cannot return generated keys: query was not set with"
                            + " Statement.RETURN_GENERATED_KEYS");
                }
                throw new SQLException("Generated keys not requested. You need to specify"
                        + " Statement.RETURN_GENERATED_KEYS to Statement.executeUpdate(), Statement.executeLargeUpdate()"
                        + " or Connection.prepareStatement().", "S1009");
            }
            return empty();
        }
        if (cached != null) {
            return cached.resultSet();
        }
        return physical.getGeneratedKeys();
    }

    private static ResultSet empty() {
        return KeyRows.empty().resultSet();
    }
}
