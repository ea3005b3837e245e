package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.spring.jobs.DualWriteJobProperties;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * {@link DualWriteBindFailureAnalyzer}: Boot also raises a BindException when a setter of a dualwrite.*
 * properties class refuses a value of the right type ({@code DualWriteJobProperties} checks ranges in its setters).
 */
class JobPropertyRangeFailureTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DualWriteJobProperties.class)
    static class JobProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(JobProperties.class);

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        return DualWriteStartupFailureTest.analysis(context);
    }

    private static String allowedLine(FailureAnalysis analysis) {
        return Arrays.stream(analysis.getDescription().split("\n")).filter(line -> line.contains("Allowed:"))
                .findFirst().orElse("");
    }

    @Test
    void aWholeNumberOutOfRangeIsNotToldToBeAWholeNumber() {
        runner.withPropertyValues("dualwrite.job.workers=0").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("dualwrite.job.workers", "0");
            assertThat(allowedLine(analysis)).as("the setter's range, in " + analysis.getDescription())
                    .contains("between 1 and");
            assertThat(analysis.getAction()).doesNotContain("to a whole number");
        });
    }

    @Test
    void aDurationOutOfRangeIsNotToldToBeADuration() {
        runner.withPropertyValues("dualwrite.job.chunk-time-target=20m").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(allowedLine(analysis)).as("the setter's range, in " + analysis.getDescription())
                    .contains("at most 10m");
        });
    }

    @Test
    void aTableNamedTwiceAtListIndexesSaysWhatTheListMustHold() {
        runner.withPropertyValues("dualwrite.job.tables[0]=orders", "dualwrite.job.tables[1]=orders").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(allowedLine(analysis)).as("what is allowed, not a Java type name, in " + analysis.getDescription())
                    .doesNotContain("a value of type").contains("twice");
        });
    }

    @Test
    void aValueFromAnEnvironmentVariableIsNamedByItsPropertyAndOrigin() {
        new ApplicationContextRunner()
                .withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
                        org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:rangefail_env_old",
                        "dualwrite.new-datasource.url=jdbc:h2:mem:rangefail_env_new",
                        "dualwrite.migrations.orders.tables.orders.new-table=orders_v2")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.SystemEnvironmentPropertySource("systemEnvironment",
                                java.util.Map.of("DUALWRITE_MIRROR_LANES", "four"))))
                .run(context -> {
                    FailureAnalysis analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: dualwrite.mirror.lanes", "Value: 'four'",
                            "Allowed: a whole number", "DUALWRITE_MIRROR_LANES");
                });
    }
}
