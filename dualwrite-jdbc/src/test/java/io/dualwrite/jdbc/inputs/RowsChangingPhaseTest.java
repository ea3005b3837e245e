package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows that change merchant between a mirrored merchant and one that is not (kind 3, phase scoping). */
class RowsChangingPhaseTest {

    private static final TableMapping BY_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    /** System OLD_ONLY, merchant 1 DUAL_WRITE; order 10 of merchant 2, order 11 of merchant 1 (already mirrored). */
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

    /**
     * The new store must hold exactly the old store's rows of the mirrored merchant 1, row by row; when it does
     * not, the difference must at least be recorded in the change log.
     */
    private static void assertNewHoldsExactlyMerchantOne(Fixture fixture) {
        List<Map<String, String>> oldRows = Rows.of(fixture.oldDb,
                "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = '1' ORDER BY id");
        List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
        if (!newRows.equals(oldRows)) {
            assertThat(fixture.records())
                    .as("new store %s differs from the old store's merchant-1 rows %s, and nothing is recorded", newRows, oldRows)
                    .isNotEmpty();
        }
    }

    // Input (H2, SYNC): system OLD_ONLY, merchant 1 DUAL_WRITE; order 11 of merchant 1 is in both stores; the
    // application moves it to merchant 2 (OLD_ONLY): UPDATE orders SET merchant_id = '2', qty = 7 WHERE id = 11;
    // then one reconciler run.
    // Plain JDBC: the old store's order 11 belongs to merchant 2 now; merchant 1 has no order left. The new store,
    // written only for merchant 1, should no longer show order 11 as merchant 1's (deleted, or a record left).
    // Library: the sync reads order 11 under merchant 2 (OLD_ONLY) and skips it; the key is not deleted either, so
    // the new store keeps order 11 as merchant 1's with qty 1, and nothing is recorded: once merchant 1 reads from
    // the new store (NEW_PRIMARY) it sees an order it no longer has.
    // Failed before its fix: a row moving out of a mirrored merchant into an OLD_ONLY one leaves its stale copy in the new store.
    // Kind: phase scoping (a row that moves merchant from DUAL_WRITE to OLD_ONLY).
    @Test
    void h2RowMovedFromADualWriteMerchantToAnOldOnlyOneLeavesNoStaleCopyInTheNewStore() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET merchant_id = '2', qty = 7 WHERE id = 11");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyMerchantOne(fixture);
        }
    }

    // Input (H2, SYNC): as above, but the row moves the other way: order 10 of merchant 2 (OLD_ONLY) is moved to
    // merchant 1 (DUAL_WRITE): UPDATE orders SET merchant_id = '1', qty = 8 WHERE id = 10.
    // Plain JDBC: order 10 now belongs to merchant 1, which is mirrored.
    // Library: copies it (passes today; kept: no other test moves a row between merchants of different phases).
    // Kind: phase scoping (a row that moves merchant from OLD_ONLY to DUAL_WRITE).
    @Test
    void h2RowMovedFromAnOldOnlyMerchantToADualWriteOneIsCopied() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET merchant_id = '1', qty = 8 WHERE id = 10");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyMerchantOne(fixture);
        }
    }

    // Input (H2, SYNC): system DUAL_WRITE, merchant 1 NEW_PRIMARY; order 11 of merchant 1 is in both stores; under a
    // MigrationContext of merchant 1 the application moves it to merchant 2 (DUAL_WRITE, old store authoritative):
    // UPDATE orders SET merchant_id = '2', qty = 7 WHERE id = 11 (runs on the new store); then one reconciler run.
    // Plain JDBC: the authoritative copy of order 11 now says merchant 2, qty 7. Merchant 2 reads and writes the old
    // store, so the old store should hold that row (copied, or a record left for a repair).
    // Library: the new-to-old sync reads order 11 under merchant 2, whose authoritative store is the old one, and
    // skips it; nothing is recorded: the old store keeps order 11 as merchant 1's with qty 1, so merchant 2 never
    // sees its order and the stores differ silently.
    // Failed before its fix: a row moving out of a NEW_PRIMARY merchant into a DUAL_WRITE one never reaches the old store.
    // Kind: phase scoping (a row that moves merchant from NEW_PRIMARY to DUAL_WRITE).
    @Test
    void h2RowMovedFromANewPrimaryMerchantToADualWriteOneReachesTheOldStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.DUAL_WRITE).mappings(BY_MERCHANT).build()) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "1", MigrationPhase.NEW_PRIMARY);
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (11, '1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (11, '1', 1)");
            try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext.forMigration(Fixture.MIGRATION)
                    .merchantId("1").open();
                 Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET merchant_id = '2', qty = 7 WHERE id = 11");
            }
            fixture.reconciler().runOnce();
            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            if (!newRows.equals(oldRows)) {
                assertThat(fixture.records())
                        .as("old store %s differs from the new store %s, and nothing is recorded", oldRows, newRows)
                        .isNotEmpty();
            }
        }
    }

    private static final TableMapping BY_ORDER_AND_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").orderIdColumn("id").merchantIdColumn("merchant_id").build();

    /** System OLD_ONLY, orders from id 1000 DUAL_WRITE; orders 600 (not mirrored) and 1700 (mirrored). */
    private static Fixture idThreshold(Kind kind) {
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(BY_ORDER_AND_MERCHANT).build();
        fixture.switches.setRules(Fixture.MIGRATION,
                List.of(io.dualwrite.switches.SwitchRule.idThreshold(1000, MigrationPhase.DUAL_WRITE)));
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (600, 'm1', 1)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (1700, 'm1', 1)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1700, 'm1', 1)");
        return fixture;
    }

    private static void assertNewHoldsExactlyTheOldRowsFromTheThreshold(Fixture fixture) {
        List<Map<String, String>> oldRows = Rows.of(fixture.oldDb,
                "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id");
        List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
        if (!newRows.equals(oldRows)) {
            assertThat(fixture.records())
                    .as("new store %s differs from the old store's rows from the threshold %s, and nothing is recorded",
                            newRows, oldRows)
                    .isNotEmpty();
        }
    }

    // Input (H2, SYNC): system OLD_ONLY, rule idThreshold(1000 -> DUAL_WRITE); UPDATE orders SET id = 1600 WHERE id = 600
    // (the order's key moves from below the threshold to above it); then one reconciler run.
    // Plain JDBC: order 1600 exists now, and its id says DUAL_WRITE: it belongs in the new store.
    // Library: the write's phase is decided by the id in the WHERE (600: OLD_ONLY) and, with no MigrationContext open,
    // no key is collected (the "any switch mirrors" fallback applies only under an open context): order 1600 never
    // reaches the new store; nothing recorded.
    // Failed before its fix: a key moved into a mirrored id range by UPDATE ... SET id is not mirrored.
    // Kind: phase scoping (a phase decided with the id the row really gets).
    @Test
    void h2UpdateMovingAnIdAcrossTheThresholdUpwardsMirrorsTheRow() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET id = 1600 WHERE id = 600");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyTheOldRowsFromTheThreshold(fixture);
        }
    }

    // Input (H2, SYNC): as above; UPDATE orders SET id = 700 WHERE id = 1700 (a mirrored order moves below the
    // threshold); then one reconciler run.
    // Plain JDBC: order 1700 is gone; order 700 is OLD_ONLY.
    // Library: removes 1700 from the new store (passes today; kept: no other test moves a key across an id rule).
    // Kind: phase scoping (a phase decided with the id the row really gets).
    @Test
    void h2UpdateMovingAnIdAcrossTheThresholdDownwardsRemovesTheMirroredRow() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET id = 700 WHERE id = 1700");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyTheOldRowsFromTheThreshold(fixture);
        }
    }

    // Input (H2, SYNC): as above; UPDATE orders SET id = id + 1000 WHERE merchant_id = 'm1' (keys not in the WHERE:
    // both orders move, 600 -> 1600 and 1700 -> 2700); then one reconciler run.
    // Plain JDBC: orders 1600 and 2700 exist, both DUAL_WRITE by their ids.
    // Library: the write's context is merchant m1 from the WHERE, which resolves to OLD_ONLY (the id rule needs an
    // id), so no key is collected: the new store keeps the stale order 1700 and lacks 1600 and 2700; nothing recorded.
    // Failed before its fix: an UPDATE moving keys into (and within) a mirrored id range is not mirrored when its WHERE names
    // a merchant but no id.
    // Kind: phase scoping (a phase decided with the id the row really gets).
    @Test
    void h2UpdateShiftingIdsWithoutKeyInTheWhereMirrorsTheRowsByTheirNewIds() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET id = id + 1000 WHERE merchant_id = 'm1'");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyTheOldRowsFromTheThreshold(fixture);
        }
    }

    // Input (H2, SYNC): system OLD_ONLY, merchant 1 DUAL_WRITE; merchant 2 (OLD_ONLY) hands all its orders to
    // merchant 1: UPDATE orders SET merchant_id = '1' WHERE merchant_id = '2' (order 10 moves); then one reconciler run.
    // Plain JDBC: order 10 belongs to merchant 1 now, which is mirrored.
    // Library: the write's context is merchant 2 from the WHERE (OLD_ONLY), and with no MigrationContext open no key
    // is collected: order 10, now merchant 1's, never reaches the new store; nothing recorded.
    // Failed before its fix: rows moved into a mirrored merchant by an UPDATE whose WHERE names the unmirrored one are lost.
    // Kind: phase scoping (a row that moves merchant from OLD_ONLY to DUAL_WRITE, the merchant named in the WHERE).
    @Test
    void h2RowsMovedByAWhereOnTheOldOnlyMerchantToADualWriteOneAreCopied() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET merchant_id = '1', qty = 8 WHERE merchant_id = '2'");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyMerchantOne(fixture);
        }
    }

    // Input (PostgreSQL, SYNC): system OLD_ONLY, merchant 1 DUAL_WRITE; order 11 is merchant 1's, in both stores; an
    // import job upserts it with the values of merchant 2 (OLD_ONLY) but keeps the owner on conflict:
    // INSERT INTO orders (id, merchant_id, qty) VALUES (11, '2', 9) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty.
    // Plain JDBC: order 11 stays merchant 1's, with qty 9.
    // Library: the write's context is merchant 2 from the VALUES (OLD_ONLY), so no key is collected: merchant 1's
    // order keeps qty 1 in the new store; nothing recorded.
    // Failed before its fix: an upsert whose values name an unmirrored merchant but which updates a mirrored merchant's row.
    // Kind: phase scoping (a phase decided by the statement's values, not by the row it really writes).
    @Test
    void postgresUpsertNamingAnOldOnlyMerchantThatUpdatesADualWriteMerchantsRowIsMirrored() throws SQLException {
        try (Fixture fixture = merchantOneDualWrite(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, merchant_id, qty) VALUES (11, '2', 9)"
                        + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty");
            }
            fixture.reconciler().runOnce();
            assertNewHoldsExactlyMerchantOne(fixture);
        }
    }

    // Input (H2, SYNC): system DUAL_WRITE, merchant 1 NEW_PRIMARY; order 10 (merchant 2) and order 11 (merchant 1) in
    // both stores, equal; with no MigrationContext open, an id-less UPDATE orders SET qty = 5 WHERE qty = 1 (runs on
    // the old store, the system's authoritative one, and changes both rows there); then one reconciler run.
    // Plain JDBC: both rows have qty 5 on the store the statement ran on.
    // Expected: the stores agree row by row (merchant 1's change reaches its authoritative new store, or the write is
    // refused), or the difference is recorded.
    // Library: the old-to-new sync skips order 11 (its phase NEW_PRIMARY makes the new store authoritative) and records
    // nothing: the old store has qty 5, the new (authoritative for merchant 1) keeps qty 1, so merchant 1's reads never
    // see the update and the stores differ silently.
    // Failed before its fix: an unattributed write that changes a NEW_PRIMARY merchant's row on the old store is silently dropped.
    // Kind: phase scoping (an id-less write that touches a NEW_PRIMARY merchant's row on the old store).
    @Test
    void h2IdLessUpdateOnTheOldStoreThatChangesANewPrimaryMerchantsRowIsNotSilentlyLost() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.DUAL_WRITE).mappings(BY_MERCHANT).build()) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "1", MigrationPhase.NEW_PRIMARY);
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (10, '2', 1)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (11, '1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (10, '2', 1)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (11, '1', 1)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 5 WHERE qty = 1");
            }
            fixture.reconciler().runOnce();
            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            if (!newRows.equals(oldRows)) {
                assertThat(fixture.records())
                        .as("old store %s differs from the new store %s, and nothing is recorded", oldRows, newRows)
                        .isNotEmpty();
            }
        }
    }
}
