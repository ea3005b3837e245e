package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.SwitchRule;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 21, phase scoping by an id rule when an update changes the key itself: system {@code OLD_ONLY}, rule
 * {@code idThreshold(1000 -> DUAL_WRITE)}, the key is the order id. A row renumbered across the threshold moves
 * between a phase that is not mirrored and one that is. Each case ends by resolving what was recorded (a reconciler
 * run; a key assigned by an expression is a scoped resync, verified and repaired with the data source's own copier,
 * scoped by the same switches) and a row-by-row comparison of the new store with the old store's rows from the
 * threshold.
 */
class PhaseScopeBreak21Test {

    private static Fixture idThreshold(Kind kind) {
        TableMapping byOrder = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .orderIdColumn("id").merchantIdColumn("merchant_id").build();
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(byOrder).build();
        fixture.switches.setRules(Fixture.MIGRATION, List.of(SwitchRule.idThreshold(1000, MigrationPhase.DUAL_WRITE)));
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (500, 'm1', 1), (999, 'm1', 2), (1600, 'm1', 3)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1600, 'm1', 3)");
        return fixture;
    }

    /** Key entries by one reconciler run; scoped resyncs by verification and repair with the data source's copier. */
    private static void resolve(Fixture fixture) throws SQLException {
        if (!fixture.scopedResyncs().isEmpty()) {
            DualWriteSchema.create(fixture.oldDb.dataSource());
            Verifier verifier = fixture.verifier();
            ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog).verifier(verifier)
                    .repairer(Repairer.of(fixture.dataSource.rowCopier(), verifier)).mapping(fixture.mappings.get(0))
                    .build().resolveOnce();
        }
        fixture.reconciler().runOnce();
    }

    // Inputs (MariaDB and PostgreSQL, SYNC, auto-commit, no context open), one per row:
    //  - UPDATE orders SET id = 1500 WHERE id = 500: a row renumbered up into the mirrored range;
    //  - UPDATE orders SET id = 600 WHERE id = 1600: a mirrored row renumbered down out of it (its copy in the new
    //    store is left behind and must go);
    //  - UPDATE orders SET id = 1000 WHERE id = 999: a row moved onto the threshold itself;
    //  - UPDATE orders SET id = id + 1 WHERE id IN (999, 1600): one row crossing, one moving inside the range;
    //  - UPDATE orders SET id = 2000 - id WHERE id IN (500, 1600): the two swapping sides in one statement.
    // Expected: after the reconciler, the new store holds exactly the old rows from id 1000, row by row.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | UPDATE orders SET id = 1500 WHERE id = 500",
        "POSTGRES | UPDATE orders SET id = 1500 WHERE id = 500",
        "MARIADB  | UPDATE orders SET id = 600 WHERE id = 1600",
        "POSTGRES | UPDATE orders SET id = 600 WHERE id = 1600",
        "MARIADB  | UPDATE orders SET id = 1000 WHERE id = 999",
        "POSTGRES | UPDATE orders SET id = 1000 WHERE id = 999",
        "MARIADB  | UPDATE orders SET id = id + 1 WHERE id IN (999, 1600) ORDER BY id DESC",
        "POSTGRES | UPDATE orders SET id = id + 1 WHERE id IN (999, 1600)",
        "POSTGRES | UPDATE orders SET id = 2000 - id WHERE id IN (500, 1600)",
    })
    void aRowRenumberedAcrossAnIdThresholdEndsInTheStoreItsNewIdSays(Kind kind, String update) throws SQLException {
        try (Fixture fixture = idThreshold(kind)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate(update);
            }
            resolve(fixture);

            List<Map<String, String>> oldFromThreshold = Rows.of(fixture.oldDb,
                    "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(newRows).as("%s, records %s", update, fixture.records()).isEqualTo(oldFromThreshold);
        }
    }
}
