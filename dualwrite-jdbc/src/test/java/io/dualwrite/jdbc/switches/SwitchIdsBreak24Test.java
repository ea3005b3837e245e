package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Switch ids with white space around them (round 21's refusal), attacked with the spaces {@link String#strip} does not
 * take: a no-break space (U+00A0, what a copied cell of a spreadsheet or a web page carries), a narrow no-break space
 * (U+202F), a zero-width space (U+200B) and a byte-order mark (U+FEFF). A switch kept under such an id names a
 * merchant or order no call names: the move is answered as applied while the merchant keeps its phase. Each test ends
 * comparing both stores row by row with plain JDBC.
 */
class SwitchIdsBreak24Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, qty FROM orders ORDER BY id";

    // Failed before the fix: each move of "m-1" spelt with such a space was allowed and stored; m-1 stayed OLD_ONLY,
    // and its write reached the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}: a switch id with U+{1} around it is refused by name")
    @CsvSource({"H2, 00A0, true", "POSTGRES, 202F, false", "MARIADB, 200B, true", "H2, FEFF, false",
        "POSTGRES, 00A0, false", "MARIADB, 2007, false"})
    void aSwitchIdWithASpaceStripDoesNotTakeIsRefusedByName(Kind kind, String code, boolean before) throws Exception {
        String space = String.valueOf((char) Integer.parseInt(code, 16));
        String spelt = before ? space + "m-1" : "m-1" + space;
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase fresh = TestDatabases.create(kind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)");
            }
            JdbcSwitchStore store = JdbcSwitchStore.create(old.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(store).refreshInterval(Duration.ofMillis(100))
                    .migration(MigrationSwitchConfig.of("orders")).build();
            SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.open());
            admin.moveSystem("orders", MigrationPhase.OLD_ONLY, false);

            assertThatThrownBy(() -> admin.moveMerchant("orders", spelt, MigrationPhase.DUAL_WRITE, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+" + code)
                    .hasMessageContaining("write 'm-1'");
            assertThatThrownBy(() -> admin.moveOrder("orders", spelt, MigrationPhase.DUAL_WRITE, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+" + code);
            assertThat(old.count("SELECT COUNT(*) FROM dualwrite_switch WHERE scope_kind <> 'SYSTEM'"))
                    .as("nothing stored").isZero();

            admin.moveMerchant("orders", "m-1", MigrationPhase.DUAL_WRITE, false);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
            try (MirrorExecutor toNew = MirrorExecutors.create("b24-to-new", config, changeLog, event -> { });
                 MirrorExecutor toOld = MirrorExecutors.create("b24-to-old", config, changeLog, event -> { })) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).migration("orders").resolver(switchboard)
                        .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld).changeLog(changeLog)
                        .mapping(ORDERS).build();
                write(dataSource);
            }
            assertThat(changeLog.entries()).as("nothing recorded").isEmpty();
            assertThat(fresh.query(SELECT)).as("the stores, row by row").isEqualTo(old.query(SELECT)).hasSize(1);
        }
    }

    private static void write(DualWriteDataSource dataSource) throws Exception {
        try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId("m-1").open();
             Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO orders VALUES (1, 'm-1', 1)");
        }
    }
}
