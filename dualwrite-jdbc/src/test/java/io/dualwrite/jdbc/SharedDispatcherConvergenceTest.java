package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One MirrorDispatcher per data source, shared by many threads, each on its own connection, of two data sources
 * (H2 and PostgreSQL) written at the same time, in ChangeLogMode.ALWAYS (the dispatcher writes the outbox).
 * Ends by comparing both stores of each data source row by row with plain JDBC.
 */
class SharedDispatcherConvergenceTest {

    private static final long SEED = 20261130L;
    private static final int THREADS_PER_SOURCE = 4;
    private static final int TRANSACTIONS = 60;
    private static final int KEYS = 40;

    private static long writeOutbox(Connection connection, io.dualwrite.changelog.ChangeRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (row_key, operation) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, record.key());
            insert.setString(2, record.operation().name());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static DualWriteFixture fixture(Kind kind) {
        DualWriteFixture fixture = new DualWriteFixture(kind, kind, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")),
                builder -> builder.changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(SharedDispatcherConvergenceTest::writeOutbox));
        fixture.bothStores("CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(40), version INT)");
        fixture.oldDb.execute(kind == Kind.POSTGRES
                ? "CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, row_key VARCHAR(40), operation VARCHAR(10))"
                : "CREATE TABLE outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, row_key VARCHAR(40), operation VARCHAR(10))");
        return fixture;
    }

    /**
     * One thread's work: transactions of 1–3 writes on random keys; returns how many committed. {@code inserts}
     * says which keys it may insert: on H2 only its own share ({@code key % THREADS_PER_SOURCE}), while its updates
     * and deletes still meet every other thread's keys. H2 itself (2.3 to 2.5) loses a row from its primary-key
     * index when two transactions insert one key at once and the loser rolls back (the row stays in scans and
     * other indexes), in plain JDBC as well, which would leave the old store unable to say which rows it holds.
     */
    private static int work(DualWriteFixture fixture, long seed, CountDownLatch start,
                            java.util.function.IntPredicate inserts) throws Exception {
        Random random = new Random(seed);
        int committed = 0;
        start.await();
        try (Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int t = 0; t < TRANSACTIONS; t++) {
                try (Statement statement = connection.createStatement()) {
                    int writes = 1 + random.nextInt(3);
                    for (int w = 0; w < writes; w++) {
                        int key = 1 + random.nextInt(KEYS);
                        switch (random.nextInt(3)) {
                            case 0 -> statement.executeUpdate("UPDATE orders SET note = 'n" + seed % 1000 + "-" + t
                                    + "', version = version + 1 WHERE id = " + key);
                            case 1 -> statement.executeUpdate("DELETE FROM orders WHERE id = " + key);
                            default -> {
                                if (!inserts.test(key)) {
                                    continue;
                                }
                                // a plain INSERT (INSERT ... SELECT would be a scoped resync, left to the resolver)
                                try (PreparedStatement insert = connection.prepareStatement(
                                        "INSERT INTO orders (id, note, version) VALUES (?, ?, 0)")) {
                                    insert.setLong(1, key);
                                    insert.setString(2, "i" + t);
                                    insert.executeUpdate();
                                }
                            }
                        }
                    }
                    connection.commit();
                    committed++;
                } catch (SQLException conflict) { // a lock timeout, deadlock or duplicate key between threads
                    connection.rollback();
                }
            }
        }
        return committed;
    }

    @Test
    void threadsOfTwoDataSourcesWritingAtOnceLeaveEachPairOfStoresEqual() throws Exception {
        try (DualWriteFixture h2 = fixture(Kind.H2); DualWriteFixture postgres = fixture(Kind.POSTGRES)) {
            List<DualWriteFixture> fixtures = List.of(h2, postgres);
            for (DualWriteFixture fixture : fixtures) {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    for (int key = 1; key <= KEYS; key += 2) {
                        statement.executeUpdate("INSERT INTO orders VALUES (" + key + ", 'seed', 0)");
                    }
                }
            }
            ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_SOURCE);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            try {
                for (int i = 0; i < 2 * THREADS_PER_SOURCE; i++) {
                    DualWriteFixture fixture = fixtures.get(i % 2);
                    long seed = SEED + i;
                    int share = i / 2;
                    java.util.function.IntPredicate inserts = fixture == h2
                            ? key -> key % THREADS_PER_SOURCE == share : key -> true;
                    results.add(threads.submit(() -> work(fixture, seed, start, inserts)));
                }
                start.countDown();
                int committed = 0;
                for (Future<Integer> result : results) {
                    committed += result.get(2, TimeUnit.MINUTES);
                }
                assertThat(committed).as("seed " + SEED + ": most transactions commit").isGreaterThan(TRANSACTIONS);
            } finally {
                threads.shutdownNow();
            }

            for (DualWriteFixture fixture : fixtures) {
                List<java.util.Map<String, Object>> oldRows = fixture.oldDb.query("SELECT id, note, version FROM orders ORDER BY id");
                assertThat(fixture.newDb.query("SELECT id, note, version FROM orders ORDER BY id"))
                        .as("seed " + SEED + ", " + fixture.oldDb).isEqualTo(oldRows);
                assertThat(fixture.toNewEvents).as("every mirror succeeded")
                        .allSatisfy(event -> assertThat(event.outcome()).isEqualTo(MirrorOutcome.SUCCEEDED));
                // the dispatcher wrote the outbox of this data source
                assertThat(fixture.oldDb.query("SELECT DISTINCT operation FROM outbox")).isNotEmpty();
                assertThat(fixture.records()).as("nothing left to the reconciler").isEmpty();
            }
        }
    }
}
