package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.spring.metrics.CachedBacklog;
import io.dualwrite.spring.metrics.DualWriteGauges;
import io.dualwrite.spring.metrics.DualWriteHealthIndicator;
import io.dualwrite.spring.metrics.DualWriteMirrorMetrics;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Meters (when Micrometer is on the class path: the binders are bound to the application's registries by Spring
 * Boot) and the health contributor {@code dualwrite} (when the actuator is, unless
 * {@code management.health.dualwrite.enabled=false}). The mirror metrics are a {@code MirrorObserver} bean, which the
 * application's {@link DualWriter} must be built with for mirror outcomes to be counted.
 */
@Configuration(proxyBeanMethods = false)
class DualWriteMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CachedBacklog dualWriteCachedBacklog(ChangeLog changeLog) {
        return new CachedBacklog(changeLog, CachedBacklog.DEFAULT_TIME_TO_LIVE);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Meters {

        @Bean
        @ConditionalOnMissingBean
        DualWriteMirrorMetrics dualWriteMirrorMetrics() {
            return new DualWriteMirrorMetrics();
        }

        @Bean
        @ConditionalOnMissingBean
        DualWriteGauges dualWriteGauges(Switchboard switchboard, ObjectProvider<DualWriter> writer,
                                        CachedBacklog backlog) {
            return new DualWriteGauges(switchboard, writer.getIfAvailable(), backlog);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("dualwrite")
    static class HealthContributor {

        @Bean(name = "dualwriteHealthIndicator")
        @ConditionalOnMissingBean(name = "dualwriteHealthIndicator")
        DualWriteHealthIndicator dualwriteHealthIndicator(Switchboard switchboard, ObjectProvider<DualWriter> writer,
                                                          CachedBacklog backlog) {
            return new DualWriteHealthIndicator(switchboard, writer.getIfAvailable(), backlog,
                    DualWriteHealthIndicator.DEFAULT_BACKLOG_THRESHOLD);
        }
    }
}
