package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillResult;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Keys the store keeps otherwise than the write named, for reasons no statement through the data source shows:
 * session state an earlier borrower left on a pooled connection, a trigger created after the catalog was read.
 * Two mechanisms answer them: a MySQL/MariaDB {@code TIMESTAMP} key is named in UTC everywhere (read back from
 * the caller's session converted from whatever zone it has; walked, bound and copied in UTC), and a sync that
 * finds no row under a key a committed write left a row under records a scoped resync, unless a removal noted
 * after that write explains it. Each test ends comparing both stores row by row with plain JDBC.
 */
class UnseenKeyChangesTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";
    private static final String INSTANT_OLD = "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM orders";
    private static final String INSTANT_NEW = "SELECT UNIX_TIMESTAMP(id) AS id, quantity AS qty FROM orders_v2";

    // ---------------------------------------------------------------------------------------------------------
    // TIMESTAMP keys in UTC, whatever zone the session was left in
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void mariadbTimestampKeysInsertedUpdatedAndDeletedOnAPooledSessionLeftZonedNeedNoResync() throws SQLException {
        try (Fixture fixture = timestamps(Kind.MARIADB)) {
            leaveZoneOnThePooledSession(fixture, "+05:00");
            try (Connection connection = fixture.dataSource.getConnection()) {
                assertThat(zoneOf(connection)).as("the borrowed session kept the earlier borrower's zone").isEqualTo("+05:00");
                run(connection, "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1), ('2024-01-01 11:00:00', 2),"
                        + " ('2024-01-01 12:00:00', 3)");
                run(connection, "UPDATE orders SET qty = 20 WHERE id = '2024-01-01 11:00:00'");
                run(connection, "DELETE FROM orders WHERE id = '2024-01-01 12:00:00'");
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(fixture.records()).as("keys named in UTC are exact: nothing to resync").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .containsOnly(Map.entry("1704085200", "1"), Map.entry("1704088800", "20"));
        }
    }

    @Test
    void mariadbTimestampKeyWrittenOnASessionLeftZonedReachesPostgresTimestamptzAsTheSameInstant() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id timestamptz PRIMARY KEY, quantity INT)");
            leaveZoneOnThePooledSession(fixture, "-03:00");
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "INSERT INTO orders (id, qty) VALUES ('2024-06-01 21:30:00', 7)");
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb,
                    "SELECT extract(epoch FROM id)::bigint::text AS id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .containsOnly(Map.entry("1717288200", "7"));
        }
    }

    // Failed before its fix: a table whose key is a TIMESTAMP kept the pools' zones in the copier, so between a
    // pool at +05:00 and one at -03:00 every instant moved eight hours.
    @Test
    void backfillOfATimestampKeyedTableBetweenPoolsInDifferentZonesKeepsEveryInstant() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(real -> LooseKeyStores.zoned(real, "+05:00")).wrapNew(real -> LooseKeyStores.zoned(real, "-03:00")).build()) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
            StringBuilder values = new StringBuilder();
            for (int hour = 0; hour < 240; hour++) {
                values.append(hour == 0 ? "" : ", ").append("(FROM_UNIXTIME(").append(1_704_067_200L + hour * 3_600L)
                        .append("), ").append(hour).append(')');
            }
            fixture.onOld("INSERT INTO orders VALUES " + values);
            io.dualwrite.jdbc.schema.DualWriteSchema.create(fixture.oldDb.dataSource());
            BackfillResult result = BackfillJob.builder().migration("zones").oldDataSource(fixture.oldStore)
                    .newDataSource(fixture.newStoreUp).mapping(Fixture.ORDERS).chunkRows(16, 64).build().run();
            assertThat(result.rowsCopied()).isEqualTo(240);
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .hasSize(240).containsEntry("1704067200", "0");
        }
    }

    // Failed before its fix: the copier read through a pooled session an earlier borrower left at SET NAMES latin1,
    // so the server converted every text it read and wrote ('café' arrived as 'caf\uFFFD')
    @Test
    void copierOnSessionsLeftInLatin1CopiesTextKeysAndValuesExactly() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) CHARACTER SET utf8mb4 PRIMARY KEY,"
                    + " note VARCHAR(40) CHARACTER SET utf8mb4)", "INSERT INTO orders VALUES ('café', 'crème brûlée')");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) CHARACTER SET utf8mb4 PRIMARY KEY,"
                    + " note VARCHAR(40) CHARACTER SET utf8mb4)");
            DataSource latin1Old = LooseKeyStores.sessionSet(fixture.oldDb.dataSource(), "SET NAMES latin1");
            DataSource latin1New = LooseKeyStores.sessionSet(fixture.newDb.dataSource(), "SET NAMES latin1");
            io.dualwrite.jdbc.copy.RowCopier.builder().oldDataSource(latin1Old).newDataSource(latin1New).build()
                    .sync(io.dualwrite.Store.OLD, java.util.List.of(new io.dualwrite.jdbc.copy.RowCopier.TableKeys(
                            TableMapping.builder("orders").newTable("orders_v2").build(),
                            java.util.List.of(io.dualwrite.jdbc.KeyCodec.encode(java.util.List.of("café"))), null)));
            String hex = "SELECT HEX(id) AS id, HEX(note) AS qty FROM ";
            assertThat(LooseKeyStores.rows(fixture.newDb, hex + "orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, hex + "orders")).hasSize(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A sync that finds no row under a key the write left a row under
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void mariadbKeyRewritingTriggerCreatedAfterTheFirstWriteIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.MARIADB, "('a', 1)", LooseKeyStores.POSTGRES_OLD_ORDERS)) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            assertThat(fixture.scopedResyncs()).as("the key the insert named holds no row").hasSize(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b-x", "6"));
        }
    }

    @Test
    void postgresUpdateWhoseKeyATriggerCreatedAfterTheFirstWriteMovesIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a", "b")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION moved() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-u'; RETURN NEW; END $$",
                    "CREATE TRIGGER moved BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION moved()");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 9 WHERE id = ?", "b")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b-u", "9"));
        }
    }

    // a removal noted BEFORE the write does not explain its missing row: the delete of 'b' runs first, then an
    // insert of 'b' that a trigger created after the first write stores as 'B'
    @Test
    void postgresDeleteBeforeAnInsertStoredUnderAnotherKeyDoesNotHideIt() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a", "b")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := upper(NEW.id); RETURN NEW; END $$",
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "b")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 8)).isEqualTo(1);
            // PostgreSQL answers the insert's request for its key columns with 'B', the key as stored: synced by it
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("B", "8"));
        }
    }

    // a delete that found nothing (the delete-if-exists-then-insert idiom) explains nothing either: noted before it
    // ran, it is settled as done when it ran, before the insert began
    @Test
    void postgresNoOpDeleteBeforeAnInsertStoredUnderAnotherKeyDoesNotHideIt() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := upper(NEW.id); RETURN NEW; END $$",
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (java.sql.PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?");
                     java.sql.PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    delete.setString(1, "c");
                    assertThat(delete.executeUpdate()).isZero();
                    insert.setString(1, "c");
                    insert.setInt(2, 3);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                connection.commit();
            }
            assertThat(fixture.scopedResyncs()).as("'c' is reported as stored, 'C'").isEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("C", "3"));
        }
    }

    // nor does a delete that failed: it removed nothing, and its note is forgotten
    @Test
    void postgresFailedDeleteBeforeAnInsertStoredUnderAnotherKeyDoesNotHideIt() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN RAISE EXCEPTION 'deletes are closed'; END $$",
                    "CREATE TRIGGER refuse BEFORE DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION refuse()",
                    "CREATE FUNCTION suffix() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-x'; RETURN NEW; END $$",
                    "CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION suffix()");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "e"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("deletes are closed");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "e", 4)).isEqualTo(1);
            assertThat(fixture.scopedResyncs()).as("'e' is reported as stored, 'e-x'").isEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("e-x", "4"));
        }
    }

    // the other side of the rule: an insert whose sync runs only after a later transaction deleted its row finds
    // no row either, and the delete, noted before it ran, explains it; nothing is recorded
    @Test
    void insertWhoseSyncRunsAfterALaterDeleteOfItsRowRecordsNothing() throws Exception {
        CountDownLatch syncReading = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.ASYNC)
                .wrapOld(real -> heldForMirror(real, held, syncReading, deleted)).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "k", 1)).isEqualTo(1);
            assertThat(syncReading.await(60, TimeUnit.SECONDS)).as("the insert's sync reached its read").isTrue();
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "k")).isEqualTo(1);
            deleted.countDown();
            assertThat(fixture.awaitMirrors(2)).as("the insert's sync and the delete's").hasSize(2);
            assertThat(fixture.records()).as("a deleted row is no row kept under another key").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, NEW_ROWS)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, OLD_ROWS))
                    .isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The catalog read again: a change found resyncs the table
    // ---------------------------------------------------------------------------------------------------------

    // a trigger created after the catalog was read stores the insert of 'b' as 'b-x' while 'b' holds an older row:
    // the sync finds that row and cannot tell; the next catalog read finds the trigger and resyncs the table
    @Test
    void postgresTriggerCreatedWhileTheCatalogWasTrustedIsFoundAtItsNextReadAndTheTableResynced() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(java.time.Duration.ofSeconds(2))).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "a", "b");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION suffix() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-x'; RETURN NEW; END $$",
                    "CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION suffix()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                        LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty WHERE id = ?", "a");
                        return fixture.scopedResyncs().stream().anyMatch(r -> r.reason().equals("catalog-changed"));
                    });
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    @Test
    void aNegativeCatalogRefreshIsRefusedNamingTheSettingAndTheDefault() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.dualwrite.jdbc.DualWriteDataSource.builder()
                        .catalogRefresh(java.time.Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("catalogRefresh").hasMessageContaining("-1").hasMessageContaining("PT1M");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static Fixture timestamps(Kind kind) {
        Fixture fixture = Fixture.of(kind, kind);
        fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
        return fixture;
    }

    /** An earlier borrower sets the session zone and gives the connection back to the pool without resetting it. */
    private static void leaveZoneOnThePooledSession(Fixture fixture, String zone) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            run(connection, "SET time_zone = '" + zone + "'");
        }
    }

    private static String zoneOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet zone = statement.executeQuery("SELECT @@session.time_zone")) {
            assertThat(zone.next()).isTrue();
            return zone.getString(1);
        }
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * The old store, whose first connection taken by a mirror thread waits until {@code release} opens: the
     * sync of the first write reaches its read of the authoritative row ({@code reached}) and goes on only then.
     */
    private static DataSource heldForMirror(DataSource real, AtomicBoolean held, CountDownLatch reached,
                                            CountDownLatch release) {
        return (DataSource) Proxy.newProxyInstance(UnseenKeyChangesTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")
                            && Thread.currentThread().getName().startsWith("dualwrite-mirror-")
                            && held.compareAndSet(false, true)) {
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
