package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repair job's scoped-resync pass: the change log is shared by every migration of the application
 * (one dualwrite_change_log table), but the job runs for one migration.
 */
class ScopedResyncRepairJobTest {

    private static final String OTHER = "payments-migration";


    @TempDir
    Path reports;

    private static int runJob(JobStores stores, String job, String... options) {
        return stores.runJob(job, options);
    }

    /** The other migration's entries, read with plain JDBC: attempts and last error. */
    private static List<Map<String, Object>> otherEntries(JobStores stores) {
        return stores.old.query("SELECT table_name, attempts, last_error FROM dualwrite_change_log WHERE migration = '"
                + OTHER + "'");
    }

    @Test
    void aRepairOfOneMigrationLeavesTheScopedResyncOfAnotherMigrationsTableAlone() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(300)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            // another migration of the same application (its own tables) recorded a scoped resync
            stores.changeLog.record(ChangeRecord.scopedResync(OTHER, "payments", "m-1", "multi-table", Store.NEW,
                    null));

            int code = runJob(stores, "repair", "dualwrite.job.report=" + reports.resolve("repair.json"));

            String json = Files.readString(reports.resolve("repair.json"));
            assertThat(stores.newOrders()).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).isEqualTo(stores.oldItems());
            assertThat(otherEntries(stores)).as("the other migration's entry, untouched by this migration's job")
                    .singleElement().satisfies(row -> {
                        assertThat(((Number) row.get("attempts")).intValue()).isZero();
                        assertThat(row.get("last_error")).isNull();
                    });
            assertThat((Integer) JsonPath.read(json, "$.scopedResyncs.failed")).isZero();
            assertThat(code).as("both stores of migration " + JobStores.MIGRATION + " are equal")
                    .isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        }
    }

    @Test
    void aRepairOfOneMigrationDoesNotCompleteAnotherMigrationsEntryOnATableOfTheSameName() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(300)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            // another migration (e.g. of a second schema or service sharing the change log) has a table 'orders' too
            stores.changeLog.record(ChangeRecord.scopedResync(OTHER, "orders", null, "truncate", Store.NEW, null));

            runJob(stores, "repair", "dualwrite.job.report=" + reports.resolve("repair.json"));

            assertThat(otherEntries(stores)).as("the other migration's entry is its own resolver's to complete")
                    .hasSize(1);
            assertThat(stores.newOrders()).isEqualTo(stores.oldOrders());
        }
    }

    /**
     * The change log as the job sees it when each pass of its loop takes longer than the resolver's retry delay
     * (1 minute): verifying a whole big table at dualwrite.job.rate does. Simulated at the seam: every claim is
     * made {@code passes × 61 s} later than the real clock says. Stops answering after 30 claims so that the
     * test ends either way.
     */
    private static io.dualwrite.changelog.ChangeLog slowPasses(io.dualwrite.changelog.ChangeLog real,
                                                                java.util.concurrent.atomic.AtomicInteger claims) {
        return (io.dualwrite.changelog.ChangeLog) java.lang.reflect.Proxy.newProxyInstance(
                ScopedResyncRepairJobTest.class.getClassLoader(),
                new Class<?>[] {io.dualwrite.changelog.ChangeLog.class}, (proxy, method, args) -> {
                    if (method.getName().equals("claimScoped")) {
                        int pass = claims.incrementAndGet();
                        if (pass > 30) {
                            return List.of();
                        }
                        for (int i = 0; i < args.length; i++) {
                            if (args[i] instanceof java.time.Instant now) {
                                args[i] = now.plusSeconds(61L * pass);
                            }
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aRepairWhosePassesOutlastTheRetryDelayStillEndsWithAnEntryThatCannotBeResolved() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(300)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            // a table the write path knew but the job's mappings do not: never resolvable by this job
            stores.changeLog.record(ChangeRecord.scopedResync(JobStores.MIGRATION, "refunds", null, "truncate",
                    Store.NEW, null));
            java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
            io.dualwrite.changelog.ChangeLog slow = slowPasses(stores.changeLog, claims);
            int code = stores.runJob(slow, "repair");

            assertThat(claims.get()).as("passes of the scoped-resync loop (30 = it would not have ended)")
                    .isLessThanOrEqualTo(3);
            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_DIFFERENCES);
            assertThat(stores.newOrders()).isEqualTo(stores.oldOrders());
        }
    }

    /** An application's own change log, written before scoped resyncs existed: only the abstract methods. */
    private record OwnChangeLog(io.dualwrite.changelog.ChangeLog real) implements io.dualwrite.changelog.ChangeLog {
        @Override
        public long record(ChangeRecord record) {
            return real.record(record);
        }

        @Override
        public List<io.dualwrite.changelog.ChangeEntry> claim(int limit, java.time.Instant now, java.time.Duration lease) {
            return real.claim(limit, now, lease);
        }

        @Override
        public void complete(long id) {
            real.complete(id);
        }

        @Override
        public void retryLater(long id, java.time.Instant dueAt, String error) {
            real.retryLater(id, dueAt, error);
        }

        @Override
        public long pendingCount(String migration) {
            return real.pendingCount(migration);
        }
    }

    @Test
    void aRepairStillRepairsWithAChangeLogThatCannotClaimScopedResyncs() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(300)) {
            assertThat(runJob(stores, "backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            stores.fresh.execute("UPDATE orders_v2 SET amount = 0 WHERE id = 123");
            io.dualwrite.changelog.ChangeLog own = new OwnChangeLog(stores.changeLog);
            int code = stores.runJob(own, "repair");

            assertThat(stores.newOrders()).as("the planted difference, repaired").isEqualTo(stores.oldOrders());
            assertThat(code).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        }
    }
}
