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
 * The change log itself, twenty-third break: {@code dualwrite_change_log} rows edited by hand into what no entry
 * can hold, among entries the reconciler must still repair. Each test ends comparing the two stores row by row with
 * plain JDBC, and reads the change-log table with plain JDBC.
 */
class ChangeLogBreak23Test {

    private static final String MIGRATION = "b23";

    private static Switchboard dualWrite() {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
        return Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(MIGRATION)).build();
    }

    // Failed before the fix (every member): the hand-edited row, due first, made every claim fail as it was read
    // (IllegalArgumentException: no enum constant, or a blank table), the claim rolled back, and the reconciler
    // repaired nothing, on this pass and every later one: the three readable entries stayed, the new store stale.
    @ParameterizedTest(name = "{0}: a row with {1} = ''{2}'' blocks no other entry and is set aside by name")
    @CsvSource({
        "POSTGRES, operation, FOO", "POSTGRES, operation, update", "POSTGRES, target_store, new",
        "POSTGRES, table_name, ' '",
        "MARIADB, operation, FOO", "MARIADB, target_store, both", "MARIADB, table_name, ''",
        "H2, operation, upsert ", "H2, target_store, NEWER", "H2, table_name, ''"})
    void aRowEditedByHandIntoNoEntryIsSetAsideAndTheOthersAreRepaired(Kind kind, String column, String value)
            throws Exception {
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
            // edited by hand, and due before every other entry
            oldDb.execute("UPDATE dualwrite_change_log SET " + column + " = '" + value + "' WHERE id = " + edited);
            oldDb.execute("UPDATE dualwrite_change_log SET due_at = created_at - INTERVAL '1' HOUR WHERE id = "
                    + edited);

            Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite())
                    .batchSize(2).build();
            reconciler.runOnce();
            reconciler.runOnce();

            List<Map<String, Object>> left = oldDb.query("SELECT id, last_error FROM dualwrite_change_log");
            assertThat(left).as("only the edited row is left, in the backlog").hasSize(1);
            assertThat(((Number) left.get(0).get("id")).longValue()).isEqualTo(edited);
            assertThat(String.valueOf(left.get(0).get("last_error"))).as("its error names it and the fix")
                    .contains("change-log entry " + edited + " cannot be read").contains("correct the row");
            assertThat(changeLog.pendingCount(MIGRATION)).isEqualTo(column.equals("migration") ? 0 : 1);
            assertThat(Rows.assertSame(oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(3);
        }
    }
}
