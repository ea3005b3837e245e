package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.DualWriteDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.jdbc.reconcile.Reconciler;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;

/**
 * Replaces the application's DataSource bean (by name, {@code dualwrite.jdbc.bean-name}) with a
 * {@code DualWriteDataSource} over it, once the pool is initialised. Everything that injects the DataSource
 * afterwards (JdbcTemplate, the transaction manager, MyBatis, JPA) writes through the wrapper, and
 * {@code unwrap(HikariDataSource.class)} still reaches the pool (for Boot's pool metrics and health).
 *
 * <p>Never wraps twice (a bean already a {@code DualWriteDataSource}, or a wrapper of one, is left alone) and
 * never wraps the new store's pool. Runs last among post-processors, so a proxy another one adds is wrapped too.
 * Once every singleton exists, a name that no bean has fails start-up: nothing would double-write.
 */
final class DualWriteDataSourcePostProcessor implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton,
        Ordered {

    private final String beanName;
    private final ObjectProvider<StoreDataSources> stores;
    private final ObjectProvider<DataSourceWrapper> wrapper;
    private @Nullable ConfigurableListableBeanFactory beanFactory;

    DualWriteDataSourcePostProcessor(String beanName, ObjectProvider<StoreDataSources> stores,
                                     ObjectProvider<DataSourceWrapper> wrapper) {
        this.beanName = beanName;
        this.stores = stores;
        this.wrapper = wrapper;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (!name.equals(beanName) || StoreDataSources.NEW_DATA_SOURCE.equals(name)
                || !(bean instanceof DataSource pool) || alreadyWrapped(pool)) {
            return bean;
        }
        DataSourceWrapper factory = wrapper.getIfAvailable();
        StoreDataSources storeDataSources = stores.getIfAvailable();
        if (factory == null || storeDataSources == null) {
            return bean;
        }
        storeDataSources.applicationPool(pool);
        DualWriteDataSource wrapped = factory.wrap(pool);
        closeUsersFirst(name);
        return wrapped;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ConfigurableListableBeanFactory factory = beanFactory;
        if (factory != null && factory.containsBeanDefinition(StoreDataSources.NEW_DATA_SOURCE)
                && factory.getBeanDefinition(StoreDataSources.NEW_DATA_SOURCE).isAutowireCandidate()) {
            // checked first: it is also why Boot made no DataSource of spring.datasource.* (the check below)
            throw new IllegalStateException("The application's bean '" + StoreDataSources.NEW_DATA_SOURCE
                    + "' (the new store) is an autowire candidate: Spring Boot then takes it for the application's"
                    + " DataSource (its own DataSource of spring.datasource.* backs off), injects it by type, and"
                    + " lets its health decide the application's; declare it with @Bean(name = \""
                    + StoreDataSources.NEW_DATA_SOURCE + "\", autowireCandidate = false), as the starter's own is.");
        }
        if (factory != null && wrapper.getIfAvailable() != null && !factory.containsBean(beanName)) {
            throw new InvalidDualWritePropertyException("dualwrite.jdbc.bean-name", beanName,
                    "the name of the application's DataSource bean (the old store)",
                    "Configure the application's DataSource (spring.datasource.*), set dualwrite.jdbc.bean-name to its"
                            + " bean name, or set dualwrite.jdbc.enabled=false when nothing writes through JDBC.");
        }
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (beanFactory instanceof ConfigurableListableBeanFactory configurable) {
            this.beanFactory = configurable;
        }
    }

    /**
     * The writer and the reconciler reach both pools without injecting them, so Spring does not know they depend
     * on them: declare it, so that at shutdown they close (recording the mirrors still queued in the change log)
     * while both pools are still open.
     */
    private void closeUsersFirst(String applicationPool) {
        ConfigurableListableBeanFactory factory = beanFactory;
        if (factory == null) {
            return;
        }
        for (Class<?> user : new Class<?>[] {DualWriter.class, Reconciler.class}) {
            for (String userName : factory.getBeanNamesForType(user, false, false)) {
                factory.registerDependentBean(applicationPool, userName);
                factory.registerDependentBean(StoreDataSources.NEW_DATA_SOURCE, userName);
            }
        }
    }

    private static boolean alreadyWrapped(DataSource pool) {
        if (pool instanceof DualWriteDataSource) {
            return true;
        }
        try {
            return pool.isWrapperFor(DualWriteDataSource.class);
        } catch (SQLException | RuntimeException cannotTell) {
            return false;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
