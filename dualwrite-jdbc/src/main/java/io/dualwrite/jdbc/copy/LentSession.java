package io.dualwrite.jdbc.copy;

import java.sql.Connection;
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
 * a running statement of the library's. Thread-safe.
 */
public final class LentSession {

    private final Connection session;
    private boolean revoked;
    private boolean inUse;

    /** {@code session}: the application's physical session, idle (no transaction open) until {@link #revoke()}. */
    public LentSession(Connection session) {
        this.session = session;
    }

    /**
     * The session for one use, or null once revoked or while another use holds it (a sync then takes a session of
     * its own, as without a loan). Each non-null answer must be followed by {@link #giveBack()}.
     */
    synchronized @Nullable Connection borrow() {
        if (revoked || inUse) {
            return null;
        }
        inUse = true;
        return session;
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
