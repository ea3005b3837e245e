package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.SwitchRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes whose rows cannot be attributed to the merchant (or order) their phase depends on: the mapping names no
 * such column and no context gives the id. The copier decides each row by its own ids and would skip all of them
 * (the system phase), also a mirroring merchant's; such a write records a scoped resync of its table instead. Found
 * through a MyBatis {@code <foreach>} insert of two merchants' rows, whose parameter carries no single merchant.
 */
class UnattributableRowsTest {

    private static final String TABLE = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))";

    @Test
    void aMultiMerchantInsertOnATableWithoutAMerchantColumnRecordsAScopedResync() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.identity("orders"))) {
            fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            insertTwoMerchants(fixture);
            assertThat(resyncReasons(fixture)).containsExactly("rows-not-attributable");
            // the copier was not asked to decide blind: the new store is untouched, the difference is on record
            assertThat(fixture.newDb.query("SELECT id FROM orders")).isEmpty();
        }
    }

    @Test
    void anIdLessUpdateOnATableWithoutAMerchantColumnRecordsAScopedResync() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.identity("orders"))) {
            fixture.bothStores("INSERT INTO orders VALUES (1, 'm-1', 'before')");
            fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET note = 'after' WHERE note = 'before'")).isEqualTo(1);
            }
            assertThat(resyncReasons(fixture)).containsExactly("rows-not-attributable");
        }
    }

    @Test
    void aMerchantPercentageRuleMakesRowsUnattributableToo() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.identity("orders"))) {
            fixture.switches.setRules("orders", List.of(SwitchRule.merchantPercentage(50, MigrationPhase.DUAL_WRITE)));
            insertTwoMerchants(fixture);
            assertThat(resyncReasons(fixture)).containsExactly("rows-not-attributable");
        }
    }

    @Test
    void withTheMerchantColumnMappedEachRowIsCopiedByItsOwnMerchantAndNothingIsRecorded() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.builder("orders").merchantIdColumn("merchant_id").build())) {
            fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            insertTwoMerchants(fixture);
            assertThat(fixture.records()).isEmpty();
            assertThat(ids(fixture)).containsExactly(1L);
        }
    }

    @Test
    void aContextNamingAMirroringMerchantAttributesTheRows() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.identity("orders"))) {
            fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId("m-1").build().open();
                 Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders VALUES (1, 'm-1', 'a')");
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(ids(fixture)).containsExactly(1L);
        }
    }

    @Test
    void onlyOrderSwitchesLeaveRowsWithAnOrderColumnAttributable() throws SQLException {
        // the merchant is unknown, but no switch depends on it: the order column decides, as before
        try (DualWriteFixture fixture = fixture(TableMapping.builder("orders").orderIdColumn("id").build())) {
            fixture.switches.setOrderPhase("orders", "2", MigrationPhase.DUAL_WRITE);
            insertTwoMerchants(fixture);
            assertThat(fixture.records()).isEmpty();
            assertThat(ids(fixture)).containsExactly(2L);
        }
    }

    @Test
    void aSystemPhaseThatMirrorsCopiesEveryRowWithoutARecord() throws SQLException {
        try (DualWriteFixture fixture = fixture(TableMapping.identity("orders"))) {
            fixture.systemPhase(MigrationPhase.DUAL_WRITE);
            fixture.merchantPhase("m-2", MigrationPhase.DUAL_WRITE);
            insertTwoMerchants(fixture);
            assertThat(fixture.records()).isEmpty();
            assertThat(ids(fixture)).containsExactly(1L, 2L);
        }
    }

    private static DualWriteFixture fixture(TableMapping mapping) {
        DualWriteFixture fixture = new DualWriteFixture(Kind.H2, Kind.H2, MigrationPhase.OLD_ONLY, List.of(mapping));
        fixture.bothStores(TABLE);
        return fixture;
    }

    private static void insertTwoMerchants(DualWriteFixture fixture) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, 'a'), (?, ?, 'b')")) {
            insert.setLong(1, 1);
            insert.setString(2, "m-1");
            insert.setLong(3, 2);
            insert.setString(4, "m-2");
            assertThat(insert.executeUpdate()).isEqualTo(2);
        }
        assertThat(fixture.oldDb.query("SELECT id FROM orders ORDER BY id")).hasSize(2);
    }

    private static List<String> resyncReasons(DualWriteFixture fixture) {
        return fixture.records().stream().filter(ChangeRecord::isScoped).map(ChangeRecord::reason).toList();
    }

    private static List<Long> ids(DualWriteFixture fixture) {
        return fixture.newDb.query("SELECT id FROM orders ORDER BY id").stream()
                .map(row -> ((Number) row.get("id")).longValue()).toList();
    }
}
