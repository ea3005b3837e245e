package io.dualwrite;

import java.util.Optional;

/**
 * One store seen by key, for the state form of {@link DualWriter#writeState}: read the current value of a
 * key, write a value under it (insert or replace), or remove it. A mirror then transfers state instead of
 * replaying an operation, so running it twice, late, or after a failure leaves the same result.
 *
 * <p>Called on a mirror thread (for {@link DualWriter#writeState}) or on the thread of a repair loop (for
 * {@link DualWriter#syncKey}); the calls of one mirror may block, up to the migration's time limit, after
 * which the mirror thread is interrupted. Within one {@link DualWriter}, two syncs of one key never run at
 * once; different keys do, so implementations must be safe for concurrent use.
 *
 * @param <V> the value held under a key, in the form both stores share (map it inside each implementation
 *            when the stores hold it differently)
 */
public interface KeyedStore<V> {

    /**
     * The value stored under {@code key}, or {@link Optional#empty()} when there is none.
     *
     * @throws Exception when the store cannot be read; a mirror records it in the change log
     */
    Optional<V> read(String key) throws Exception;

    /**
     * Stores {@code value} under {@code key}, inserting it or replacing what is there.
     *
     * @throws Exception when the store refuses it; a mirror records it in the change log
     */
    void upsert(String key, V value) throws Exception;

    /**
     * Removes whatever is stored under {@code key}; a key that is absent already is not an error.
     *
     * @throws Exception when the store refuses it; a mirror records it in the change log
     */
    void delete(String key) throws Exception;
}
