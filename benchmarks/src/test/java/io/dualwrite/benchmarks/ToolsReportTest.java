package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tools section of {@code docs/BENCHMARKS.md}: its place between the markers, and its verdicts on made-up figures. */
class ToolsReportTest {

    private static final String WRITES = "# Benchmarks\n\n## Targets: 21 of 96 met\n\n| a | b |\n|---|---:|\n\n## How it is measured\n\n- text\n";

    @Test
    void aFileWithoutToolsSectionGetsItAppendedAndKeepsEverythingElse() {
        String section = section("first");

        String spliced = ToolsReport.splice(WRITES, section);

        assertThat(spliced).startsWith(WRITES).endsWith(section);
        assertThat(ToolsReport.extract(spliced)).contains(section);
    }

    @Test
    void aToolsRunReplacesOnlyTheSectionBetweenTheMarkers() {
        String before = "# Benchmarks\n\nintro\n\n";
        String after = "\n## Later section\n\nkept\n";
        String file = before + section("old figures") + after;

        String spliced = ToolsReport.splice(file, section("new figures"));

        assertThat(spliced).isEqualTo(before + section("new figures") + after);
        assertThat(spliced).doesNotContain("old figures");
        assertThat(spliced.split(java.util.regex.Pattern.quote(ToolsReport.BEGIN), -1)).hasSize(2);
    }

    @Test
    void aWriteRunKeepsTheToolsSectionOfTheFileItReplaces() {
        String previous = ToolsReport.splice("# Benchmarks\n\nold write figures\n", section("tools figures"));
        String newWrites = "# Benchmarks\n\nnew write figures\n";

        String written = ToolsReport.splice(newWrites, ToolsReport.extract(previous).orElseThrow());

        assertThat(written).contains("new write figures", "tools figures").doesNotContain("old write figures");
    }

    @Test
    void aFileWithoutMarkersHasNoToolsSection() {
        assertThat(ToolsReport.extract(WRITES)).isEmpty();
        assertThat(ToolsReport.extract(ToolsReport.BEGIN + "\nno end\n")).isEmpty();
    }

    @Test
    void eachTargetIsMetOrMissedFromTheRatioOfTwoFiguresOfTheRun() {
        ToolFigures figures = new ToolFigures(
                List.of(new ToolFigures.Copy("postgres", "plainBatch", 100_000, 1000, 10, 0.01),
                        new ToolFigures.Copy("postgres", "backfill", 100_000, 1250, 10, 0.01), // 0.80× met
                        new ToolFigures.Copy("postgres", "backfill2", 100_000, 2000, 10, 0.50), // 0.50× missed, noisy
                        new ToolFigures.Copy("mariadb", "plainBatch", 100_000, 1000, 10, 0.01)),
                List.of(new ToolFigures.Check("postgres", 0, "verify", 100_000, 100, 1, 0.01),
                        new ToolFigures.Check("postgres", 0, "stream", 100_000, 300, 1, 0.01), // 3.00× met
                        new ToolFigures.Check("postgres", 0.001, "verify", 100_000, 400, 1, 0.01),
                        new ToolFigures.Check("postgres", 0.001, "stream", 100_000, 300, 1, 0.01)), // 0.75× missed
                List.of(new ToolFigures.Heap("backfill", 100_000, 20 << 20, 15 << 20, 10, 3),
                        new ToolFigures.Heap("backfill", 1_000_000, 22 << 20, 15 << 20, 100, 30), // 1.10× met
                        new ToolFigures.Heap("verify", 100_000, 20 << 20, 15 << 20, 2, 0.5),
                        new ToolFigures.Heap("verify", 1_000_000, 40 << 20, 15 << 20, 20, 5)), // 2.00× missed
                List.of(mybatis("raw", 1000, 100, 200, 2000),
                        mybatis("oldOnly", 990, 101, 210, 2500), // 0.99× met
                        mybatis("asyncDual", 700, 110, 400, 9000), // 0.70× missed, p50 1.10× met, p99 2.00× missed
                        mybatis("syncDual", 500, 200, 400, 19000))); // 0.50× met

        String report = new ToolsReport(figures, new ToolsReport.Settings(Map.of("CPU", "test"), "java -jar x",
                Duration.ofSeconds(600), 0.25, "now", "short")).render();

        assertThat(report)
                .startsWith(ToolsReport.BEGIN).endsWith(ToolsReport.END + "\n")
                .contains("| target | postgres | mariadb |")
                .contains("| backfill, 1 worker: rows/s ≥ 0.70× the plain JDBC batch copy | 0.80× met | n/a |")
                .contains("| backfill, 2 workers: rows/s ≥ 0.70× the plain JDBC batch copy | 0.50× **missed** ⚠ | n/a |")
                .contains("| verification, equal tables: keyed stream time ÷ verification time ≥ 2.00× | 3.00× met | n/a |")
                .contains("| verification, 0.1 % of rows differing: keyed stream time ÷ verification time ≥ 1.00× | 0.75× **missed** | n/a |")
                .contains("| backfill: peak heap at 1,000,000 rows ≤ 1.25× the peak at 100,000 (PostgreSQL) | 1.10× met | — |")
                .contains("| verification: peak heap at 1,000,000 rows ≤ 1.25× the peak at 100,000 (PostgreSQL) | 2.00× **missed** | — |")
                .contains("| MyBatis OLD_ONLY: throughput ≥ 0.97× raw | 0.99× met |")
                .contains("| MyBatis async DUAL_WRITE: throughput ≥ 0.80× raw | 0.70× **missed** |")
                .contains("| MyBatis async DUAL_WRITE: caller p50 ≤ 1.20× raw | 1.10× met |")
                .contains("| MyBatis async DUAL_WRITE: caller p99 ≤ 1.50× raw | 2.00× **missed** |")
                .contains("| MyBatis SYNC DUAL_WRITE: throughput ≥ 0.45× raw | 0.50× met |")
                .contains("### Tools and MyBatis targets: 6 of 11 met")
                .contains("| postgres | 1 | asyncDual | 700 | 0.70× | 110 | 1.10× | 400 | 2.00× | 9,000 | +7,000 | 0.01 |");
    }

    private static Measurement mybatis(String variant, double throughput, double p50, double p99, double allocation) {
        return new Measurement("postgres", "insert", 1, variant, throughput, 0, p50, p99, 50, 50, 0, 0, 0, 0,
                Double.NaN, allocation, allocation, 1, 0, 0, 0, 0.01);
    }

    private static String section(String body) {
        return ToolsReport.BEGIN + "\n## Migration tools and MyBatis\n\n" + body + "\n" + ToolsReport.END + "\n";
    }
}
