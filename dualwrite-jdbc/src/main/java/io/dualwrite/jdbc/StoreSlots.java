package io.dualwrite.jdbc;

import io.dualwrite.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * One value per {@link Store}, safe to read and write from any thread: what a {@code ConcurrentHashMap<Store, T>}
 * holds, in an array slot per store. Read on every statement (a store's dialect, what its catalog says), where a
 * profile of {@code OLD_ONLY} updates on PostgreSQL put 8 % of the caller's samples in the enum key's hash code of
 * the concurrent map; {@link java.util.EnumMap} has the slots but is not safe across threads.
 *
 * @param <T> the value kept per store
 */
final class StoreSlots<T> {

    private final AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(Store.values().length);

    /** The value of {@code store}, or {@code null} when none was put. */
    @Nullable T get(Store store) {
        return slots.get(store.ordinal());
    }

    /** Puts {@code value} for {@code store} and returns the one it replaced, if any. */
    @Nullable T put(Store store, T value) {
        return slots.getAndSet(store.ordinal(), value);
    }

    /** Puts {@code value} for {@code store} unless one is there, and returns the value kept. */
    T putIfAbsent(Store store, T value) {
        return slots.compareAndSet(store.ordinal(), null, value) ? value : slots.get(store.ordinal());
    }

    /** Forgets the value of {@code store}. */
    void remove(Store store) {
        slots.set(store.ordinal(), null);
    }

    /** The values put, in store order. */
    List<T> values() {
        List<T> values = new ArrayList<>(slots.length());
        for (int i = 0; i < slots.length(); i++) {
            T value = slots.get(i);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }
}
