package io.dualwrite.spring.boot.autoconfigure;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of dualwrite from {@code dualwrite.*} properties ({@link DualWriteProperties}). It imports
 * one configuration per feature; each bean backs off when the application defines its own of the same type:
 *
 * <ul>
 *   <li>the switch, order-pin and change-log stores (in memory or JDBC), the {@code Switchboard}, the
 *       {@code PhaseGate} (change-log backlog and last verification), {@code SwitchAdmin} and the
 *       {@code DualWriter} with the mirror settings;</li>
 *   <li>the new store's Hikari pool, bean {@code dualwriteNewDataSource}, which is no autowire candidate, so the
 *       application's own DataSource stays the one Boot creates and injects, and the one Boot's health checks;</li>
 *   <li>a {@code BeanPostProcessor} that replaces the application's DataSource bean with a
 *       {@code DualWriteDataSource} over it and the new pool ({@code unwrap} still reaches the pool);</li>
 *   <li>the MyBatis interceptor, installed in every {@code SqlSessionFactory}, when MyBatis is on the class
 *       path;</li>
 *   <li>the reconciler, run on a schedule while the context runs;</li>
 *   <li>the advisors applying {@code @DualWrite} and {@code @DualRead}, with shadow reads sampled at each
 *       migration's rate;</li>
 *   <li>the actuator endpoint {@code dualwrite} (when exposed), Micrometer meters and a health contributor,
 *       each when its library is on the class path;</li>
 *   <li>the job runner, when {@code dualwrite.job} names a job (backfill, verify, repair or status).</li>
 * </ul>
 *
 * <p>{@code dualwrite.enabled=false} turns all of it off.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnProperty(prefix = "dualwrite", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DualWriteProperties.class)
@Import({StoreConfiguration.class, NewDataSourceConfiguration.class, JdbcWrapperConfiguration.class,
        MyBatisConfiguration.class, ReconcilerConfiguration.class, DualWriteAopConfiguration.class,
        DualWriteEndpointConfiguration.class, DualWriteMetricsConfiguration.class, DualWriteJobConfiguration.class})
public class DualWriteAutoConfiguration {

    /**
     * Refuses a {@code dualwrite.*} name the properties do not know ({@link UnknownProperties}), which Spring Boot
     * would ignore, a blank value Spring Boot would bind as nothing ({@link BlankProperties}), and a value the
     * starter's conditions read otherwise than the binder ({@link ConditionProperties}), before any bean is made: a
     * bean such a value selects would otherwise be missing, and start-up would fail naming no property.
     */
    @Bean
    static BeanFactoryPostProcessor dualwriteBlankPropertiesCheck(Environment environment) {
        return beanFactory -> {
            UnknownProperties.check(environment);
            BlankProperties.check(environment);
            ConditionProperties.check(environment);
        };
    }
}
