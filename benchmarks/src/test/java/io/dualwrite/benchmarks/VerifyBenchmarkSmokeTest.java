package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** One call of each verification benchmark method on H2, outside JMH: both find the same planted differences. */
class VerifyBenchmarkSmokeTest {

    @Test
    void verificationAndTheKeyedStreamFindTheSameDifferences() throws SQLException {
        VerifyBenchmark benchmark = new VerifyBenchmark();
        benchmark.store = "h2";
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
}
