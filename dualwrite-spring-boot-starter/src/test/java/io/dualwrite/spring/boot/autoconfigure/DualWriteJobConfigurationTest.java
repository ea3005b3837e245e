package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.spring.jobs.DualWriteJob;
import io.dualwrite.spring.jobs.DualWriteJobProperties;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The job configuration under its conditions: a runner only when {@code dualwrite.job} is set, backing off for
 * a user's runner, and every bad value failing start-up with the property, the value and what is allowed.
 */
class DualWriteJobConfigurationTest {

    private static JobStores stores;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(DualWriteJobConfiguration.class);

    @BeforeAll
    static void createStores() throws Exception {
        stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2);
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Test
    void withoutTheJobPropertyThereIsNoRunner() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job.tables=orders")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DualWriteJobRunner.class));
    }

    @Test
    void theJobPropertyMakesARunnerOverTheApplicationsDataSourceAndEveryMappedTable() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=VERIFY").run(context -> {
            assertThat(context).hasSingleBean(DualWriteJobRunner.class);
            DualWriteJobRunner runner = context.getBean(DualWriteJobRunner.class);
            assertThat(runner.job()).isEqualTo(DualWriteJob.VERIFY);
            assertThat(runner.tables()).extracting(TableMapping::oldTable).containsExactly("orders", "items");
        });
    }

    @Test
    void optionsAreBoundFromTheCommandLineNames() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=backfill",
                "dualwrite.job.tables=items, orders", "dualwrite.job.merchant=m-1", "dualwrite.job.rate=500",
                "dualwrite.job.workers=3", "dualwrite.job.chunk-time-target=250ms", "dualwrite.job.sample-fraction=0.5",
                "dualwrite.job.sample-seed=42", "dualwrite.job.exit=false").run(context -> {
            DualWriteJobProperties properties = context.getBean(DualWriteJobProperties.class);
            assertThat(properties.getTables()).containsExactly("items", "orders");
            assertThat(properties.getMerchant()).isEqualTo("m-1");
            assertThat(properties.getRate()).isEqualTo(500);
            assertThat(properties.getWorkers()).isEqualTo(3);
            assertThat(properties.getChunkTimeTarget()).hasMillis(250);
            assertThat(properties.getSampleFraction()).isEqualTo(0.5);
            assertThat(properties.getSampleSeed()).isEqualTo(42);
            assertThat(properties.isExit()).isFalse();
            assertThat(context.getBean(DualWriteJobRunner.class).tables()).extracting(TableMapping::oldTable)
                    .containsExactly("items", "orders");
        });
    }

    @Test
    void aRunnerOfTheUsersOwnWins() {
        DualWriteJobRunner own = new DualWriteJobRunner(DualWriteJob.STATUS, new DualWriteJobProperties(),
                stores.dataSource, stores.changeLog, stores.switchboard, null);
        contextRunner.with(stores.beans()).withBean(DualWriteJobRunner.class, () -> own)
                .withPropertyValues("dualwrite.job=verify").run(context -> {
                    assertThat(context).hasSingleBean(DualWriteJobRunner.class);
                    assertThat(context.getBean(DualWriteJobRunner.class)).isSameAs(own);
                });
    }

    @Test
    void anUnknownJobFailsNamingTheJobsThereAre() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=migrate").run(context ->
                assertFailure(context).hasMessage("dualwrite.job must be one of [backfill, verify, repair, status],"
                        + " but was 'migrate'; e.g. --dualwrite.job=verify"));
    }

    @Test
    void anUnknownTableFailsNamingTheMappedTables() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=verify", "dualwrite.job.tables=orders,itms")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.tables names 'itms', which is not a"
                        + " table of migration 'orders'; the mapped tables are [orders, items]"));
    }

    @Test
    void aTableNamedTwiceFails() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=verify", "dualwrite.job.tables=orders,ORDERS")
                .run(context -> assertFailure(context).hasMessageContaining("dualwrite.job.tables names table 'ORDERS'"
                        + " twice"));
    }

    @Test
    void aNegativeRateFailsNamingTheValue() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=backfill", "dualwrite.job.rate=-5")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.rate must be a positive number of rows"
                        + " per second, but was -5; leave it unset for no limit"));
    }

    @Test
    void workersOutOfRangeFail() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=backfill", "dualwrite.job.workers=0")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.workers must be between 1 and 64,"
                        + " but was 0"));
    }

    @Test
    void aSampleFractionAboveOneFails() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=verify", "dualwrite.job.sample-fraction=1.5")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.sample-fraction must be greater than 0"
                        + " and at most 1 (1 compares every key range), but was 1.5"));
    }

    @Test
    void aZeroChunkTimeTargetFails() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=backfill",
                "dualwrite.job.chunk-time-target=0s").run(context -> assertFailure(context)
                .hasMessage("dualwrite.job.chunk-time-target must be positive and at most 10m, but was PT0S; e.g. 500ms"));
    }

    @Test
    void aBlankMerchantFails() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=verify", "dualwrite.job.merchant= ")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.merchant must be a merchant id, e.g."
                        + " --dualwrite.job.merchant=m-1, but was ''"));
    }

    @Test
    void aMerchantScopeOverATableWithoutAMerchantColumnFails() {
        io.dualwrite.jdbc.DualWriteDataSource withoutMerchantColumn = io.dualwrite.jdbc.DualWriteDataSource.builder()
                .oldDataSource(stores.old.dataSource()).newDataSource(stores.fresh.dataSource())
                .migration(JobStores.MIGRATION).dualWriter(stores.writer)
                .mapping(JobStores.ORDERS).mapping(TableMapping.identity("items")).build();
        contextRunner.with(stores.beans(withoutMerchantColumn))
                .withPropertyValues("dualwrite.job=backfill", "dualwrite.job.merchant=m-1").run(context ->
                        assertFailure(context).hasMessage("dualwrite.job.merchant is 'm-1', but the mapping of table"
                                + " 'items' names no merchant column; leave that table out of dualwrite.job.tables, or"
                                + " give its mapping a merchant column"));
        contextRunner.with(stores.beans(withoutMerchantColumn))
                .withPropertyValues("dualwrite.job=backfill", "dualwrite.job.merchant=m-1", "dualwrite.job.tables=orders")
                .run(context -> assertThat(context).hasSingleBean(DualWriteJobRunner.class));
    }

    @Test
    void anUnknownMigrationFailsNamingTheMigrationsServed() {
        contextRunner.with(stores.beans()).withPropertyValues("dualwrite.job=status", "dualwrite.job.migration=ordrs")
                .run(context -> assertFailure(context).hasMessage("dualwrite.job.migration is 'ordrs', but the"
                        + " application's DualWriteDataSources serve [orders]; name one of those"));
    }

    @Test
    void withoutADualWriteDataSourceTheJobFailsSayingWhatItNeeds() {
        contextRunner.withBean(io.dualwrite.changelog.ChangeLog.class, () -> stores.changeLog)
                .withBean(io.dualwrite.switches.Switchboard.class, () -> stores.switchboard)
                .withBean("dataSource", javax.sql.DataSource.class, () -> stores.old.dataSource())
                .withPropertyValues("dualwrite.job=status")
                .run(context -> assertFailure(context).hasMessageContaining("dualwrite.job needs the application's"
                        + " DualWriteDataSource, but no DataSource bean is one or wraps one"));
    }

    /** The deepest cause of the context's start-up failure: the message the user reads. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFailure(
            AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return assertThat(root).isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class);
    }
}
