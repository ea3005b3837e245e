package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A connection runs on the store chosen at its first statement; a later write in its transaction whose own phase
 * makes the OTHER store authoritative cannot run there (its row would sit in the store that is not authoritative
 * for it, and the copier, going by the row's phase, would never bring it over). It is refused before it runs, and
 * the same write in a transaction of its own lands where its phase says. Both stores are compared with plain JDBC.
 */
class AuthorityMismatchTest {

    @ParameterizedTest(name = "{0} first, then {1}")
    @CsvSource({"DUAL_WRITE, NEW_ONLY", "DUAL_WRITE, NEW_PRIMARY", "OLD_ONLY, NEW_PRIMARY", "NEW_PRIMARY, DUAL_WRITE",
            "NEW_ONLY, OLD_ONLY"})
    void aWriteWhoseAuthoritativeStoreIsNotTheConnectionsIsRefusedAndChangesNothing(MigrationPhase first,
                                                                                  MigrationPhase second)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-first", first);
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-second", second);
            var oldBefore = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
            var newBefore = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "m-first", 1, 70);
                assertThatThrownBy(() -> update(connection, "m-second", 2, 80))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("merchant 'm-second'").hasMessageContaining("phase " + second)
                        .hasMessageContaining("authoritative store is the " + store(second) + " one")
                        .hasMessageContaining("open the MigrationContext before the transaction's first statement");
                connection.rollback();
            }
            fixture.awaitMirrors(0);
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id")).isEqualTo(oldBefore);
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .isEqualTo(newBefore);
        }
    }

    @ParameterizedTest
    @CsvSource({"NEW_ONLY", "NEW_PRIMARY"})
    void theSameWriteInATransactionOfItsOwnLandsInItsAuthoritativeStore(MigrationPhase phase) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-first", MigrationPhase.DUAL_WRITE);
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-second", phase);
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "m-first", 1, 70);
                connection.commit();
            }
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "m-second", 2, 80);
                connection.commit();
            }
            fixture.awaitMirrors(phase == MigrationPhase.NEW_PRIMARY ? 2 : 1);
            assertThat(Rows.of(fixture.newDb, "SELECT quantity AS qty FROM orders_v2 WHERE id = 2"))
                    .containsExactly(expected("qty", 80));
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2"))
                    .as("mirrored back only in NEW_PRIMARY").containsExactly(expected("qty",
                            phase == MigrationPhase.NEW_PRIMARY ? 80 : 2));
            assertThat(Rows.of(fixture.newDb, "SELECT quantity AS qty FROM orders_v2 WHERE id = 1"))
                    .containsExactly(expected("qty", 70));
        }
    }

    private static String store(MigrationPhase phase) {
        return phase.authoritative().name().toLowerCase(java.util.Locale.ROOT);
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
