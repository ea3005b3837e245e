package io.dualwrite.jdbc.endtoend;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Plain JDBC application code, unaware of dual writes: it runs the same against the old store's pool and
 * against a DualWriteDataSource, and returns everything it observes (update counts, generated keys).
 */
final class OrdersApp {

    private static final String INSERT =
            "INSERT INTO orders (merchant_id, status, amount, created_at) VALUES (?, ?, ?, ?)";

    private final DataSource dataSource;

    OrdersApp(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Orders 1, 2 and 3 of merchant m-1, small amounts. */
    List<Object> seed() throws SQLException {
        List<Object> seen = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int i = 1; i <= 3; i++) {
                seen.add(insert(insert, "m-1", "NEW", new BigDecimal(i * 10 + ".5"), i));
            }
        }
        return seen;
    }

    /**
     * Inserts (keys not asked, then asked), an update of several rows, a delete, a batch and a
     * multi-statement transaction. Every amount it writes is at least 1000.
     */
    List<Object> run() throws SQLException {
        List<Object> seen = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                seen.add(insert(insert, "m-2", "NEW", new BigDecimal("1500.00"), 4));
                seen.add(insert(insert, "m-2", "NEW", new BigDecimal("1500.10"), 5));
                seen.add(keysNotAsked(insert));
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                seen.add(insert(insert, "m-2", "NEW", new BigDecimal("2000"), 6));
                seen.add(askedKey(connection, insert));
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE orders SET status = ?, amount = amount + 1000 WHERE merchant_id = ?")) {
                update.setString(1, "PAID");
                update.setString(2, "m-1");
                seen.add("updated " + update.executeUpdate());
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setLong(1, 2);
                seen.add("deleted " + delete.executeUpdate());
            }
            try (PreparedStatement batch = connection.prepareStatement(INSERT)) {
                for (int i = 7; i <= 8; i++) {
                    bind(batch, "m-3", "NEW", new BigDecimal("1200.25"), i);
                    batch.addBatch();
                }
                seen.add("batch " + Arrays.toString(batch.executeBatch()));
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                seen.add(insert(insert, "m-1", "NEW", new BigDecimal("3000"), 9));
                seen.add(askedKey(connection, insert));
                update.setString(1, "SHIPPED");
                update.setLong(2, 1);
                seen.add("updated " + update.executeUpdate());
            }
            connection.commit();
            connection.setAutoCommit(true);
        }
        return seen;
    }

    private static String insert(PreparedStatement insert, String merchant, String status, BigDecimal amount, int day)
            throws SQLException {
        bind(insert, merchant, status, amount, day);
        return "inserted " + insert.executeUpdate();
    }

    private static void bind(PreparedStatement insert, String merchant, String status, BigDecimal amount, int day)
            throws SQLException {
        insert.setString(1, merchant);
        insert.setString(2, status);
        insert.setBigDecimal(3, amount);
        insert.setTimestamp(4, Timestamp.valueOf(LocalDateTime.of(2026, 3, day, 10, 15, 30, 123_456_000)));
    }

    /**
     * The generated key the code asked for, as the row it names: key values themselves may differ by
     * auto-increment gaps between runs (the MariaDB driver reserves ids differently for a batch prepared
     * with or without RETURN_GENERATED_KEYS).
     */
    private static String askedKey(Connection connection, Statement insert) throws SQLException {
        List<Long> keys = keys(insert);
        if (keys.size() != 1) {
            return "asked keys " + keys;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT merchant_id, amount FROM orders WHERE id = ?")) {
            select.setLong(1, keys.get(0));
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? "asked key of " + row.getString(1) + " " + row.getBigDecimal(2) : "asked key of nothing";
            }
        }
    }

    /** What the driver answers when code reads generated keys it did not ask for. */
    private static String keysNotAsked(Statement insert) {
        try (ResultSet generated = insert.getGeneratedKeys()) {
            int rows = 0;
            while (generated.next()) {
                rows++;
            }
            return "keys not asked: " + rows + " rows";
        } catch (SQLException e) {
            return "keys not asked: SQLException";
        }
    }

    private static List<Long> keys(Statement statement) throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (ResultSet generated = statement.getGeneratedKeys()) {
            while (generated.next()) {
                keys.add(generated.getLong(1));
            }
        }
        return keys;
    }
}
