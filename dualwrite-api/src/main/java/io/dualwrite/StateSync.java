package io.dualwrite;

import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;

/**
 * Both stores of a migration seen by key: how {@link DualWriter#writeState} and {@link DualWriter#syncKey}
 * make one store equal to the other for one key. A sync reads the key from the store that is authoritative
 * and upserts the value into the other, or deletes the key there when the authoritative store has none.
 *
 * @param <V> the value held under a key
 */
public interface StateSync<V> {

    /** The view by key of {@code store}; never null. */
    KeyedStore<V> store(Store store);

    /**
     * The sync over an old and a new store.
     *
     * @throws IllegalArgumentException when either is null
     */
    static <V> StateSync<V> of(KeyedStore<V> oldStore, KeyedStore<V> newStore) {
        Checks.requireNonNull("oldStore", oldStore);
        Checks.requireNonNull("newStore", newStore);
        return new StateSync<>() {
            @Override
            public KeyedStore<V> store(Store store) {
                return store == Store.OLD ? oldStore : newStore;
            }

            @Override
            public String toString() {
                return "StateSync[old=" + Credentials.mask(String.valueOf(oldStore)) + ", new="
                        + Credentials.mask(String.valueOf(newStore)) + "]";
            }
        };
    }
}
