package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.Store;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;

/**
 * The two stores' pools as the library's own parts need them: the application's pool <em>unwrapped</em> (the
 * JDBC stores and the copier must not write through the {@code DualWriteDataSource}) and the new store's pool.
 *
 * <p>Why deferred: the wrapper is built while the application's DataSource bean is being initialised, and it
 * needs the switchboard and the change log, which need the old store. So {@link #libraryTables()} and
 * {@link #oldStore()} hand out a DataSource that finds the application's pool at its first connection: the
 * one {@link DualWriteDataSourcePostProcessor} saw, else the bean (unwrapped). Building a store never
 * connects, so there is no cycle. The library's tables are created at that first connection when
 * {@code dualwrite.stores.create-schema} is on.
 */
final class StoreDataSources {

    /** The bean name of the new store's pool. */
    static final String NEW_DATA_SOURCE = "dualwriteNewDataSource";

    private final BeanFactory beanFactory;
    private final String applicationBean;
    private final Store location;
    private final boolean createSchema;
    private volatile @Nullable DataSource applicationPool;
    private volatile boolean schemaReady;

    StoreDataSources(BeanFactory beanFactory, DualWriteProperties properties) {
        this.beanFactory = beanFactory;
        this.applicationBean = properties.getJdbc().getBeanName();
        this.location = properties.getStores().getLocation();
        this.createSchema = properties.getStores().isCreateSchema() && properties.getStores().anyJdbc();
    }

    /** Called by the post-processor with the application's pool, before it is wrapped. */
    void applicationPool(DataSource pool) {
        this.applicationPool = pool;
    }

    /** The application's pool (unwrapped), found at the first connection. */
    DataSource oldStore() {
        return new Deferred(this::resolveOld, false);
    }

    /** The new store's pool. */
    DataSource newStore() {
        return beanFactory.getBean(NEW_DATA_SOURCE, DataSource.class);
    }

    /** The store holding the library's tables ({@code dualwrite.stores.location}), schema created on request. */
    DataSource libraryTables() {
        return new Deferred(() -> location == Store.OLD ? resolveOld() : newStore(), true);
    }

    /** The pool of {@code store}, resolved now. */
    DataSource resolve(Store store) {
        return store == Store.OLD ? resolveOld() : newStore();
    }

    /** Creates the library's tables now if asked and not done yet. */
    void ensureSchema() throws SQLException {
        if (!createSchema || schemaReady) {
            return;
        }
        synchronized (this) {
            if (!schemaReady) {
                DualWriteSchema.create(resolve(location));
                schemaReady = true;
            }
        }
    }

    private DataSource resolveOld() {
        DataSource pool = applicationPool;
        if (pool != null) {
            return pool;
        }
        Object bean;
        try {
            bean = beanFactory.getBean(applicationBean);
        } catch (NoSuchBeanDefinitionException missing) {
            throw new InvalidDualWritePropertyException("dualwrite.jdbc.bean-name", applicationBean,
                    "the name of the application's DataSource bean (the old store)",
                    "Define the application's DataSource (spring.datasource.*), or set dualwrite.jdbc.bean-name to"
                            + " its bean name.", missing);
        }
        if (bean instanceof DualWriteDataSource wrapped) {
            return wrapped.dataSource(Store.OLD);
        }
        if (bean instanceof DataSource plain) {
            return plain;
        }
        throw new InvalidDualWritePropertyException("dualwrite.jdbc.bean-name", applicationBean,
                "the name of a DataSource bean", "Set dualwrite.jdbc.bean-name to the application's DataSource bean,"
                        + " not a " + bean.getClass().getSimpleName() + ".");
    }

    /** A DataSource that resolves its pool at the first call. */
    private final class Deferred implements DataSource {
        private final java.util.function.Supplier<DataSource> resolver;
        private final boolean libraryTables;

        Deferred(java.util.function.Supplier<DataSource> resolver, boolean libraryTables) {
            this.resolver = resolver;
            this.libraryTables = libraryTables;
        }

        private DataSource target() throws SQLException {
            if (libraryTables) {
                ensureSchema();
            }
            return resolver.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return target().getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return target().getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target().getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target().setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target().setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target().getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException("the deferred store DataSource has no parent logger");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            return target().unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || target().isWrapperFor(type);
        }

        @Override
        public String toString() {
            // never the pool's own toString(): some print a URL that may carry a password
            return libraryTables ? "dualwrite library tables (" + location + " store)" : "the application's pool";
        }
    }
}
