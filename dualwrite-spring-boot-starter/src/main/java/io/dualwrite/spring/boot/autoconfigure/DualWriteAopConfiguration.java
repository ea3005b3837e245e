package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.spring.aop.DualReadAdvisor;
import io.dualwrite.spring.aop.DualWriteAdvisor;
import io.dualwrite.spring.aop.ShadowReadSampling;
import io.dualwrite.spring.aop.ShadowReads;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * The annotations feature: the advisors that apply {@code @DualWrite} and {@code @DualRead} to Spring beans, and
 * the shadow-read runner. Each bean backs off for a user bean of its type. The advisors take the
 * {@link Switchboard} (and the runner) lazily, so that they can be created before the beans they advise; they
 * are infrastructure beans, so any auto-proxy creator applies them.
 */
@Configuration(proxyBeanMethods = false)
class DualWriteAopConfiguration {

    /**
     * The rate of each migration's shadow reads, {@code dualwrite.migrations.<name>.shadow-reads.rate}; none when
     * the properties are not bound (the aspects used without the auto-configuration).
     */
    @Bean
    @ConditionalOnMissingBean
    ShadowReadSampling dualWriteShadowReadSampling(ObjectProvider<DualWriteProperties> properties) {
        DualWriteProperties bound = properties.getIfAvailable();
        if (bound == null) {
            return ShadowReadSampling.none();
        }
        java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
        bound.getMigrations().keySet().forEach(migration -> rates.put(migration, bound.shadowReadRate(migration)));
        rates.forEach((migration, rate) -> {
            if (rate == null || !(rate >= 0 && rate <= 1)) { // NaN too
                String property = "dualwrite.migrations." + migration + ".shadow-reads.rate";
                throw new InvalidDualWritePropertyException(property, rate,
                        "a number from 0 to 1: the share of @DualRead calls shadow-read (0.01 is one in a hundred)",
                        "Set " + property + " within that range, or remove it to use the default 0.01.");
            }
        });
        return new ShadowReadSampling(rates);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ShadowReads dualWriteShadowReads(ShadowReadSampling sampling, ObjectProvider<MeterRegistry> meterRegistry) {
        return ShadowReads.builder().sampling(sampling).meterRegistry(meterRegistry.getIfUnique()).build();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static DualWriteAdvisor dualWriteAdvisor(ObjectProvider<Switchboard> switchboard) {
        return new DualWriteAdvisor(switchboard);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static DualReadAdvisor dualReadAdvisor(ObjectProvider<Switchboard> switchboard,
                                           ObjectProvider<ShadowReads> shadowReads) {
        return new DualReadAdvisor(switchboard, shadowReads);
    }
}
