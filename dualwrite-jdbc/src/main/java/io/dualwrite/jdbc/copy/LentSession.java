package io.dualwrite.jdbc.copy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The application's own session of the store a sync reads from, lent to that sync while the application's thread
 * waits for it ({@link io.dualwrite.mirror.MirrorMode#SYNC}) and the session holds no transaction (the
 * application's commit has ended it). A sync that reads its source on it needs no second session of that store's
 * pool: with a pool of one session, or one whose every session is held by callers waiting on their syncs, a sync
 * on a session of its own waited until its time limit and was recorded as timed out, at the cost of that whole limit
 * to every caller.
 *
 * <p>The copier {@linkplain #borrow() borrows} it for each read, leaves no transaction open on it and {@linkplain
 * #giveBack() gives it back}; the lender {@linkplain #revoke() revokes} it once it stops waiting (the sync ended, or
 * its time limit passed), which waits for a read in progress to end: the application never shares its session with
 * a running statement of the library's. So that this wait stays within the lender's own (its time limit), every
 * statement the copier makes on the session has a query timeout of the time left, in whole seconds rounded up (the
 * unit JDBC's {@link Statement#setQueryTimeout} takes; each driver ends the statement itself: pgjdbc by a cancel it
 * waits for, MariaDB's by the server's {@code max_statement_time}): a read that waits behind a table lock of another
 * session fails there, and its keys are recorded. Not on H2, whose statement timeout is a setting of the whole
 * session that would outlive the loan. Thread-safe.
 */
public final class LentSession {

    private final Connection session;
    /** {@link System#nanoTime()} at which the lender stops waiting; 0: not bounded. */
    private final long deadline;
    private boolean revoked;
    private boolean inUse;

    /**
     * {@code session}: the application's physical session, idle (no transaction open) until {@link #revoke()};
     * {@code limit}: how long from now the lender waits at most (its time limit), zero where it is not known or
     * where the session's driver keeps a statement's query timeout beyond the statement (H2 sets it for the session).
     */
    public LentSession(Connection session, Duration limit) {
        this.session = session;
        long nanos = limit.isNegative() || limit.isZero() ? 0 : saturatedNanos(limit);
        this.deadline = nanos == 0 ? 0 : Math.max(1, System.nanoTime() + nanos);
    }

    /**
     * The session for one use, or null once revoked, once the lender's time limit has passed, or while another use
     * holds it (a sync then takes a session of its own, as without a loan). Each non-null answer must be followed by
     * {@link #giveBack()}.
     */
    synchronized @Nullable Connection borrow() {
        if (revoked || inUse) {
            return null;
        }
        int timeout = 0;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            timeout = (int) Math.min(Integer.MAX_VALUE, (left + 999_999_999L) / 1_000_000_000L);
        }
        inUse = true;
        return timeout == 0 ? session : bounded(session, timeout);
    }

    /** {@code session}, each of whose statements gets a query timeout of {@code seconds}. */
    private static Connection bounded(Connection session, int seconds) {
        return (Connection) Proxy.newProxyInstance(LentSession.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Statement statement) { // createStatement, prepareStatement, prepareCall
                        statement.setQueryTimeout(seconds);
                    }
                    return result;
                });
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Ends the use {@link #borrow()} began. */
    synchronized void giveBack() {
        inUse = false;
        notifyAll();
    }

    /**
     * Ends the loan: no later {@link #borrow()} gets the session, and this waits until a use in progress has
     * given it back (a read of the source, on the lender's thread after its wait for the sync ended).
     */
    public synchronized void revoke() {
        revoked = true;
        boolean interrupted = false;
        while (inUse) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
