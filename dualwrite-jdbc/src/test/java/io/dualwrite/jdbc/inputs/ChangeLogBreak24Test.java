package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The change log's rows set aside (round 23's fix), attacked with hand edits of other columns than the ones round 23
 * tried: dates no instant is (MariaDB's zero date, PostgreSQL's infinities), a counter at its limit, ids the switches
 * cannot name. Either the row is repaired, or it is set aside by name; never does it stop the other entries. Each test
 * ends comparing the two stores row by row with plain JDBC, and reads the change-log table with plain JDBC.
 */
class ChangeLogBreak24Test {

    private static final String MIGRATION = "b24";

    private static Switchboard dualWrite() {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
        return Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(MIGRATION)).build();
    }

    // Held (no fix needed): each edited row was repaired, or left in the table with a reason (a blank merchant or order
    // id is claimed and rescheduled as an entry that fails), and the other entries were repaired on the first pass.
    @ParameterizedTest(name = "{0}: a row edited to {1} blocks no other entry")
    @CsvSource(delimiter = '|', value = {
        "MARIADB|created_at = '0000-00-00 00:00:00'",
        "MARIADB|due_at = '0000-00-00 00:00:00', created_at = '0000-00-00 00:00:00'",
        "MARIADB|attempts = 2147483647",
        "MARIADB|merchant_id = ''",
        "MARIADB|order_id = ' '",
        "MARIADB|created_at = '9999-12-31 23:59:59.999999'",
        "POSTGRES|created_at = '-infinity'",
        "POSTGRES|due_at = '-infinity', created_at = 'infinity'",
        "POSTGRES|attempts = 2147483647",
        "POSTGRES|merchant_id = ''",
        "POSTGRES|created_at = '4713-01-01 BC'",
        "H2|attempts = 2147483647",
        "H2|created_at = TIMESTAMP '-999999999-01-01 00:00:00'",
    })
    void aRowEditedByHandBlocksNoOtherEntry(Kind kind, String edit) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)");
            for (int id = 1; id <= 3; id++) {
                oldDb.execute("INSERT INTO orders VALUES (" + id + ", 'c" + id + "', " + (100 + id) + ")");
                newDb.execute("INSERT INTO orders_v2 VALUES (" + id + ", 'c" + id + "', " + id + ")");
            }
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            long edited = changeLog.record(MIGRATION, "orders", "1", Operation.UPDATE, "test");
            for (int id = 1; id <= 3; id++) {
                changeLog.record(MIGRATION, "orders", Integer.toString(id), Operation.UPDATE, "test");
            }
            oldDb.execute("UPDATE dualwrite_change_log SET due_at = created_at - INTERVAL '1' HOUR WHERE id = "
                    + edited);
            oldDb.execute("UPDATE dualwrite_change_log SET " + edit + " WHERE id = " + edited);

            Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite())
                    .batchSize(2).build();
            reconciler.runOnce();
            reconciler.runOnce();

            List<Map<String, Object>> left = oldDb.query("SELECT id, last_error FROM dualwrite_change_log");
            assertThat(left).as("at most the edited row is left").hasSizeLessThanOrEqualTo(1);
            if (!left.isEmpty()) {
                assertThat(((Number) left.get(0).get("id")).longValue()).isEqualTo(edited);
                assertThat(left.get(0).get("last_error")).as("it says why it is left").isNotNull();
            }
            assertThat(Rows.assertSame(oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(3);
        }
    }
}
