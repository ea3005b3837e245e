package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
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
 * Each bad property fails start-up, and the failure analysis Spring Boot prints (through the analyzers registered
 * in {@code META-INF/spring.factories}, ours and Boot's) names the property, the value and what is allowed, and
 * says how to fix it.
 */
class DualWriteStartupFailureTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:fail_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:fail_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    @Test
    void unknownSystemPhaseNamesThePropertyTheValueAndThePhases() {
        runner.withPropertyValues("dualwrite.migrations.orders.system-phase=DUAL").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.system-phase",
                    "Value: 'DUAL'", "Allowed: one of [OLD_ONLY, DUAL_WRITE, SHADOW_READ, NEW_PRIMARY, NEW_ONLY]");
            assertThat(analysis.getAction()).contains("OLD_ONLY", "DUAL_WRITE", "SHADOW_READ", "NEW_PRIMARY", "NEW_ONLY");
        });
    }

    @Test
    void unknownMerchantPhaseNamesThePropertyTheValueAndThePhases() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.m-1=HALFWAY").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.merchants.m-1",
                    "Value: 'HALFWAY'");
            assertThat(analysis.getAction()).contains("OLD_ONLY", "DUAL_WRITE", "NEW_ONLY");
        });
    }

    @Test
    void missingNewStoreUrlWhileEnabledSaysHowToFixIt() {
        runner.withPropertyValues("dualwrite.new-datasource.url=").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.new-datasource.url", "Value: ''",
                    "Allowed: the JDBC URL of the new store");
            assertThat(analysis.getAction()).contains("Set dualwrite.new-datasource.url", "dualwrite.enabled=false");
        });
    }

    @Test
    void negativeLimitNamesItsRange() {
        runner.withPropertyValues("dualwrite.mirror.lanes=-1").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.mirror.lanes", "Value: '-1'",
                    "Allowed: an integer from 1 to 1024");
            assertThat(analysis.getAction()).contains("Set dualwrite.mirror.lanes within that range");
        });
    }

    @Test
    void zeroDurationIsRefused() {
        runner.withPropertyValues("dualwrite.reconciler.interval=0s").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.reconciler.interval", "Value: 'PT0S'",
                "Allowed: a positive duration"));
    }

    @Test
    void negativeBreakerThresholdIsRefused() {
        runner.withPropertyValues("dualwrite.mirror.breaker.slow-call-duration-threshold=-5ms").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.mirror.breaker.slow-call-duration-threshold",
                "Value: 'PT-0.005S'", "Allowed: a positive duration of at most PT1S"));
    }

    @Test
    void unknownMigrationForTheWrappedDataSourceListsTheConfiguredOnes() {
        runner.withPropertyValues("dualwrite.jdbc.migration=ordrs").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.jdbc.migration", "Value: 'ordrs'",
                    "Allowed: one of the configured migrations [orders]");
            assertThat(analysis.getAction()).contains("dualwrite.migrations.ordrs.*");
        });
    }

    @Test
    void unknownMigrationForTheMyBatisInterceptorListsTheConfiguredOnes() {
        runner.withPropertyValues("dualwrite.mybatis.migration=payments").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.mybatis.migration",
                "Value: 'payments'", "Allowed: one of the configured migrations [orders]"));
    }

    @Test
    void aBeanNameNoDataSourceHasFailsInsteadOfWrappingNothing() {
        runner.withPropertyValues("dualwrite.jdbc.bean-name=ordersDataSource").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.jdbc.bean-name",
                    "Value: 'ordersDataSource'", "Allowed: the name of the application's DataSource bean");
            assertThat(analysis.getAction()).contains("dualwrite.jdbc.enabled=false");
        });
    }

    @Test
    void twoMigrationsWithoutAChoiceAskForOne() {
        runner.withPropertyValues("dualwrite.migrations.payments.tables.payments.new-table=payments_v2").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.jdbc.migration", "Value: missing",
                    "[orders, payments]");
            assertThat(analysis.getAction()).contains("Set dualwrite.jdbc.migration");
        });
    }

    @Test
    void aServedMigrationWithoutTablesSaysWhereToMapThem() {
        runner.withPropertyValues("dualwrite.migrations.payments.pinning=false", "dualwrite.jdbc.migration=payments")
                .run(context -> {
                    FailureAnalysis analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.payments.tables",
                            "Value: missing", "Allowed: at least one table of the migration");
                    assertThat(analysis.getAction()).contains("dualwrite.jdbc.enabled=false");
                });
    }

    @Test
    void shadowReadRateAboveOneIsRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.shadow-reads.rate=1.5").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.orders.shadow-reads.rate",
                "Value: '1.5'", "Allowed: a fraction from 0 to 1"));
    }

    @Test
    void ruleWithBothConditionsIsRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.rules[0].phase=DUAL_WRITE",
                "dualwrite.migrations.orders.rules[0].merchant-percentage=5",
                "dualwrite.migrations.orders.rules[0].id-threshold=1000").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.orders.rules[0]",
                "Allowed: exactly one of merchant-percentage and id-threshold"));
    }

    @Test
    void negativeCatalogRefreshNamesThePropertyTheValueAndTheRange() {
        runner.withPropertyValues("dualwrite.jdbc.catalog-refresh=-5s").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.jdbc.catalog-refresh", "PT-5S");
        });
    }

    @Test
    void outboxModeNeedsTheJdbcChangeLog() {
        runner.withPropertyValues("dualwrite.mirror.change-log-mode=always").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.mirror.change-log-mode",
                    "Value: 'ALWAYS'", "Allowed: ON_FAILURE while dualwrite.stores.change-log is MEMORY");
            assertThat(analysis.getAction()).contains("dualwrite.stores.change-log=jdbc");
        });
    }

    @Test
    void mappingNamingAnUnknownColumnFailsWhenValidationIsOn() throws SQLException {
        int n = DATABASES.incrementAndGet();
        String old = "jdbc:h2:mem:fail_map_old_" + n + ";DB_CLOSE_DELAY=-1";
        String neu = "jdbc:h2:mem:fail_map_new_" + n + ";DB_CLOSE_DELAY=-1";
        execute(old, "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2))");
        execute(neu, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount_total DECIMAL(12,2))");
        runner.withPropertyValues("spring.datasource.url=" + old, "dualwrite.new-datasource.url=" + neu,
                "spring.datasource.username=sa", "dualwrite.new-datasource.username=sa",
                "dualwrite.jdbc.validate-mappings=true",
                "dualwrite.migrations.orders.tables.orders.renames.amount=amount_totl").run(context -> {
                    FailureAnalysis analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.tables",
                            "Value: '[orders]'", "amount_totl");
                    assertThat(analysis.getAction()).contains("dualwrite.jdbc.validate-mappings=false");
                });
    }

    @Test
    void aNumberThatIsNoNumberNamesThePropertyTheValueAndWhatIsAllowed() {
        runner.withPropertyValues("dualwrite.mirror.lanes=four").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.mirror.lanes", "Value: 'four'",
                    "Allowed: a whole number");
            assertThat(analysis.getAction()).contains("Set dualwrite.mirror.lanes to a whole number");
        });
    }

    @Test
    void aDurationThatIsNoDurationSaysWhichFormsAreAllowedAndThatABareNumberIsMilliseconds() {
        runner.withPropertyValues("dualwrite.mirror.time-limit=soon").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.mirror.time-limit", "Value: 'soon'",
                    "500ms, 5s", "a bare number means milliseconds");
        });
    }

    @Test
    void anUnknownModeListsTheModes() {
        runner.withPropertyValues("dualwrite.mirror.mode=sometimes").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.mirror.mode", "Value: 'sometimes'",
                "Allowed: one of [SYNC, ASYNC]"));
    }

    @Test
    void aBooleanThatIsNoBooleanSaysTrueOrFalse() {
        runner.withPropertyValues("dualwrite.reconciler.enabled=maybe").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.reconciler.enabled", "Value: 'maybe'",
                "Allowed: true or false"));
    }

    @Test
    void aBindFailureOutsideDualwriteIsLeftToSpringBoot() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:fail_other",
                        "spring.datasource.hikari.maximum-pool-size=many")
                .run(context -> assertThat(analysis(context).getDescription())
                        .doesNotContain("Invalid dualwrite configuration")
                        .contains("spring.datasource.hikari.maximum-pool-size"));
    }

    /** The analysis Spring Boot would print: the first analyzer registered in spring.factories that knows the failure. */
    static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        SpringFactoriesLoader.ArgumentResolver arguments = SpringFactoriesLoader.ArgumentResolver
                .of(BeanFactory.class, new DefaultListableBeanFactory())
                .and(Environment.class, new StandardEnvironment());
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation(
                DualWriteStartupFailureTest.class.getClassLoader()).load(FailureAnalyzer.class, arguments,
                // as Spring Boot does: an analyzer whose classes are absent (Bean Validation) is skipped
                SpringFactoriesLoader.FailureHandler.handleMessage((message, skipped) -> { }))) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis;
            }
        }
        throw new AssertionError("no failure analyzer reports " + failure, failure);
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
