package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Properties that used to start an application doing nothing of what they say: a misspelt migration in a switch
 * (which asked for {@code dualwrite.jdbc.migration} instead of naming the misspelling), a blank phase (silently
 * ignored) and a mapping giving the new table two columns of one name. Each now fails start-up naming the
 * property, the value, what is allowed and the fix.
 */
class MisspeltAndCollidingPropertiesStartupTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:misspelt_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:misspelt_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    @Test
    void merchantSwitchOfAMisspeltMigrationNamesItAndTheRealOne() {
        runner.withPropertyValues("dualwrite.migrations.ordrs.merchants.m-1=DUAL_WRITE").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.ordrs.merchants.m-1",
                    "Value: 'ordrs'", "configured: [orders]");
            assertThat(analysis.getAction()).contains("dualwrite.migrations.orders.merchants.m-1");
        });
    }

    @Test
    void orderSwitchOfAMisspeltMigrationIsRefusedToo() {
        runner.withPropertyValues("dualwrite.migrations.ordrs.orders.42=NEW_ONLY").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.ordrs.orders.42",
                "Value: 'ordrs'"));
    }

    @Test
    void aMigrationWithoutTablesStartsOnceTheServedMigrationIsNamed() {
        // e.g. one whose store is not JDBC, written through DualWriter#proxy
        runner.withPropertyValues("dualwrite.migrations.profiles.merchants.m-1=DUAL_WRITE",
                        "dualwrite.jdbc.migration=orders")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void blankMerchantPhaseIsRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.m-1=").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.merchants.m-1",
                    "Value: ''", "Allowed: one of [OLD_ONLY, DUAL_WRITE, SHADOW_READ, NEW_PRIMARY, NEW_ONLY]");
            assertThat(analysis.getAction()).contains("Set dualwrite.migrations.orders.merchants.m-1", "remove");
        });
    }

    @Test
    void blankSystemPhaseIsRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.system-phase=").run(context -> assertThat(
                analysis(context).getDescription()).contains("Property: dualwrite.migrations.orders.system-phase",
                "Value: ''", "Allowed: one of"));
    }

    @Test
    void phasesAreStillReadInAnyCaseWithDashes() {
        runner.withPropertyValues("dualwrite.migrations.orders.system-phase=dual-write",
                "dualwrite.migrations.orders.merchants.m-1=new_only").run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWriteProperties.Migration orders = context.getBean(DualWriteProperties.class)
                            .getMigrations().get("orders");
                    assertThat(orders.getSystemPhase()).isEqualTo(io.dualwrite.MigrationPhase.DUAL_WRITE);
                    assertThat(orders.getMerchants()).containsEntry("m-1", io.dualwrite.MigrationPhase.NEW_ONLY);
                });
    }

    @Test
    void migrationNamesAndSwitchKeysInMixedCaseAreKeptAsWritten() {
        runner.withPropertyValues("dualwrite.migrations.Payments.tables.payments.new-table=payments_v2",
                "dualwrite.migrations.Payments.merchants.M-1=DUAL_WRITE", "dualwrite.jdbc.migration=orders")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DualWriteProperties.class).getMigrations().get("Payments")
                            .getMerchants()).containsEntry("M-1", io.dualwrite.MigrationPhase.DUAL_WRITE);
                });
    }

    @Test
    void renameToTheKeyColumnIsRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.tables.orders.renames.amount=id").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.tables.orders",
                    "rename of column 'amount' to 'id'", "column 'id', which keeps its name");
            assertThat(analysis.getAction()).contains("Fix the mapping under dualwrite.migrations.orders.tables.orders");
        });
    }

    @Test
    void twoRenamesToOneColumnAreRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.tables.orders.renames.amount=amount_total",
                "dualwrite.migrations.orders.tables.orders.renames.status=amount_total").run(context -> assertThat(
                analysis(context).getDescription()).contains("rename of column 'status' to 'amount_total'",
                "the rename of 'amount'"));
    }

    /** The analysis Spring Boot would print: the first analyzer registered in spring.factories that knows the failure. */
    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        SpringFactoriesLoader.ArgumentResolver arguments = SpringFactoriesLoader.ArgumentResolver
                .of(BeanFactory.class, new DefaultListableBeanFactory())
                .and(Environment.class, new StandardEnvironment());
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation(
                MisspeltAndCollidingPropertiesStartupTest.class.getClassLoader()).load(FailureAnalyzer.class,
                arguments, SpringFactoriesLoader.FailureHandler.handleMessage((message, skipped) -> { }))) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis;
            }
        }
        throw new AssertionError("no failure analyzer reports " + failure, failure);
    }
}
