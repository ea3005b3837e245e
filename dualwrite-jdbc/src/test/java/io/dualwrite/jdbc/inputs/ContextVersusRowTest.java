package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Context versus row: an open {@link MigrationContext} names one merchant while the row written belongs to
 * another (its merchant column). The rules (docs/architecture.md, "Phase scoping of every copy" and "Scoped resync"):
 * a row is copied only into a store that its phase writes, and nothing that writes a mapped table may leave the
 * stores different without an entry. So a row of a
 * DUAL_WRITE merchant written under the context of an OLD_ONLY merchant must reach the new store (by the live
 * mirror, or by a repair of an entry), and a row of an OLD_ONLY merchant written under the context of a DUAL_WRITE
 * merchant must never land there.
 */
class ContextVersusRowTest {

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private static Fixture fixture(Kind kind) {
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(ORDERS).build();
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m-dual", MigrationPhase.DUAL_WRITE);
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-dual', 1)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (2, 'm-old', 1)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-dual', 1)");
        return fixture;
    }

    /** Under the context of {@code contextMerchant}: inserts order {@code newId} of {@code rowMerchant}, updates {@code updatedId}. */
    private static void write(Fixture fixture, String contextMerchant, String rowMerchant, long newId, long updatedId)
            throws SQLException {
        try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(contextMerchant).open();
             Connection connection = fixture.dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                insert.setLong(1, newId);
                insert.setString(2, rowMerchant);
                insert.setInt(3, 5);
                assertThat(insert.executeUpdate()).isOne();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                update.setInt(1, 7);
                update.setLong(2, updatedId);
                assertThat(update.executeUpdate()).isOne();
            }
        }
    }

    private static String report(Fixture fixture) {
        return "new store " + Rows.of(fixture.newDb, "SELECT id, merchant_id, quantity FROM orders_v2 ORDER BY id")
                + ", change log " + fixture.recordKeys() + ", mirror outcomes "
                + fixture.events.stream().map(event -> event.outcome() + " " + event.task().rows()).toList();
    }

    // context m-old (OLD_ONLY), row m-dual (DUAL_WRITE): the row must reach the new store
    @Test
    void h2RowOfADualWriteMerchantWrittenUnderAnOldOnlyContextReachesTheNewStore() throws SQLException {
        dualWriteRowUnderOldOnlyContext(Kind.H2);
    }

    @Test
    void postgresRowOfADualWriteMerchantWrittenUnderAnOldOnlyContextReachesTheNewStore() throws SQLException {
        dualWriteRowUnderOldOnlyContext(Kind.POSTGRES);
    }

    // context m-dual (DUAL_WRITE), row m-old (OLD_ONLY): the row must not land in the new store
    @Test
    void h2RowOfAnOldOnlyMerchantWrittenUnderADualWriteContextStaysOutOfTheNewStore() throws SQLException {
        oldOnlyRowUnderDualWriteContext(Kind.H2);
    }

    @Test
    void postgresRowOfAnOldOnlyMerchantWrittenUnderADualWriteContextStaysOutOfTheNewStore() throws SQLException {
        oldOnlyRowUnderDualWriteContext(Kind.POSTGRES);
    }

    private static void dualWriteRowUnderOldOnlyContext(Kind kind) throws SQLException {
        try (Fixture fixture = fixture(kind)) {
            write(fixture, "m-old", "m-dual", 10, 1);
            String live = report(fixture);
            Reconciler.Result repair = fixture.reconciler().runOnce(); // a repair of whatever was recorded
            System.out.println("context vs row (" + kind + "), context m-old / row m-dual: after the write: " + live
                    + "; a reconciler run then: " + repair);

            List<Map<String, String>> rows = Rows.assertSame(
                    fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = 'm-dual' ORDER BY id",
                    fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(rows).containsExactly(expected("id", 1, "merchant_id", "m-dual", "qty", 7),
                    expected("id", 10, "merchant_id", "m-dual", "qty", 5));
        }
    }

    private static void oldOnlyRowUnderDualWriteContext(Kind kind) throws SQLException {
        try (Fixture fixture = fixture(kind)) {
            write(fixture, "m-dual", "m-old", 20, 2);
            String live = report(fixture);
            Reconciler.Result repair = fixture.reconciler().runOnce();
            System.out.println("context vs row (" + kind + "), context m-dual / row m-old: after the write: " + live
                    + "; a reconciler run then: " + repair);

            assertThat(Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id")).containsExactly(
                    expected("id", 1, "merchant_id", "m-dual", "qty", 1), expected("id", 2, "merchant_id", "m-old", "qty", 7),
                    expected("id", 20, "merchant_id", "m-old", "qty", 5));
            // only m-dual's rows are in the new store, equal to the old ones: m-old's rows 2 and 20 never landed
            assertThat(Rows.assertSame(
                    fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = 'm-dual' ORDER BY id",
                    fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .containsExactly(expected("id", 1, "merchant_id", "m-dual", "qty", 1));
        }
    }
}
