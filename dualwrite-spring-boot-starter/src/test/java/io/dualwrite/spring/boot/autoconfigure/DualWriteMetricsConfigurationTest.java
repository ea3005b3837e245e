package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.spring.metrics.CachedBacklog;
import io.dualwrite.spring.metrics.DualWriteGauges;
import io.dualwrite.spring.metrics.DualWriteHealthIndicator;
import io.dualwrite.spring.metrics.DualWriteMirrorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** When the meters and the health contributor exist: Micrometer or the actuator present, nothing of the user's. */
class DualWriteMetricsConfigurationTest {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(OpsStoresConfiguration.class)
            .withConfiguration(AutoConfigurations.of(DualWriteMetricsConfiguration.class));

    @Test
    void metersAndHealthContributorAreCreated() {
        contextRunner.run(context -> {
            assertThat(context).hasSingleBean(DualWriteMirrorMetrics.class);
            assertThat(context).hasSingleBean(DualWriteGauges.class);
            assertThat(context).hasSingleBean(CachedBacklog.class);
            assertThat(context).hasBean("dualwriteHealthIndicator");
            assertThat(context).hasSingleBean(DualWriteHealthIndicator.class);
        });
    }

    @Test
    void withoutMicrometerThereAreNoMetersButStillHealth() {
        contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).doesNotHaveBean(DualWriteMirrorMetrics.class);
            assertThat(context).doesNotHaveBean(DualWriteGauges.class);
            assertThat(context).hasSingleBean(DualWriteHealthIndicator.class);
        });
    }

    @Test
    void withoutTheActuatorThereIsNoHealthContributorButStillMeters() {
        contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).doesNotHaveBean(DualWriteHealthIndicator.class);
            assertThat(context).hasSingleBean(DualWriteMirrorMetrics.class);
        });
    }

    @Test
    void healthContributorCanBeTurnedOffLikeSpringBootsOwn() {
        contextRunner.withPropertyValues("management.health.dualwrite.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DualWriteHealthIndicator.class));
    }

    @Test
    void backsOffForMirrorMetricsOfTheUser() {
        DualWriteMirrorMetrics own = new DualWriteMirrorMetrics();
        contextRunner.withBean("userMirrorMetrics", DualWriteMirrorMetrics.class, () -> own).run(context -> {
            assertThat(context).hasSingleBean(DualWriteMirrorMetrics.class);
            assertThat(context.getBean(DualWriteMirrorMetrics.class)).isSameAs(own);
        });
    }

    @Test
    void backsOffForAHealthIndicatorOfTheUserUnderTheSameName() {
        HealthIndicator own = () -> org.springframework.boot.actuate.health.Health.down().build();
        contextRunner.withBean("dualwriteHealthIndicator", HealthIndicator.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(DualWriteHealthIndicator.class);
            assertThat(context.getBean("dualwriteHealthIndicator")).isSameAs(own);
        });
    }

    @Test
    void backsOffForACachedBacklogOfTheUser() {
        contextRunner.withBean("userBacklog", CachedBacklog.class,
                        () -> new CachedBacklog(io.dualwrite.changelog.ChangeLogs.inMemory(), java.time.Duration.ofMinutes(1)))
                .run(context -> {
                    assertThat(context).hasSingleBean(CachedBacklog.class);
                    assertThat(context).hasBean("userBacklog");
                });
    }
}
