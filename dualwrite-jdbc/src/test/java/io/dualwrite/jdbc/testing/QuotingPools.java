package io.dualwrite.jdbc.testing;

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
