package io.dualwrite.mybatis;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.jdbc.ReadStoreOverride;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.apache.ibatis.executor.loader.ProxyFactory;
import org.apache.ibatis.executor.loader.ResultLoaderMap;
import org.apache.ibatis.reflection.factory.ObjectFactory;
import org.apache.ibatis.session.Configuration;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * MyBatis' {@link ProxyFactory} with lazy loads run under the {@link MigrationContext} of the read that made the
 * proxy. MyBatis loads a lazy association by its nested statement, which takes a column value (an order id) and no
 * merchant; after the session closed (mybatis-spring's template closes it after each call) or on another thread it
 * runs on a new executor and a new connection, outside any context, and so followed the unattributed rule: the
 * association of a merchant whose new store is authoritative was read from the old store, stale. The context open
 * while the proxy was made (the one the interceptor opened for the read, or the application's) is opened again around
 * each load; a read without a context makes proxies as before. So is the {@link ReadStoreOverride} of that
 * migration open then (the starter's {@code @DualRead} shadow and merged reads): a load outside it ran on the phase's
 * store, and a read routed to the new store carried the old store's association (round 27).
 */
final class LazyLoads implements ProxyFactory {

    /** The map of loaders MyBatis keeps private; a copy sharing it sees the loaders added after the proxy is made. */
    private static final java.lang.reflect.@Nullable Field LOADERS = loaders();

    private final ProxyFactory delegate;

    private LazyLoads(ProxyFactory delegate) {
        this.delegate = delegate;
    }

    /** Wraps the proxy factory of {@code configuration}, once. */
    static void install(Configuration configuration) {
        ProxyFactory current = configuration.getProxyFactory();
        if (LOADERS != null && !(current instanceof LazyLoads)) {
            configuration.setProxyFactory(new LazyLoads(current));
        }
    }

    @Override
    public void setProperties(Properties properties) {
        delegate.setProperties(properties);
    }

    @Override
    public Object createProxy(Object target, ResultLoaderMap lazyLoader, Configuration configuration,
                              ObjectFactory objectFactory, List<Class<?>> constructorArgTypes,
                              List<Object> constructorArgs) {
        MigrationContext context = MigrationContext.current().orElse(null);
        ResultLoaderMap loads = context == null ? lazyLoader : InContext.of(lazyLoader, context,
                ReadStoreOverride.current(context.migration()).orElse(null));
        return delegate.createProxy(target, loads, configuration, objectFactory, constructorArgTypes, constructorArgs);
    }

    /**
     * The open context when it is one of {@code migration}; null when none is open or the open one is of another
     * migration. A {@code DualWriteDataSource} ignores a context of another migration, so such a context (a scope a
     * service opened for its payments, around a call writing orders too) must not stand in for the mapper call's own:
     * it did, and the call's ids were never read, so its rows followed the unattributed rule; without a merchant
     * column, the rows of a merchant that double-writes never reached the new store, unrecorded.
     */
    static @Nullable MigrationContext openOf(String migration) {
        MigrationContext open = MigrationContext.current().orElse(null);
        return open != null && open.migration().equals(migration) ? open : null;
    }

    /**
     * {@code cursor} with its rows mapped under {@code context} (unless one of its migration is open then): MyBatis maps a cursor's rows
     * while the caller iterates, after the read's scope closed, so lazy proxies made then carried no context.
     */
    static <T> org.apache.ibatis.cursor.Cursor<T> mappedIn(org.apache.ibatis.cursor.Cursor<T> cursor,
                                                          MigrationContext context) {
        return new MappedIn<>(cursor, context);
    }

    /** A cursor whose rows are read under a context; everything else is the cursor's own. */
    private static final class MappedIn<T> extends DelegatingCursor<T> {
        private final MigrationContext context;
        /** The store the cursor's read was routed to, re-opened with the context: proxies made then keep it too. */
        private final @Nullable Store routed;

        MappedIn(org.apache.ibatis.cursor.Cursor<T> cursor, MigrationContext context) {
            super(cursor);
            this.context = context;
            this.routed = ReadStoreOverride.current(context.migration()).orElse(null);
        }

        @Override
        boolean hasNext(java.util.Iterator<T> rows) {
            return inContext(rows::hasNext);
        }

        @Override
        T next(java.util.Iterator<T> rows) {
            return inContext(rows::next);
        }

        private <R> R inContext(java.util.function.Supplier<R> read) {
            try (Reopened reopened = Reopened.of(context, routed)) {
                return read.get();
            }
        }
    }

    /**
     * The read's context and routed store opened again on the loading thread, each unless one of the migration is
     * open there (an open one wins, as at the interceptor); closed in the reverse order.
     */
    private static final class Reopened implements AutoCloseable {
        private final MigrationContext.@Nullable Scope context;
        private final ReadStoreOverride.@Nullable Scope routed;

        private Reopened(MigrationContext.@Nullable Scope context, ReadStoreOverride.@Nullable Scope routed) {
            this.context = context;
            this.routed = routed;
        }

        static Reopened of(MigrationContext context, @Nullable Store routed) {
            MigrationContext.Scope opened = openOf(context.migration()) == null ? context.open() : null;
            try {
                return new Reopened(opened, routed == null || ReadStoreOverride.current(context.migration()).isPresent()
                        ? null : ReadStoreOverride.open(context.migration(), routed));
            } catch (RuntimeException failed) {
                if (opened != null) {
                    opened.close();
                }
                throw failed;
            }
        }

        @Override
        public void close() {
            try {
                if (routed != null) {
                    routed.close();
                }
            } finally {
                if (context != null) {
                    context.close();
                }
            }
        }
    }

    /**
     * The loaders of one proxy (the same map MyBatis fills), each load run under the read's context and the store the
     * read was routed to, if any.
     */
    private static final class InContext extends ResultLoaderMap {
        private final MigrationContext context;
        private final @Nullable Store routed;

        private InContext(MigrationContext context, @Nullable Store routed) {
            this.context = context;
            this.routed = routed;
        }

        static ResultLoaderMap of(ResultLoaderMap loaders, MigrationContext context, @Nullable Store routed) {
            try {
                InContext scoped = new InContext(context, routed);
                LOADERS.set(scoped, LOADERS.get(loaders));
                return scoped;
            } catch (ReflectiveOperationException | RuntimeException unknown) {
                return loaders; // loads as MyBatis alone would
            }
        }

        @Override
        public boolean load(String property) throws SQLException {
            try (Reopened reopened = Reopened.of(context, routed)) {
                return super.load(property);
            }
        }

        @Override
        public void loadAll() throws SQLException {
            try (Reopened reopened = Reopened.of(context, routed)) {
                super.loadAll();
            }
        }
    }

    private static java.lang.reflect.@Nullable Field loaders() {
        try {
            java.lang.reflect.Field field = ResultLoaderMap.class.getDeclaredField("loaderMap");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException unknown) {
            LoggerFactory.getLogger(LazyLoads.class).warn("This MyBatis version has no readable"
                    + " ResultLoaderMap.loaderMap ({}); a lazy association loaded after its session closed runs"
                    + " without the context of the read that made it", unknown.toString());
            return null;
        }
    }
}
