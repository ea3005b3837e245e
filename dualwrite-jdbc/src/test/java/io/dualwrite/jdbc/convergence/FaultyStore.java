package io.dualwrite.jdbc.convergence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The faults of one store, shared by every data source that reaches it (both application instances and their
 * reconcilers): each statement it runs is slowed by a few milliseconds, at random (now and then by a spike that
 * may outlast the mirror's time limit: the abandoned sync then writes late), and while it is {@linkplain #refuse() refused} every new connection and every statement
 * or commit on an open one fails, as when the server or the network is down. A rollback or close always goes
 * through, as a driver's local cleanup would.
 */
final class FaultyStore {

    private final long minDelayMillis;
    private final long maxDelayMillis;
    private final double spikeChance;
    private final long maxSpikeMillis;
    private volatile boolean refused;
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    /**
     * @param minDelayMillis the least added to every statement
     * @param maxDelayMillis the most added to every statement (uniformly between the two)
     * @param spikeChance    the chance that a statement is slowed by up to {@code maxSpikeMillis} more
     */
    FaultyStore(long minDelayMillis, long maxDelayMillis, double spikeChance, long maxSpikeMillis) {
        this.minDelayMillis = minDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.spikeChance = spikeChance;
        this.maxSpikeMillis = maxSpikeMillis;
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

    /**
     * Sleeps like a slow network: an interrupt (a mirror abandoned at its time limit) does not cut the wait short
     * and the statement still runs, as with a real driver blocked on its socket; the interrupt stays set.
     */
    private void slow() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = minDelayMillis + random.nextLong(maxDelayMillis - minDelayMillis + 1)
                + (random.nextDouble() < spikeChance ? random.nextLong(maxSpikeMillis + 1) : 0);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        for (long left = millis * 1_000_000; left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
