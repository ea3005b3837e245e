package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Each job run by the runner the configuration makes, on two H2 stores: what it did is checked in the stores
 * themselves, row by row with plain JDBC, and in its exit code and JSON report.
 */
@ExtendWith(OutputCaptureExtension.class)
class DualWriteJobRunnerTest {


    @TempDir
    Path reports;

    /** Runs {@code dualwrite.job=<job>} with the given options in a context of its own; its exit code. */
    private static int runJob(JobStores stores, String job, String... options) {
        return stores.runJob(job, options);
    }

    /** The values a JSON path selects. */
    private static List<Object> list(String json, String path) {
        net.minidev.json.JSONArray values = JsonPath.read(json, path);
        return values;
    }

    private String report(String name) throws IOException {
        return Files.readString(reports.resolve(name));
    }

    @Test
    void backfillCopiesEveryRowOfEveryMappedTable() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(3_000)) {
            int code = runJob(stores, "backfill", "dualwrite.job.workers=2",
                    "dualwrite.job.report=" + reports.resolve("backfill.json"));

            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(stores.newOrders()).hasSize(3_000).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).hasSize(6_000).isEqualTo(stores.oldItems());
            String json = report("backfill.json");
            assertThat((Integer) JsonPath.read(json, "$.rowsCopied")).isEqualTo(9_000);
            assertThat((Boolean) JsonPath.read(json, "$.complete")).isTrue();
            assertThat(list(json, "$.tables[*].table")).containsExactly("orders", "items");
        }
    }

    @Test
    void verifyExitsCleanOnEqualStoresAndNonZeroWithAPlantedDifferenceNamedInTheReport() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(2_000)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(runJob(stores, "verify")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);

            stores.fresh.execute("UPDATE orders_v2 SET amount = 0 WHERE id = 1234");
            int code = runJob(stores, "verify", "dualwrite.job.report=" + reports.resolve("verify.json"));

            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_DIFFERENCES);
            String json = report("verify.json");
            assertThat((Boolean) JsonPath.read(json, "$.clean")).isFalse();
            assertThat(list(json, "$.tables[?(@.table == 'orders')].sampleKeys.DIFFERENT[*]"))
                    .containsExactly("1234");
            assertThat(list(json, "$.tables[?(@.table == 'items')].clean")).containsExactly(true);
        }
    }

    @Test
    void repairFixesWhatVerificationFoundAndASecondVerifyIsClean() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(2_000)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            stores.fresh.execute("UPDATE orders_v2 SET amount = 0, state = 'lost' WHERE id = 1234",
                    "DELETE FROM orders_v2 WHERE id = 77",
                    "INSERT INTO items VALUES (99999, 1, 'm-1', 'stray', 1)");
            assertThat(stores.newOrders()).isNotEqualTo(stores.oldOrders());

            int code = runJob(stores, "repair", "dualwrite.job.report=" + reports.resolve("repair.json"));

            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(stores.newOrders()).hasSize(2_000).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).hasSize(4_000).isEqualTo(stores.oldItems());
            String json = report("repair.json");
            assertThat((Boolean) JsonPath.read(json, "$.before.clean")).isFalse();
            assertThat(list(json, "$.repaired[?(@.table == 'orders')].keys[*]"))
                    .containsExactlyInAnyOrder("77", "1234");
            assertThat(list(json, "$.repaired[?(@.table == 'items')].keys[*]"))
                    .containsExactly("99999");
            assertThat((Boolean) JsonPath.read(json, "$.after.clean")).isTrue();
            assertThat(runJob(stores, "verify")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        }
    }

    @Test
    void repairResolvesTheScopedResyncsTheWritePathRecordedAndANarrowedRepairLeavesThem() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(900)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            // what a JOIN update of merchant m-2's orders and a TRUNCATE-like write on items leave behind
            stores.fresh.execute("UPDATE orders_v2 SET state = 'stale' WHERE merchant_id = 'm-2' AND id < 100",
                    "DELETE FROM items WHERE id % 7 = 0");
            stores.changeLog.record(io.dualwrite.changelog.ChangeRecord.scopedResync(JobStores.MIGRATION, "orders",
                    "m-2", "multi-table", io.dualwrite.Store.NEW, null));
            stores.changeLog.record(io.dualwrite.changelog.ChangeRecord.scopedResync(JobStores.MIGRATION, "items",
                    null, "truncate", io.dualwrite.Store.NEW, null));

            int narrowed = runJob(stores, "repair", "dualwrite.job.tables=orders",
                    "dualwrite.job.report=" + reports.resolve("narrowed.json"));

            assertThat(narrowed).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat((String) JsonPath.read(report("narrowed.json"), "$.scopedResyncs.resolved")).startsWith("skipped");
            assertThat(stores.changeLog.pendingCount(JobStores.MIGRATION)).as("entries left for a whole repair")
                    .isEqualTo(2);

            int code = runJob(stores, "repair", "dualwrite.job.report=" + reports.resolve("repair.json"));

            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            String json = report("repair.json");
            assertThat((Integer) JsonPath.read(json, "$.scopedResyncs.claimed")).isEqualTo(2);
            assertThat((Integer) JsonPath.read(json, "$.scopedResyncs.resolved")).isEqualTo(2);
            assertThat((Integer) JsonPath.read(json, "$.scopedResyncs.failed")).isZero();
            assertThat(stores.changeLog.pendingCount(JobStores.MIGRATION)).as("both entries completed").isZero();
            assertThat((Boolean) JsonPath.read(json, "$.before.clean")).as("the entries' scopes were repaired first")
                    .isTrue();
            assertThat(stores.newOrders()).hasSize(900).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).hasSize(1_800).isEqualTo(stores.oldItems());
        }
    }

    @Test
    void aMerchantScopeTouchesOnlyThatMerchantsRows() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(900)) {
            assertThat(runJob(stores, "backfill", "dualwrite.job.merchant=m-1")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);

            Map<String, List<String>> merchantOrders = only(stores.oldOrders(), "m-1", 1);
            Map<String, List<String>> merchantItems = only(stores.oldItems(), "m-1", 2);
            assertThat(merchantOrders).hasSize(300);
            assertThat(stores.newOrders()).isEqualTo(merchantOrders);
            assertThat(merchantItems).hasSize(600);
            assertThat(stores.newItems()).isEqualTo(merchantItems);

            assertThat(runJob(stores, "verify", "dualwrite.job.merchant=m-1", "dualwrite.job.tables=orders"))
                    .as("the merchant's rows are equal").isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(runJob(stores, "verify", "dualwrite.job.tables=orders"))
                    .as("the other merchants' rows are missing").isEqualTo(DualWriteJobRunner.EXIT_DIFFERENCES);
        }
    }

    private static Map<String, List<String>> only(Map<String, List<String>> rows, String merchant, int column) {
        return rows.entrySet().stream().filter(row -> row.getValue().get(column).equals(merchant))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new));
    }

    @Test
    void aJobThatFailsExitsWithTheFailedCode() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(10)) {
            stores.fresh.execute("DROP TABLE items");

            assertThat(runJob(stores, "verify")).isEqualTo(DualWriteJobRunner.EXIT_FAILED);
            assertThat(runJob(stores, "backfill", "dualwrite.job.tables=items")).isEqualTo(DualWriteJobRunner.EXIT_FAILED);
            assertThat(stores.newOrders()).as("a backfill refused before the start copies nothing").isEmpty();
        }
    }

    @Test
    void statusLogsSwitchesBacklogAndLastVerificationWithoutCredentials(CapturedOutput output) throws Exception {
        String password = "Job-Pw-7c41e9";
        TestDatabase old = TestDatabases.h2();
        old.execute("CREATE USER job_admin PASSWORD '" + password + "' ADMIN");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:" + old.name() + ";DB_CLOSE_DELAY=-1");
        config.setUsername("job_admin");
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        try (HikariDataSource guarded = new HikariDataSource(config);
             JobStores stores = JobStores.create(old, TestDatabases.h2(), guarded).seed(300)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(runJob(stores, "verify")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            stores.switchboard.switchStore().setMerchantPhase(JobStores.MIGRATION, "m-2", MigrationPhase.NEW_PRIMARY);
            stores.changeLog.record(JobStores.MIGRATION, "orders", "17", Operation.UPSERT, "test");

            int code = runJob(stores, "status", "dualwrite.job.merchant=m-2",
                    "dualwrite.job.report=" + reports.resolve("status.json"));

            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(output.getAll())
                    .contains("migration 'orders', tables [orders -> orders_v2, items]")
                    .contains("system phase: DUAL_WRITE (configured default)")
                    .contains("merchant switches (1): {m-2=NEW_PRIMARY}")
                    .contains("backlog: 1 change-log entries pending")
                    .contains("last verification: CLEAN; merchant 'm-2': CLEAN")
                    .doesNotContain(password)
                    .doesNotContain("jdbc:")
                    .doesNotContain("job_admin");
            String json = report("status.json");
            assertThat((Integer) JsonPath.read(json, "$.migrations[0].backlog")).isEqualTo(1);
            assertThat((String) JsonPath.read(json, "$.migrations[0].merchantPhases.m-2")).isEqualTo("NEW_PRIMARY");
            assertThat(json).doesNotContain(password);
        }
    }
}
