package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillResult;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The copier's table names, twenty-third break: the copier's own sessions (the mirrors' target, the reconciler's,
 * the backfill's, the verification's and the repair's, on both stores) come from pools whose sessions an earlier
 * borrower left on another PostgreSQL {@code search_path}, MariaDB database ({@code USE}) or H2 schema ({@code SET
 * SCHEMA}), where a table of the mapped name holds other rows (a decoy), or where none is. The copier must read and
 * write the mapped table in its home only: the reconciler, a backfill (its preflight too), a verification and its
 * repair, a mirror, and MariaDB's key locks, which must exclude a sync on a clean session. Each test ends comparing
 * the two homes row by row with plain JDBC on clean sessions, and checks the decoys are as they were.
 */
class CopierNamesBreak23Test {

    private static final String MIGRATION = "b23";

    /** The decoys' rows: other rows, under keys the home tables hold too. */
    private static final List<Map<String, String>> DECOY_OLD = List.of(
            Rows.expected("id", "1", "code", "decoy", "qty", "999"),
            Rows.expected("id", "2", "code", "decoy", "qty", "998"),
            Rows.expected("id", "4", "code", "decoy", "qty", "997"));
    private static final List<Map<String, String>> DECOY_NEW = List.of(
            Rows.expected("id", "1", "code", "decoy", "quantity", "999"),
            Rows.expected("id", "2", "code", "decoy", "quantity", "998"));

    /** Where a store's sessions are left, and the decoys made there. */
    private static final class Elsewhere implements AutoCloseable {
        final TestDatabase home;
        final @Nullable TestDatabase side;
        final String qualifier;
        final HikariDataSource leftOn;

        Elsewhere(TestDatabase home, String table, String columns) {
            this(home, table, columns, true);
        }

        /** {@code decoy}: whether a table of the name is made where the sessions are left. */
        Elsewhere(TestDatabase home, String table, String columns, boolean decoy) {
            this.home = home;
            Kind kind = home.kind();
            side = kind == Kind.MARIADB ? TestDatabases.create(Kind.MARIADB) : null;
            qualifier = side != null ? side.name() + "." : "side.";
            if (side == null) {
                home.execute("CREATE SCHEMA side");
            }
            if (decoy) {
                home.execute("CREATE TABLE " + qualifier + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20), "
                        + columns + " INT)");
            }
            String leave = switch (kind) {
                case POSTGRES -> decoy ? "SET search_path TO side, public" : "SET search_path TO side";
                case MARIADB -> "USE " + side.name();
                case H2 -> "SET SCHEMA side";
            };
            HikariConfig config = new HikariConfig();
            if (kind == Kind.H2) {
                config.setJdbcUrl("jdbc:h2:mem:" + home.name() + ";DB_CLOSE_DELAY=-1");
                config.setUsername("sa");
            } else {
                config.setJdbcUrl(home.pool().getJdbcUrl());
                config.setUsername(home.pool().getUsername());
                config.setPassword(home.pool().getPassword());
            }
            config.setMaximumPoolSize(3);
            config.setConnectionInitSql(leave);
            leftOn = new HikariDataSource(config);
        }

        @Override
        public void close() {
            leftOn.close();
            if (side != null) {
                side.close();
            }
        }
    }

    private static void seed(TestDatabase oldDb, TestDatabase newDb, int rows, boolean copy) {
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)");
        for (int id = 1; id <= rows; id++) {
            oldDb.execute("INSERT INTO orders (id, code, qty) VALUES (" + id + ", 'c" + id + "', " + id + ")");
            if (copy) {
                newDb.execute("INSERT INTO orders_v2 (id, code, quantity) VALUES (" + id + ", 'c" + id + "', " + id
                        + ")");
            }
        }
    }

    private static Elsewhere[] decoys(TestDatabase oldDb, TestDatabase newDb) {
        Elsewhere old = new Elsewhere(oldDb, "orders", "qty");
        Elsewhere neu = new Elsewhere(newDb, "orders_v2", "quantity");
        oldDb.execute("INSERT INTO " + old.qualifier + "orders VALUES (1, 'decoy', 999), (2, 'decoy', 998),"
                + " (4, 'decoy', 997)");
        newDb.execute("INSERT INTO " + neu.qualifier + "orders_v2 VALUES (1, 'decoy', 999), (2, 'decoy', 998)");
        return new Elsewhere[] {old, neu};
    }

    /** The homes equal row by row, and each decoy as it was. */
    private static void assertHomesEqualAndDecoysUntouched(Elsewhere old, Elsewhere neu, int rows) {
        assertThat(Rows.assertSame(old.home, "SELECT id, code, qty FROM orders ORDER BY id",
                neu.home, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(rows);
        assertThat(Rows.of(old.home, "SELECT id, code, qty FROM " + old.qualifier + "orders ORDER BY id"))
                .as("the old store's decoy").isEqualTo(DECOY_OLD);
        assertThat(Rows.of(neu.home, "SELECT id, code, quantity FROM " + neu.qualifier + "orders_v2 ORDER BY id"))
                .as("the new store's decoy").isEqualTo(DECOY_NEW);
    }

    private static Switchboard dualWrite() {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
        return Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(MIGRATION)).build();
    }

    // Failed before the fix (MariaDB, H2; PostgreSQL's pre-existing schema lookup read the session's path, so side
    // came first): the reconciler's sessions read the decoy's row 1 (qty 999) as the old row and wrote into the new
    // store's decoy, or deleted its row 2, and reported the entries done.
    @ParameterizedTest(name = "{0} -> {1}: the reconciler reads and writes the mapped tables in their homes only")
    @CsvSource({"POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2", "MARIADB, POSTGRES", "POSTGRES, H2"})
    void theReconcilerOnSessionsLeftElsewhereNeverTouchesATableOfTheSameName(Kind oldKind, Kind newKind)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            seed(oldDb, newDb, 3, true);
            Elsewhere[] elsewhere = decoys(oldDb, newDb);
            try (Elsewhere old = elsewhere[0]; Elsewhere neu = elsewhere[1]) {
                oldDb.execute("UPDATE orders SET qty = 100 WHERE id = 1", "DELETE FROM orders WHERE id = 2",
                        "INSERT INTO orders (id, code, qty) VALUES (5, 'c5', 5)");
                InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                changeLog.record(MIGRATION, "orders", "1", Operation.UPDATE, "test");
                changeLog.record(MIGRATION, "orders", "2", Operation.DELETE, "test");
                changeLog.record(MIGRATION, "orders", "4", Operation.COPY, "test");
                changeLog.record(MIGRATION, "orders", "5", Operation.INSERT, "test");
                Reconciler.builder().changeLog(changeLog).oldDataSource(old.leftOn).newDataSource(neu.leftOn)
                        .mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite()).build().runOnce();
                assertThat(changeLog.pendingCount(MIGRATION)).as("every entry done").isZero();
                assertHomesEqualAndDecoysUntouched(old, neu, 3);
            }
        }
    }

    // Failed before the fix: the backfill walked and copied the decoy's rows (1, 2, 4) into the new store's decoy.
    @ParameterizedTest(name = "{0} -> {1}: a backfill copies the home table into the home table")
    @CsvSource({"POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2", "MARIADB, POSTGRES"})
    void aBackfillOnSessionsLeftElsewhereCopiesTheHomeTables(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            seed(oldDb, newDb, 30, false);
            Elsewhere[] elsewhere = decoys(oldDb, newDb);
            try (Elsewhere old = elsewhere[0]; Elsewhere neu = elsewhere[1]) {
                BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(old.leftOn)
                        .newDataSource(neu.leftOn).checkpointDataSource(oldDb.dataSource()).mapping(Fixture.ORDERS)
                        .build().run();
                assertThat(result.complete()).isTrue();
                assertHomesEqualAndDecoysUntouched(old, neu, 30);
            }
        }
    }

    // Failed before the fix: with no table of the mapped names where the sessions were left, the backfill's preflight
    // or its walk looked for the tables there and refused, as if they did not exist.
    @ParameterizedTest(name = "{0} -> {1}: a backfill finds the home tables from sessions left where none is")
    @CsvSource({"POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2"})
    void aBackfillOnSessionsLeftWhereNoTableOfTheNameIsFindsTheHomeTables(Kind oldKind, Kind newKind)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            seed(oldDb, newDb, 30, false);
            try (Elsewhere old = new Elsewhere(oldDb, "orders", "qty", false);
                 Elsewhere neu = new Elsewhere(newDb, "orders_v2", "quantity", false)) {
                BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(old.leftOn)
                        .newDataSource(neu.leftOn).checkpointDataSource(oldDb.dataSource()).mapping(Fixture.ORDERS)
                        .build().run();
                assertThat(result.complete()).isTrue();
                assertThat(Rows.assertSame(oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                        newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(30);
            }
        }
    }

    // Failed before the fix: the verification compared the decoys (which differ) instead of the homes (which are
    // equal), or the other way round, and the repair wrote the decoy.
    @ParameterizedTest(name = "{0} -> {1}: a verification and its repair compare and write the home tables")
    @CsvSource({"POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2", "MARIADB, POSTGRES"})
    void aVerificationAndRepairOnSessionsLeftElsewhereUseTheHomeTables(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            seed(oldDb, newDb, 12, true);
            Elsewhere[] elsewhere = decoys(oldDb, newDb);
            try (Elsewhere old = elsewhere[0]; Elsewhere neu = elsewhere[1]) {
                Verifier verifier = Verifier.builder().oldDataSource(old.leftOn).newDataSource(neu.leftOn)
                        .results(oldDb.dataSource()).build();
                VerificationJob job = VerificationJob.builder(MIGRATION).table(Fixture.ORDERS).build();
                assertThat(verifier.verify(job).clean()).as("the homes are equal").isTrue();
                newDb.execute("UPDATE orders_v2 SET quantity = 0 WHERE id = 7", "DELETE FROM orders_v2 WHERE id = 8");
                VerificationResult dirty = verifier.verify(job);
                assertThat(dirty.clean()).as("the homes differ").isFalse();
                Repairer.of(RowCopier.builder().oldDataSource(old.leftOn).newDataSource(neu.leftOn).build(), verifier)
                        .repair(job, dirty);
                assertHomesEqualAndDecoysUntouched(old, neu, 12);
            }
        }
    }

    // Failed before the fix (MariaDB, H2 new stores): the mirror's upsert landed in the new store's decoy.
    @ParameterizedTest(name = "{0} -> {1}, {2}: a mirror writes the new store's home table")
    @CsvSource({"POSTGRES, POSTGRES, ASYNC", "MARIADB, MARIADB, SYNC", "H2, H2, ASYNC", "MARIADB, POSTGRES, SYNC"})
    void aMirrorOnTargetSessionsLeftElsewhereWritesTheHomeTable(Kind oldKind, Kind newKind, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            seed(oldDb, newDb, 3, true);
            Elsewhere[] elsewhere = decoys(oldDb, newDb);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            MirrorConfig config = MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(20)).build();
            try (Elsewhere old = elsewhere[0]; Elsewhere neu = elsewhere[1];
                 MirrorExecutor toNew = MirrorExecutors.create("b23-to-new", config, changeLog, event -> { });
                 MirrorExecutor toOld = MirrorExecutors.create("b23-to-old", config, changeLog, event -> { })) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(neu.leftOn).migration(MIGRATION).resolver(dualWrite())
                        .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld).changeLog(changeLog)
                        .mapping(Fixture.ORDERS).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 100 WHERE id = 1");
                    statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                    statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'c6', 6)");
                }
                assertThat(toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
                assertThat(changeLog.entries()).as("nothing failed").isEmpty();
                assertHomesEqualAndDecoysUntouched(old, neu, 3);
            }
        }
    }

    // Failed before the fix: MariaDB's key locks (GET_LOCK) are named with the database, which the copier took from
    // the session (getCatalog); on a target session left USEd in another database the name was another, so a sync
    // there did not wait for the same key's lock held by a sync on a clean session (here taken by hand, as the copier
    // takes it) and wrote the row at once: two syncs of one key ran together. The lock is now named with the URL's
    // database, the home; the sync waits, fails at its lock timeout (its caller records the key), and runs once the
    // lock is released.
    @org.junit.jupiter.api.Test
    void aSyncOnATargetSessionLeftInAnotherDatabaseWaitsForTheKeysLock() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.MARIADB);
             TestDatabase newDb = TestDatabases.create(Kind.MARIADB)) {
            seed(oldDb, newDb, 3, true);
            Elsewhere[] elsewhere = decoys(oldDb, newDb);
            try (Elsewhere old = elsewhere[0]; Elsewhere neu = elsewhere[1];
                 Connection holder = newDb.dataSource().getConnection()) {
                oldDb.execute("UPDATE orders SET qty = 100 WHERE id = 1");
                RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource()).newDataSource(neu.leftOn)
                        .lockTimeout(Duration.ofSeconds(1)).build();
                List<RowCopier.TableKeys> key = List.of(new RowCopier.TableKeys(Fixture.ORDERS, List.of("1"), null));
                holder.setAutoCommit(false);
                io.dualwrite.jdbc.copy.KeyLocks.lock(holder, "orders", List.of("1"), 1, Duration.ofSeconds(5));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> copier.sync(Store.OLD, key))
                        .as("the sync waits for the lock held on a clean session").hasMessageContaining("key lock");
                assertThat(newDb.count("SELECT quantity FROM orders_v2 WHERE id = 1")).isEqualTo(1);
                try (Statement release = holder.createStatement()) {
                    release.execute("SELECT RELEASE_ALL_LOCKS()");
                }
                holder.rollback();
                copier.sync(Store.OLD, key);
                assertHomesEqualAndDecoysUntouched(old, neu, 3);
            }
        }
    }

    // Failed before the fix: the new store's key compares text ignoring case (MariaDB's utf8mb4_general_ci) while the
    // old one's compares exactly; the preflight, asking the collations of the database the new store's sessions were
    // left in (DATABASE()), found no such table there and did not refuse; now it asks the home.
    @org.junit.jupiter.api.Test
    void theBackfillPreflightReadsTheNewKeysCollationInTheHome() throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.MARIADB)) {
            oldDb.execute("CREATE TABLE orders (code VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('a', 1), ('A', 2)");
            newDb.execute("CREATE TABLE orders_v2 (code VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY,"
                    + " quantity INT)");
            try (Elsewhere neu = new Elsewhere(newDb, "orders_v2", "quantity", false)) {
                TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity").primaryKey("code")
                        .build();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> BackfillJob.builder().migration(MIGRATION)
                                .oldDataSource(oldDb.dataSource()).newDataSource(neu.leftOn).mapping(mapping).build()
                                .run())
                        .hasMessageContaining("compares text ignoring case");
            }
            assertThat(newDb.count("SELECT COUNT(*) FROM orders_v2")).as("nothing copied").isZero();
        }
    }
}
