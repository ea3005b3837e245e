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
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 25: round 24's refusal of switch ids with invisible spaces around them, attacked with other characters that
 * show nothing (inside the id, or around it and no format character: the combining grapheme joiner, a Hangul filler,
 * the braille blank, a variation selector) and with an id spelt in Unicode's decomposed form (NFD) beside the
 * composed one (NFC) calls name. A switch kept under such an id names a merchant no call names: the move is answered
 * as applied while the merchant keeps its phase. Each test ends comparing both stores row by row with plain JDBC.
 */
class SwitchIdsBreak25Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, qty FROM orders ORDER BY id";
    private static final String MERCHANT = "m\u00e9-1"; // as calls name it: composed (NFC)

    // Before: each move was allowed and stored, the merchant kept OLD_ONLY, and its write reached the old store
    // only, nothing recorded.
    @ParameterizedTest(name = "{0}: ''{1}'' ({2}) is refused by name")
    @CsvSource({
        "H2,       'm\u200b\u00e9-1', U+200B",
        "POSTGRES, 'm\u00e9\u2060-1', U+2060",
        "MARIADB,  'm\u00e9-\u00ad1', U+00AD",
        "H2,       'm\u00e9-1\u034f', U+034F",
        "POSTGRES, '\u3164m\u00e9-1', U+3164",
        "MARIADB,  'm\u00e9-1\u2800', U+2800",
        "H2,       'm\u00e9\ufe0f-1', U+FE0F",
        "POSTGRES, 'me\u0301-1',      NFC",
        "MARIADB,  'me\u0301-1',      NFC"})
    void aSwitchIdSpeltOtherwiseThanCallsSpellItIsRefusedByName(Kind kind, String spelt, String named)
            throws Exception {
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
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named)
                    .hasMessageContaining("write '" + MERCHANT + "'");
            assertThatThrownBy(() -> admin.moveOrder("orders", spelt, MigrationPhase.DUAL_WRITE, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
            assertThatThrownBy(() -> admin.repinOrder("orders", spelt, MigrationPhase.DUAL_WRITE, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
            assertThat(old.count("SELECT COUNT(*) FROM dualwrite_switch WHERE scope_kind <> 'SYSTEM'"))
                    .as("nothing stored").isZero();

            admin.moveMerchant("orders", MERCHANT, MigrationPhase.DUAL_WRITE, false);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
            try (MirrorExecutor toNew = MirrorExecutors.create("b25-to-new", config, changeLog, event -> { });
                 MirrorExecutor toOld = MirrorExecutors.create("b25-to-old", config, changeLog, event -> { })) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).migration("orders").resolver(switchboard)
                        .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld).changeLog(changeLog)
                        .mapping(ORDERS).build();
                try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId(MERCHANT).open();
                     Connection connection = dataSource.getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (1, ?, 1)")) {
                    insert.setString(1, MERCHANT);
                    insert.executeUpdate();
                }
            }
            assertThat(changeLog.entries()).as("nothing recorded").isEmpty();
            assertThat(fresh.query(SELECT)).as("the stores, row by row").isEqualTo(old.query(SELECT)).hasSize(1);
        }
    }
}
