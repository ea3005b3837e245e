package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Round 26: the starter's properties. Forty misconfigurations were tried (durations {@code 0s}, {@code -1ms},
 * {@code PT0S}, {@code 1d} and a bare number on every duration property, counts of zero, lists with a blank element
 * or a column twice, unknown phases, stores and modes); each failed start-up through the failure analyzer naming the
 * property, the value, what is allowed and the fix, but the shadow-read rate.
 */
class StarterBreak26Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class,
                    DualWriteAopConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break26_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break26_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    // A shadow-read rate outside 0..1 failed start-up with a BeanCreationException that no failure analyzer read: Boot
    // printed the stack trace of the bean 'dualWriteShadowReadSampling', its message naming the property and value but
    // no fix, not the "Invalid dualwrite configuration" report every other property gives. Expected: that report.
    @ParameterizedTest
    @ValueSource(strings = {"2", "-0.1", "NaN", "1.0000001", "Infinity"})
    void aShadowReadRateOutsideZeroToOneFailsStartUpNamingThePropertyAndTheFix(String rate) {
        runner.withPropertyValues("dualwrite.migrations.orders.shadow-reads.rate=" + rate).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("dualwrite.migrations.orders.shadow-reads.rate")
                    .contains("from 0 to 1");
            assertThat(analysis.getAction()).contains("dualwrite.migrations.orders.shadow-reads.rate");
        });
    }

    // Guards: the bounds themselves start.
    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "0.5"})
    void aShadowReadRateFromZeroToOneStarts(String rate) {
        runner.withPropertyValues("dualwrite.migrations.orders.shadow-reads.rate=" + rate)
                .run(context -> assertThat(context).hasNotFailed());
    }
}
