package io.dualwrite.jdbc.convergence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The faults of one store, shared by every data source that reaches it (both application instances and their
 * reconcilers): each statement it runs is slowed by a few milliseconds (now and then by a spike longer than the
 * mirror's time limit), and while it is {@linkplain #refuse() refused} every new connection and every statement
 * or commit on an open one fails, as when the server or the network is down. A rollback or close always goes
 * through, as a driver's local cleanup would.
 */
final class FaultyStore {

    private final long delayMillis;
    private final double spikeChance;
    private final long spikeMillis;
    private volatile boolean refused;
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    /**
     * @param delayMillis added to every statement
     * @param spikeChance the chance that a statement is slowed by {@code spikeMillis} more
     */
    FaultyStore(long delayMillis, double spikeChance, long spikeMillis) {
        this.delayMillis = delayMillis;
        this.spikeChance = spikeChance;
        this.spikeMillis = spikeMillis;
    }

    /** From now on, connections and statements fail. */
    void refuse() {
        refused = true;
    }

    /** From now on, the store answers again (slowly). */
    void accept() {
        refused = false;
    }

    boolean refused() {
        return refused;
    }

    /** How many connection attempts, statements and commits failed because the store was refused. */
    long refusals() {
        return refusals.get();
    }

    /** How many statements ran on the store (slowed). */
    long statements() {
        return statements.get();
    }

    /** {@code real} behind these faults. */
    DataSource wrap(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(FaultyStore.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        failIfRefused();
                        return connection((Connection) invoke(real, method, args));
                    }
                    if (method.getName().equals("toString")) {
                        return "FaultyStore over " + real;
                    }
                    return invoke(real, method, args);
                });
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(FaultyStore.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement", "prepareStatement", "prepareCall" -> {
                        failIfRefused();
                        Statement statement = (Statement) invoke(real, method, args);
                        yield statement(statement, method.getReturnType());
                    }
                    case "commit", "setSavepoint" -> {
                        failIfRefused();
                        yield invoke(real, method, args);
                    }
                    default -> invoke(real, method, args);
                });
    }

    private Object statement(Statement real, Class<?> type) {
        return Proxy.newProxyInstance(FaultyStore.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("execute")) {
                        slow();
                        failIfRefused();
                        statements.incrementAndGet();
                    }
                    return invoke(real, method, args);
                });
    }

    private void slow() throws SQLException {
        long millis = delayMillis + (ThreadLocalRandom.current().nextDouble() < spikeChance ? spikeMillis : 0);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a mirror abandoned at its time limit is interrupted
            throw new SQLException("interrupted while the store was slow", "08006", e);
        }
    }

    private void failIfRefused() throws SQLException {
        if (refused) {
            refusals.incrementAndGet();
            throw new SQLException("Connection refused (simulated: the store is down)", "08001");
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
