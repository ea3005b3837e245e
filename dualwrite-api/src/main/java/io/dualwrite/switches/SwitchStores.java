package io.dualwrite.switches;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.internal.Checks;
import java.time.Duration;

/**
 * Factories for {@link SwitchStore}s: the in-memory store and the cache every dynamic store is read
 * through. The JDBC store lives in {@code dualwrite-jdbc}.
 */
public final class SwitchStores {

    /** How long a cached switch lookup may be served before the store is read again: 1 second. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);

    private SwitchStores() {
    }

    /** A new, empty store held in this JVM (thread-safe; each change replaces a migration's snapshot atomically). */
    public static SwitchStore inMemory() {
        return new InMemorySwitchStore();
    }

    /** {@link #cached(SwitchStore, Duration)} with {@link #DEFAULT_REFRESH_INTERVAL}. */
    public static SwitchStore cached(SwitchStore store) {
        return cached(store, DEFAULT_REFRESH_INTERVAL);
    }

    /**
     * Wraps a store in a cache per migration.
     *
     * <p>A change made to the backing store by anyone is seen by every reader within
     * {@code refreshInterval} (plus the time one load takes): entries expire that long after they were
     * loaded and are refreshed in the background from half that age. A load that fails keeps the last
     * settings read successfully for that migration, or {@link SwitchSettings#empty()} when there are
     * none, so the configured default system phase applies; the failure is logged at WARN at most once
     * per interval per migration. Writes through the returned store go to {@code store} and drop this
     * node's cached entry of the migration at once (other nodes see them within the interval).
     *
     * @throws IllegalArgumentException when {@code refreshInterval} is not positive
     */
    public static SwitchStore cached(SwitchStore store, Duration refreshInterval) {
        return cached(store, refreshInterval, Ticker.systemTicker());
    }

    /** As {@link #cached(SwitchStore, Duration)}, timed by {@code ticker} (tests drive time with a fake one). */
    public static SwitchStore cached(SwitchStore store, Duration refreshInterval, Ticker ticker) {
        Checks.requireNonNull("store", store);
        Checks.requireNonNull("ticker", ticker);
        Checks.requirePositive("refreshInterval", refreshInterval);
        return new CachingSwitchStore(store, refreshInterval, ticker, null);
    }

    /**
     * The store a cache made by {@link #cached} reads from, or {@code store} itself when it is no such cache: for
     * start-up checks of the store behind a switchboard ({@link Switchboard#switchStore()}).
     */
    public static SwitchStore backing(SwitchStore store) {
        Checks.requireNonNull("store", store);
        return store instanceof CachingSwitchStore cached ? cached.backing() : store;
    }

    /** Whether {@code store} was made by {@link #cached}: its reads already come from memory. */
    public static boolean isCached(SwitchStore store) {
        return store instanceof CachingSwitchStore;
    }
}
