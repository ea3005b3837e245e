package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Session ends, twenty-second break: the server's session a commit was given up on is told from a later session the
 * server gave the same id (a PostgreSQL backend pid used again). The wait runs the real copier once the session
 * counts as ended, and each test ends comparing the two stores row by row with plain JDBC.
 */
class SessionEndBreak22Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2").build();

    private static long pid(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A session of its own on the server (a pool's would outlive its close). */
    private static Connection session(TestDatabase db) throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(db.pool().getJdbcUrl(), db.pool().getUsername(),
                db.pool().getPassword());
    }

    private static void sync(TestDatabase oldDb, TestDatabase newDb) {
        try {
            RowCopier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).build()
                    .sync(Store.OLD, List.of(new RowCopier.TableKeys(ORDERS, List.of("1"), null)));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> rows(TestDatabase db, String table) {
        return db.query("SELECT id, qty FROM " + table + " ORDER BY id");
    }

    // Failed before the fix: the id the wait polls for is held by a session that began after the commit was sent
    // (what a backend pid the server gave again to a later session looks like): the wait took it for the session
    // given up on and kept waiting as long as that other session lived. Now only a session that began before the
    // commit was sent counts (backend_start), so the keys are synced at once. Guard: a session that began before
    // keeps the wait until it ends.
    @Test
    void aLaterSessionWithTheSameIdDoesNotKeepTheWaitOnPostgres() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.H2)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 10)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, qty INT)", "INSERT INTO orders_v2 VALUES (1, 1)");
            AtomicReference<Duration> abandoned = new AtomicReference<>();

            // the guard: the session given up on, begun before the commit was sent, still runs
            try (Connection earlier = session(oldDb)) {
                long sent = System.nanoTime();
                CountDownLatch synced = new CountDownLatch(1);
                SessionEnd.whenGone(oldDb.dataSource(), Dialect.POSTGRESQL, pid(earlier), sent,
                        synced::countDown, abandoned::set);
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(60))
                        .until(() -> synced.getCount() == 1);
                earlier.close();
                await().atMost(Duration.ofSeconds(60)).until(() -> synced.getCount() == 0);
            }

            // a session begun after the commit was sent holds the id: not the one given up on
            long sent = System.nanoTime();
            try (Connection later = session(oldDb)) {
                CountDownLatch synced = new CountDownLatch(1);
                SessionEnd.whenGone(oldDb.dataSource(), Dialect.POSTGRESQL, pid(later), sent,
                        () -> {
                            sync(oldDb, newDb);
                            synced.countDown();
                        }, abandoned::set);
                await().atMost(Duration.ofSeconds(60)).until(() -> synced.getCount() == 0);
                assertThat(pid(later)).as("the later session still runs").isPositive();
            }
            assertThat(abandoned.get()).isNull();
            assertThat(rows(newDb, "orders_v2")).isEqualTo(rows(oldDb, "orders"));
        }
    }

    // Held (guard), MariaDB: the wait asks the server's uptime, then its process list. A session that began before the
    // commit was sent keeps the wait until it ends, then the keys are synced; nothing is recorded as abandoned.
    @Test
    void aMariadbSessionKeepsTheWaitUntilItEnds() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.MARIADB);
             TestDatabase newDb = TestDatabases.create(Kind.H2)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 10)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, qty INT)", "INSERT INTO orders_v2 VALUES (1, 1)");
            AtomicReference<Duration> abandoned = new AtomicReference<>();
            CountDownLatch synced = new CountDownLatch(1);
            try (Connection given = session(oldDb)) {
                long id;
                try (Statement statement = given.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT CONNECTION_ID()")) {
                    rows.next();
                    id = rows.getLong(1);
                }
                SessionEnd.whenGone(oldDb.dataSource(), Dialect.MYSQL, id, System.nanoTime(), () -> {
                    sync(oldDb, newDb);
                    synced.countDown();
                }, abandoned::set);
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(60))
                        .until(() -> synced.getCount() == 1);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> synced.getCount() == 0);
            assertThat(abandoned.get()).isNull();
            assertThat(rows(newDb, "orders_v2")).isEqualTo(rows(oldDb, "orders"));
        }
    }
}
