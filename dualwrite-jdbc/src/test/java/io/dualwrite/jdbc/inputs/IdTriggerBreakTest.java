package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A row trigger of the old table that sets another merchant id than the statement wrote moves the row into that
 * merchant's phase: a write whose own ids do not mirror (system {@code OLD_ONLY}, no context) is still mirrored when
 * the row it stored belongs to a {@code DUAL_WRITE} merchant, on insert and on update, and a row the trigger leaves
 * in an {@code OLD_ONLY} merchant stays out of the new store. Both stores are compared with plain JDBC.
 */
class IdTriggerBreakTest {

    private static final TableMapping BY_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();
    private static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)";
    private static final String NEW_ORDERS =
            "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)";

    /** System OLD_ONLY, merchant m1 DUAL_WRITE; the old table's trigger files merchant 'legacy' rows under m1. */
    private static Fixture legacyMovedToM1(Kind kind, String event) {
        Fixture fixture = Fixture.builder(kind, Kind.POSTGRES).phase(MigrationPhase.OLD_ONLY).mappings(BY_MERCHANT)
                .build();
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m1", MigrationPhase.DUAL_WRITE);
        fixture.onNew(NEW_ORDERS);
        if (kind == Kind.POSTGRES) {
            fixture.onOld(OLD_ORDERS, "CREATE FUNCTION refile() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.merchant_id = 'legacy' AND NEW.qty > 100 THEN NEW.merchant_id := 'm1'; END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TRIGGER refile BEFORE " + event + " ON orders FOR EACH ROW EXECUTE FUNCTION refile()");
        } else {
            fixture.onOld(OLD_ORDERS, "CREATE TRIGGER refile BEFORE " + event + " ON orders FOR EACH ROW"
                    + " SET NEW.merchant_id = IF(NEW.merchant_id = 'legacy' AND NEW.qty > 100, 'm1', NEW.merchant_id)");
        }
        return fixture;
    }

    private static List<Map<String, String>> oldRowsOf(Fixture fixture, String merchant) {
        return Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = '" + merchant
                + "' ORDER BY id");
    }

    private static List<Map<String, String>> newRows(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
    }

    private static void run(Fixture fixture, String sql, Object... values) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            assertThat(statement.executeUpdate()).isOne();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void anInsertWhoseMerchantATriggerSetsToADualWritingOneIsMirrored(Kind kind) throws SQLException {
        try (Fixture fixture = legacyMovedToM1(kind, "INSERT")) {
            run(fixture, "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)", 5L, "legacy", 500);
            run(fixture, "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)", 6L, "legacy", 5);
            fixture.awaitMirrors(1);
            assertThat(oldRowsOf(fixture, "m1")).containsExactly(Rows.expected("id", 5, "merchant_id", "m1", "qty", 500));
            assertThat(newRows(fixture)).as("m1's row mirrored, the legacy one (OLD_ONLY) not")
                    .isEqualTo(oldRowsOf(fixture, "m1"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void anUpdateWhoseMerchantATriggerSetsToADualWritingOneIsMirrored(Kind kind) throws SQLException {
        try (Fixture fixture = legacyMovedToM1(kind, "UPDATE")) {
            fixture.onOld("INSERT INTO orders (id, merchant_id, qty) VALUES (7, 'legacy', 1)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (8, 'legacy', 2)");
            // the statement names the merchant it found the row under: its own ids say OLD_ONLY
            run(fixture, "UPDATE orders SET qty = ? WHERE id = ? AND merchant_id = ?", 700, 7L, "legacy");
            run(fixture, "UPDATE orders SET qty = ? WHERE id = ? AND merchant_id = ?", 3, 8L, "legacy");
            fixture.awaitMirrors(1);
            assertThat(oldRowsOf(fixture, "m1")).containsExactly(Rows.expected("id", 7, "merchant_id", "m1", "qty", 700));
            assertThat(newRows(fixture)).as("the row the trigger moved to m1 mirrored, the legacy one not")
                    .isEqualTo(oldRowsOf(fixture, "m1"));
        }
    }
}
