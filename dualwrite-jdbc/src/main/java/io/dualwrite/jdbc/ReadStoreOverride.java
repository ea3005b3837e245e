package io.dualwrite.jdbc;

import io.dualwrite.Store;
import io.dualwrite.internal.Checks;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Routes the reads of one migration to a chosen store on the current thread, for the extent of a scope: the
 * way a caller runs a read once more against the store its phase does not read from (a shadow read), or reads
 * each store in turn (a merged read).
 *
 * <pre>{@code
 * try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.NEW)) {
 *     repository.findByMerchant("m-1");    // its queries run on the new store
 * }
 * }</pre>
 *
 * <p>While a scope is open, a {@link DualWriteDataSource} of that migration acquires the physical connection
 * of each connection it hands out from the chosen store instead of the store the phase names. It is for reads
 * only; writes keep their phase routing:
 *
 * <ul>
 *   <li>a connection that the scope sent to the store its phase does not name refuses every statement but a
 *       {@code SELECT} and transaction control with an {@link java.sql.SQLException} (nothing is run), so a
 *       write can never land on the store its phase does not make authoritative;</li>
 *   <li>a connection whose physical connection was acquired before the scope opened (typically one held by an
 *       enclosing transaction) stays on its store; a {@code SELECT} of a mapped table on it that the scope
 *       routes to the other store is refused with an {@link java.sql.SQLException}, rather than answered from
 *       the store the caller asked not to read.</li>
 * </ul>
 *
 * <p>Scopes nest and are per migration: closing one restores what was routed before it. The override is
 * bound to the opening thread only; it is not carried by {@link io.dualwrite.MigrationContext#wrap}.
 */
public final class ReadStoreOverride {

    private static final ThreadLocal<@Nullable Map<String, Store>> CURRENT = new ThreadLocal<>();

    private ReadStoreOverride() {
    }

    /**
     * Routes the reads of {@code migration} on this thread to {@code store} until the returned scope is closed.
     *
     * @throws IllegalArgumentException when the migration name is blank
     */
    public static Scope open(String migration, Store store) {
        Checks.requireId("migration", migration);
        Objects.requireNonNull(store, "store");
        Map<String, Store> routes = CURRENT.get();
        if (routes == null) {
            routes = new HashMap<>(4);
            CURRENT.set(routes);
        }
        Store previous = routes.put(migration, store);
        return new Scope(migration, previous);
    }

    /** The store this thread's reads of {@code migration} are routed to, if a scope is open. */
    public static Optional<Store> current(String migration) {
        Map<String, Store> routes = CURRENT.get();
        return routes == null ? Optional.empty() : Optional.ofNullable(routes.get(migration));
    }

    /** An open override; closing it restores the previous routing of its migration. Close it on the opening thread. */
    public static final class Scope implements AutoCloseable {
        private final String migration;
        private final @Nullable Store previous;
        private boolean closed;

        private Scope(String migration, @Nullable Store previous) {
            this.migration = migration;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Map<String, Store> routes = CURRENT.get();
            if (routes == null) {
                return;
            }
            if (previous == null) {
                routes.remove(migration);
                if (routes.isEmpty()) {
                    CURRENT.remove();
                }
            } else {
                routes.put(migration, previous);
            }
        }
    }
}
