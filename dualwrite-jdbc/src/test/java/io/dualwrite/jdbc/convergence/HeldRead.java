package io.dualwrite.jdbc.convergence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source that, once armed, holds the next query whose SQL matches right after it has run (its rows read
 * by the database, not yet by the caller) until the test releases it: to stop a sync between reading the
 * authoritative row and writing it, with its key lock held.
 */
final class HeldRead {

    private final Predicate<String> sql;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    HeldRead(Predicate<String> sql) {
        this.sql = sql;
    }

    /** The copier's read of source rows by key: {@code SELECT "id", …} (quoted), never the application's SQL. */
    static HeldRead copierSourceRead() {
        return new HeldRead(text -> text.startsWith("SELECT \"") || text.startsWith("SELECT `"));
    }

    void arm() {
        armed.set(true);
    }

    void awaitReached() throws InterruptedException {
        if (!reached.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the held read was never reached");
        }
    }

    void release() {
        release.countDown();
    }

    DataSource wrap(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(HeldRead.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> method.getName().equals("getConnection")
                        ? connection((Connection) invoke(real, method, args)) : invoke(real, method, args));
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(HeldRead.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("prepareStatement") && sql.test((String) args[0])) {
                        return statement((PreparedStatement) result);
                    }
                    return result;
                });
    }

    private PreparedStatement statement(PreparedStatement real) {
        return (PreparedStatement) Proxy.newProxyInstance(HeldRead.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("executeQuery") && args == null && armed.compareAndSet(true, false)) {
                        reached.countDown();
                        try {
                            if (!release.await(30, TimeUnit.SECONDS)) {
                                throw new SQLException("held read never released");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new SQLException("interrupted while held", e);
                        }
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
