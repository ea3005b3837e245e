package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillResult;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An eighth review of phase scoping (kind 20), of id rules decided with the id a row really gets (kind 21) and of
 * split authority (kind 22). Every test ends by comparing the stores row by row with plain JDBC, or by asserting a
 * change-log entry that covers a difference no copy can settle.
 */
class PhaseScopeBreak8Test {

    private static final TableMapping BY_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)";
    private static final String NEW_ORDERS =
            "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)";

    /** System DUAL_WRITE, merchant np NEW_PRIMARY, merchant dw follows the system; both tables created empty. */
    private static Fixture splitAuthority(Kind kind) {
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.DUAL_WRITE).mappings(BY_MERCHANT).build();
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "np", MigrationPhase.NEW_PRIMARY);
        fixture.onOld(OLD_ORDERS);
        fixture.onNew(NEW_ORDERS);
        return fixture;
    }

    private static List<Map<String, String>> oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
    }

    private static List<Map<String, String>> newRows(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
    }

    private static Map<String, String> order(long id, String merchant, int qty) {
        return Rows.expected("id", id, "merchant_id", merchant, "qty", qty);
    }

    private static void insert(Fixture fixture, String merchant, long id, int qty) throws SQLException {
        try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
             Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO orders (id, merchant_id, qty) VALUES (" + id + ", '" + merchant + "', "
                    + qty + ")");
        }
    }

    private static List<String> pendingKeys(Fixture fixture) {
        return fixture.records().stream().map(ChangeRecord::key).distinct().toList();
    }

    // Input (H2, SYNC): system DUAL_WRITE, merchant np NEW_PRIMARY. The new store is down while merchant dw inserts
    // order 5 (old store, authoritative for dw; its mirror fails and is recorded). The new store comes back and merchant
    // np inserts its own order 5 there (an application-assigned id that collides, as split generators would). Then a
    // reconciler run.
    // Plain JDBC: the old store holds dw's order 5, the new store np's order 5: each the authoritative row of its merchant.
    // Expected: neither row is overwritten by the other store's; the collision stays in the change log.
    // Kind 20/22: a copy writes over a row whose own phase makes the target authoritative.
    @Test
    void newPrimaryInsertNeverOverwritesAnOldAuthoritativeMerchantsRowOfTheSameKey() throws SQLException {
        try (Fixture fixture = splitAuthority(Kind.H2)) {
            fixture.newStoreDown();
            insert(fixture, "dw", 5, 1);
            fixture.newStoreBack();
            insert(fixture, "np", 5, 9);
            fixture.reconciler().runOnce();

            assertThat(oldRows(fixture)).as("dw's order in its authoritative store").containsExactly(order(5, "dw", 1));
            assertThat(newRows(fixture)).as("np's order in its authoritative store").containsExactly(order(5, "np", 9));
            assertThat(pendingKeys(fixture)).as("the collision is recorded").contains("5");
        }
    }

    // Input (PostgreSQL): system DUAL_WRITE, merchant np NEW_PRIMARY; the old store holds dw's orders 5 and 6, the new
    // store np's order 5 (keys collided under split authority) and no order 6. A whole-table verification, then the
    // Repairer with the data source's copier (old wins).
    // Plain JDBC: order 6 is dw's and missing in the new store; the two orders 5 are each merchant's authoritative row.
    // Expected: order 6 is copied; np's order 5 is not overwritten by dw's, and the repair does not report it clean.
    // Kind 20: a repair writes a row into the store that is authoritative for the row it replaces.
    @Test
    void repairNeverOverwritesRowOfNewPrimaryMerchant() throws SQLException {
        try (Fixture fixture = splitAuthority(Kind.POSTGRES)) {
            fixture.onOld("INSERT INTO orders (id, merchant_id, qty) VALUES (5, 'dw', 1), (6, 'dw', 2)");
            fixture.onNew("INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (5, 'np', 9)");
            DualWriteSchema.create(fixture.oldDb.dataSource());
            Verifier verifier = fixture.verifier();
            VerificationJob job = VerificationJob.builder(Fixture.MIGRATION).table(BY_MERCHANT).build();
            VerificationResult found = verifier.verify(job);
            assertThat(found.clean()).isFalse();

            Repairer.RepairResult repaired = Repairer.of(fixture.dataSource.rowCopier(), verifier).repair(job, found);

            assertThat(newRows(fixture)).containsExactly(order(5, "np", 9), order(6, "dw", 2));
            assertThat(oldRows(fixture)).containsExactly(order(5, "dw", 1), order(6, "dw", 2));
            assertThat(repaired.clean()).as("the colliding key is still reported: %s", repaired).isFalse();
        }
    }

    // Input (MariaDB): system DUAL_WRITE, merchant np NEW_PRIMARY; the old store holds dw's orders 1..3, the new store
    // np's order 2 (written there while np was NEW_PRIMARY, colliding with dw's). A backfill of the whole table with
    // the data source's resolver.
    // Plain JDBC: orders 1 and 3 are dw's and belong in the new store; order 2 of the new store is np's, authoritative.
    // Expected: 1 and 3 copied, np's order 2 kept and counted as skipped, not overwritten.
    // Kind 20: a backfill writes a row into the store that is authoritative for the row it replaces.
    @Test
    void backfillNeverOverwritesRowOfNewPrimaryMerchant() throws Exception {
        try (Fixture fixture = splitAuthority(Kind.MARIADB)) {
            fixture.onOld("INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'dw', 1), (2, 'dw', 2), (3, 'dw', 3)");
            fixture.onNew("INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (2, 'np', 9)");
            DualWriteSchema.create(fixture.oldDb.dataSource());
            BackfillResult result = BackfillJob.builder().migration(Fixture.MIGRATION)
                    .oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource())
                    .mapping(BY_MERCHANT).resolver(fixture.resolver).unlimitedRate().build().run();

            assertThat(newRows(fixture)).containsExactly(order(1, "dw", 1), order(2, "np", 9), order(3, "dw", 3));
            assertThat(oldRows(fixture)).containsExactly(order(1, "dw", 1), order(2, "dw", 2), order(3, "dw", 3));
            assertThat(result.tables().get(0).rowsSkipped()).as("%s", result).isEqualTo(1);
        }
    }
    // Input (H2, SYNC): system DUAL_WRITE, merchant m NEW_PRIMARY; order 7 of m is in both stores (qty 1). The old
    // store is down while m updates it (qty 9, on the new store, authoritative; its mirror fails and is recorded).
    // Then m is rolled back to DUAL_WRITE (the old store authoritative again), the old store comes back, and the
    // reconciler runs.
    // Plain JDBC: the committed update (qty 9) exists only in the new store; the old store, now m's authority, has qty 1.
    // Expected: the update reaches the old store, or the difference stays in the change log (before: the copier skipped
    // the row, since its phase now makes the old store authoritative, and the entry was completed: silently lost).
    // Kind 20: the merchant moved between the write and the reconciler run.
    @Test
    void writeOfANewPrimaryMerchantRolledBackBeforeItsRepairIsNotSilentlyDropped() throws SQLException {
        io.dualwrite.jdbc.testing.SwitchableDataSource[] oldSwitch = new io.dualwrite.jdbc.testing.SwitchableDataSource[1];
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.DUAL_WRITE).mappings(BY_MERCHANT)
                .wrapOld(raw -> oldSwitch[0] = new io.dualwrite.jdbc.testing.SwitchableDataSource(raw)).build()) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m", MigrationPhase.NEW_PRIMARY);
            fixture.onOld(OLD_ORDERS, "INSERT INTO orders (id, merchant_id, qty) VALUES (7, 'm', 1)");
            fixture.onNew(NEW_ORDERS, "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (7, 'm', 1)");
            oldSwitch[0].switchTo(io.dualwrite.jdbc.testing.SwitchableDataSource.down());
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId("m").open();
                 Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 7")).isEqualTo(1);
            }
            assertThat(pendingKeys(fixture)).containsExactly("7");
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m", MigrationPhase.DUAL_WRITE);
            oldSwitch[0].switchTo(fixture.oldDb.dataSource());
            fixture.reconciler().runOnce();

            if (!oldRows(fixture).equals(newRows(fixture))) {
                assertThat(pendingKeys(fixture)).as("old %s, new %s", oldRows(fixture), newRows(fixture)).contains("7");
            }
        }
    }

    // Input (PostgreSQL): system DUAL_WRITE, merchant m NEW_PRIMARY, but order 7 of m is switched to DUAL_WRITE (an
    // order switch: its writes go to the old store). The old store holds 7 (qty 1, authoritative) and 8 (qty 4); the
    // new store 7 (qty 0, a stale copy) and 8 (qty 5, authoritative). A verification of merchant m's rows, then the
    // Repairer from the new store (m's authoritative store).
    // Plain JDBC: order 8 belongs in the old store as the new store has it; order 7's authority is the old store.
    // Expected: order 8 copied to the old store; order 7 of the old store kept (qty 1), never replaced by the stale copy.
    // Kind 20: a repair scoped to a merchant treated the merchant's phase as the authority of every row it named,
    // overriding an order switch.
    @Test
    void merchantScopedRepairNeverOverwritesAnOrderSwitchedBackToTheOldStore() throws SQLException {
        TableMapping byOrderAndMerchant = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .orderIdColumn("id").merchantIdColumn("merchant_id").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.DUAL_WRITE)
                .mappings(byOrderAndMerchant).build()) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "m", MigrationPhase.NEW_PRIMARY);
            fixture.switches.setOrderPhase(Fixture.MIGRATION, "7", MigrationPhase.DUAL_WRITE);
            fixture.onOld(OLD_ORDERS, "INSERT INTO orders (id, merchant_id, qty) VALUES (7, 'm', 1), (8, 'm', 4)");
            fixture.onNew(NEW_ORDERS, "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (7, 'm', 0), (8, 'm', 5)");
            DualWriteSchema.create(fixture.oldDb.dataSource());
            Verifier verifier = fixture.verifier();
            VerificationJob job = VerificationJob.builder(Fixture.MIGRATION).table(byOrderAndMerchant)
                    .scope(io.dualwrite.jdbc.verify.VerificationScope.merchant("m")).build();
            VerificationResult found = verifier.verify(job);

            Repairer.of(fixture.dataSource.rowCopier(), verifier).repair(job, found, Store.NEW);

            assertThat(oldRows(fixture)).containsExactly(order(7, "m", 1), order(8, "m", 5));
            assertThat(newRows(fixture).get(1)).isEqualTo(order(8, "m", 5));
        }
    }
    /** Inserts a row of {@code merchant} without an id through the data source and returns the id it got. */
    private static long insertGenerated(Fixture fixture, String merchant, int qty) throws SQLException {
        try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
             Connection connection = fixture.dataSource.getConnection();
             java.sql.PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (merchant_id, qty) VALUES (?, ?)", new String[] {"id"})) {
            insert.setString(1, merchant);
            insert.setInt(2, qty);
            insert.executeUpdate();
            try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                return keys.getLong(1);
            }
        }
    }

    // Input (PostgreSQL -> PostgreSQL): the old table takes its ids from a sequence the application created on its own
    // (id BIGINT DEFAULT nextval('order_ids'), the sequence not OWNED BY the column, as many schemas created before
    // serial/identity do); the new table has an identity. Three orders were written in DUAL_WRITE. align(), then a
    // move of m-1 to NEW_PRIMARY through a SwitchAdmin holding the KeyGeneratorGate without a KeySplit.
    // Plain JDBC: both stores generate ids for orders; nothing sets them apart.
    // Expected: the gate refuses the move (both stores generate, no split), and the stores stay equal row by row.
    // Before: pg_get_serial_sequence finds no sequence for a default that is not owned, so the gate saw no generator in
    // the old store and approved; m-1's next insert then took an id that m-2's next old-store insert also takes.
    // Kind 22: the gate does not see one of the two stores' key generators.
    // Variant (H2 -> H2): the old table's id is DEFAULT NEXT VALUE FOR order_ids, a sequence apart, not an identity.
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "POSTGRES | id BIGINT PRIMARY KEY DEFAULT nextval('order_ids')",
        "H2       | id BIGINT DEFAULT NEXT VALUE FOR order_ids PRIMARY KEY"})
    void gateSeesAnOldStoreSequenceThatIsOnlyTheColumnsDefault(Kind kind, String idColumn) throws Exception {
        TableMapping generated = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .merchantIdColumn("merchant_id").build();
        try (Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.DUAL_WRITE)
                .mappings(generated).build()) {
            fixture.onOld("CREATE SEQUENCE order_ids",
                    "CREATE TABLE orders (" + idColumn + ", merchant_id VARCHAR(20), qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " merchant_id VARCHAR(20), quantity INT)");
            for (String merchant : List.of("m-1", "m-2", "m-1")) {
                insertGenerated(fixture, merchant, 1);
            }
            io.dualwrite.jdbc.keys.KeyGeneratorGate gate = io.dualwrite.jdbc.keys.KeyGeneratorGate.of(Fixture.MIGRATION,
                    fixture.oldStore, fixture.newStore, List.of(generated));
            gate.align();
            io.dualwrite.switches.SwitchAdmin admin = io.dualwrite.switches.SwitchAdmin.of(fixture.resolver, gate);

            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, false))
                    .isInstanceOf(io.dualwrite.switches.PhaseMoveRefusedException.class)
                    .hasMessageContaining("both stores generate keys for this table");
            insertGenerated(fixture, "m-1", 2);
            insertGenerated(fixture, "m-2", 2);
            assertThat(newRows(fixture)).hasSize(5).isEqualTo(oldRows(fixture));
        }
    }

    /** System OLD_ONLY, ids from 1000 DUAL_WRITE; orders keyed and attributed by id and merchant. */
    private static Fixture idThreshold(Kind kind) {
        TableMapping byOrder = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .orderIdColumn("id").merchantIdColumn("merchant_id").build();
        Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(byOrder).build();
        fixture.switches.setRules(Fixture.MIGRATION,
                List.of(io.dualwrite.switches.SwitchRule.idThreshold(1000, MigrationPhase.DUAL_WRITE)));
        fixture.onNew(NEW_ORDERS);
        return fixture;
    }

    private static void assertNewHoldsTheOldRowsFromTheThreshold(Fixture fixture) {
        List<Map<String, String>> old = Rows.of(fixture.oldDb,
                "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id");
        List<Map<String, String>> now = newRows(fixture);
        if (!now.equals(old)) {
            assertThat(fixture.records()).as("new %s differs from the old rows from the threshold %s, nothing recorded",
                    now, old).isNotEmpty();
        }
    }

    // Input (PostgreSQL, SYNC): system OLD_ONLY, rule idThreshold(1000 -> DUAL_WRITE). A BEFORE INSERT trigger of the
    // old table renumbers legacy ids (NEW.id := NEW.id + 1000 when below 1000). The application inserts order 500 of
    // merchant m1 with a bound id, no context open.
    // Plain JDBC: the old store holds order 1500, whose id the rule puts in DUAL_WRITE.
    // Expected: the new store holds order 1500 too (or a record says it does not).
    // Kind 21: an id rule decided with the id in the statement, not the one a trigger gave the row.
    @Test
    void insertWhoseIdATriggerMovesAcrossTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.POSTGRES)) {
            fixture.onOld(OLD_ORDERS, "CREATE FUNCTION renumber() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.id < 1000 THEN NEW.id := NEW.id + 1000; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER renumber BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION renumber()");
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                insert.setLong(1, 500);
                insert.setString(2, "m1");
                insert.setInt(3, 3);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).containsExactly(Rows.expected("id", 1500));
            assertNewHoldsTheOldRowsFromTheThreshold(fixture);
        }
    }

    // Input (PostgreSQL, SYNC): as above, but as a prepared batch of two inserts (ids 500 and 600, both renumbered to
    // 1500 and 1600 by the trigger), in auto-commit, no context open.
    // Plain JDBC: orders 1500 and 1600 exist, DUAL_WRITE by their ids.
    // Expected: the new store holds both (or a record says it does not).
    // Kind 21: a batch's id rule decided with the ids in the statement, not the ones the trigger gave the rows.
    @Test
    void batchOfInsertsWhoseIdsATriggerMovesAcrossTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.POSTGRES)) {
            fixture.onOld(OLD_ORDERS, "CREATE FUNCTION renumber() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.id < 1000 THEN NEW.id := NEW.id + 1000; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER renumber BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION renumber()");
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                for (long id : new long[] {500, 600}) {
                    insert.setLong(1, id);
                    insert.setString(2, "m1");
                    insert.setInt(3, 3);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).containsExactly(1, 1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1500), Rows.expected("id", 1600));
            assertNewHoldsTheOldRowsFromTheThreshold(fixture);
        }
    }

    // Input (MariaDB, SYNC): system OLD_ONLY, rule idThreshold(1000 -> DUAL_WRITE); the old store holds orders 10 and
    // 20 (below the threshold, not mirrored). An archive job copies them forward with new ids, no context open:
    // INSERT INTO orders (id, merchant_id, qty) SELECT id + 1000, merchant_id, qty FROM orders WHERE id < 1000.
    // Plain JDBC: orders 1010 and 1020 exist, both DUAL_WRITE by their ids.
    // Expected: the new store holds them (or a scoped resync says it may not).
    // Kind 21: an id rule decided for an INSERT ... SELECT whose ids come from the query.
    @Test
    void insertSelectOfIdsReachingTheThresholdIsMirrored() throws SQLException {
        try (Fixture fixture = idThreshold(Kind.MARIADB)) {
            fixture.onOld(OLD_ORDERS, "INSERT INTO orders (id, merchant_id, qty) VALUES (10, 'm1', 1), (20, 'm2', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, merchant_id, qty)"
                        + " SELECT id + 1000, merchant_id, qty FROM orders WHERE id < 1000")).isEqualTo(2);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id >= 1000")).hasSize(2);
            assertNewHoldsTheOldRowsFromTheThreshold(fixture);
        }
    }
    // Input (H2, SYNC): system OLD_ONLY, merchant 1 DUAL_WRITE. Under merchant 1's context the application inserts
    // order 21 of merchant 1 and order 20 with no merchant (merchant_id NULL: an unassigned order); later, with no
    // context, it updates order 20 (qty 5). Then a reconciler run.
    // Plain JDBC: order 20 belongs to no merchant, so its phase is the system's, OLD_ONLY: the new store, written only
    // for merchant 1, should hold order 21 alone (or equal rows, or a record).
    // Before: the copier filled the NULL merchant from the insert's context and copied order 20 as merchant 1's; the
    // later update, judged by the row's own (empty) merchant, was skipped: the new store kept order 20 with qty 1.
    // Kind 20: a row with a NULL merchant copied by the context of the write.
    @Test
    void rowWithoutMerchantFollowsTheSystemPhaseNotTheWritesContext() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).mappings(BY_MERCHANT)
                .build()) {
            fixture.switches.setMerchantPhase(Fixture.MIGRATION, "1", MigrationPhase.DUAL_WRITE);
            fixture.onOld(OLD_ORDERS);
            fixture.onNew(NEW_ORDERS);
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId("1").open();
                 Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, merchant_id, qty) VALUES (21, '1', 1)");
                statement.executeUpdate("INSERT INTO orders (id, merchant_id, qty) VALUES (20, NULL, 1)");
            }
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 5 WHERE id = 20");
            }
            fixture.reconciler().runOnce();

            List<Map<String, String>> merchantOne = Rows.of(fixture.oldDb,
                    "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = '1' ORDER BY id");
            if (!newRows(fixture).equals(merchantOne)) {
                assertThat(fixture.records()).as("new %s, old rows of merchant 1 %s", newRows(fixture), merchantOne)
                        .isNotEmpty();
            }
        }
    }
    // Input (MariaDB -> PostgreSQL): the old table takes its ids from a MariaDB sequence (id BIGINT DEFAULT NEXT VALUE
    // FOR order_ids, no AUTO_INCREMENT), the new one from an identity; orders 1..3 in both stores. align(), then a
    // move of m-1 to NEW_PRIMARY through the gate without a KeySplit.
    // Plain JDBC: both stores generate ids for orders.
    // Expected: the gate refuses (both generate, no split); the stores stay equal row by row.
    // Before: the gate looked for AUTO_INCREMENT only, saw no generator in the old store and approved.
    // Kind 22: the gate does not see one of the two stores' key generators.
    @Test
    void gateSeesAMariadbSequenceBehindTheOldStoresKey() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).phase(MigrationPhase.DUAL_WRITE)
                .mappings(BY_MERCHANT).build()) {
            fixture.onOld("CREATE SEQUENCE order_ids",
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY DEFAULT NEXT VALUE FOR order_ids, merchant_id VARCHAR(20),"
                            + " qty INT)",
                    "INSERT INTO orders (merchant_id, qty) VALUES ('m-1', 1), ('m-2', 1), ('m-1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                            + " merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (2, 'm-2', 1), (3, 'm-1', 1)");
            io.dualwrite.jdbc.keys.KeyGeneratorGate gate = io.dualwrite.jdbc.keys.KeyGeneratorGate.of(Fixture.MIGRATION,
                    fixture.oldStore, fixture.newStore, List.of(BY_MERCHANT));
            gate.align();
            io.dualwrite.switches.SwitchAdmin admin = io.dualwrite.switches.SwitchAdmin.of(fixture.resolver, gate);

            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, false))
                    .isInstanceOf(io.dualwrite.switches.PhaseMoveRefusedException.class)
                    .hasMessageContaining("both stores generate keys for this table");
            assertThat(newRows(fixture)).hasSize(3).isEqualTo(oldRows(fixture));
        }
    }
}
