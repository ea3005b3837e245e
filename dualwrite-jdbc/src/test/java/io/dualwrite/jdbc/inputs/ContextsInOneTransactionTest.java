package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One transaction whose statements run under the contexts of different merchants, on a table whose mapping
 * names no merchant column (so each row's phase comes from the context it was written under): each row is
 * copied, or not, by its own statement's context, never by the transaction's first one.
 */
class ContextsInOneTransactionTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void eachRowIsScopedByTheContextItWasWrittenUnder(boolean oldOnlyFirst) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-dual", MigrationPhase.DUAL_WRITE);
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                if (oldOnlyFirst) {
                    update(connection, "m-old", 1, 70);
                    update(connection, "m-dual", 2, 80);
                } else {
                    update(connection, "m-dual", 2, 80);
                    update(connection, "m-old", 1, 70);
                }
                connection.commit();
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("row 2 (m-dual) copied; row 1 (m-old, OLD_ONLY) left as it was")
                    .containsExactly(expected("id", 1, "code", "a", "qty", 1),
                            Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders WHERE id = 2").get(0),
                            expected("id", 3, "code", "c", "qty", 3));
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(expected("qty", 80));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYNC", "ASYNC"})
    void aFailedSyncRecordsEachRowWithTheMerchantItWasWrittenFor(String mode) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY)
                .mode(io.dualwrite.mirror.MirrorMode.valueOf(mode)).build(), Mirrored.PG)) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-dual", MigrationPhase.DUAL_WRITE);
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-also", MigrationPhase.DUAL_WRITE);
            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "m-old", 1, 70);
                update(connection, "m-dual", 2, 80);
                update(connection, "m-also", 3, 90);
                connection.commit();
            }
            fixture.awaitMirrors(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> fixture.records().size() == 3);
            assertThat(fixture.records()).extracting(record -> record.key() + " " + record.merchantId())
                    .containsExactlyInAnyOrder("1 m-old", "2 m-dual", "3 m-also");

            fixture.newStoreBack();
            fixture.reconciler().runOnce();

            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("the repair copies the rows of the merchants that double-write, and only those")
                    .containsExactly(expected("id", 1, "code", "a", "qty", 1),
                            Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders WHERE id = 2").get(0),
                            Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders WHERE id = 3").get(0));
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3")).containsExactly(expected("qty", 90));
        }
    }

    private static void update(Connection connection, String merchant, long id, int qty) throws SQLException {
        try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
            update.setInt(1, qty);
            update.setLong(2, id);
            assertThat(update.executeUpdate()).isOne();
        }
    }
}
