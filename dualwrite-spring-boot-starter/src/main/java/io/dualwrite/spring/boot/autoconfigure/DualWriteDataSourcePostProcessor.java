package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.DualWriteDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Replaces the application's DataSource bean (by name, {@code dualwrite.jdbc.bean-name}) with a
 * {@code DualWriteDataSource} over it, once the pool is initialised. Everything that injects the DataSource
 * afterwards (JdbcTemplate, the transaction manager, MyBatis, JPA) writes through the wrapper, and
 * {@code unwrap(HikariDataSource.class)} still reaches the pool (for Boot's pool metrics and health).
 *
 * <p>Never wraps twice (a bean already a {@code DualWriteDataSource}, or a wrapper of one, is left alone) and
 * never wraps the new store's pool. Runs last among post-processors, so a proxy another one adds is wrapped too.
 */
final class DualWriteDataSourcePostProcessor implements BeanPostProcessor, Ordered {

    private final String beanName;
    private final ObjectProvider<StoreDataSources> stores;
    private final ObjectProvider<DataSourceWrapper> wrapper;

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
        return factory.wrap(pool);
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
