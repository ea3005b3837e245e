package io.dualwrite;

import org.jspecify.annotations.Nullable;

/**
 * A call against one store, as handed to {@link DualWriter}: the authoritative side runs on the caller's
 * thread and its result or exception reaches the caller unchanged; the other side (for a write) runs as a
 * mirror, on a mirror thread, and may block until its time limit.
 *
 * <p>A lambda that throws nothing infers {@code X = RuntimeException}.
 *
 * @param <T> the result; may be null (a call with nothing to return may return {@code null})
 * @param <X> the exception the call may throw
 */
@FunctionalInterface
public interface StoreCall<T extends @Nullable Object, X extends Throwable> {

    /** Runs the call. */
    T call() throws X;
}
