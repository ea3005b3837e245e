package io.dualwrite.jdbc.copy;

import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.KeyCodec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The copier's per-key locks on a target store, for a {@link RowCopier} that writes a table its own way (a new
 * shape a {@code TableMapping} cannot express): it must take them on the target connection, inside its target
 * transaction, <em>before</em> it reads the source, and hold them until that transaction ends, so that its syncs
 * and every other sync of the same keys converge (the invariant of this package). The lock of a key is the one
 * the built-in copier takes for it: same table name (the old store's), same key value however it is written.
 */
public final class KeyLocks {

    private KeyLocks() {
    }

    /**
     * Locks the keys of one table on {@code target}, which must not be in auto-commit.
     *
     * @param oldTable  the table's old-store name, as its {@code TableMapping} gives it
     * @param keys      keys in {@link KeyCodec} form
     * @param keyParts  the number of primary-key columns
     * @throws SQLException when the locks are not granted within {@code timeout}, or the database fails
     */
    public static void lock(Connection target, String oldTable, List<String> keys, int keyParts, Duration timeout)
            throws SQLException {
        TreeSet<Long> ids = new TreeSet<>();
        for (String key : keys) {
            ids.add(lockId(oldTable, key, keyParts));
        }
        // a duration too long to count in milliseconds waits as long as a long can say
        long millis = timeout.compareTo(Duration.ofMillis(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toMillis();
        CopyDialect.of(Dialect.detect(target)).lock(target, List.copyOf(ids), millis);
    }

    /**
     * Prepares a target connection for a sync transaction: auto-commit off and, on MySQL and MariaDB, read
     * committed (repeatable read would lock the gaps around keys deleted or inserted, and two syncs of
     * neighbouring keys, each holding only its own keys' locks, would deadlock on them).
     *
     * @return the isolation level to give back with {@link #restore}, or {@link Connection#TRANSACTION_NONE} when
     *         it was not changed
     */
    public static int begin(Connection target) throws SQLException {
        return begin(target, Dialect.detect(target) == Dialect.MYSQL);
    }

    /**
     * {@link #begin(Connection)} for a transaction that takes the keys' locks and then reads rows under them on the
     * same session (a guard's read of the new store in a sync into the old one): read committed on every database,
     * so that the read sees what the locks' earlier holders committed. At repeatable read or above (the level a pool
     * or PostgreSQL's {@code default_transaction_isolation} may give every session) the snapshot is taken by the
     * statement that waits for the locks, before they are granted, and the read would return the rows as they were
     * before the holders' commits.
     *
     * @return the isolation level to give back with {@link #restore} or {@link #endRead}
     */
    public static int beginToRead(Connection target) throws SQLException {
        return begin(target, true);
    }

    /**
     * {@link #begin(Connection)}, read committed set when {@code readCommitted}: on MySQL/MariaDB, and on a session
     * whose level its application may have set (one lent to a sync, {@link LentSession}).
     */
    static int begin(Connection target, boolean readCommitted) throws SQLException {
        // read only where it may be changed: PostgreSQL's driver asks the server for it; set (and later put back)
        // only when it is not read committed already, as a pooled session's usually is on PostgreSQL and H2
        int isolation = readCommitted ? target.getTransactionIsolation() : Connection.TRANSACTION_NONE;
        target.setAutoCommit(false);
        if (isolation == Connection.TRANSACTION_READ_COMMITTED) {
            return Connection.TRANSACTION_NONE;
        }
        if (readCommitted) {
            target.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        return isolation;
    }

    /** Gives back what {@link #begin} changed: the isolation level it returned, and {@code autoCommit}. */
    public static void restore(Connection target, int isolation, boolean autoCommit) throws SQLException {
        if (isolation != Connection.TRANSACTION_NONE) {
            target.setTransactionIsolation(isolation);
        }
        target.setAutoCommit(autoCommit);
    }

    /** How often a sync chosen as a deadlock victim runs in all. */
    public static final int DEADLOCK_ATTEMPTS = JdbcRowCopier.DEADLOCK_ATTEMPTS;

    /**
     * Whether a sync failed as a deadlock or serialization victim, after which the database rolled its whole
     * transaction back and it may run again ({@link JdbcRowCopier}'s rule: SQLState {@code 40001} or
     * {@code 40P01}, a lock wait timeout excluded), anywhere in the cause chain.
     */
    public static boolean isDeadlock(SQLException failure) {
        return JdbcRowCopier.isDeadlock(failure);
    }

    /**
     * Waits a short random time, growing with {@code attempt}, before a deadlock victim runs again, so that the
     * two sides do not meet again at once.
     *
     * @throws SQLException {@code failure}, when the thread is interrupted meanwhile (its flag set again)
     */
    public static void pauseAfterDeadlock(int attempt, SQLException failure) throws SQLException {
        JdbcRowCopier.pauseAfterDeadlock(attempt, failure);
    }

    /**
     * Ends what {@link #begin} began on {@code target} for a transaction that only read under the keys' locks: rolls it
     * back, releases the session's locks ({@link #unlock}) and gives back what {@code begin} changed ({@link
     * #restore}). Never throws: each failure is added to {@code failure}, when there is one.
     */
    public static void endRead(Connection target, int isolation, boolean autoCommit, @Nullable Exception failure) {
        CopyDialect dialect;
        try {
            dialect = CopyDialect.of(Dialect.detect(target));
        } catch (SQLException | RuntimeException unknown) {
            dialect = null;
        }
        endRead(target, dialect, null, isolation, autoCommit, failure);
    }

    /**
     * {@link #endRead(Connection, int, boolean, Exception)} after a sync that did not fail: when a step of the end
     * fails, the session that held the keys' locks may have ended before the sync did (the server ended it, the
     * application closed its connection from another thread, the network failed), and with it the locks, which the
     * server then released before the sync's write: a sync of the same keys from the other direction may have run in
     * between. The sync must then count as failed, so that its keys are recorded and synced again.
     *
     * @throws SQLException naming the lost session, each failed step added as suppressed, when a step failed
     */
    public static void endReadAfterSync(Connection target, int isolation, boolean autoCommit) throws SQLException {
        SQLException lost = lostSession();
        endRead(target, isolation, autoCommit, lost);
        throwIfLost(lost);
    }

    /** The failure {@link #endReadAfterSync} throws, to which each failed step of the end is added. */
    static SQLException lostSession() {
        return new SQLException("the new store's session that held this sync's key locks could not be ended cleanly:"
                + " it may have ended, releasing the locks, before the sync wrote its target; the sync counts as failed"
                + " and its keys are recorded");
    }

    /** Throws {@code lost} ({@link #lostSession()}) when a step of the end was added to it. */
    static void throwIfLost(SQLException lost) throws SQLException {
        if (lost.getSuppressed().length > 0) {
            throw lost;
        }
    }

    /**
     * {@link #endRead(Connection, int, boolean, Exception)} knowing the dialect ({@code null}: none found, no lock
     * taken) and, on a session that may hold locks of the application's (one lent to a sync), the only lock ids to
     * release ({@code null}: all of the session's).
     */
    static void endRead(Connection target, @Nullable CopyDialect dialect, @Nullable List<Long> ids, int isolation,
                        boolean autoCommit, @Nullable Exception failure) {
        try {
            target.rollback();
        } catch (SQLException | RuntimeException e) {
            suppress(failure, e);
        }
        if (dialect != null) {
            try {
                if (ids != null) {
                    dialect.unlock(target, ids);
                } else {
                    dialect.unlock(target);
                }
            } catch (RuntimeException e) {
                suppress(failure, e);
            }
        }
        try {
            restore(target, isolation, autoCommit);
        } catch (SQLException | RuntimeException e) {
            suppress(failure, e);
        }
    }

    private static void suppress(@Nullable Exception failure, Exception e) {
        if (failure != null) {
            failure.addSuppressed(e);
        }
    }

    /** Releases what {@link #lock} took and the end of the transaction does not release (H2). Never throws. */
    public static void unlock(Connection target) {
        try {
            CopyDialect.of(Dialect.detect(target)).unlock(target);
        } catch (SQLException | RuntimeException e) {
            // unlock never throws: a closed connection has released its database locks
        }
    }

    /**
     * The lock id of one key, the same for every copier: one text per key value, whatever text the key was
     * given in ({@code 5.0}, {@code " 5"} and {@code 05} lock row 5 as {@code 5} does; a UUID's accepted spellings,
     * {@link Uuids#accepted}, as the printed UUID, round 28), so that all syncs of one row share a lock.
     */
    static long lockId(String oldTable, String key, int parts) {
        List<String> canonical = new ArrayList<>();
        for (String part : KeyCodec.decode(key, parts)) {
            if (Values.plainInteger(part)) {
                canonical.add(part); // most keys: already canonical, no decimal arithmetic
                continue;
            }
            java.util.UUID uuid = Uuids.accepted(part);
            if (uuid != null) {
                // round 28: a UUID's accepted spellings are one row of a uuid key, copied both ways, so one lock
                // (case is folded by the lock id already; hyphens and braces were not)
                canonical.add(uuid.toString());
                continue;
            }
            try {
                BigDecimal number = new BigDecimal(part.strip());
                canonical.add(number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString());
            } catch (NumberFormatException notANumber) {
                canonical.add(part);
            }
        }
        return CopyDialect.lockId(oldTable, KeyCodec.encode(canonical));
    }
}
