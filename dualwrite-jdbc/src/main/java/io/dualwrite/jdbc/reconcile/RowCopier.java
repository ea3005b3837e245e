package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Copies one row, by primary key, from one store into the other through a {@link TableMapping}: the row
 * is read from {@code from} (by old column names for {@link Store#OLD}, mapped names for
 * {@link Store#NEW}), mapped ({@link TableMapping#toNewRow} or {@link TableMapping#toOldRow}) and upserted
 * into the other store, or deleted there when it no longer exists in {@code from}. Idempotent.
 *
 * <p>The key is in the change log's string form ({@link io.dualwrite.jdbc.KeyCodec}), with the values the
 * old store holds; each part is bound with the SQL type of its column. Values go to the target with
 * {@code setObject}, adjusted where drivers disagree (0/1 into a boolean column, booleans into numbers,
 * strings into {@code uuid} columns, {@link java.sql.Timestamp} into {@code TIMESTAMP} as local time).
 *
 * <p>Column metadata is cached per database (told apart by connection URL) and table; a copy that
 * fails drops the cached metadata of its tables, so a table created or altered later is seen afresh.
 *
 * <p>The copier neither commits nor closes the connections. A write of the row that commits in the source
 * (and is mirrored) while the copy runs must not be overtaken by the older copy; two ways to ensure it:
 * <ul>
 *   <li>{@code source} in auto-commit (what the {@link Reconciler} does): after writing the target, the row
 *       is read again and the copy repeated while it changed (at most three rounds, then an
 *       {@link SQLException}); no lock is held, so a slow target never holds up the source;</li>
 *   <li>{@code source} in a transaction: the row is read {@code FOR UPDATE} and stays locked until the
 *       caller ends that transaction after the copy.</li>
 * </ul>
 * Thread-safe.
 */
public interface RowCopier {

    /** What a copy did in the target store. */
    enum Outcome {
        /** The row was inserted or updated in the target. */
        COPIED,
        /** The row is gone from the source, so it was deleted from the target (if it was there). */
        DELETED
    }

    /**
     * Copies the row with {@code key} of {@code mapping}'s table from the {@code from} store, read on
     * {@code source}, into the other store, written on {@code target}.
     *
     * @throws SQLException when either store fails, the key does not fit the key columns, or a mapped
     *                      column does not exist in the target table
     */
    Outcome copy(TableMapping mapping, String key, Store from, Connection source, Connection target)
            throws SQLException;

    /** A copier with its own metadata cache. */
    static RowCopier create() {
        return new JdbcRowCopier();
    }
}
