package io.dualwrite;

import java.time.Duration;

/**
 * A lock on one key that every process syncing that key honours, for the state form of {@link DualWriter}
 * ({@link DualWriter#writeState}, {@link DualWriter#syncKey}) when several application instances, or a repair
 * job in another process, sync the same keys.
 *
 * <p>Why it is needed: a {@link DualWriter} never lets two syncs of one key overlap <em>within itself</em>, so the
 * sync that runs last reads the latest value. Two writers in two processes do not see each other's in-process
 * locks: one sync can read a value, a second one read a newer value and write it, and the first then overwrite
 * it with the older one. A shared lock, taken before the authoritative store is read and held until the other
 * store was written, closes that gap; {@link DualWriter.Builder#sharedKeyLock} installs one. The JDBC module
 * provides one backed by a database every instance can reach.
 *
 * <p>Implementations must be safe for concurrent use. {@link #acquire} and {@link Hold#close} of one hold are
 * called on the same thread.
 */
@FunctionalInterface
public interface SharedKeyLock {

    /**
     * Takes the lock of one key, waiting at most {@code wait} while another holder has it.
     *
     * @param migration the migration whose key it is
     * @param table     the table (or key space) the key belongs to, as the sync's {@link io.dualwrite.changelog.RowRef}
     *                  names it
     * @param key       the key
     * @param wait      the longest to wait for the lock: the migration's time limit
     * @return the hold, released by {@link Hold#close()}
     * @throws Exception when the lock is not granted within {@code wait}, or the lock's store fails; the sync then
     *                   fails without reading or writing anything, and is recorded in the change log
     */
    Hold acquire(String migration, String table, String key, Duration wait) throws Exception;

    /** A held lock; closing it releases it. */
    @FunctionalInterface
    interface Hold extends AutoCloseable {

        /**
         * Releases the lock.
         *
         * @throws Exception when the release fails; the sync then counts as failed and is recorded in the change
         *                   log, and its repair copies the key once more, which changes nothing when it had landed
         */
        @Override
        void close() throws Exception;
    }
}
