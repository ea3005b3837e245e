package io.dualwrite.jdbc.breakit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A DataSource wrapper for tests that need a driver that behaves differently at one point: when a connection
 * is taken, when it is closed, when a statement is prepared, or after a prepared query ran. Everything else
 * goes to the real driver unchanged.
 */
final class Intercepting {

    private Intercepting() {
    }

    /** The points a test can hook; every default does nothing. */
    interface Hooks {
        default void beforeGetConnection() throws SQLException {
        }

        /** Before the real {@code close()} of a connection; {@code real} is the driver's connection. */
        default void beforeClose(Connection real) throws SQLException {
        }

        default void beforePrepare(String sql) throws SQLException {
        }

        /** After {@code executeQuery()} of a statement prepared with {@code sql} returned. */
        default void afterQuery(String sql) throws SQLException {
        }
    }

    static DataSource dataSource(DataSource real, Hooks hooks) {
        return (DataSource) Proxy.newProxyInstance(Intercepting.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        hooks.beforeGetConnection();
                        return connection((Connection) invoke(real, method, args), hooks);
                    }
                    return invoke(real, method, args);
                });
    }

    private static Connection connection(Connection real, Hooks hooks) {
        return (Connection) Proxy.newProxyInstance(Intercepting.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (!real.isClosed()) {
                                hooks.beforeClose(real);
                            }
                            return invoke(real, method, args);
                        }
                        case "prepareStatement" -> {
                            String sql = (String) args[0];
                            hooks.beforePrepare(sql);
                            PreparedStatement statement = (PreparedStatement) invoke(real, method, args);
                            return statement(statement, sql, hooks);
                        }
                        default -> {
                            return invoke(real, method, args);
                        }
                    }
                });
    }

    private static PreparedStatement statement(PreparedStatement real, String sql, Hooks hooks) {
        return (PreparedStatement) Proxy.newProxyInstance(Intercepting.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("executeQuery") && (args == null || args.length == 0)) {
                        hooks.afterQuery(sql);
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
