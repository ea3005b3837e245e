package io.dualwrite.switches;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.LogThrottle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SwitchStore} that answers reads from a Caffeine cache per migration.
 *
 * <ul>
 *   <li>An entry expires {@code refreshInterval} after it was loaded (the hard bound on staleness), and
 *       is refreshed in the background from half that age on, so most reads never wait for the store.</li>
 *   <li>The loader never throws: a failed load answers the last settings read successfully for the
 *       migration, or {@link SwitchSettings#empty()} when there are none (the configured default system
 *       phase then applies). The failure is logged at WARN at most once per interval per migration.</li>
 *   <li>Writes go to the backing store, then drop this node's cached entry of the migration.</li>
 *   <li>Migration names and ids are checked here before the backing store
 *       or the cache sees them, whatever the backing store checks itself.</li>
 * </ul>
 */
final class CachingSwitchStore implements SwitchStore {

    private static final Logger log = LoggerFactory.getLogger(CachingSwitchStore.class);

    private final SwitchStore backing;
    private final Duration refreshInterval;
    private final LoadingCache<String, SwitchSettings> cache;
    private final ConcurrentMap<String, SwitchSettings> lastKnownGood = new ConcurrentHashMap<>();
    private final LogThrottle warnings;

    CachingSwitchStore(SwitchStore backing, Duration refreshInterval, Ticker ticker, @Nullable Executor executor) {
        this.backing = Objects.requireNonNull(backing, "backing");
        this.refreshInterval = Checks.requirePositive("refreshInterval", refreshInterval);
        this.warnings = new LogThrottle(refreshInterval, ticker::read);
        Duration refreshAfter = refreshInterval.dividedBy(2);
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(refreshInterval);
        if (!refreshAfter.isZero()) {
            builder.refreshAfterWrite(refreshAfter);
        }
        if (executor != null) {
            builder.executor(executor);
        }
        this.cache = builder.build(new Loader());
    }

    /** The store this cache reads from and writes to. */
    SwitchStore backing() {
        return backing;
    }

    Duration refreshInterval() {
        return refreshInterval;
    }

    @Override
    public SwitchSettings load(String migration) {
        return cache.get(Checks.requireId("migration", migration));
    }

    @Override
    public void setSystemPhase(String migration, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        backing.setSystemPhase(migration, phase);
        cache.invalidate(migration);
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("merchantId", merchantId);
        backing.setMerchantPhase(migration, merchantId, phase);
        cache.invalidate(migration);
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        backing.setOrderPhase(migration, orderId, phase);
        cache.invalidate(migration);
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        Checks.requireId("migration", migration);
        backing.setRules(migration, rules);
        cache.invalidate(migration);
    }

    @Override
    public void pinsMoved(String migration, @Nullable String merchantId, @Nullable String orderId) {
        Checks.requireId("migration", migration);
        backing.pinsMoved(migration, merchantId, orderId);
    }

    /** Read from the backing store every time: a change's time is asked for to know whether caches have seen it. */
    @Override
    public java.util.Optional<SwitchChange> lastChange(String migration, @Nullable String merchantId) {
        Checks.requireId("migration", migration);
        return backing.lastChange(migration, merchantId);
    }

    @Override
    public String toString() {
        // the wrapped store is the user's: its toString() may quote a URL, credentials and all
        return "CachingSwitchStore[refreshInterval=" + refreshInterval + "] wrapping "
                + Credentials.mask(String.valueOf(backing));
    }

    private SwitchSettings read(String migration, @Nullable SwitchSettings fallback) {
        try {
            SwitchSettings settings = backing.load(migration);
            if (settings == null) {
                // not "no switches" (SwitchSettings.empty()): a failed read, so the last known good settings are kept
                // instead of falling to the configured default (round 26)
                throw new IllegalStateException(Credentials.mask(String.valueOf(backing)) + " answered null from load(\""
                        + migration + "\"); a SwitchStore answers SwitchSettings.empty() when no switch is stored");
            }
            lastKnownGood.put(migration, settings);
            return settings;
        } catch (RuntimeException failure) {
            SwitchSettings kept = fallback != null ? fallback
                    : lastKnownGood.getOrDefault(migration, SwitchSettings.empty());
            if (warnings.tryAcquire(migration) != LogThrottle.SUPPRESS) {
                // The exception's type and message only: a stack trace at DEBUG, no connection details here.
                log.warn("Cannot read the switches of migration '{}' ({}); keeping the {} settings until the "
                                + "store answers again (logged at most once per {})", migration,
                        Credentials.describe(failure), kept == SwitchSettings.empty() ? "empty (configured default)" : "last known good",
                        refreshInterval);
                log.debug("Switch store read failure for migration '{}'", migration, Credentials.masked(failure));
            }
            return kept;
        }
    }

    /** Never throws, so Caffeine neither logs nor drops the entry on a failed load or refresh. */
    private final class Loader implements CacheLoader<String, SwitchSettings> {
        @Override
        public SwitchSettings load(String migration) {
            return read(migration, null);
        }

        @Override
        public SwitchSettings reload(String migration, SwitchSettings oldValue) {
            return read(migration, oldValue);
        }
    }
}
