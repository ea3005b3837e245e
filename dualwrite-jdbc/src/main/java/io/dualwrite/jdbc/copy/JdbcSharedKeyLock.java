package io.dualwrite.jdbc.copy;

import io.dualwrite.SharedKeyLock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SharedKeyLock} held in a database that every application instance and repair job reaches, for the state
 * form of {@code DualWriter} ({@code DualWriter.Builder#sharedKeyLock}): syncs of one key from several processes
 * then never overlap. Give every instance the same database (the new store's, say); the library's tables are not
 * needed in it, nothing is written there.
 *
 * <p>Each hold is a connection of {@code dataSource} in a transaction of its own, locked with the copier's per-key
 * locks ({@link KeyLocks}: PostgreSQL {@code pg_advisory_xact_lock}, MySQL/MariaDB {@code GET_LOCK}, H2 a lock
 * inside this JVM, the only process that can open an embedded H2 database): the lock of a key is the one the JDBC
 * write path's copier takes for the row of the same table name and key, so a state-form sync and a sync of the
 * data source never overlap either. Releasing rolls the transaction back (nothing was written), releases what the
 * end of a transaction does not, gives the connection its auto-commit and isolation back, and closes it. So a sync
 * holds one connection of the pool while it runs: size the pool for the mirror threads that may sync at once.
 */
public final class JdbcSharedKeyLock implements SharedKeyLock {

    private final DataSource dataSource;

    private JdbcSharedKeyLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A lock held in the database of {@code dataSource}.
     *
     * @throws NullPointerException when {@code dataSource} is null
     */
    public static JdbcSharedKeyLock on(DataSource dataSource) {
        return new JdbcSharedKeyLock(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Takes the key's lock on a connection of its own.
     *
     * @param table the name the lock is derived from, with {@code key} (one key column: the key's whole text)
     * @throws SQLException when the connection fails, or the lock is not granted within {@code wait}
     */
    @Override
    public Hold acquire(String migration, String table, String key, Duration wait) throws SQLException {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Connection connection = dataSource.getConnection();
        boolean autoCommit = true;
        int isolation = Connection.TRANSACTION_NONE;
        try {
            autoCommit = connection.getAutoCommit();
            isolation = KeyLocks.begin(connection);
            KeyLocks.lock(connection, table, List.of(key), 1, wait);
        } catch (SQLException | RuntimeException failed) {
            release(connection, isolation, autoCommit, failed);
            throw failed;
        }
        int isolationToRestore = isolation;
        boolean autoCommitToRestore = autoCommit;
        return () -> release(connection, isolationToRestore, autoCommitToRestore, null);
    }

    /**
     * Ends the hold's transaction and gives the connection back; every step runs even when one before failed.
     * With {@code failure} (the lock was never granted) what fails here is added to it; without, the first
     * failure is thrown once the connection is closed.
     */
    private static void release(Connection connection, int isolation, boolean autoCommit,
            @Nullable Exception failure) throws SQLException {
        SQLException first = null;
        try {
            connection.rollback();
        } catch (SQLException e) {
            first = e;
        }
        KeyLocks.unlock(connection); // never throws
        try {
            KeyLocks.restore(connection, isolation, autoCommit);
        } catch (SQLException e) {
            first = keep(first, e);
        }
        try {
            connection.close();
        } catch (SQLException e) {
            first = keep(first, e);
        }
        if (first != null) {
            if (failure != null) {
                failure.addSuppressed(first);
            } else {
                throw first;
            }
        }
    }

    private static SQLException keep(@Nullable SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "JdbcSharedKeyLock";
    }
}
