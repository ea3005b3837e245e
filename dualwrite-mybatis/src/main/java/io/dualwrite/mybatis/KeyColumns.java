package io.dualwrite.mybatis;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The Java type a by-key statement that declares no parameter type should get a key as: the type of the key column
 * the statement compares it with, read from the store's catalog. MyBatis binds a parameter of unknown type by the
 * value's own class, so a key given as its text was bound as a {@code varchar}, which PostgreSQL refuses against a
 * numeric or {@code uuid} column ({@code operator does not exist: bigint = character varying}).
 */
final class KeyColumns {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KeyColumns.class);

    private KeyColumns() {
    }

    /**
     * Whether a statement's parameter type says nothing of its key: none declared (XML without {@code parameterType}),
     * {@code Object}, or a map, all of which MyBatis binds by the value given.
     */
    static boolean undeclared(@Nullable Class<?> type) {
        return type == null || type == Object.class || java.util.Map.class.isAssignableFrom(type);
    }

    /**
     * {@code Long} for an integer column, {@code BigDecimal} for a decimal one, {@code UUID} for a {@code uuid} one,
     * {@code String} for any other; null when the table or column is not in the catalog or it cannot be read.
     */
    static @Nullable Class<?> javaType(DataSource dataSource, String table, String column) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            // identifiers are stored upper-case (H2), lower-case (PostgreSQL) or as written (MySQL/MariaDB)
            for (String name : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
                try (ResultSet columns = metaData.getColumns(connection.getCatalog(),
                        pattern(metaData, connection.getSchema()), pattern(metaData, name), null)) {
                    while (columns.next()) {
                        if (columns.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                            return javaType(columns.getInt("DATA_TYPE"), columns.getString("TYPE_NAME"));
                        }
                    }
                }
            }
            return null;
        } catch (SQLException | RuntimeException unreadable) {
            log.debug("could not read the type of key column {}.{}: {}", table, column,
                    io.dualwrite.internal.Credentials.describe(unreadable));
            return null;
        }
    }

    /**
     * The one primary-key column of {@code table} as the store's catalog names it; null when the table is not found,
     * its key has several columns, or the catalog cannot be read.
     */
    static @Nullable String primaryKey(DataSource dataSource, String table) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            for (String name : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
                java.util.List<String> columns = new java.util.ArrayList<>();
                try (ResultSet keys = metaData.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), name)) {
                    while (keys.next()) {
                        columns.add(keys.getString("COLUMN_NAME"));
                    }
                }
                if (!columns.isEmpty()) {
                    return columns.size() == 1 ? columns.get(0) : null;
                }
            }
            return null;
        } catch (SQLException | RuntimeException unreadable) {
            log.debug("could not read the primary key of {}: {}", table,
                    io.dualwrite.internal.Credentials.describe(unreadable));
            return null;
        }
    }

    private static Class<?> javaType(int type, @Nullable String typeName) {
        if (typeName != null && typeName.toLowerCase(Locale.ROOT).equals("uuid")) {
            return java.util.UUID.class;
        }
        if (type == Types.BIGINT && typeName != null && typeName.toUpperCase(Locale.ROOT).contains("UNSIGNED")) {
            return java.math.BigInteger.class; // MySQL/MariaDB: past Long.MAX_VALUE
        }
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Long.class;
            case Types.NUMERIC, Types.DECIMAL -> BigDecimal.class;
            default -> String.class;
        };
    }

    /** A name as a catalog pattern that matches only itself ({@code _} and {@code %} are wildcards there). */
    private static @Nullable String pattern(DatabaseMetaData metaData, @Nullable String name) throws SQLException {
        String escape = metaData.getSearchStringEscape();
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
