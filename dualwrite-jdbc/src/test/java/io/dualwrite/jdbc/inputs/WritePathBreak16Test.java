package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A sixteenth review of the write path: what an earlier borrower left on a pooled session the copier then reads or
 * writes through. A temporary table hides the table of its name on its session (on PostgreSQL by coming first in the
 * search path, on MariaDB whatever the name's qualification), and a session goes back to its pool with it. The copier
 * borrows sessions of the same pools as the application, so a sync or a reconciler run on such a session read the
 * temporary table's rows as the old store's, or wrote the new store's rows into a temporary table, and reported
 * success. Each test checks the new store against the old one row by row: equal, or the keys still recorded and the
 * stores equal once a reconciler runs on clean sessions.
 */
class WritePathBreak16Test {

    /** The tables the tests leave in the sessions, as an earlier borrower of the pool would. */
    private static final String TEMP_ORDERS = "CREATE TEMPORARY TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20),"
            + " qty INT)";
    private static final String TEMP_ORDERS_V2 = "CREATE TEMPORARY TABLE orders_v2 (id BIGINT PRIMARY KEY,"
            + " code VARCHAR(20), quantity INT)";

    /** A pool of {@code size} sessions on {@code db}, apart from the database's own pool. */
    private static HikariDataSource smallPool(javax.sql.DataSource db, int size) {
        HikariDataSource pool = (HikariDataSource) db;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pool.getJdbcUrl());
        config.setUsername(pool.getUsername());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    /** Leaves {@code sql} on every session of {@code pool}: all are borrowed at once, so each runs it. */
    private static void leaveOnEverySession(HikariDataSource pool, String... sql) throws Exception {
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                Connection connection = pool.getConnection();
                all.add(connection);
                try (Statement statement = connection.createStatement()) {
                    for (String each : sql) {
                        statement.execute(each);
                    }
                }
            }
        } finally {
            for (Connection connection : all) {
                connection.close();
            }
        }
    }

    private static String newRows(Fixture fixture) throws Exception {
        return Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id").toString();
    }

    // Failed before its fix: the key of the update was recorded while the new store was down; the reconciler's
    // copier then read row 1 on a session where a temporary table "orders" hid the old store's, copied (1, 'tmp', 99)
    // into the new store and completed the record: the new store ended different from the old one, nothing recorded.
    // On PostgreSQL the copier now names the table by the schema it is in; on MariaDB, where a temporary table hides
    // even a qualified name, a sync on such a session fails and the key stays recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aTemporaryTableLeftOnAPooledOldSessionIsNeverCopied(Kind kind) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG);
             HikariDataSource tainted = smallPool(fixture.oldDb.dataSource(), 2)) {
            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
            }
            WritePathBreak9Test.drained(fixture);
            fixture.newStoreBack();
            assertThat(fixture.recordKeys()).containsExactly("orders/1/UPDATE");
            leaveOnEverySession(tainted, TEMP_ORDERS, "INSERT INTO orders VALUES (1, 'tmp', 99)");

            // retried at once once its sessions are clean: the failure's backoff would hold the entry a second
            fixture.reconcilerBuilder().oldDataSource(tainted).resolver(Fixture.MIGRATION, fixture.resolver)
                    .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();

            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders WHERE id = 1").toString())
                    .isEqualTo("[{id=1, code=a, qty=7}]");
            assertThat(newRows(fixture)).doesNotContain("tmp");
            // On MariaDB the entry failed and is due again after its backoff (1 ms): a clean reconciler run within
            // that millisecond finds nothing due, so the check (a record while the stores differ, then a reconciler
            // run, then equal stores) is repeated until a run comes after it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    Mirrored.exactOrResynced(fixture, kind + " temporary table on the old store's sessions"));
        }
    }

    // Failed before its fix: every session of the new store's pool held a temporary table "orders_v2"; the live sync
    // of the update wrote row 1 into it and reported success, so the new store's table kept quantity 1 while the old
    // store held 7, with nothing recorded. On PostgreSQL the upsert now names the table by its schema; on MariaDB the
    // sync fails and records the key, which a reconciler on clean sessions copies.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aTemporaryTableLeftOnAPooledNewSessionNeverTakesTheSync(Kind kind) throws Exception {
        AtomicReference<HikariDataSource> tainted = new AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, kind).wrapNew(pool -> {
                    tainted.set(smallPool(pool, 3));
                    return tainted.get();
                }).build(), Mirrored.PG)) {
            leaveOnEverySession(tainted.get(), TEMP_ORDERS_V2);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id").toString())
                    .isEqualTo("[{id=1, code=a, qty=7}, {id=2, code=b, qty=2}, {id=3, code=c, qty=3}, {id=4, code=d, qty=4}]");
            tainted.get().close();
            Mirrored.exactOrResynced(fixture, kind + " temporary table on the new store's sessions");
        } finally {
            if (tainted.get() != null) {
                tainted.get().close();
            }
        }
    }

    // ---- 2. A row limit left on a pooled MySQL/MariaDB session ----------------------------------------------------

    // Failed before its fix: the keys of the update were recorded while the new store was down; the reconciler's
    // copier then read rows 1 to 3 on sessions an earlier borrower had left on sql_select_limit = 0, which returns no
    // row of a SELECT without LIMIT: it took the rows for deleted, deleted them from the new store and completed the
    // records, so the new store ended empty with nothing recorded (with a limit of 1, it read one row of three). The
    // copier's session now lifts the limit for its statements and puts it back after, as it does its sql_mode.
    @ParameterizedTest(name = "sql_select_limit = {0}")
    @CsvSource({"0", "1"})
    void aRowLimitLeftOnAPooledOldSessionCutsNoCopy(int limit) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.H2), Mirrored.PG);
             HikariDataSource pool = smallPool(fixture.oldDb.dataSource(), 2)) {
            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = qty + 10 WHERE id IN (1, 2, 3)");
            }
            WritePathBreak9Test.drained(fixture);
            fixture.newStoreBack();
            assertThat(fixture.recordKeys()).hasSize(3);
            dirty.set(true);

            fixture.reconcilerBuilder().oldDataSource(PooledSessionStateTest.leftOn(pool, dirty,
                    "SET SESSION sql_select_limit = " + limit)).resolver(Fixture.MIGRATION, fixture.resolver)
                    .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();

            assertThat(newRows(fixture)).isEqualTo("[{id=1, code=a, qty=11}, {id=2, code=b, qty=12}, {id=3, code=c, qty=13}]");
            Mirrored.exactOrResynced(fixture, "row limit " + limit + " on the old store's sessions");
        }
    }

    // Failed before its fix: every session of the new store's pool was left on sql_select_limit = 0; the live sync
    // reads the rows it wrote back on the new store, found none, failed and recorded the keys, so every write was
    // left to the reconciler (on the same sessions). Now the update and the insert are copied exactly, with nothing
    // recorded. (A limit on the application's own old-store session cuts the library's reads there too; those
    // writes record scoped resyncs, as the last section of decisions says.)
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"H2, MARIADB"})
    void aRowLimitLeftOnAPooledNewSessionCutsNoLiveSync(Kind oldKind, Kind newKind) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        java.util.function.UnaryOperator<javax.sql.DataSource> limited = real -> {
            pool.set(smallPool(real, 3));
            return PooledSessionStateTest.leftOn(pool.get(), dirty, "SET SESSION sql_select_limit = 0");
        };
        try (Fixture fixture = Mirrored.seed(Fixture.builder(oldKind, newKind).wrapNew(limited).build(), Mirrored.PG)) {
            dirty.set(true);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4), (5, 'e', 5)");
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        } finally {
            if (pool.get() != null) {
                pool.get().close();
            }
        }
    }
}
