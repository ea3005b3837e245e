package io.dualwrite.benchmarks;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The two sick new stores of the benchmark: one that is {@link #slow slower} by a fixed delay per round
 * trip, one that is {@link #down} (refuses every connection).
 */
final class SlowStores {

    private SlowStores() {
    }

    /**
     * {@code target}, with every statement execution ({@code execute*}) and every {@code commit()} sleeping
     * {@code delay} first, as if the store sat that much further away. Sleeping is the point here.
     */
    static DataSource slow(DataSource target, Duration delay) {
        return new Delegating(target) {
            @Override
            public Connection getConnection() throws SQLException {
                return delaying(target.getConnection(), Connection.class, delay);
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return delaying(target.getConnection(user, password), Connection.class, delay);
            }

            @Override
            public String toString() {
                return "slow(" + delay.toMillis() + " ms) " + target;
            }
        };
    }

    /**
     * A store that refuses connections: {@code getConnection()} throws at once with SQLState 08001, as a
     * driver does when nothing listens on the port (a pool in front would add its connection timeout).
     */
    static DataSource down() {
        return new Delegating(null) {
            @Override
            public Connection getConnection() throws SQLException {
                throw new SQLNonTransientConnectionException("Connection refused (benchmark: new store down)", "08001");
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public String toString() {
                return "down";
            }
        };
    }

    private static <T> T delaying(T target, Class<T> type, Duration delay) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute") || name.equals("commit")) {
                sleep(delay);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return wrapStatement(result, method, delay);
        };
        return type.cast(Proxy.newProxyInstance(SlowStores.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Statements created by a delaying connection delay too; everything else is returned as is. */
    private static @Nullable Object wrapStatement(@Nullable Object result, Method method, Duration delay) {
        if (method.getDeclaringClass() != Connection.class || result == null) {
            return result;
        }
        if (result instanceof CallableStatement callable) {
            return delaying(callable, CallableStatement.class, delay);
        }
        if (result instanceof PreparedStatement prepared) {
            return delaying(prepared, PreparedStatement.class, delay);
        }
        if (result instanceof Statement statement) {
            return delaying(statement, Statement.class, delay);
        }
        return result;
    }

    private static void sleep(Duration delay) throws InterruptedException {
        Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    }

    /** A DataSource whose non-connection methods pass to {@code target} (or do nothing without one). */
    private abstract static class Delegating implements DataSource {
        private final @Nullable DataSource target;

        Delegating(@Nullable DataSource target) {
            this.target = target;
        }

        @Override
        public @Nullable PrintWriter getLogWriter() throws SQLException {
            return target == null ? null : target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            if (target != null) {
                target.setLogWriter(out);
            }
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            if (target != null) {
                target.setLoginTimeout(seconds);
            }
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target == null ? 0 : target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException("no parent logger");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            if (target == null) {
                throw new SQLException(this + " is not a wrapper for " + type.getName());
            }
            return target.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || target != null && target.isWrapperFor(type);
        }
    }
}
