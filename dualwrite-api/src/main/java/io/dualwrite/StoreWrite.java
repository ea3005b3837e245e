package io.dualwrite;

import org.jspecify.annotations.Nullable;

/**
 * The application's write in the state form ({@link DualWriter#writeState}): told which store the phase
 * makes authoritative, it writes there. It runs on the caller's thread, and its result or exception
 * reaches the caller unchanged. A lambda that throws nothing infers {@code X = RuntimeException}.
 *
 * <pre>{@code
 * StoreWrite<Void, SQLException> save = store -> { repositories.get(store).save(order); return null; };
 * }</pre>
 *
 * @param <T> the result; may be null
 * @param <X> the exception the write may throw
 */
@FunctionalInterface
public interface StoreWrite<T extends @Nullable Object, X extends Throwable> {

    /** Writes to {@code store}, the one authoritative for this call. */
    T write(Store store) throws X;
}
