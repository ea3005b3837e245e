package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Round 27: the backfill under traffic from two application instances. Each member ends comparing both stores row by
 * row with plain JDBC.
 */
class BackfillBreak27Test {

    private static final int ROWS = 800;

    // Input (round 27's new member): two instances of one backfill job (the same name: one checkpoint), each with two
    //   workers and small chunks (5 to 40 keys), each syncing through its own data source's copier, while two threads
    //   write through the two data sources (separate pools, separate DualWriters) in DUAL_WRITE: updates, deletes,
    //   re-inserts of deleted ids, inserts, range updates, two-statement transactions, some rolled back, fixed by seed
    //   27. Then the mirrors drain, the reconciler repairs what the change log holds, a verification and a repair run,
    //   and the stores are compared row by row. Members: H2 -> H2 and MariaDB -> PostgreSQL (a renamed column).
    @Test
    void twoBackfillInstancesUnderWritesThroughTwoDataSourcesEndEqual() throws Exception {
        for (BackfillFixture.Pair pair : List.of(BackfillFixture.Pair.H2_TO_H2, BackfillFixture.Pair.MARIADB_TO_POSTGRES)) {
            try (BackfillFixture fixture = BackfillFixture.create(pair);
                 HikariDataSource oldSecond = BackfillFixture.instancePool(fixture.old, "second");
                 HikariDataSource newSecond = BackfillFixture.instancePool(fixture.fresh, "second")) {
                fixture.seed(1, ROWS);
                Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.builder(BackfillFixture.MIGRATION)
                                .defaultPhase(MigrationPhase.DUAL_WRITE).build()).build();
                JdbcChangeLog changeLog = JdbcChangeLog.create(fixture.old.dataSource());
                try (DualWriter firstWriter = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
                     DualWriter secondWriter = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build()) {
                    DualWriteDataSource first = DualWriteDataSource.builder().oldDataSource(fixture.old.dataSource())
                            .newDataSource(fixture.fresh.dataSource()).migration(BackfillFixture.MIGRATION)
                            .mapping(BackfillFixture.ORDERS).dualWriter(firstWriter).build();
                    DualWriteDataSource second = DualWriteDataSource.builder().oldDataSource(oldSecond)
                            .newDataSource(newSecond).migration(BackfillFixture.MIGRATION)
                            .mapping(BackfillFixture.ORDERS).dualWriter(secondWriter).build();
                    AtomicBoolean done = new AtomicBoolean();
                    AtomicLong operations = new AtomicLong();
                    List<CompletableFuture<Void>> writers = new ArrayList<>();
                    int thread = 0;
                    for (DualWriteDataSource dataSource : List.of(first, second)) {
                        Random random = new Random(27L * 31 + thread);
                        long firstNewId = ROWS + 1_000_000L * ++thread;
                        writers.add(CompletableFuture.runAsync(() -> {
                            try {
                                write(dataSource, random, firstNewId, done, operations);
                            } catch (SQLException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        }));
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() >= 10);
                    List<BackfillRun> runs = new ArrayList<>();
                    try {
                        for (DualWriteDataSource dataSource : List.of(first, second)) {
                            runs.add(fixture.job().rowCopier(dataSource.rowCopier()).workers(2).chunkRows(5, 40)
                                    .build().start());
                        }
                        for (BackfillRun run : runs) {
                            assertThat(run.await().complete()).as(pair.toString()).isTrue();
                        }
                    } finally {
                        done.set(true);
                    }
                    for (CompletableFuture<Void> writer : writers) {
                        writer.get();
                    }
                    assertThat(firstWriter.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    assertThat(secondWriter.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                            .oldDataSource(fixture.old.dataSource()).newDataSource(fixture.fresh.dataSource())
                            .mapping(BackfillFixture.ORDERS).rowCopier(first.rowCopier()).build();
                    for (int pass = 0; pass < 50 && keyEntries(fixture) > 0; pass++) {
                        reconciler.runOnce();
                    }
                    assertThat(keyEntries(fixture)).as(pair + ": key entries after the reconciler").isZero();
                    Verifier verifier = Verifier.builder().oldDataSource(fixture.old.dataSource())
                            .newDataSource(fixture.fresh.dataSource()).changeLog(changeLog)
                            .recheckDelay(Duration.ZERO).settleTimeout(Duration.ZERO).build();
                    VerificationJob job = VerificationJob.builder(BackfillFixture.MIGRATION)
                            .table(BackfillFixture.ORDERS).chunkRows(50).build();
                    VerificationResult found = verifier.verify(job);
                    if (!found.clean()) {
                        assertThat(Repairer.of(second.rowCopier(), verifier).repair(job, found).clean())
                                .as(pair.toString()).isTrue();
                    }
                    assertThat(fixture.differences()).as(pair + ", after " + operations.get() + " operations")
                            .isEmpty();
                    assertThat(verifier.verify(job).clean()).as(pair.toString()).isTrue();
                }
            }
        }
    }

    /** Change-log entries of single keys (not scoped resyncs), which the reconciler repairs. */
    private static long keyEntries(BackfillFixture fixture) {
        return fixture.old.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE operation <> 'RESYNC'");
    }

    /** One thread's writes: at least 60, and on until both backfills are done. */
    private static void write(DualWriteDataSource dataSource, Random random, long firstNewId, AtomicBoolean done,
                              AtomicLong operations) throws SQLException {
        List<Long> deleted = new ArrayList<>();
        long nextId = firstNewId;
        int count = 0;
        while (count < 60 || !done.get()) {
            count++;
            operations.incrementAndGet();
            long id = 1 + random.nextInt(ROWS);
            int kind = random.nextInt(100);
            try (Connection connection = dataSource.getConnection()) {
                if (kind < 30) {
                    update(connection, "UPDATE orders SET amount = amount + 1, status = ? WHERE id = ?",
                            "upd-" + random.nextInt(1000), id);
                } else if (kind < 50) {
                    if (update(connection, "DELETE FROM orders WHERE id = ?", id) > 0) {
                        deleted.add(id);
                    }
                } else if (kind < 60 && !deleted.isEmpty()) {
                    long again = deleted.remove(random.nextInt(deleted.size()));
                    update(connection, "INSERT INTO orders (id, merchant_id, amount, status, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)", again, "m-back", BigDecimal.ONE, "reinserted",
                            LocalDateTime.of(2027, 6, 1, 12, 0));
                } else if (kind < 75) {
                    update(connection, "INSERT INTO orders (id, merchant_id, amount, status, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)", nextId++, "m-" + random.nextInt(7), BigDecimal.TEN, "new",
                            LocalDateTime.of(2027, 2, 1, 0, 0));
                } else if (kind < 88) {
                    update(connection, "UPDATE orders SET status = ? WHERE id BETWEEN ? AND ?",
                            "range-" + random.nextInt(100), id, id + 5);
                } else {
                    connection.setAutoCommit(false);
                    update(connection, "UPDATE orders SET status = 'tx' WHERE id = ?", id);
                    update(connection, "DELETE FROM orders WHERE id = ?", 1 + random.nextInt(ROWS));
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
