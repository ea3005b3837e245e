package io.dualwrite.jdbc.reconcile;

import static io.dualwrite.jdbc.reconcile.Stores.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.changelog.TestClock;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Old store MariaDB, new store PostgreSQL: types differ, columns are renamed and transformed. */
class MariaDbToPostgresTest {

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .primaryKey("id")
            .rename("note", "note_upper")
            .transform("note", ValueTransformer.of(
                    v -> v == null ? null : v.toString().toUpperCase(Locale.ROOT),
                    v -> v == null ? null : v.toString().toLowerCase(Locale.ROOT)))
            .add("currency", "EUR")
            .build();
    private static final TableMapping ITEMS = TableMapping.builder("order_items").primaryKey("order_id", "line_no")
            .rename("qty", "quantity").build();
    private static final TableMapping PAYMENTS = TableMapping.identity("payments");

    @Test
    void rowsOfEveryTypeArriveInPostgresAndDeletionsFollow() throws Exception {
        try (TestDatabase maria = TestDatabases.mariadb(); TestDatabase pg = TestDatabases.postgres()) {
            DualWriteSchema.create(maria.dataSource());
            maria.execute(
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, paid TINYINT(1), shipped BIT(1), amount DECIMAL(12,4),"
                            + " created_at DATETIME(6), note VARCHAR(50))",
                    "CREATE TABLE order_items (order_id BIGINT, line_no INT, sku VARCHAR(20), qty SMALLINT,"
                            + " PRIMARY KEY (order_id, line_no))",
                    "CREATE TABLE payments (id CHAR(36) PRIMARY KEY, order_id BIGINT, amount DECIMAL(10,2))",
                    "INSERT INTO orders VALUES (1, 1, b'1', 12.3400, '2026-03-01 08:30:15.123456', 'first'),"
                            + " (2, 0, b'0', 0.5000, '2026-03-02 23:59:59.000001', NULL)",
                    "INSERT INTO order_items VALUES (1, 1, 'A|1', 3), (1, 2, 'B', 1)");
            UUID payment = UUID.randomUUID();
            maria.execute("INSERT INTO payments VALUES ('" + payment + "', 1, 12.34)");
            pg.execute(
                    "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, paid BOOLEAN, shipped BOOLEAN, amount NUMERIC(14,2),"
                            + " created_at TIMESTAMP(6), note_upper VARCHAR(50), currency CHAR(3) NOT NULL)",
                    "CREATE TABLE order_items (order_id BIGINT, line_no INT, sku VARCHAR(20), quantity INT,"
                            + " PRIMARY KEY (order_id, line_no))",
                    "CREATE TABLE payments (id UUID PRIMARY KEY, order_id BIGINT, amount NUMERIC(10,2))",
                    "INSERT INTO orders_v2 VALUES (3, TRUE, TRUE, 1, NULL, 'GONE', 'EUR')",
                    "INSERT INTO order_items VALUES (1, 2, 'STALE', 99)");
            JdbcChangeLog changeLog = JdbcChangeLog.create(maria.dataSource());
            for (String key : List.of("1", "2", "3")) {
                changeLog.record(record("orders", key));
            }
            changeLog.record(record("order_items", KeyCodec.encode(List.of(1, 1))));
            changeLog.record(record("order_items", KeyCodec.encode(List.of(1, 2))));
            changeLog.record(record("payments", payment.toString()));

            Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                    .oldDataSource(maria.dataSource()).newDataSource(pg.dataSource())
                    .mappings(List.of(ORDERS, ITEMS, PAYMENTS)).clock(new TestClock(T0)).build();

            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(6, 6, 0));
            assertThat(pg.query("SELECT * FROM orders_v2 ORDER BY id")).containsExactly(
                    Map.of("id", 1L, "paid", true, "shipped", true, "amount", new BigDecimal("12.34"),
                            "created_at", java.sql.Timestamp.valueOf(LocalDateTime.parse("2026-03-01T08:30:15.123456")),
                            "note_upper", "FIRST", "currency", "EUR"),
                    nullNote(Map.of("id", 2L, "paid", false, "shipped", false, "amount", new BigDecimal("0.50"),
                            "created_at", java.sql.Timestamp.valueOf(LocalDateTime.parse("2026-03-02T23:59:59.000001")),
                            "currency", "EUR")));
            assertThat(pg.query("SELECT order_id, line_no, sku, quantity FROM order_items ORDER BY line_no"))
                    .containsExactly(Map.of("order_id", 1L, "line_no", 1, "sku", "A|1", "quantity", 3),
                            Map.of("order_id", 1L, "line_no", 2, "sku", "B", "quantity", 1));
            assertThat(pg.query("SELECT * FROM payments")).containsExactly(
                    Map.of("id", payment, "order_id", 1L, "amount", new BigDecimal("12.34")));

            // the payment is deleted in the authoritative store: the next repair deletes it in the new one
            maria.execute("DELETE FROM payments");
            changeLog.record(new ChangeRecord("orders", "payments", payment.toString(), Operation.DELETE, "timeout",
                    Store.NEW, null, null, T0));
            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(1, 1, 0));
            assertThat(pg.count("SELECT COUNT(*) FROM payments")).isZero();
        }
    }

    @Test
    void aRowIsCopiedBackFromPostgresToMariaDbThroughTheReverseMapping() throws Exception {
        try (TestDatabase maria = TestDatabases.mariadb(); TestDatabase pg = TestDatabases.postgres()) {
            maria.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, paid TINYINT(1), shipped BIT(1),"
                    + " amount DECIMAL(12,4), created_at DATETIME(6), note VARCHAR(50))");
            pg.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, paid BOOLEAN, shipped BOOLEAN, amount NUMERIC(14,2),"
                            + " created_at TIMESTAMP(6), note_upper VARCHAR(50), currency CHAR(3) NOT NULL)",
                    "INSERT INTO orders_v2 VALUES (5, TRUE, FALSE, 7.5, TIMESTAMP '2026-04-01 12:00:00', 'HELLO', 'EUR')");
            RowCopier copier = RowCopier.builder().oldDataSource(maria.dataSource()).newDataSource(pg.dataSource()).build();
            assertThat(copier.sync(Store.NEW, List.of(new RowCopier.TableKeys(ORDERS, List.of("5"), null))).copied())
                    .isEqualTo(1);
            pg.execute("DELETE FROM orders_v2");
            assertThat(copier.sync(Store.NEW, List.of(new RowCopier.TableKeys(ORDERS, List.of("6"), null))).deleted())
                    .isEqualTo(1);
            Map<String, Object> row = maria.query("SELECT * FROM orders").get(0);
            assertThat(row).containsEntry("id", 5L).containsEntry("paid", true).containsEntry("shipped", false)
                    .containsEntry("amount", new BigDecimal("7.5000")).containsEntry("note", "hello");
        }
    }

    private static Map<String, Object> nullNote(Map<String, Object> row) {
        java.util.HashMap<String, Object> withNull = new java.util.HashMap<>(row);
        withNull.put("note_upper", null);
        return withNull;
    }

    private static ChangeRecord record(String table, String key) {
        return new ChangeRecord("orders", table, key, Operation.UPSERT, "breaker-open", Store.NEW, null, null, T0);
    }
}
