package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One call of the backfill benchmark's each copy on H2, outside JMH: each copies every row into an empty table. */
class BackfillBenchmarkSmokeTest {

    @Test
    void theBackfillAndThePlainCopyEachCopyEveryRow() throws Exception {
        for (String copy : new String[] {"plainBatch", "backfill", "backfill2"}) {
            BackfillBenchmark benchmark = new BackfillBenchmark();
            benchmark.store = "h2";
            benchmark.copy = copy;
            benchmark.rows = 5_000;
            benchmark.start();
            try {
                for (int operation = 0; operation < 2; operation++) {
                    benchmark.empty();
                    assertThat(benchmark.copyAll()).as(copy).isEqualTo(5_000);
                }
            } finally {
                benchmark.stop();
            }
        }
    }
}
