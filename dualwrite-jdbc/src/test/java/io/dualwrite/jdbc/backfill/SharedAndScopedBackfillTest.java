package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several workers on one table: two application instances (each with its own pools, copier and two worker
 * threads) run the same job at once; every key is synced exactly once — so no chunk was copied twice — and
 * together they copy every row, each instance a share. And a merchant-scoped backfill touches only that
 * merchant's rows (its id compared exactly: {@code 'M-3'} and {@code 'm-3 '} are other merchants, also under
 * MariaDB's case-insensitive PAD SPACE collation).
 */
class SharedAndScopedBackfillTest {

    private static final int ROWS = 30_000;

    @ParameterizedTest
    @EnumSource(BackfillFixture.Pair.class)
    @Timeout(300)
    void twoInstancesShareATableWithoutCopyingAChunkTwice(BackfillFixture.Pair pair) throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, ROWS);
            Map<String, AtomicInteger> syncs = BackfillFixture.CountingCopier.counts();
            List<HikariDataSource> pools = new ArrayList<>();
            Map<String, BackfillJob> instances = new LinkedHashMap<>();
            for (String name : List.of("a", "b")) {
                HikariDataSource oldPool = BackfillFixture.instancePool(fixture.old, name + "-old");
                HikariDataSource newPool = BackfillFixture.instancePool(fixture.fresh, name + "-new");
                pools.add(oldPool);
                pools.add(newPool);
                RowCopier copier = RowCopier.builder().oldDataSource(oldPool).newDataSource(newPool).build();
                instances.put(name, BackfillJob.builder().migration(BackfillFixture.MIGRATION)
                        .oldDataSource(oldPool).newDataSource(newPool).mapping(BackfillFixture.ORDERS)
                        .workers(2).chunkRows(100, 300)
                        .rowCopier(new BackfillFixture.CountingCopier(copier, syncs)).build());
            }
            ExecutorService starter = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<BackfillResult>> runs = new ArrayList<>();
                for (BackfillJob job : instances.values()) {
                    runs.add(starter.submit(() -> {
                        go.await();
                        return job.run();
                    }));
                }
                go.countDown();
                long total = 0;
                for (Future<BackfillResult> run : runs) {
                    BackfillResult result = run.get();
                    assertThat(result.complete()).as("each run returns once the job is complete").isTrue();
                    assertThat(result.chunks()).as("each instance copies a share").isPositive();
                    total += result.rowsCopied();
                }
                assertThat(total).as("rows copied by both instances together").isEqualTo(ROWS);
            } finally {
                starter.shutdownNow();
                pools.forEach(HikariDataSource::close);
            }
            assertThat(syncs).hasSize(ROWS);
            assertThat(syncs.entrySet()).as("keys synced more than once")
                    .filteredOn(entry -> entry.getValue().get() != 1).isEmpty();
            assertThat(fixture.old.count("SELECT COUNT(DISTINCT claimed_by) FROM dualwrite_backfill_checkpoint"
                    + " WHERE chunk_no > 0")).as("workers that completed chunks").isGreaterThanOrEqualTo(2);
            assertThat(fixture.old.count("SELECT SUM(row_count) FROM dualwrite_backfill_checkpoint WHERE chunk_no > 0"))
                    .as("the chunks cover every key once").isEqualTo(ROWS);
            assertThat(fixture.differences()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(BackfillFixture.Pair.class)
    void aMerchantBackfillTouchesOnlyThatMerchantsRows(BackfillFixture.Pair pair) throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, 7_000);
            // look-alike merchants: other merchants to the switches, although MariaDB's default collation matches them
            fixture.old.execute("INSERT INTO orders VALUES (9001, 'M-3', 1.00, 'new', TIMESTAMP '2026-02-01 00:00:00'),"
                    + " (9002, 'm-3 ', 2.00, 'new', TIMESTAMP '2026-02-01 00:00:00'),"
                    + " (9003, 'm-33', 3.00, 'new', TIMESTAMP '2026-02-01 00:00:00')");
            Map<String, AtomicInteger> syncs = BackfillFixture.CountingCopier.counts();
            BackfillResult result = fixture.job().scope(BackfillScope.merchant("m-3")).chunkRows(50, 200).workers(2)
                    .rowCopier(new BackfillFixture.CountingCopier(fixture.plainCopier(), syncs)).build().run();

            Map<String, List<String>> merchantRows = BackfillFixture.read(fixture.old.dataSource(),
                    "SELECT id, merchant_id, amount, status, created_at FROM orders WHERE MOD(id, 7) = 3 AND id <= 7000");
            assertThat(merchantRows).hasSize(1_000);
            assertThat(BackfillFixture.differences(merchantRows, fixture.actual())).isEmpty();
            assertThat(syncs.keySet()).as("keys the copier was given").isEqualTo(merchantRows.keySet());
            assertThat(result.rowsCopied()).isEqualTo(1_000);
            assertThat(result.tables().get(0).jobId()).isEqualTo("orders/orders/merchant=m-3");
            assertThat(result.complete()).isTrue();

            // another merchant is a job of its own
            BackfillResult other = fixture.job().scope(BackfillScope.merchant("M-3")).build().run();
            assertThat(other.rowsCopied()).isEqualTo(1);
            assertThat(fixture.actual()).containsKey("9001").doesNotContainKey("9002").hasSize(1_001);
            if (pair.oldKind == TestDatabases.Kind.MARIADB) {
                assertThat(fixture.old.count("SELECT COUNT(*) FROM orders WHERE merchant_id = 'm-3'"))
                        .as("MariaDB's collation alone would have matched the look-alikes").isEqualTo(1_002);
            }
        }
    }
}
