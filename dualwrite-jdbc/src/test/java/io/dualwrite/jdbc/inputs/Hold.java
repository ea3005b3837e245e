package io.dualwrite.jdbc.inputs;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A latch-controlled slow store: once armed, the next connection taken (or the next statement prepared whose SQL
 * matches) waits until the test releases it. {@link #reached()} tells the test that the call is being held.
 */
final class Hold implements Intercepting.Hooks {

    private final Predicate<String> prepared;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile CountDownLatch reached = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(1);

    private Hold(Predicate<String> prepared) {
        this.prepared = prepared;
    }

    /** Holds the next {@code getConnection()}. */
    static Hold onGetConnection() {
        return new Hold(null);
    }

    /** Holds the next {@code prepareStatement(sql)} whose SQL matches, inside whatever transaction is open. */
    static Hold onPrepare(Predicate<String> sql) {
        return new Hold(sql);
    }

    void arm() {
        reached = new CountDownLatch(1);
        release = new CountDownLatch(1);
        armed.set(true);
    }

    void awaitReached() throws InterruptedException {
        if (!reached.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the held call was never reached");
        }
    }

    /** Whether the held call was reached within {@code timeout} (false when it is waiting elsewhere meanwhile). */
    boolean reachedWithin(java.time.Duration timeout) throws InterruptedException {
        return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void release() {
        release.countDown();
    }

    @Override
    public void beforeGetConnection() throws SQLException {
        if (prepared == null) {
            holdIfArmed();
        }
    }

    @Override
    public void beforePrepare(String sql) throws SQLException {
        if (prepared != null && prepared.test(sql)) {
            holdIfArmed();
        }
    }

    private void holdIfArmed() throws SQLException {
        if (armed.compareAndSet(true, false)) {
            reached.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new SQLException("held call never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while held", e);
            }
        }
    }
}
