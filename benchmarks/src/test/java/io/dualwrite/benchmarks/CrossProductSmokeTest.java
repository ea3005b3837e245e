package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The tools' benchmarks on the cross-product pair (old MariaDB, new PostgreSQL) and the heap probe, once each
 * on a few thousand rows outside JMH: the DDL is valid on each product and the baselines agree with the tools.
 * It starts the embedded MariaDB and PostgreSQL servers of this JVM (seconds).
 */
class CrossProductSmokeTest {

    @Test
    void theBackfillAndThePlainCopyEachCopyEveryRowFromMariadbToPostgres() throws Exception {
        for (String copy : new String[] {"plainBatch", "backfill", "backfill2"}) {
            BackfillBenchmark benchmark = new BackfillBenchmark();
            benchmark.store = "mariadb-postgres";
            benchmark.copy = copy;
            benchmark.rows = 3_000;
            benchmark.start();
            try {
                benchmark.empty();
                assertThat(benchmark.copyAll()).as(copy).isEqualTo(3_000);
            } finally {
                benchmark.stop();
            }
        }
    }

    @Test
    void verificationAndTheKeyedStreamFindTheSameDifferencesBetweenMariadbAndPostgres() throws Exception {
        VerifyBenchmark benchmark = new VerifyBenchmark();
        benchmark.store = "mariadb-postgres";
        benchmark.rows = 5_000;
        benchmark.differing = 0.001;
        benchmark.start();
        try {
            assertThat(benchmark.verify()).isEqualTo(5);
            assertThat(benchmark.stream()).isEqualTo(5);
        } finally {
            benchmark.stop();
        }
    }

    @Test
    void theHeapProbeReadsTheHeapAfterForcedCollectionsDuringABackfill() throws Exception {
        HeapProbe.Reading reading = HeapProbe.measure("backfill", 2_000);

        assertThat(reading.samples()).isPositive();
        assertThat(reading.peakBytes()).isPositive();
        assertThat(reading.baselineBytes()).isPositive();
        assertThat(reading.seconds()).isPositive();
    }
}
