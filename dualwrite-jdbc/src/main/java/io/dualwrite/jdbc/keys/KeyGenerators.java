package io.dualwrite.jdbc.keys;

import io.dualwrite.jdbc.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Reads and moves the key generator behind a table's key column, per dialect: a PostgreSQL sequence
 * (serial or identity), an H2 identity, a MySQL/MariaDB {@code AUTO_INCREMENT}.
 */
final class KeyGenerators {

    private KeyGenerators() {
    }

    /** The next value the column's generator will hand out; empty when the column has none. */
    static OptionalLong nextValue(Connection connection, String table, String column) throws SQLException {
        return switch (Dialect.detect(connection)) {
            case POSTGRESQL -> postgresNext(connection, table, column);
            case H2 -> h2Next(connection, table, column);
            case MYSQL -> mysqlNext(connection, table);
        };
    }

    /** The highest value of a numeric column; empty when the table is empty. */
    static OptionalLong maxValue(Connection connection, String table, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT MAX(" + column + ") FROM " + table)) {
            result.next();
            long max = result.getLong(1);
            return result.wasNull() ? OptionalLong.empty() : OptionalLong.of(max);
        }
    }

    /** Moves the column's generator so that the next value it hands out is {@code next}. */
    static void restartAt(Connection connection, String table, String column, long next) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            switch (Dialect.detect(connection)) {
                case POSTGRESQL -> {
                    try (PreparedStatement setval = connection.prepareStatement(
                            "SELECT setval(pg_get_serial_sequence(?, ?), ?, false)")) {
                        setval.setString(1, table);
                        setval.setString(2, column);
                        setval.setLong(3, next);
                        setval.execute();
                    }
                }
                case H2 -> statement.execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " RESTART WITH " + next);
                case MYSQL -> statement.execute("ALTER TABLE " + table + " AUTO_INCREMENT = " + next);
            }
        }
    }

    private static OptionalLong postgresNext(Connection connection, String table, String column) throws SQLException {
        String sequence;
        try (PreparedStatement find = connection.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            find.setString(1, table);
            find.setString(2, column);
            try (ResultSet result = find.executeQuery()) {
                result.next();
                sequence = result.getString(1);
            }
        }
        if (sequence == null) {
            return OptionalLong.empty();
        }
        long increment;
        try (PreparedStatement read = connection.prepareStatement("SELECT s.increment_by FROM pg_sequences s"
                + " WHERE quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) = ?")) {
            read.setString(1, sequence);
            OptionalLong found = single(read);
            if (found.isEmpty()) {
                return OptionalLong.empty();
            }
            increment = found.getAsLong();
        }
        // pg_sequences shows no last value after setval(..., false); the relation itself tells is_called.
        // The name comes from pg_get_serial_sequence, already quoted by PostgreSQL.
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
            result.next();
            long last = result.getLong(1);
            return OptionalLong.of(result.getBoolean(2) ? last + increment : last);
        }
    }

    private static OptionalLong h2Next(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = SCHEMA() AND UPPER(TABLE_NAME) = ? AND UPPER(COLUMN_NAME) = ? AND IS_IDENTITY = 'YES'")) {
            read.setString(1, table.toUpperCase(Locale.ROOT));
            read.setString(2, column.toUpperCase(Locale.ROOT));
            return single(read);
        }
    }

    private static OptionalLong mysqlNext(Connection connection, String table) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT AUTO_INCREMENT FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) = ?")) {
            read.setString(1, table.toLowerCase(Locale.ROOT));
            return single(read);
        }
    }

    private static OptionalLong single(PreparedStatement read) throws SQLException {
        try (ResultSet result = read.executeQuery()) {
            if (!result.next()) {
                return OptionalLong.empty();
            }
            long value = result.getLong(1);
            return result.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
        }
    }
}
