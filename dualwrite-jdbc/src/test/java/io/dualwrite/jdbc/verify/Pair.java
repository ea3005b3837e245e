package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * An old and a new store holding table {@code orders} (old) and {@code orders_v2} (new, {@code amount} renamed to
 * {@code amount_total}) with the same values in different types: the old table keeps DECIMAL(10,2), a small
 * integer for {@code paid}, date-times at millisecond precision and a CHAR(5) code; the new one a wider decimal,
 * a boolean, microsecond date-times and a VARCHAR code. Rows are written and compared with plain JDBC.
 */
final class Pair implements AutoCloseable {

    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("amount", "amount_total").merchantIdColumn("merchant_id").build();
    static final LocalDateTime T0 = LocalDateTime.parse("2026-03-01T08:30:15.123");
    /** The {@code @MethodSource} of {@link #storePairs()}. */
    static final String STORE_PAIRS = "io.dualwrite.jdbc.verify.Pair#storePairs";

    /** The store pairs most verification tests run on: each product with itself, and MariaDB to PostgreSQL. */
    static Stream<Arguments> storePairs() {
        return Stream.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.POSTGRES, Kind.POSTGRES),
                Arguments.of(Kind.MARIADB, Kind.MARIADB), Arguments.of(Kind.MARIADB, Kind.POSTGRES));
    }

    final TestDatabase oldDb;
    final TestDatabase newDb;

    private Pair(Kind oldKind, Kind newKind) throws SQLException {
        oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
        newDb = TestDatabases.create(newKind);
        oldDb.execute(oldTable(oldKind));
        newDb.execute(newTable(newKind));
    }

    /** The two stores, tables created, empty. */
    static Pair of(Kind oldKind, Kind newKind) throws SQLException {
        return new Pair(oldKind, newKind);
    }

    private static String oldTable(Kind kind) {
        return switch (kind) {
            case H2 -> "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(10,2),"
                    + " paid TINYINT, created_at TIMESTAMP(3), note VARCHAR(40), code CHAR(5))";
            case POSTGRES -> "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(10,2),"
                    + " paid SMALLINT, created_at TIMESTAMP(3), note VARCHAR(40), code CHAR(5))";
            case MARIADB -> "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(10,2),"
                    + " paid TINYINT(1), created_at DATETIME(3), note VARCHAR(40), code CHAR(5))";
        };
    }

    private static String newTable(Kind kind) {
        return switch (kind) {
            case H2 -> "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount_total NUMERIC(14,4),"
                    + " paid BOOLEAN, created_at TIMESTAMP(6), note VARCHAR(40), code VARCHAR(8))";
            case POSTGRES -> "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount_total NUMERIC,"
                    + " paid BOOLEAN, created_at TIMESTAMP(6), note VARCHAR(40), code VARCHAR(8))";
            case MARIADB -> "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount_total DECIMAL(14,4),"
                    + " paid BOOLEAN, created_at DATETIME(6), note VARCHAR(40), code VARCHAR(8))";
        };
    }

    /** Rows {@code from} to {@code to} (inclusive), the same in both stores; merchants m-0, m-1, m-2 by id. */
    void fill(long from, long to) throws SQLException {
        insert(oldDb, "INSERT INTO orders (id, merchant_id, amount, paid, created_at, note, code) VALUES (?, ?, ?, ?, ?, ?, ?)",
                from, to, false);
        insert(newDb, "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", from, to, true);
    }

    private static void insert(TestDatabase db, String sql, long from, long to, boolean booleans) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            for (long id = from; id <= to; id++) {
                insert.setLong(1, id);
                insert.setString(2, "m-" + id % 3);
                insert.setBigDecimal(3, BigDecimal.valueOf(id * 7 + 12, 2)); // 0.19, 0.26, … with a cent
                if (booleans) {
                    insert.setBoolean(4, id % 2 == 1);
                } else {
                    insert.setInt(4, (int) (id % 2));
                }
                insert.setObject(5, T0.plusMinutes(id));
                insert.setString(6, id % 11 == 0 ? null : "note " + id);
                insert.setString(7, "ab");
                insert.addBatch();
                if (id % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    /**
     * Every row of both stores, compared by the test: the new rows mapped back to the old names, values made
     * comparable (decimals by value, booleans as 0/1, date-times as local values); {@code code} is trimmed on both
     * sides, since the old CHAR(5) pads it (the copier copies the padding into the new VARCHAR).
     */
    void assertSameRows() {
        org.assertj.core.api.Assertions.assertThat(mismatches()).as("rows that differ, compared by the test").isEmpty();
    }

    /** The ids of the rows that differ between the stores, compared by the test as {@link #assertSameRows} does. */
    java.util.Set<Long> mismatches() {
        Map<Long, List<Object>> old = rows(oldDb, "SELECT id, merchant_id, amount, paid, created_at, note, RTRIM(code) AS code FROM orders");
        Map<Long, List<Object>> fresh = rows(newDb,
                "SELECT id, merchant_id, amount_total, paid, created_at, note, RTRIM(code) AS code FROM orders_v2");
        java.util.Set<Long> mismatches = new java.util.TreeSet<>();
        java.util.Set<Long> ids = new java.util.TreeSet<>(old.keySet());
        ids.addAll(fresh.keySet());
        for (Long id : ids) {
            if (!Objects.equals(old.get(id), fresh.get(id))) {
                mismatches.add(id);
            }
        }
        return mismatches;
    }

    private static Map<Long, List<Object>> rows(TestDatabase db, String sql) {
        Map<Long, List<Object>> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Object> values = new ArrayList<>();
            for (Object value : row.values()) {
                values.add(comparable(value));
            }
            rows.put(((Number) row.get("id")).longValue(), values);
        }
        return rows;
    }

    private static Object comparable(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Boolean flag) {
            return flag ? "1" : "0";
        }
        if (value instanceof Number number) {
            return number.toString();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toLocalDateTime();
        }
        if (value instanceof LocalDateTime) {
            return value;
        }
        return Objects.requireNonNullElse(value, "<null>");
    }

    /** A verifier over the two stores recording into the old one, with short re-read waits. */
    Verifier.Builder verifier() {
        return Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .recheckDelay(java.time.Duration.ofMillis(20)).recheckRounds(2);
    }

    /** A job on {@code orders}. */
    static VerificationJob.Builder job() {
        return VerificationJob.builder("orders").table(ORDERS);
    }

    @Override
    public void close() {
        oldDb.close();
        newDb.close();
    }

    static void schema(TestDatabase db) throws SQLException {
        DualWriteSchema.create(db.dataSource());
    }
}
