package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A synced row whose values meet another row of the target on a unique key other than the primary key must fail
 * the sync (which is then recorded), never be resolved against that other row: MySQL's and MariaDB's {@code ON
 * DUPLICATE KEY UPDATE} fires on any unique key, and used to update the other row and report success with the
 * synced row never written. Rows are compared with plain queries on the stores.
 */
class SecondaryUniqueKeyTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRowMeetingAnotherRowOnASecondaryUniqueKeyFailsTheWholeSync(Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10), qty INT)",
                    "INSERT INTO uq VALUES (1, 'a', 10), (2, 'b', 20)");
            fresh.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                    "INSERT INTO uq VALUES (5, 'a', 50), (3, 'z', 30)");
            List<Map<String, Object>> before = fresh.query("SELECT id, code, qty FROM uq ORDER BY id");

            // row 1 meets row 5 on code; row 3 is gone from the source (a delete), row 2 is new
            assertThatThrownBy(() -> copier(old, fresh).sync(Store.OLD,
                    List.of(new RowCopier.TableKeys(TableMapping.identity("uq"), List.of("1", "2", "3"), null))))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));

            assertThat(fresh.query("SELECT id, code, qty FROM uq ORDER BY id")).as("nothing of the sync was kept")
                    .isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCompositeKeyedRowMeetingAnotherOnASecondaryUniqueKeyFailsAndOneUpdatingItsOwnRowDoesNot(Kind kind)
            throws Exception {
        TableMapping lines = TableMapping.builder("order_lines").primaryKey("order_id", "line").build();
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE order_lines (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(10), qty INT,"
                        + " PRIMARY KEY (order_id, line)" + (db == fresh ? ", UNIQUE (sku)" : "") + ")");
            }
            old.execute("INSERT INTO order_lines VALUES (1, 1, 'x', 2), (1, 2, 'y', 3)");
            fresh.execute("INSERT INTO order_lines VALUES (1, 1, 'x', 1), (9, 9, 'y', 9)");
            RowCopier copier = copier(old, fresh);

            // (1, 1) updates its own row, also when its sku is unchanged: the guard lets it through
            copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(lines, List.of(keyOf(1, 1)), null)));
            assertThat(fresh.count("SELECT qty FROM order_lines WHERE order_id = 1 AND line = 1")).isEqualTo(2);

            // (1, 2) meets (9, 9) on sku
            assertThatThrownBy(() -> copier.sync(Store.OLD,
                    List.of(new RowCopier.TableKeys(lines, List.of(keyOf(1, 2)), null))))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
            assertThat(fresh.query("SELECT order_id, line, sku, qty FROM order_lines ORDER BY order_id, line"))
                    .hasSize(2).extracting(row -> ((Number) row.values().iterator().next()).intValue())
                    .containsExactly(1, 9);
            assertThat(fresh.count("SELECT qty FROM order_lines WHERE order_id = 9")).isEqualTo(9);
        }
    }

    private static String keyOf(int orderId, int line) {
        return io.dualwrite.jdbc.KeyCodec.encode(List.of(orderId, line));
    }

    private static RowCopier copier(TestDatabase old, TestDatabase fresh) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
    }
}
