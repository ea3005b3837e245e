package io.dualwrite.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Pools that quote a JDBC URL, credentials and all, the way some pools and drivers do: in the error of a refused
 * connection, or in a connection's {@code toString()}. For tests that check that the library masks what they quote.
 */
public final class QuotingPools {

    private QuotingPools() {
    }

    /**
     * A pool that cannot connect and says so quoting {@code url} ("Failed to get driver instance for jdbcUrl=…",
     * SQLState 08001); its other methods are those of an unconfigured H2 data source.
     */
    public static DataSource refusing(String url) {
        JdbcDataSource base = new JdbcDataSource();
        return (DataSource) Proxy.newProxyInstance(QuotingPools.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw new SQLException("Failed to get driver instance for jdbcUrl=" + url, "08001");
                    }
                    return method.getName().equals("toString") ? "refusing pool" : invoke(method, base, args);
                });
    }

    /**
     * {@code real}, whose connections describe themselves as {@code prefix[url=<url>]} in {@code toString()}, as
     * some drivers' connections do.
     */
    public static DataSource talkative(DataSource real, String prefix, String url) {
        return (DataSource) Proxy.newProxyInstance(QuotingPools.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(QuotingPools.class.getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> m.getName().equals("toString")
                                        ? prefix + "[url=" + url + "]" : invoke(m, connection, a));
                    }
                    return result;
                });
    }

    /**
     * What {@code toString()} of a connection of the library's data source says when the old store's connections
     * describe themselves with {@code url} ({@link #talkative}): two H2 stores, an {@code orders} table.
     */
    public static String wrappedConnectionText(String url) throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            DataSource talkative = talkative(oldDb.dataSource(), "JdbcConnection", url);
            DualWriteDataSource wrapped = ordersDataSource(talkative, newDb.dataSource()).build();
            try (Connection connection = wrapped.getConnection()) {
                connection.getAutoCommit(); // the physical connection is acquired
                return connection.toString();
            }
        }
    }

    /**
     * The stack trace of the start-up error of a data source with mapping validation on whose new store is a pool
     * that cannot connect and quotes {@code url} ({@link #refusing}); fails the test when {@code build()} does not
     * throw.
     */
    public static String startUpErrorText(String url) {
        try (TestDatabase oldDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            Throwable failure = catchThrowable(() -> ordersDataSource(oldDb.dataSource(), refusing(url))
                    .validateMappings(true).build());
            assertThat(failure).as("the start-up error").isNotNull();
            return stackTrace(failure);
        }
    }

    /** A builder over the two stores with {@code orders} mapped as it is and both mirror directions in {@code SYNC}. */
    private static DualWriteDataSource.Builder ordersDataSource(DataSource oldStore, DataSource newStore) {
        ChangeLog changeLog = ChangeLogs.inMemory();
        MirrorConfig sync = MirrorConfig.custom().mode(MirrorMode.SYNC).build();
        return DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore).migration("orders")
                .resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.of("orders")).build())
                .changeLog(changeLog)
                .mirrorExecutor(Store.NEW, MirrorExecutors.create("to-new", sync, changeLog, event -> { }))
                .mirrorExecutor(Store.OLD, MirrorExecutors.create("to-old", sync, changeLog, event -> { }))
                .mapping(TableMapping.identity("orders"));
    }

    /** The stack trace {@code failure} prints, its causes and suppressed exceptions included. */
    public static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
