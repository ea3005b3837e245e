package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Round 22: round 21's refusals of a bare-number duration and of a blank value, reached through a placeholder
 * ({@code ${RECONCILE_EVERY}}, {@code ${missing:5}}), the way twelve-factor applications write their settings.
 */
class StarterFixesBreak22Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, MybatisAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_fixes_break22_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_fixes_break22_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2")
            .withUserConfiguration(StarterBreak21Test.Mappers.class);

    private ApplicationContextRunner withEnvironment(Map<String, Object> variables) {
        return runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("systemEnvironment", variables)));
    }

    /**
     * Failed before its fix: a duration written as a placeholder whose value is a bare number started, read as
     * milliseconds (a reconciler meant to run every 5 s polled every 5 ms, a mirror time limit of 2 s timed out
     * after 2 ms), because the check looked at the text as written ({@code ${RECONCILE_EVERY}}), not at the value
     * it resolves to. Now start-up fails naming the property as written and that a bare number means milliseconds.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dualwrite.reconciler.interval=${RECONCILE_EVERY}  | RECONCILE_EVERY | 5 | dualwrite.reconciler.interval",
        "dualwrite.mirror.time-limit=${MIRROR_LIMIT}       | MIRROR_LIMIT    | 2 | dualwrite.mirror.time-limit",
        "dualwrite.reconciler.lease=${LEASE:60}            | UNUSED          | x | dualwrite.reconciler.lease",
        "dualwrite.job.chunk-time-target=${CHUNK}          | CHUNK           | 500 | dualwrite.job.chunk-time-target"})
    void aDurationWithoutItsUnitThroughAPlaceholderFailsStartUp(String property, String variable, String value,
                                                                String name) {
        withEnvironment(Map.of(variable, value)).withPropertyValues(property).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains(name, "read as milliseconds");
        });
    }

    /**
     * Failed before its fix: a duration whose placeholder resolves to nothing ({@code ${RECONCILE_EVERY:}}) started
     * with the default, where a blank value written as it is fails start-up naming the property.
     */
    @Test
    void aBlankValueThroughAPlaceholderFailsStartUp() {
        runner.withPropertyValues("dualwrite.reconciler.interval=${RECONCILE_EVERY:}").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("dualwrite.reconciler.interval");
        });
    }

    /**
     * Guards: a placeholder resolving to a duration with its unit starts with that duration, and one no source
     * resolves (the README's {@code ${NEW_DB_PASSWORD}} before the variable is set) is left to Boot, as before.
     */
    @Test
    void aDurationWithItsUnitOrAnUnresolvedPlaceholderStarts() {
        runner.withPropertyValues("dualwrite.new-datasource.password=${NEW_DB_PASSWORD_NOT_SET}")
                .run(context -> assertThat(context).hasNotFailed());
        withEnvironment(Map.of("RECONCILE_EVERY", "7s"))
                .withPropertyValues("dualwrite.reconciler.interval=${RECONCILE_EVERY}").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DualWriteProperties.class).getReconciler().getInterval())
                            .isEqualTo(Duration.ofSeconds(7));
                });
    }

    /**
     * A list written both as one value through a placeholder and by index: refused when the placeholder resolves to
     * another list than the elements, started with the list when it resolves to the same one.
     */
    @Test
    void aListInTwoFormsThroughAPlaceholderIsJudgedByItsResolvedValue() {
        withEnvironment(Map.of("PATHS", "shopNo")).withPropertyValues("dualwrite.mybatis.merchant-id-paths=${PATHS}",
                "dualwrite.mybatis.merchant-id-paths[0]=merchantNo").run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("one list");
                });
        withEnvironment(Map.of("PATHS", "merchantNo")).withPropertyValues("dualwrite.mybatis.merchant-id-paths=${PATHS}",
                "dualwrite.mybatis.merchant-id-paths[0]=merchantNo").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(io.dualwrite.mybatis.ContextRules.class).merchantIdPaths())
                            .containsExactly("merchantNo");
                });
    }
}
