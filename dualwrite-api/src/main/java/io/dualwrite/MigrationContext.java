package io.dualwrite;

import io.dualwrite.internal.Checks;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Who a write or read is for: the migration (table group) it belongs to, and the order, merchant and
 * user it concerns. Switch resolution uses it to decide the phase; log lines and the change log carry it.
 *
 * <p>Open it as a scope around the work it covers; the scope is visible to the library on the same
 * thread, and {@link #wrap(Runnable)} carries the current one across an asynchronous hand-off:
 *
 * <pre>{@code
 * try (MigrationContext.Scope scope = MigrationContext.forMigration("orders")
 *         .orderId("o-1001").merchantId("m-7").open()) {
 *     orderRepository.save(order);
 * }
 * }</pre>
 *
 * <p>Scopes nest: closing one restores the context that was current when it was opened.
 */
public final class MigrationContext {

    private static final ThreadLocal<@Nullable MigrationContext> CURRENT = new ThreadLocal<>();

    private final String migration;
    private final @Nullable String orderId;
    private final @Nullable String merchantId;
    private final @Nullable String userId;

    private MigrationContext(Builder builder) {
        this.migration = builder.migration;
        this.orderId = builder.orderId;
        this.merchantId = builder.merchantId;
        this.userId = builder.userId;
    }

    /** Starts a context for the named migration (table group). */
    public static Builder forMigration(String migration) {
        return new Builder(Checks.requireId("migration", migration));
    }

    /** The context opened on this thread, if any. */
    public static Optional<MigrationContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Wraps a task so that it runs under the context current at the time of wrapping. */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        MigrationContext captured = CURRENT.get();
        return () -> {
            MigrationContext previous = CURRENT.get();
            CURRENT.set(captured);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        };
    }

    /** Wraps a task so that it runs under the context current at the time of wrapping. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        MigrationContext captured = CURRENT.get();
        return () -> {
            MigrationContext previous = CURRENT.get();
            CURRENT.set(captured);
            try {
                return task.call();
            } finally {
                restore(previous);
            }
        };
    }

    /** Makes this context current on this thread until the returned scope is closed. */
    public Scope open() {
        MigrationContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(previous);
    }

    /** The migration (table group) name; never blank. */
    public String migration() {
        return migration;
    }

    /** The order id, if the work concerns one order. */
    public Optional<String> orderId() {
        return Optional.ofNullable(orderId);
    }

    /** The merchant id, if known. */
    public Optional<String> merchantId() {
        return Optional.ofNullable(merchantId);
    }

    /** The user id, if known. */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /**
     * A copy of this context with another order id.
     *
     * @throws IllegalArgumentException when {@code orderId} is null or blank
     */
    public MigrationContext withOrderId(String orderId) {
        return toBuilder().orderId(Checks.requireId("orderId", orderId)).build();
    }

    /** A builder starting from this context's values. */
    public Builder toBuilder() {
        Builder builder = new Builder(migration);
        builder.orderId = orderId;
        builder.merchantId = merchantId;
        builder.userId = userId;
        return builder;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof MigrationContext other
                && migration.equals(other.migration)
                && Objects.equals(orderId, other.orderId)
                && Objects.equals(merchantId, other.merchantId)
                && Objects.equals(userId, other.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(migration, orderId, merchantId, userId);
    }

    @Override
    public String toString() {
        return "MigrationContext[migration=" + migration + ", order=" + orderId + ", merchant=" + merchantId
                + ", user=" + userId + "]";
    }

    /**
     * Puts {@code previous} back; {@code null} is stored, not removed: {@link ThreadLocal#get} after a removal makes a
     * new entry of the thread's map each time, which in a profile of MyBatis inserts (a scope opened and closed for
     * every mapper call, then asked for by every statement) was an allocation and a sweep of the map's stale slots
     * on every call. A null entry keeps no context, and the thread-local belongs to the JDK's own class.
     */
    private static void restore(@Nullable MigrationContext previous) {
        CURRENT.set(previous);
    }

    /** Builds a {@link MigrationContext}; ids are optional, but when given they must not be blank. */
    public static final class Builder {
        private final String migration;
        private @Nullable String orderId;
        private @Nullable String merchantId;
        private @Nullable String userId;

        private Builder(String migration) {
            this.migration = migration;
        }

        /** The order the work concerns; {@code null} for none, never blank. */
        public Builder orderId(@Nullable String orderId) {
            this.orderId = Checks.optionalId("orderId", orderId);
            return this;
        }

        /** The order the work concerns, as a number. */
        public Builder orderId(long orderId) {
            return orderId(Long.toString(orderId));
        }

        /** The merchant the work concerns; {@code null} for none, never blank. */
        public Builder merchantId(@Nullable String merchantId) {
            this.merchantId = Checks.optionalId("merchantId", merchantId);
            return this;
        }

        /** The user the work concerns; {@code null} for none, never blank. */
        public Builder userId(@Nullable String userId) {
            this.userId = Checks.optionalId("userId", userId);
            return this;
        }

        /** The context. */
        public MigrationContext build() {
            return new MigrationContext(this);
        }

        /** Builds the context and makes it current until the returned scope is closed. */
        public Scope open() {
            return build().open();
        }
    }

    /** An open context; closing it restores the one that was current before. Close it on the opening thread. */
    public static final class Scope implements AutoCloseable {
        private final @Nullable MigrationContext previous;
        private boolean closed;

        private Scope(@Nullable MigrationContext previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                restore(previous);
            }
        }
    }
}
