package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.reconcile.Reconciler;
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
 * A row is copied only into a store that its own phase writes: a merchant still in OLD_ONLY is never dragged
 * into the new store by an id-less write mirrored "just in case" nor by its repair (input 20); a rule on the id
 * is decided with the id the row really has, also when the database generates it (input 21).
 */
class PhaseScopingTest {

    private static final TableMapping BY_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();
    private static final TableMapping BY_ORDER_AND_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").orderIdColumn("id").merchantIdColumn("merchant_id").build();

    private static Fixture merchantOneDualWrite(Kind kind) {
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(BY_MERCHANT).build();
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "1", MigrationPhase.DUAL_WRITE);
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (10, '2', 1)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (11, '1', 1)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (11, '1', 1)");
        return fixture;
    }

    private static void updateBothRows(Fixture fixture) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE orders SET qty = 5 WHERE id = 10");
            statement.executeUpdate("UPDATE orders SET qty = 6 WHERE id = 11");
        }
    }

    /** Only merchant 1's rows are in the new store, equal to the old ones. */
    private static void assertOnlyMerchantOne(Fixture fixture) {
        assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = '1' ORDER BY id",
                fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                .containsExactly(expected("id", 11, "merchant_id", "1", "qty", 6));
        assertThat(fixture.records()).isEmpty();
    }

    // input 20
    @Test
    void postgresRepairAfterTheNewStoreWasDownNeverCopiesARowOfAnOldOnlyMerchant() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.POSTGRES)) {
            fixture.newStoreDown();
            updateBothRows(fixture);
            assertThat(fixture.recordKeys()).contains("orders/11/UPDATE");
            fixture.newStoreBack();
            Reconciler.Result result = fixture.reconciler().runOnce();
            assertThat(result.failed()).isZero();
            assertOnlyMerchantOne(fixture);
        }
    }

    // input 20, variant: MariaDB, the reconciler sharing the data source's copier
    @Test
    void mariadbRepairWithTheDataSourcesCopierNeverCopiesARowOfAnOldOnlyMerchant() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.MARIADB)) {
            fixture.newStoreDown();
            updateBothRows(fixture);
            assertThat(fixture.recordKeys()).contains("orders/11/UPDATE");
            fixture.newStoreBack();
            Reconciler reconciler = fixture.reconcilerBuilder().rowCopier(fixture.dataSource.rowCopier()).build();
            assertThat(reconciler.runOnce().failed()).isZero();
            assertOnlyMerchantOne(fixture);
        }
    }

    // input 20, variant: the new store is up, and the live mirror of the id-less write skips merchant 2's row
    @Test
    void h2LiveMirrorOfAnUpdateByKeyNeverCopiesARowOfAnOldOnlyMerchant() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.H2)) {
            updateBothRows(fixture);
            assertOnlyMerchantOne(fixture);
        }
    }

    private static Fixture idThreshold(Kind kind, String ordersTable) {
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(BY_ORDER_AND_MERCHANT).build();
        fixture.switches.setRules(Fixture.MIGRATION, List.of(SwitchRule.idThreshold(1000, MigrationPhase.DUAL_WRITE)));
        fixture.onOld(ordersTable);
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)");
        return fixture;
    }

    private static void insertGeneratedThenExplicit(Fixture fixture, boolean withMerchant) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(withMerchant
                    ? "INSERT INTO orders (merchant_id, qty) VALUES (?, ?)" : "INSERT INTO orders (qty) VALUES (?)")) {
                int i = 1;
                if (withMerchant) {
                    insert.setString(i++, "m1");
                }
                insert.setInt(i, 1);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                for (long id : new long[] {1500, 500}) { // 500 is below the threshold: OLD_ONLY, not mirrored
                    insert.setLong(1, id);
                    insert.setString(2, "m1");
                    insert.setInt(3, 2);
                    insert.executeUpdate();
                }
            }
        }
    }

    private static void assertMirroredFromThreshold(Fixture fixture) {
        assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("500", "1000", "1500");
        assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id",
                fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                .extracting(row -> row.get("id")).containsExactly("1000", "1500");
        assertThat(fixture.records()).isEmpty();
    }

    // input 21
    @Test
    void mariadbInsertWhoseGeneratedIdReachesTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.MARIADB, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                + " merchant_id VARCHAR(20), qty INT) AUTO_INCREMENT = 1000")) {
            insertGeneratedThenExplicit(fixture, true);
            assertMirroredFromThreshold(fixture);
        }
    }

    // input 21, variant: H2 identity starting at 1000
    @Test
    void h2InsertWhoseGeneratedIdReachesTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.H2, "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
                + " (START WITH 1000) PRIMARY KEY, merchant_id VARCHAR(20), qty INT)")) {
            insertGeneratedThenExplicit(fixture, true);
            assertMirroredFromThreshold(fixture);
        }
    }

    // input 21, variant: an insert that names neither the id nor the merchant
    @Test
    void mariadbInsertWithoutIdOrMerchantWhoseGeneratedIdReachesTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.MARIADB, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                + " merchant_id VARCHAR(20), qty INT) AUTO_INCREMENT = 1000")) {
            insertGeneratedThenExplicit(fixture, false);
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id",
                    fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .extracting(row -> row.get("id")).containsExactly("1000", "1500");
            assertThat(fixture.records()).isEmpty();
        }
    }

    /**
     * Input 21 as a batch: two generated-key inserts in one {@code executeBatch}, auto-commit or a transaction, the
     * system in OLD_ONLY and the ids from 1000 in DUAL_WRITE (SYNC: mirrored when the call returns).
     */
    private static void batchOfGeneratedInserts(Fixture fixture, boolean transaction) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(!transaction);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (merchant_id, qty) VALUES (?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                for (int qty = 1; qty <= 2; qty++) {
                    insert.setString(1, "m1");
                    insert.setInt(2, qty);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).hasSize(2);
            }
            if (transaction) {
                connection.commit();
            }
        }
        assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id",
                fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                .extracting(row -> row.get("id")).containsExactly("1000", "1001");
        assertThat(fixture.records()).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, transaction {1}")
    @org.junit.jupiter.params.provider.CsvSource({"MARIADB, false", "MARIADB, true", "H2, false", "H2, true"})
    void batchOfInsertsWhoseGeneratedIdsReachTheThresholdIsMirrored(Kind kind, boolean transaction) throws SQLException {
        try (Fixture fixture = idThreshold(kind, generatedFrom1000(kind))) {
            batchOfGeneratedInserts(fixture, transaction);
        }
    }

    /** The orders table whose generated ids start at 1000, on {@code kind}. */
    private static String generatedFrom1000(Kind kind) {
        return kind == Kind.MARIADB
                ? "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_id VARCHAR(20), qty INT) AUTO_INCREMENT = 1000"
                : "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 1000) PRIMARY KEY,"
                        + " merchant_id VARCHAR(20), qty INT)";
    }

    /** A batch of two multi-row inserts (MySQL/MariaDB report each entry's first key only): all four rows mirror. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = Kind.class, names = {"MARIADB", "H2"})
    void batchOfMultiRowInsertsWhoseGeneratedIdsReachTheThresholdIsMirrored(Kind kind) throws SQLException {
        try (Fixture fixture = idThreshold(kind, generatedFrom1000(kind));
             Connection connection = fixture.dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (merchant_id, qty) VALUES (?, ?), (?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            for (int entry = 0; entry < 2; entry++) {
                insert.setString(1, "m1");
                insert.setInt(2, entry * 2 + 1);
                insert.setString(3, "m1");
                insert.setInt(4, entry * 2 + 2);
                insert.addBatch();
            }
            insert.executeBatch();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .extracting(row -> row.get("id")).containsExactly("1000", "1001", "1002", "1003");
            assertThat(fixture.records()).isEmpty();
        }
    }
}
