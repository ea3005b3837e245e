package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Seventeenth break review of the starter. Spring Boot binds a blank value of a property whose type is not text (a
 * phase, a duration, a store kind, a whole number in a wrapper) as nothing: the property kept its default without a
 * word ({@code dualwrite.jdbc.no-context-phase=}, {@code dualwrite.jdbc.lock-timeout=},
 * {@code dualwrite.job.rate=}), or a bean the blank value selects was missing and start-up failed naming no
 * dualwrite property ({@code dualwrite.stores.switches=}). Each now fails start-up naming the property, the blank
 * value, what is allowed and the fix; a blank value that means something (an empty list, an empty text, a user
 * name) still starts.
 */
class StarterBreak17Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break17_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break17_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /**
     * A blank value of a property that is no text fails start-up naming it: a phase, durations, a store, a mode, a
     * whole number that has no default of its own, and a job option.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dualwrite.jdbc.no-context-phase|one of [OLD_ONLY, DUAL_WRITE, SHADOW_READ, NEW_PRIMARY, NEW_ONLY]",
            "dualwrite.jdbc.lock-timeout|a duration such as 500ms, 2s or PT5S",
            "dualwrite.jdbc.catalog-refresh|a duration such as 500ms, 2s or PT5S",
            "dualwrite.mirror.time-limit|a duration such as 500ms, 2s or PT5S",
            "dualwrite.mirror.breaker.slow-call-duration-threshold|a duration such as 500ms, 2s or PT5S",
            "dualwrite.reconciler.interval|a duration such as 500ms, 2s or PT5S",
            "dualwrite.stores.refresh-interval|a duration such as 500ms, 2s or PT5S",
            "dualwrite.stores.switches|one of [MEMORY, JDBC]",
            "dualwrite.stores.change-log|one of [MEMORY, JDBC]",
            "dualwrite.stores.location|one of [OLD, NEW]",
            "dualwrite.mirror.mode|one of [SYNC, ASYNC]",
            "dualwrite.mirror.breaker.minimum-calls|a whole number",
            "dualwrite.migrations.orders.rules[0].merchant-percentage|a whole number",
            "dualwrite.job.rate|a whole number",
            "dualwrite.job.chunk-time-target|a duration such as 500ms, 2s or PT5S"})
    void aBlankValueOfAPropertyThatIsNoTextFailsStartUpNamingIt(String property, String allowed) {
        runner.withPropertyValues(property + "= ", "dualwrite.job.exit=false").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: " + property, "Value: ''",
                    "Allowed: " + allowed);
            assertThat(analysis.getAction()).contains("Set " + property, "remove the property");
        });
    }

    /** A blank phase of a switch is still refused, as before, and so is a blank rule phase. */
    @Test
    void aBlankPhaseOfASwitchOrARuleIsRefusedNamingItsProperty() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.m-1=").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.orders.merchants.m-1",
                "Value: ''", "Allowed: one of [OLD_ONLY"));
        runner.withPropertyValues("dualwrite.migrations.orders.rules[0].phase=",
                "dualwrite.migrations.orders.rules[0].merchant-percentage=10").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.orders.rules[0].phase",
                "Value: ''", "Allowed: one of [OLD_ONLY"));
    }

    /**
     * A blank value that means something still starts: an empty list, an added column's empty text, a user name of
     * a store without one, a Hikari setting (Hikari's own rules decide).
     */
    @Test
    void aBlankValueThatMeansSomethingStillStarts() {
        runner.withPropertyValues("dualwrite.new-datasource.username=",
                        "dualwrite.migrations.orders.tables.orders.added-columns.note=",
                        "dualwrite.migrations.orders.tables.orders.dropped-columns=",
                        "dualwrite.mybatis.merchant-id-paths=",
                        "dualwrite.new-datasource.hikari.connection-init-sql=")
                .run(context -> assertThat(context).hasNotFailed());
    }

    /**
     * {@code dualwrite.job.report} under a path where a file stands in for a directory: the runner could create no
     * directory there, so the job ran (a backfill copied every row) and only then failed writing the report, with exit
     * code 2. A bad value must fail start-up before any row is touched: the new store stays as it was.
     */
    @Test
    void aReportUnderAFileFailsStartUpBeforeTheJobTouchesARow(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("reports"), "not a directory");
        for (Path report : List.of(file.resolve("backfill.json"), file.resolve("nightly").resolve("backfill.json"))) {
            try (JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seed(20)) {
                new ApplicationContextRunner().withUserConfiguration(DualWriteJobConfiguration.class)
                        .with(stores.beans())
                        .withPropertyValues("dualwrite.job=backfill", "dualwrite.job.exit=false",
                                "dualwrite.job.report=" + report)
                        .run(context -> {
                            if (context.getStartupFailure() == null) { // as before: the job runs
                                context.getBean(DualWriteJobRunner.class).run(new DefaultApplicationArguments());
                            }
                            assertThat(context).hasFailed();
                            assertThat(rootCause(context.getStartupFailure())).isInstanceOf(IllegalArgumentException.class)
                                    .hasMessageContaining("dualwrite.job.report must be a file in a directory")
                                    .hasMessageContaining("'" + file + "' in '" + report + "' is a file")
                                    .hasMessageContaining("name a file in a directory");
                        });
                assertThat(stores.oldOrders()).hasSize(20);
                assertThat(stores.newOrders()).as("no row copied to the new store").isEmpty();
                assertThat(stores.newItems()).isEmpty();
            }
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /** The analysis Spring Boot would print: the first analyzer registered in spring.factories that knows the failure. */
    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        SpringFactoriesLoader.ArgumentResolver arguments = SpringFactoriesLoader.ArgumentResolver
                .of(BeanFactory.class, new DefaultListableBeanFactory())
                .and(Environment.class, new StandardEnvironment());
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation(
                StarterBreak17Test.class.getClassLoader()).load(FailureAnalyzer.class,
                arguments, SpringFactoriesLoader.FailureHandler.handleMessage((message, skipped) -> { }))) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis;
            }
        }
        throw new AssertionError("no failure analyzer reports " + failure, failure);
    }
}
