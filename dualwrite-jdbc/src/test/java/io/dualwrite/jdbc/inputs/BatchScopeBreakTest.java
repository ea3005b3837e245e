package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch entry is written under the context it was added in, as MyBatis's queued updates are: an application
 * that adds entries inside one merchant's scope and sends the batch later (inside another merchant's scope, or
 * outside any) still has that merchant's rows mirrored where that merchant's phase says. The mapping names no
 * merchant column, so only the context can tell. Both stores are compared with plain JDBC.
 */
class BatchScopeBreakTest {

    private static final String ROWS_OLD = "SELECT id, code, qty FROM orders ORDER BY id";
    private static final String ROWS_NEW = "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id";

    @ParameterizedTest(name = "sent {0}")
    @ValueSource(strings = {"inside another merchant's scope", "outside any scope"})
    void aPreparedBatchAddedInADualWritingMerchantsScopeIsMirroredWhereverItIsSent(String sent) throws SQLException {
        try (Fixture fixture = twoMerchants(MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                try (MigrationContext.Scope scope = scope("m-1")) {
                    for (int id = 10; id <= 11; id++) {
                        insert.setInt(1, id);
                        insert.setString(2, "m1-" + id);
                        insert.setInt(3, id);
                        insert.addBatch();
                    }
                }
                send(sent, insert::executeBatch);
            }
            assertStoresEqual(fixture);
        }
    }

    @ParameterizedTest(name = "sent {0}")
    @ValueSource(strings = {"inside another merchant's scope", "outside any scope"})
    void aStatementBatchAddedInADualWritingMerchantsScopeIsMirroredWhereverItIsSent(String sent) throws SQLException {
        try (Fixture fixture = twoMerchants(MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                try (MigrationContext.Scope scope = scope("m-1")) {
                    statement.addBatch("UPDATE orders SET qty = 70 WHERE id = 1");
                    statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (12, 'm1-12', 12)");
                }
                send(sent, statement::executeBatch);
            }
            assertStoresEqual(fixture);
        }
    }

    @ParameterizedTest(name = "sent {0}")
    @ValueSource(strings = {"inside another merchant's scope", "outside any scope"})
    void aBatchAddedInAnOldOnlyMerchantsScopeIsNotMirroredWhereverItIsSent(String sent) throws SQLException {
        try (Fixture fixture = twoMerchants(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE)) {
            var newBefore = Rows.of(fixture.newDb, ROWS_NEW);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                try (MigrationContext.Scope scope = scope("m-1")) {
                    update.setInt(1, 90);
                    update.setInt(2, 3);
                    update.addBatch();
                }
                sendAnd(sent, update::executeBatch);
            }
            fixture.awaitMirrors(0);
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3"))
                    .containsExactly(Rows.expected("qty", 90));
            assertThat(Rows.of(fixture.newDb, ROWS_NEW)).as("m-1 is OLD_ONLY").isEqualTo(newBefore);
        }
    }

    /** Seeded orders 1-3 in both stores; merchant m-1 in {@code first}, m-2 in {@code second}, the system in the other. */
    private static Fixture twoMerchants(MigrationPhase first, MigrationPhase second) {
        Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(second).build(), Mirrored.PG);
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-1", first);
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-2", second);
        return fixture;
    }

    private static void assertStoresEqual(Fixture fixture) {
        fixture.awaitMirrors(1);
        assertThat(Rows.of(fixture.newDb, ROWS_NEW)).isEqualTo(Rows.of(fixture.oldDb, ROWS_OLD));
    }

    private interface Send {
        int[] run() throws SQLException;
    }

    private static MigrationContext.Scope scope(String merchant) {
        return MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
    }

    private static void send(String where, Send send) throws SQLException {
        assertThat(sendAnd(where, send)).containsOnly(1);
    }

    private static int[] sendAnd(String where, Send send) throws SQLException {
        if (where.startsWith("inside")) {
            try (MigrationContext.Scope other = scope("m-2")) {
                return send.run();
            }
        }
        return send.run();
    }
}
