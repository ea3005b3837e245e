package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Round 3 of the inputs where the old (authoritative) store keeps a row under another key than the write named,
 * aimed at the sync's backstop (a key a write left a row under that the sync finds empty records a scoped resync,
 * MirrorDispatcher.recordVanished, unless Removals explains it). The store keeps the row elsewhere here because
 * of a trigger created after the table's first write (the catalog, Metadata.keyTexts, is read again only after a
 * minute). Each test ends comparing both stores row by row with plain JDBC: {@code converged} where a recorded
 * scoped resync is acceptable.
 */
class KeyFormsBreak3Test {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";
    private static final String PG_SHOUT_FUNCTION = "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN NEW.id := upper(NEW.id); RETURN NEW; END $$";

    // ---------------------------------------------------------------------------------------------------------
    // The misnamed key still finds a row: the backstop fires only on "no row"
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. Defeats JdbcRowCopier.vanished / MirrorDispatcher.recordVanished: the backstop only fires
    // when the key the insert named holds NO row. A trigger created after the first write (not yet in Metadata.keyTexts)
    // stores the insert of 'b' as 'b-x'; row 'b' already exists, so the sync of 'b' copies that unchanged row and
    // row 'b-x' never reaches the new store. Nothing is recorded.
    // Fixed by the catalog read again: a read that finds it changed records a scoped resync of the table (here the
    // catalog is trusted for two seconds, LooseKeyStores.SHORT_REFRESH; by default a minute).
    @Test
    void postgresFreshTriggerStoringTheInsertUnderAnotherKeyWhileTheNamedKeyHoldsAnOlderRowIsNotLeftBehind()
            throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgresRefreshing("a", "b")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION suffix() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-x'; RETURN NEW; END $$",
                    "CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION suffix()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            LooseKeyStores.awaitCatalogChange(fixture, "DELETE FROM orders WHERE id = ?", "none");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    // Failed before its fix. The same on MariaDB (WriteExecution.exactKey does not read back: the trigger is not in
    // the cached catalog; JdbcRowCopier finds the older row 'b' and reports nothing vanished).
    // Fixed by the catalog read again: a read that finds it changed records a scoped resync of the table (here the
    // catalog is trusted for two seconds, LooseKeyStores.SHORT_REFRESH; by default a minute).
    @Test
    void mariadbFreshTriggerStoringTheInsertUnderAnotherKeyWhileTheNamedKeyHoldsAnOlderRowIsNotLeftBehind()
            throws SQLException {
        try (Fixture fixture = LooseKeyStores.intoRefreshing(Kind.MARIADB, "('a', 1), ('b', 2)",
                LooseKeyStores.POSTGRES_OLD_ORDERS)) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            LooseKeyStores.awaitCatalogChange(fixture, "DELETE FROM orders WHERE id = ?", "none");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    // Failed before its fix. Defeats the expectation of WriteExecution.collectKeys (UPDATE keeps → expect): a fresh BEFORE
    // UPDATE trigger moves row 'b' to 'b-u'; the same transaction then inserts a new 'b'. The buffer holds 'b' once
    // (KeyBuffer.add replaces the touch), the sync finds the new row 'b' and 'b-u' never reaches the new store.
    // Fixed by the catalog read again: a read that finds it changed records a scoped resync of the table (here the
    // catalog is trusted for two seconds, LooseKeyStores.SHORT_REFRESH; by default a minute).
    @Test
    void postgresFreshUpdateTriggerMovingTheRowThenAnInsertOfTheOldKeyInTheSameTransactionIsNotLeftBehind()
            throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgresRefreshing("a", "b")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION moved() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-u'; RETURN NEW; END $$",
                    "CREATE TRIGGER moved BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION moved()");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "UPDATE orders SET qty = 9 WHERE id = ?", "b");
                update(connection, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 10);
                connection.commit();
            }
            LooseKeyStores.awaitCatalogChange(fixture, "DELETE FROM orders WHERE id = ?", "none");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "10"), Map.entry("b-u", "9"));
        }
    }

    // Failed before its fix. An update that assigns the key (SET id = 'c'): WriteExecution.exactKey keeps 'c' as written (the
    // fresh trigger that upper-cases keys is not in the catalog) and expects a row under it. Row 'c' exists already
    // (PostgreSQL compares exactly, so 'C' does not collide), the sync copies it unchanged, 'C' is left behind.
    // Fixed by the catalog read again: a read that finds it changed records a scoped resync of the table (here the
    // catalog is trusted for two seconds, LooseKeyStores.SHORT_REFRESH; by default a minute).
    @Test
    void postgresUpdateAssigningAKeyAFreshTriggerRewritesOntoAnExistingKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgresRefreshing("a", "b", "c")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = ?, qty = ? WHERE id = ?", "c", 7, "b"))
                    .isEqualTo(1);
            LooseKeyStores.awaitCatalogChange(fixture, "DELETE FROM orders WHERE id = ?", "none");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("c", "3"), Map.entry("C", "7"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Upserts: their own inserted keys are not expected
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. Defeats WriteExecution.collectKeys case UPSERT: the inserted key is add()ed, not expect()ed, and
    // the conflicting-row look-up by 'c' finds nothing, so nothing is expected. A fresh trigger stores 'C'; the sync of
    // 'c' finds no row, deletes 'c' from the target and records nothing.
    @Test
    void postgresUpsertInsertingARowAFreshTriggerStoresUnderAnotherKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty", "c", 7)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("C", "7"));
        }
    }

    // Failed before its fix. The same through MariaDB's ON DUPLICATE KEY UPDATE (WriteExecution.collectKeys case UPSERT).
    @Test
    void mariadbOnDuplicateKeyUpsertInsertingARowAFreshTriggerStoresUnderAnotherKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.MARIADB, "('a', 1)", LooseKeyStores.POSTGRES_OLD_ORDERS)) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)"
                    + " ON DUPLICATE KEY UPDATE qty = VALUES(qty)", "c", 7)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("c-x", "7"));
        }
    }

    // Failed before its fix. The same through MariaDB's REPLACE (an upsert that moves rows: its pre-selected conflicting keys
    // are add()ed, its own key too; none expected).
    @Test
    void mariadbReplaceOfARowAFreshTriggerStoresUnderAnotherKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.MARIADB, "('a', 1)", LooseKeyStores.POSTGRES_OLD_ORDERS)) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "REPLACE INTO orders (id, qty) VALUES (?, ?)", "c", 7)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("c-x", "7"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Other statement shapes through the backstop
    // ---------------------------------------------------------------------------------------------------------

    // passes if BatchExecution's entries expect their inserted keys like single statements (WriteExecution.expect).
    @Test
    void postgresPreparedBatchOfInsertsAFreshTriggerRenamesIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                for (String id : new String[] {"b", "c", "d"}) {
                    insert.setString(1, id);
                    insert.setInt(2, id.charAt(0));
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).hasSize(3);
            }
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("a", "5"),
                    Map.entry("B", "98"), Map.entry("C", "99"), Map.entry("D", "100"));
        }
    }

    // passes if a Statement batch (addBatch(String)) expects its inserted keys too.
    @Test
    void mariadbStatementBatchOfInsertsAFreshTriggerRenamesIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.MARIADB, "('a', 1)", LooseKeyStores.POSTGRES_OLD_ORDERS)) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.addBatch("INSERT INTO orders (id, qty) VALUES ('b', 2)");
                statement.addBatch("INSERT INTO orders (id, qty) VALUES ('c', 3)");
                assertThat(statement.executeBatch()).hasSize(2);
            }
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b-x", "2"), Map.entry("c-x", "3"));
        }
    }

    // passes if the parts of several statements in one execute (WriteExecution.collectParts) expect their keys too.
    @Test
    void postgresSeveralInsertsInOneExecuteAFreshTriggerRenamesAreNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO orders (id, qty) VALUES ('b', 2); INSERT INTO orders (id, qty) VALUES ('c', 3)");
            }
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "2"), Map.entry("C", "3"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Removals noted that never happened (Removals.note runs before the removing statement)
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. Defeats Removals / WriteExecution.beforeRemoving: the insert of 'b' (stored 'B' by a fresh
    // trigger) is handed over; before its sync reads, another connection deletes 'b' and ROLLS BACK. The removal
    // was noted before the delete ran, after the hand-over, so MirrorDispatcher.recordVanished takes it as the
    // reason 'b' holds no row and records nothing: 'B' never reaches the new store.
    @Test
    void postgresDeleteThatRollsBackExplainsAwayAnInsertStoredUnderAnotherKey() throws Exception {
        Held held = new Held();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.ASYNC)
                .wrapOld(held::wrap).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "a");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.awaitMirrors(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            held.armed.set(true);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            assertThat(held.reached.await(60, TimeUnit.SECONDS)).as("the insert's sync reached its read").isTrue();
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                update(connection, "DELETE FROM orders WHERE id = ?", "b");
                connection.rollback();
            }
            held.release.countDown();
            fixture.awaitMirrors(2);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "6"));
        }
    }

    // Failed before its fix. The same through an update that would move key 'b' (SET id = 'z') and FAILS (a type error):
    // WriteExecution.beforeRemoving noted 'b' before the statement ran, the statement threw, the note stays.
    @Test
    void postgresKeyMovingUpdateThatFailsExplainsAwayAnInsertStoredUnderAnotherKey() throws Exception {
        Held held = new Held();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.ASYNC)
                .wrapOld(held::wrap).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "a");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.awaitMirrors(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            held.armed.set(true);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            assertThat(held.reached.await(60, TimeUnit.SECONDS)).as("the insert's sync reached its read").isTrue();
            // qty bound as text: PostgreSQL refuses the statement when it runs, after the note
            assertThatThrownBy(() -> LooseKeyStores.execute(fixture, "UPDATE orders SET id = ?, qty = ? WHERE id = ?",
                    "z", "not a number", "b")).isInstanceOf(SQLException.class);
            held.release.countDown();
            fixture.awaitMirrors(2);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "6"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The resync's scope
    // ---------------------------------------------------------------------------------------------------------

    private static final TableMapping BY_MERCHANT = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    // Failed before its fix. Defeats MirrorDispatcher.recordVanished's scope: it resyncs the write context's merchant ('M1', as
    // the statement bound it) while a fresh trigger that upper-cases the key also normalises the merchant to 'm1'.
    // The verification of merchant 'M1' (PostgreSQL compares exactly) holds no row: the resync completes and the
    // row 'B' of merchant 'm1' never reaches the new store.
    @Test
    void postgresVanishedKeyIsResyncedInTheMerchantScopeTheRowIsStoredUnder() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(BY_MERCHANT).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders VALUES ('a', 'm1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('a', 'm1', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION normalise() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " NEW.id := upper(NEW.id); NEW.merchant_id := lower(NEW.merchant_id); RETURN NEW; END $$",
                    "CREATE TRIGGER normalise BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION normalise()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)",
                    "b", "M1", 6)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "6"));
        }
    }

    // Failed before its fix. The same scope, with an open MigrationContext of merchant m1 writing a row of merchant m2 (the
    // row's own column decides its copy, ContextVersusRowTest): the resync covers m1's rows only.
    @Test
    void postgresVanishedKeyWrittenUnderAnotherMerchantsContextIsResyncedWhereTheRowIs() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(BY_MERCHANT).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders VALUES ('a', 'm1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('a', 'm1', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId("m1").open()) {
                assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)",
                        "b", "m2", 6)).isEqualTo(1);
            }
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "6"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // NEW_PRIMARY: the new store is authoritative
    // ---------------------------------------------------------------------------------------------------------

    // passes if the backstop works in the NEW_PRIMARY direction and its repair copies from the authoritative new
    // store (the insert of 'b' stored as 'B' by a fresh trigger on orders_v2 must reach the old store, and the new
    // store must keep it).
    @Test
    void postgresNewPrimaryInsertAFreshTriggerOnTheNewStoreRenamesReachesTheOldStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS, "INSERT INTO orders VALUES ('a', 1)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('a', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onNew(PG_SHOUT_FUNCTION,
                    "CREATE TRIGGER shout BEFORE INSERT ON orders_v2 FOR EACH ROW EXECUTE FUNCTION shout()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            Map<String, String> authoritative = LooseKeyStores.rows(fixture.newDb, NEW_ROWS);
            assertThat(authoritative).containsOnly(Map.entry("a", "5"), Map.entry("B", "6"));
            // PostgreSQL answers the insert's request for its key with 'B', as the new store's trigger stored it
            assertThat(fixture.records()).as("'B' is synced by the key the new store reported: nothing recorded").isEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).isEqualTo(authoritative);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    /**
     * Once armed, the first connection a mirror thread takes from the old store waits for {@link #release}: the
     * sync of the next write reaches its read ({@link #reached}) and goes on only then.
     */
    static final class Held {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicBoolean taken = new AtomicBoolean();
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        DataSource wrap(DataSource real) {
            return (DataSource) Proxy.newProxyInstance(KeyFormsBreak3Test.class.getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConnection") && armed.get()
                                && Thread.currentThread().getName().startsWith("dualwrite-mirror-")
                                && taken.compareAndSet(false, true)) {
                            reached.countDown();
                            if (!release.await(60, TimeUnit.SECONDS)) {
                                throw new SQLException("the test never released the held sync");
                            }
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
