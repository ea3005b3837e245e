package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.spring.aop.DualReadAdvisor;
import io.dualwrite.spring.aop.DualWriteAdvisor;
import io.dualwrite.spring.aop.ShadowReadSampling;
import io.dualwrite.spring.aop.ShadowReads;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The annotations feature's beans, each backing off for a user bean of its type. */
class DualWriteAopConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withBean(Switchboard.class, () -> Switchboard.builder().switchStore(SwitchStores.inMemory()).migration(MigrationSwitchConfig.of("orders")).build())
            .withUserConfiguration(DualWriteAopConfiguration.class);

    @Test
    void createsBothAdvisorsTheShadowReadRunnerAndNoSampling() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DualWriteAdvisor.class).hasSingleBean(DualReadAdvisor.class)
                    .hasSingleBean(ShadowReads.class).hasSingleBean(ShadowReadSampling.class);
            assertThat(context.getBean(ShadowReadSampling.class).rate("orders")).isZero();
            assertThat(context.getBean(ShadowReads.class).sampling()).isSameAs(context.getBean(ShadowReadSampling.class));
        });
    }

    @Test
    void theRunnerTakesTheUsersSampling() {
        ShadowReadSampling sampling = new ShadowReadSampling(Map.of("orders", 0.25));
        runner.withBean(ShadowReadSampling.class, () -> sampling).run(context -> {
            assertThat(context).hasSingleBean(ShadowReadSampling.class);
            assertThat(context.getBean(ShadowReads.class).sampling()).isSameAs(sampling);
        });
    }

    @Test
    void backsOffForAUserShadowReadRunner() {
        ShadowReads own = ShadowReads.builder().threads(1).build();
        runner.withBean(ShadowReads.class, () -> own).run(context ->
                assertThat(context.getBean(ShadowReads.class)).isSameAs(own));
    }

    @Test
    void backsOffForUserAdvisors() {
        runner.withBean("myWriteAdvisor", DualWriteAdvisor.class, () -> new DualWriteAdvisor(emptyProvider()))
                .withBean("myReadAdvisor", DualReadAdvisor.class, () -> new DualReadAdvisor(emptyProvider(), emptyProvider()))
                .run(context -> {
                    assertThat(context).hasSingleBean(DualWriteAdvisor.class).hasSingleBean(DualReadAdvisor.class);
                    assertThat(context).hasBean("myWriteAdvisor").hasBean("myReadAdvisor")
                            .doesNotHaveBean("dualWriteAdvisor").doesNotHaveBean("dualReadAdvisor");
                });
    }

    @Test
    void startsWithAndWithoutAMeterRegistry() {
        runner.withBean(SimpleMeterRegistry.class).run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(ShadowReads.class));
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(ShadowReads.class));
    }

    @Test
    void aBadRateFailsStartUpNamingThePropertyAndTheValue() {
        runner.withBean(ShadowReadSampling.class, () -> new ShadowReadSampling(Map.of("orders", 1.5))).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining(
                        "dualwrite.migrations.orders.shadow-reads.rate must be a number between 0 and 1 (the share of "
                                + "reads shadow-read), but was 1.5"));
    }

    private static <T> ObjectProvider<T> emptyProvider() {
        return new org.springframework.beans.factory.support.StaticListableBeanFactory().getBeanProvider(
                (Class<T>) (Class<?>) Object.class);
    }
}
