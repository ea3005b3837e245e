package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fifteenth review of the write path: writes by other means than the rows a statement names. MariaDB's
 * application-time periods ({@code PERIOD FOR p(s, e)}) let an {@code UPDATE} or a {@code DELETE} act {@code FOR
 * PORTION OF p FROM … TO …}: each row it meets is cut to the portion, and the parts of the row outside it are inserted
 * as new rows under the table's next {@code AUTO_INCREMENT} keys, which no statement names and the update count does
 * not show. Each test checks the old store's rows, then the new store against them row by row: equal, or a scoped
 * resync recorded and the stores equal after resolving it.
 */
class WritePathBreak15Test {

    private static final String PERIODS = "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20),"
            + " qty INT, s DATE NOT NULL, e DATE NOT NULL, PERIOD FOR p(s, e))";
    private static final String NEW_PERIODS = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20),"
            + " quantity INT, s DATE, e DATE)";

    /** One pair of databases for the class; each test starts from the same table and row. */
    private static Fixture fixture;

    @BeforeAll
    static void start() {
        fixture = Fixture.of(Kind.MARIADB, Kind.H2);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void reset() throws Exception {
        fixture.onOld("DROP TABLE IF EXISTS orders", PERIODS,
                "INSERT INTO orders (code, qty, s, e) VALUES ('a', 1, '2024-01-01', '2025-01-01')");
        fixture.onNew("DROP TABLE IF EXISTS orders_v2", NEW_PERIODS,
                "INSERT INTO orders_v2 VALUES (1, 'a', 1, '2024-01-01', '2025-01-01')");
        fixture.changeLog.entries().forEach(entry -> fixture.changeLog.complete(entry.id()));
    }

    private static void run(String sql) throws Exception {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        WritePathBreak9Test.drained(fixture);
    }

    private static String oldPeriods() {
        return Rows.of(fixture.oldDb, "SELECT id, qty, s, e FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("qty") + ":" + r.get("s") + ".." + r.get("e"))
                .collect(Collectors.joining(" "));
    }

    private static void sameOrResynced(String label) throws Exception {
        Mirrored.exactOrResynced(fixture, label);
        Rows.assertSame(fixture.oldDb, "SELECT id, code, qty, s, e FROM orders ORDER BY id",
                fixture.newDb, "SELECT id, code, quantity AS qty, s, e FROM orders_v2 ORDER BY id");
    }

    // Failed before its fix: row 1 was synced by its key (or the key the pre-select found), but MariaDB also inserted
    // rows 2 and 3, the parts of row 1 before and after the portion, under its next AUTO_INCREMENT keys: the new store
    // held row 1 only, and nothing was recorded. A write FOR PORTION OF now records the table's scoped resync.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders FOR PORTION OF p FROM '2024-03-01' TO '2024-04-01' SET qty = 9 WHERE id = 1"
                + " | 1:9:2024-03-01..2024-04-01 2:1:2024-01-01..2024-03-01 3:1:2024-04-01..2025-01-01",
        "UPDATE orders FOR PORTION OF p FROM '2024-03-01' TO '2024-04-01' SET qty = 9 WHERE code = 'a'"
                + " | 1:9:2024-03-01..2024-04-01 2:1:2024-01-01..2024-03-01 3:1:2024-04-01..2025-01-01",
        "UPDATE orders FOR /* the period */ PORTION OF `p` FROM '2024-03-01' TO '2025-06-01' SET qty = 9"
                + " | 1:9:2024-03-01..2025-01-01 2:1:2024-01-01..2024-03-01",
        "DELETE FROM orders FOR PORTION OF p FROM '2024-03-01' TO '2024-04-01' WHERE id = 1"
                + " | 2:1:2024-01-01..2024-03-01 3:1:2024-04-01..2025-01-01",
        "DELETE FROM orders FOR PORTION OF p FROM '2023-01-01' TO '2024-04-01'"
                + " | 2:1:2024-04-01..2025-01-01"})
    void mariadbWritesForAPortionOfAPeriodAreRecorded(String sql, String expectedOld) throws Exception {
        run(sql);
        assertThat(oldPeriods()).isEqualTo(expectedOld);
        sameOrResynced(sql);
    }

    // Failed before its fix, as the texts above: the portion and the key bound as parameters of a prepared statement.
    @Test
    void mariadbPreparedUpdateForAPortionIsRecorded() throws Exception {
        try (Connection connection = fixture.dataSource.getConnection();
             java.sql.PreparedStatement update = connection.prepareStatement(
                     "UPDATE orders FOR PORTION OF p FROM ? TO ? SET qty = ? WHERE id = ?")) {
            update.setObject(1, java.time.LocalDate.of(2024, 3, 1));
            update.setObject(2, java.time.LocalDate.of(2024, 4, 1));
            update.setInt(3, 9);
            update.setLong(4, 1);
            update.executeUpdate();
        }
        WritePathBreak9Test.drained(fixture);
        assertThat(oldPeriods())
                .isEqualTo("1:9:2024-03-01..2024-04-01 2:1:2024-01-01..2024-03-01 3:1:2024-04-01..2025-01-01");
        sameOrResynced("prepared update for a portion");
    }

    // Passed before the fix, and must go on passing: the same words in a string are no portion, and the update by key
    // is synced exactly, with nothing recorded.
    @Test
    void theWordsOfAPortionInAStringAreNoPortion() throws Exception {
        run("UPDATE orders SET code = 'for portion of p' WHERE id = 1");
        assertThat(fixture.scopedResyncs()).isEmpty();
        Rows.assertSame(fixture.oldDb, "SELECT id, code, qty, s, e FROM orders ORDER BY id",
                fixture.newDb, "SELECT id, code, quantity AS qty, s, e FROM orders_v2 ORDER BY id");
    }
}
