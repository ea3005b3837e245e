package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backfill while the application double-writes: four threads write through a {@link DualWriteDataSource} in
 * {@code DUAL_WRITE} (async mirrors) — updates (absolute and relative), inserts, deletes, re-inserts of deleted
 * ids, small range updates, two-statement transactions, some rolled back — over the whole key range, before,
 * during and after the backfill's walk, each thread's statements fixed by a seed. The backfill syncs through
 * the data source's own copier. After the mirrors drain, the old and the new table, compared row by row with
 * plain JDBC, are equal and the change log is empty: no backfill copy overwrote a newer live sync with an older
 * row, and no deleted row came back.
 */
class BackfillUnderDoubleWritesTest {

    private static final int ROWS = 20_000;
    private static final int THREADS = 4;
    private static final int MIN_OPERATIONS_PER_THREAD = 300;

    static Stream<Arguments> cases() {
        return Stream.of(BackfillFixture.Pair.values()).flatMap(pair -> Stream.of(Arguments.of(pair, 11L),
                Arguments.of(pair, 29L)));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    @Timeout(300)
    void aBackfillUnderConcurrentDoubleWritesEndsWithZeroDifferences(BackfillFixture.Pair pair, long seed)
            throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, ROWS);
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.builder(BackfillFixture.MIGRATION)
                            .defaultPhase(MigrationPhase.DUAL_WRITE).build())
                    .build();
            JdbcChangeLog changeLog = JdbcChangeLog.create(fixture.old.dataSource());
            try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build()) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder()
                        .oldDataSource(fixture.old.dataSource()).newDataSource(fixture.fresh.dataSource())
                        .migration(BackfillFixture.MIGRATION).mapping(BackfillFixture.ORDERS).dualWriter(writer)
                        .build();

                AtomicBoolean backfillDone = new AtomicBoolean();
                AtomicLong operations = new AtomicLong();
                ExecutorService threads = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> workload = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Random random = new Random(seed * 31 + t);
                    long firstNewId = ROWS + 1_000_000L * (t + 1);
                    workload.add(threads.submit(() -> {
                        write(dataSource, random, firstNewId, backfillDone, operations);
                        return null;
                    }));
                }
                BackfillResult result;
                try {
                    Thread.sleep(100); // writes before the walk starts, too
                    result = fixture.job().rowCopier(dataSource.rowCopier()).workers(2).chunkRows(100, 400)
                            .rateLimit(8_000).build().run();
                } finally {
                    backfillDone.set(true);
                }
                for (Future<?> thread : workload) {
                    thread.get();
                }
                threads.shutdown();
                assertThat(result.complete()).isTrue();
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).as("mirrors drained").isTrue();
                assertThat(operations.get()).isGreaterThanOrEqualTo((long) THREADS * MIN_OPERATIONS_PER_THREAD);
                assertThat(changeLog.pendingCount(BackfillFixture.MIGRATION)).as("change-log backlog").isZero();
                assertThat(fixture.differences()).as("old and new, row by row, after %s operations", operations.get())
                        .isEmpty();
                assertThat(result.tables().get(0).rowsDeleted() + result.rowsCopied())
                        .as("keys the backfill synced").isGreaterThanOrEqualTo(ROWS / 2);
            }
        }
    }

    /** One thread's writes: at least {@link #MIN_OPERATIONS_PER_THREAD}, and on until the backfill is done. */
    private static void write(DualWriteDataSource dataSource, Random random, long firstNewId, AtomicBoolean done,
                              AtomicLong operations) throws SQLException {
        List<Long> deleted = new ArrayList<>();
        long nextId = firstNewId;
        int count = 0;
        while (count < MIN_OPERATIONS_PER_THREAD || !done.get()) {
            count++;
            operations.incrementAndGet();
            long id = 1 + random.nextInt(ROWS);
            int kind = random.nextInt(100);
            try (Connection connection = dataSource.getConnection()) {
                if (kind < 30) {
                    update(connection, "UPDATE orders SET amount = amount + 1, status = ? WHERE id = ?",
                            "upd-" + random.nextInt(1000), id);
                } else if (kind < 45) {
                    update(connection, "UPDATE orders SET amount = ?, created_at = ? WHERE id = ?",
                            BigDecimal.valueOf(random.nextInt(100_000), 2), LocalDateTime.of(2027, 1, 1, 0, 0)
                                    .plusSeconds(random.nextInt(1_000_000)).plusNanos(1000L * random.nextInt(1_000_000)), id);
                } else if (kind < 60) {
                    if (update(connection, "DELETE FROM orders WHERE id = ?", id) > 0) {
                        deleted.add(id);
                    }
                } else if (kind < 70 && !deleted.isEmpty()) {
                    long again = deleted.remove(random.nextInt(deleted.size()));
                    update(connection, "INSERT INTO orders (id, merchant_id, amount, status, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)", again, "m-back", BigDecimal.ONE, "reinserted",
                            LocalDateTime.of(2027, 6, 1, 12, 0));
                } else if (kind < 80) {
                    update(connection, "INSERT INTO orders (id, merchant_id, amount, status, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)", nextId++, "m-" + random.nextInt(7), BigDecimal.TEN, "new",
                            LocalDateTime.of(2027, 2, 1, 0, 0));
                } else if (kind < 90) {
                    update(connection, "UPDATE orders SET status = ? WHERE id BETWEEN ? AND ?",
                            "range-" + random.nextInt(100), id, id + 5);
                } else {
                    connection.setAutoCommit(false);
                    update(connection, "UPDATE orders SET status = 'tx' WHERE id = ?", id);
                    long other = 1 + random.nextInt(ROWS);
                    update(connection, "DELETE FROM orders WHERE id = ?", other);
                    if (random.nextInt(4) == 0) {
                        connection.rollback();
                    } else {
                        connection.commit();
                    }
                    connection.setAutoCommit(true);
                }
            }
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }
}
