package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backfill of 200,000 rows is killed midway and run again: the second run resumes from the checkpoints (it
 * copies what the first did not finish, not everything again) and the new table ends exactly equal to the old
 * one, compared row by row with plain JDBC. Killed two ways: its worker pool stopped hard
 * ({@link BackfillRun#abort()}: {@code shutdownNow}, workers interrupted mid-chunk), and a worker that dies (an
 * {@link Error} thrown from inside the copier after some chunks). Each "instance" has its own pools, closed
 * when it is killed, as a dying process's connections would be.
 *
 * <p>The 200,000 rows are PostgreSQL → PostgreSQL with the pool stopped hard ({@link #FULL_SIZE}). The other members
 * run the same steps and assertions on {@value #SMALL_ROWS} rows with chunks a tenth as large (50 to 400 rows instead
 * of 500 to 4,000; the crashing copier fails after as large a share of its calls), so each job still has about as
 * many chunks, is killed after about a third of them and resumes from as many checkpoints: ten times the rows added
 * time there (most of the class's), not a chunk, a kill or a resume more.
 */
class KilledBackfillResumesTest {

    private static final int FULL_ROWS = 200_000;
    private static final int SMALL_ROWS = 20_000;
    /** The member that copies the 200,000 rows. */
    private static final Arguments FULL_SIZE =
            Arguments.of(BackfillFixture.Pair.POSTGRES_TO_POSTGRES, Kill.POOL_STOPPED_HARD);

    enum Kill { POOL_STOPPED_HARD, WORKER_CRASHES }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(BackfillFixture.Pair.H2_TO_H2, Kill.POOL_STOPPED_HARD),
                Arguments.of(BackfillFixture.Pair.H2_TO_H2, Kill.WORKER_CRASHES),
                FULL_SIZE,
                Arguments.of(BackfillFixture.Pair.MARIADB_TO_MARIADB, Kill.POOL_STOPPED_HARD),
                Arguments.of(BackfillFixture.Pair.MARIADB_TO_POSTGRES, Kill.POOL_STOPPED_HARD),
                Arguments.of(BackfillFixture.Pair.MARIADB_TO_POSTGRES, Kill.WORKER_CRASHES));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    @Timeout(600)
    void aKilledBackfillResumesAndEndsWithExactlyTheOldRows(BackfillFixture.Pair pair, Kill kill) throws Exception {
        boolean full = pair == FULL_SIZE.get()[0] && kill == FULL_SIZE.get()[1];
        int rows = full ? FULL_ROWS : SMALL_ROWS;
        int minChunk = full ? 500 : 50;
        int maxChunk = full ? 4_000 : 400;
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, rows);
            Map<String, AtomicInteger> syncs = BackfillFixture.CountingCopier.counts();

            // the first instance: killed once it has copied about a third
            BackfillException killed;
            try (HikariDataSource oldPool = BackfillFixture.instancePool(fixture.old, "first-old");
                 HikariDataSource newPool = BackfillFixture.instancePool(fixture.fresh, "first-new")) {
                io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                        .oldDataSource(oldPool).newDataSource(newPool).build();
                io.dualwrite.jdbc.copy.RowCopier counted = new BackfillFixture.CountingCopier(copier, syncs);
                BackfillJob first = BackfillJob.builder().migration(BackfillFixture.MIGRATION)
                        .oldDataSource(oldPool).newDataSource(newPool).mapping(BackfillFixture.ORDERS)
                        .workers(3).chunkRows(minChunk, maxChunk)
                        .rowCopier(kill == Kill.WORKER_CRASHES
                                ? new BackfillFixture.CrashingCopier(counted,
                                        rows / 3 / Math.min(BackfillJob.SYNC_BATCH, maxChunk))
                                : counted)
                        .build();
                BackfillRun run = first.start();
                if (kill == Kill.POOL_STOPPED_HARD) {
                    await().atMost(Duration.ofMinutes(5)).until(() -> run.progress().rowsThisRun() >= rows / 3);
                    run.abort();
                }
                killed = org.assertj.core.api.Assertions.catchThrowableOfType(BackfillException.class, run::await);
            }
            assertThat(killed).as("the first run ends in a failure").isNotNull();
            if (kill == Kill.WORKER_CRASHES) {
                assertThat(killed).hasRootCauseInstanceOf(BackfillFixture.Crash.class);
            }
            long copiedBefore = fixture.fresh.count("SELECT COUNT(*) FROM orders_v2");
            long doneBefore = fixture.checkpointRows("DONE");
            assertThat(copiedBefore).as("rows copied before the kill").isBetween(1L, rows - 1L);
            assertThat(doneBefore).as("chunks done before the kill").isPositive();

            // the second instance: resumes, copies the rest, ends complete
            BackfillResult resumed;
            try (HikariDataSource oldPool = BackfillFixture.instancePool(fixture.old, "second-old");
                 HikariDataSource newPool = BackfillFixture.instancePool(fixture.fresh, "second-new")) {
                io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                        .oldDataSource(oldPool).newDataSource(newPool).build();
                resumed = BackfillJob.builder().migration(BackfillFixture.MIGRATION)
                        .oldDataSource(oldPool).newDataSource(newPool).mapping(BackfillFixture.ORDERS)
                        .workers(3).chunkRows(minChunk, maxChunk)
                        .rowCopier(new BackfillFixture.CountingCopier(copier, syncs))
                        .build().run();
            }
            assertThat(resumed.complete()).isTrue();
            BackfillResult.TableResult table = resumed.tables().get(0);
            assertThat(table.resumed()).as("the second run resumed the first").isPresent();
            assertThat(table.resumedFrom().chunksDone()).isEqualTo(doneBefore);
            // it copied what the first had not finished (chunks in flight at the kill again), no more
            assertThat(table.rowsCopied()).isEqualTo(rows - table.resumedFrom().rowsDone())
                    .isGreaterThanOrEqualTo(rows - copiedBefore);

            assertThat(fixture.differences()).as("old and new, row by row").isEmpty();
            assertThat(fixture.fresh.count("SELECT COUNT(*) FROM orders_v2")).isEqualTo(rows);
            assertThat(syncs).as("every key was synced").hasSize(rows);
            assertThat(fixture.checkpointRows("PENDING")).isZero();
            assertThat(fixture.old.count("SELECT COALESCE(SUM(row_count), 0) FROM dualwrite_backfill_checkpoint"
                    + " WHERE chunk_no > 0")).as("the chunks cover every key once").isEqualTo(rows);

            // a third run of a complete job finds nothing to do
            BackfillResult again = fixture.job().build().run();
            assertThat(again.complete()).isTrue();
            assertThat(again.rowsCopied()).isZero();
            assertThat(again.tables().get(0).resumedFrom().rowsDone()).isEqualTo(rows);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void aResetJobCopiesEverythingAgain(BackfillFixture.Pair pair) throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, 2_000);
            BackfillJob job = fixture.job().chunkRows(100, 500).build();
            assertThat(job.run().rowsCopied()).isEqualTo(2_000);
            fixture.fresh.execute("DELETE FROM orders_v2");
            assertThat(job.run().rowsCopied()).as("complete: nothing to do").isZero();
            assertThat(job.resetCheckpoints()).isPositive();
            BackfillResult again = job.run();
            assertThat(again.rowsCopied()).isEqualTo(2_000);
            assertThat(again.tables().get(0).resumed()).isEmpty();
            assertThat(fixture.differences()).isEmpty();
        }
    }

    static Stream<BackfillFixture.Pair> pairs() {
        return Stream.of(BackfillFixture.Pair.H2_TO_H2, BackfillFixture.Pair.MARIADB_TO_POSTGRES);
    }

    @org.junit.jupiter.api.Test
    void anAbortedRunReportsWhatItDid() throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(BackfillFixture.Pair.H2_TO_H2)) {
            fixture.seed(1, 20_000);
            BackfillRun run = fixture.job().chunkRows(100, 200).rateLimit(4_000).build().start();
            await().atMost(Duration.ofSeconds(30)).until(() -> run.progress().chunksThisRun() >= 2);
            run.abort();
            assertThatThrownBy(run::await).isInstanceOf(BackfillException.class).hasMessageContaining("aborted")
                    .satisfies(e -> assertThat(((BackfillException) e).partialResult().chunks()).isPositive());
            assertThat(run.isDone()).isTrue();
            assertThat(run.progress().finished()).isTrue();
        }
    }
}
