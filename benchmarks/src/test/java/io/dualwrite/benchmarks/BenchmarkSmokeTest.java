package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * One call of a benchmark method, outside JMH, to catch a broken benchmark before a 15-minute run does; and
 * the report's verdicts on made-up figures. The benchmarks themselves never run in {@code mvn verify}.
 */
class BenchmarkSmokeTest {

    @Test
    void asyncDualWriteOnH2MirrorsOneInsertAndOneUpdate() throws SQLException {
        WriteBenchmark benchmark = new WriteBenchmark();
        benchmark.store = "h2";
        benchmark.variant = "asyncDual";
        benchmark.start();
        Fixture fixture = Fixture.current();
        assertThat(fixture).isNotNull();
        try {
            long id = benchmark.insert_t1();
            assertThat(benchmark.update_t1()).isEqualTo(1);
            fixture.awaitMirrors();

            assertThat(fixture.mirrorsPending()).isZero();
            assertThat(count(fixture.newStore(), "SELECT COUNT(*) FROM orders WHERE id = " + id)).isEqualTo(1);
            assertThat(count(fixture.newStore(), "SELECT COUNT(*) FROM orders"))
                    .isEqualTo(Orders.PREFILLED_ROWS + 1);
        } finally {
            fixture.close();
        }
    }

    @Test
    void reportComputesEachTargetFromTheSameGroup() {
        List<Measurement> run = List.of(
                measurement("raw", 1000, 10, 20, 50),
                measurement("serialDouble", 500, 20, 40, 100),
                measurement("oldOnly", 980, 10, 20, 51),
                measurement("asyncDual", 700, 11, 35, 90),
                measurement("syncDual", 460, 22, 44, 120));
        MarkdownReport.Settings settings = new MarkdownReport.Settings(1, 1, 1, Duration.ofSeconds(1),
                List.of("-Xmx2g"), "java -jar benchmarks.jar", Duration.ofSeconds(3), 0.25, "now");

        String report = new MarkdownReport(Map.of("CPU", "test"), settings, run).render();

        assertThat(report)
                .contains("| OLD_ONLY: throughput ≥ 0.97× raw | 0.98× met |")
                .contains("| async DUAL_WRITE: throughput ≥ 0.80× raw | 0.70× **missed** |")
                .contains("| async DUAL_WRITE: caller p50 ≤ 1.20× raw | 1.10× met |")
                .contains("| async DUAL_WRITE: caller p99 ≤ 1.50× raw | 1.75× **missed** |")
                .contains("| async DUAL_WRITE: JVM CPU per write ≤ 1.00× serialDouble | 0.90× met |")
                .contains("| SYNC DUAL_WRITE: throughput ≥ 0.45× raw | 0.46× met |")
                .contains("| async, new store down: throughput ≥ 0.80× raw | n/a |")
                .contains("## Targets: 4 of 6 met");
    }

    private static Measurement measurement(String variant, double throughput, double p50, double p99, double cpu) {
        return new Measurement("h2", "insert", 1, variant, throughput, 0, p50, p99, cpu, cpu, 0, 0, 0, 0,
                Double.NaN, 1000, 1000, 1, 0, 0, 0, 0.01);
    }

    private static long count(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
