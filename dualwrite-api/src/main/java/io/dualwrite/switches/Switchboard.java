package io.dualwrite.switches;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PhaseResolver} of an application: resolves each call's phase from the cached switches of
 * its migration, highest precedence first:
 *
 * <ol>
 *   <li><b>order switch</b> ({@link SwitchSettings#orderPhases()});</li>
 *   <li><b>order pin</b>, for migrations with pinning on: an existing pin wins; a <em>write</em> with an
 *       order id and no pin pins the order, with {@link OrderPinStore#pinIfAbsent}, to the phase the
 *       scopes below give it, and uses the phase the store answers (another writer may have won).
 *       Reads never create pins;</li>
 *   <li><b>merchant switch</b>;</li>
 *   <li><b>rules</b>, the first that applies in list order;</li>
 *   <li><b>system</b>: the stored system phase, else the migration's configured default.</li>
 * </ol>
 *
 * <p>It never throws because a store cannot be read. The switch store is read through a cache
 * ({@link SwitchStores#cached}) that keeps the last known good settings. When the pin store cannot be
 * read, the call falls through to the scopes below the pin (and a write does not pin the order); the
 * error is logged at WARN at most once per refresh interval per migration. It throws
 * {@link IllegalArgumentException} for a context whose migration was not configured: that is a bug in
 * the application, not an outage.
 *
 * <p>The resolution path is lock-free and allocation-light; it runs for every write and read. The other
 * methods serve operators and tooling. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * Switchboard switchboard = Switchboard.builder()
 *         .switchStore(jdbcSwitchStore)            // wrapped in a 1 s cache
 *         .orderPinStore(jdbcPinStore)
 *         .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
 *         .build();
 * }</pre>
 */
public final class Switchboard implements PhaseResolver {

    /** The least margin {@link #settleTime()} adds to the refresh interval: 1 second. */
    public static final Duration SETTLE_MARGIN = Duration.ofSeconds(1);

    private final SwitchStore switchStore;
    private final @Nullable OrderPinStore pinStore;
    private final Map<String, MigrationSwitchConfig> migrations;
    private final Duration refreshInterval;
    private final ScopeResolver resolver;

    private Switchboard(Builder builder, SwitchStore switchStore, Duration refreshInterval) {
        this.switchStore = switchStore;
        this.pinStore = builder.pinStore;
        this.migrations = Map.copyOf(builder.migrations);
        this.refreshInterval = refreshInterval;
        this.resolver = new ScopeResolver(switchStore, pinStore, migrations, refreshInterval, builder.ticker::read);
    }

    /** Starts building a switchboard. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Resolution resolveWrite(MigrationContext context) {
        return resolver.resolve(context, true);
    }

    @Override
    public Resolution resolveRead(MigrationContext context) {
        return resolver.resolve(context, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>From the cached switches: the snapshot this switchboard resolves from (never older than the one a resolution
     * made after this call reads, since the cache only moves forward).
     */
    @Override
    public long authorityMoves(MigrationContext context) {
        return switchStore.load(config(context.migration()).migration())
                .authorityMoves(context.merchantId().orElse(null), context.orderId().orElse(null));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The cached snapshot of {@code migration}'s switches as it is now, kept: a later refresh of the cache does not
     * change what it answers.
     */
    @Override
    public ToLongFunction<MigrationContext> authorityMovesNow(String migration) {
        SwitchSettings settings = switchStore.load(config(migration).migration());
        return context -> settings.authorityMoves(context.merchantId().orElse(null), context.orderId().orElse(null));
    }

    /**
     * The switch store this switchboard reads (the cached one). Writes through it reach the backing
     * store and are seen on this node at once, on other nodes within the refresh interval.
     */
    public SwitchStore switchStore() {
        return switchStore;
    }

    /** The order-pin store, if one was configured. */
    public Optional<OrderPinStore> orderPinStore() {
        return Optional.ofNullable(pinStore);
    }

    /** The interval within which a switch flip made on another node is seen here. */
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /**
     * How long after a switch change a tool that relies on every instance having seen it waits
     * ({@link #unsettledSwitch}): the refresh interval, plus as much again (at least {@link #SETTLE_MARGIN}) for
     * the time one load of the switches takes and for the change's own commit.
     */
    public Duration settleTime() {
        return refreshInterval.plus(refreshInterval.compareTo(SETTLE_MARGIN) > 0 ? refreshInterval : SETTLE_MARGIN);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Asks the backing switch store ({@link SwitchStore#lastChange}, its own clock) and answers a reason while
     * the change is younger than {@link #settleTime()}. Every instance of the application must use this refresh
     * interval or a shorter one: the wait is this switchboard's.
     */
    @Override
    public Optional<String> unsettledSwitch(String migration, @Nullable String merchantId) {
        config(migration);
        Optional<SwitchChange> change = switchStore.lastChange(migration, merchantId);
        if (change.isEmpty() || change.get().age().compareTo(settleTime()) >= 0) {
            return Optional.empty();
        }
        SwitchChange last = change.get();
        if (last.changedAt().isAfter(last.now().plus(SETTLE_MARGIN))) {
            // a time no change of this store took (its clock has not reached it): a row edited by hand, or written
            // by a clock that was ahead; waiting for it says nothing of when every instance saw the switch
            return Optional.of("the " + last.switchName() + " of migration '" + migration + "' is stamped "
                    + last.changedAt() + ", later than the switch store's clock now (" + last.now() + "): a time no"
                    + " change took (edited by hand, or written by a clock that was ahead), so when every instance saw"
                    + " it is not known; set that switch again (to its phase) so that the store stamps it, and start"
                    + " this " + settleTime() + " later");
        }
        return Optional.of("the " + last.switchName() + " of migration '" + migration + "' changed at "
                + last.changedAt() + " (the switch store's clock, now " + last.now() + "): another instance of the"
                + " application may still write under the phase before it, unmirrored and unrecorded, until it reads"
                + " the switches again (within its refresh interval, " + refreshInterval + "); this may start at "
                + last.changedAt().plus(settleTime()) + " (the refresh interval plus a margin, " + settleTime()
                + " after the change); start it then");
    }

    /** {@inheritDoc} Asks the backing switch store ({@link SwitchStore#lastChange}) every time. */
    @Override
    public Optional<SwitchChange> lastSwitchChange(String migration, @Nullable String merchantId) {
        config(migration);
        return switchStore.lastChange(migration, merchantId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the switches of the contexts' merchants and orders from the store behind this switchboard's cache (one
     * query of a JDBC store, by the ids), and resolves from that snapshot with this switchboard's order-pin store and
     * configuration. A switch store given to {@link Builder#cachedSwitchStore} that caches in its own way is read
     * through that cache. Unlike this switchboard's own resolution, the answers never fall back below an order pin
     * that cannot be read: they throw {@link IllegalStateException}, since a check that cannot read the pin cannot
     * tell whether it moved (round 25b, {@code docs/decisions.md}). A switch store whose load answers {@code null}
     * (not a stored state: {@link SwitchSettings#empty()} is "no switches") fails it with {@link IllegalStateException}
     * too (round 26).
     */
    @Override
    public Optional<PhaseResolver> current(String migration, Collection<MigrationContext> contexts) {
        MigrationSwitchConfig config = config(migration);
        SwitchStore backing = switchStore instanceof CachingSwitchStore cached ? cached.backing() : switchStore;
        Set<String> merchants = new HashSet<>();
        Set<String> orders = new HashSet<>();
        for (MigrationContext context : contexts) {
            context.merchantId().ifPresent(merchants::add);
            context.orderId().ifPresent(orders::add);
        }
        SwitchSettings settings = backing.load(migration, merchants, orders);
        if (settings == null) {
            // not "no switches" (that is SwitchSettings.empty()): an answer the check cannot read a phase from, so it
            // fails as a store that cannot be read does, never the configured default (round 26)
            throw new IllegalStateException(Credentials.mask(String.valueOf(backing)) + " answered null from load(\""
                    + migration + "\", merchants, orders); a SwitchStore answers SwitchSettings.empty() when no switch"
                    + " is stored");
        }
        ScopeResolver snapshot = new ScopeResolver(new Snapshot(config.migration(), settings), pinStore,
                Map.of(config.migration(), config), refreshInterval, System::nanoTime, true);
        return Optional.of(new PhaseResolver() {
            @Override
            public Resolution resolveWrite(MigrationContext context) {
                return snapshot.resolve(context, false);
            }

            @Override
            public Resolution resolveRead(MigrationContext context) {
                return snapshot.resolve(context, false);
            }

            @Override
            public long authorityMoves(MigrationContext context) {
                return settings.authorityMoves(context.merchantId().orElse(null), context.orderId().orElse(null));
            }

            @Override
            public String toString() {
                return "the switches of migration '" + migration + "' as stored now: " + settings;
            }
        });
    }

    /** One migration's switches as read once, for {@link #current}; never written. */
    private record Snapshot(String migration, SwitchSettings settings) implements SwitchStore {
        @Override
        public SwitchSettings load(String name) {
            if (!migration.equals(name)) {
                throw new IllegalArgumentException("a snapshot of migration '" + migration + "' was asked for '"
                        + name + "'");
            }
            return settings;
        }

        @Override
        public void setSystemPhase(String name, MigrationPhase phase) {
            throw new UnsupportedOperationException("a snapshot of switches is read-only");
        }

        @Override
        public void setMerchantPhase(String name, String merchantId, @Nullable MigrationPhase phase) {
            throw new UnsupportedOperationException("a snapshot of switches is read-only");
        }

        @Override
        public void setOrderPhase(String name, String orderId, @Nullable MigrationPhase phase) {
            throw new UnsupportedOperationException("a snapshot of switches is read-only");
        }

        @Override
        public void setRules(String name, List<SwitchRule> rules) {
            throw new UnsupportedOperationException("a snapshot of switches is read-only");
        }
    }

    /** Every configured migration, by name. */
    public Map<String, MigrationSwitchConfig> migrations() {
        return migrations;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Order pins are not consulted (there is no order): an order pinned to a mirroring phase while
     * every switch of its migration has been rolled back to {@code OLD_ONLY} is not covered.
     */
    @Override
    public Resolution resolveUnattributed(String migration) {
        MigrationSwitchConfig config = config(migration);
        SwitchSettings settings = switchStore.load(migration);
        Resolution system = ScopeResolver.systemOf(settings, config);
        MigrationPhase phase = system.phase();
        if (phase.mirrors() || !anyOtherPhase(settings, phase)) {
            return system;
        }
        return ScopeResolver.of(SwitchScope.SYSTEM, phase == MigrationPhase.OLD_ONLY ? MigrationPhase.DUAL_WRITE
                : MigrationPhase.NEW_PRIMARY);
    }

    /**
     * Whether any order, merchant or rule switch names a phase other than {@code system}: a scan of every
     * switch, asked on every unattributed write, so the answer is kept for the settings object it was
     * computed from (the cached store hands out the same object until its next refresh).
     */
    private boolean anyOtherPhase(SwitchSettings settings, MigrationPhase system) {
        OtherPhases known = otherPhases;
        if (known != null && known.settings == settings && known.system == system) {
            return known.any;
        }
        boolean any = settings.merchantPhases().values().stream().anyMatch(phase -> phase != system)
                || settings.orderPhases().values().stream().anyMatch(phase -> phase != system)
                || settings.rules().stream().anyMatch(rule -> rule.phase() != system);
        otherPhases = new OtherPhases(settings, system, any);
        return any;
    }

    private record OtherPhases(SwitchSettings settings, MigrationPhase system, boolean any) {
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: a merchant switch, or a merchant-percentage rule, whose phase is not the system's or not that of
     * every rule. A merchant switch overrides the rules, so one that names the system's phase still varies by
     * merchant while a rule gives other merchants' orders another phase (an id threshold mirroring orders, a merchant
     * kept {@code OLD_ONLY}); so does a merchant-percentage rule of the system's phase ahead of another rule.
     */
    @Override
    public boolean mayVaryByMerchant(String migration) {
        MigrationSwitchConfig config = config(migration);
        SwitchSettings settings = switchStore.load(migration);
        MigrationPhase system = ScopeResolver.systemOf(settings, config).phase();
        java.util.function.Predicate<MigrationPhase> other = phase -> phase != system
                || settings.rules().stream().anyMatch(rule -> rule.phase() != phase);
        return settings.merchantPhases().values().stream().anyMatch(other)
                || settings.rules().stream().anyMatch(rule -> rule instanceof SwitchRule.MerchantPercentage
                && other.test(rule.phase()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: an order switch whose phase is not the system's or not that of every merchant switch and rule (it
     * overrides them), or an id-threshold rule whose phase is not the system's or not that of every rule. Order pins
     * do not count: a pin is found only by an order id, which neither the write nor the copier has for such rows.
     */
    @Override
    public boolean mayVaryByOrder(String migration) {
        MigrationSwitchConfig config = config(migration);
        SwitchSettings settings = switchStore.load(migration);
        MigrationPhase system = ScopeResolver.systemOf(settings, config).phase();
        java.util.function.Predicate<MigrationPhase> otherRule = phase -> phase != system
                || settings.rules().stream().anyMatch(rule -> rule.phase() != phase);
        // an order switch overrides merchant switches and rules too
        return settings.orderPhases().values().stream().anyMatch(phase -> otherRule.test(phase)
                || settings.merchantPhases().values().stream().anyMatch(merchant -> merchant != phase))
                || settings.rules().stream().anyMatch(rule -> rule instanceof SwitchRule.IdThreshold
                && otherRule.test(rule.phase()));
    }

    private volatile @Nullable OtherPhases otherPhases;

    /**
     * The configuration of a migration.
     *
     * @throws IllegalArgumentException when {@code migration} is null or blank, or was not configured
     */
    public MigrationSwitchConfig config(String migration) {
        return resolver.config(Checks.requireId("migration", migration));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: {@code migration} must have been added with {@link Builder#migration}.
     */
    @Override
    public String requireKnownMigration(String property, String migration) {
        Checks.requireId(property, migration);
        if (!migrations.containsKey(migration)) {
            throw ScopeResolver.unknownMigration(property, migration, migrations.keySet());
        }
        return migration;
    }

    /** The system phase of a migration: the stored one, else the configured default (from the cache). */
    public MigrationPhase systemPhase(String migration) {
        MigrationSwitchConfig config = config(migration);
        return ScopeResolver.systemOf(switchStore.load(migration), config).phase();
    }

    /** The phase a merchant's calls without an order switch or pin get: merchant switch, else rules, else system. */
    public Resolution merchantPhase(String migration, String merchantId) {
        MigrationSwitchConfig config = config(migration);
        return merchantOf(config, merchantId, switchStore.load(migration), true);
    }

    /** The settings straight from the backing store, bypassing the cache (for operator actions). */
    SwitchSettings freshSettings(String migration) {
        config(migration);
        return switchStore instanceof CachingSwitchStore cached ? cached.backing().load(migration)
                : switchStore.load(migration);
    }

    /** The system scope's answer under {@code settings}. */
    Resolution systemOf(String migration, SwitchSettings settings) {
        return ScopeResolver.systemOf(settings, config(migration));
    }

    /** A merchant's phase under {@code settings}: merchant switch (unless skipped), else rules, else system. */
    Resolution merchantOf(String migration, String merchantId, SwitchSettings settings, boolean merchantSwitch) {
        return merchantOf(config(migration), merchantId, settings, merchantSwitch);
    }

    private static Resolution merchantOf(MigrationSwitchConfig config, String merchantId, SwitchSettings settings,
            boolean merchantSwitch) {
        Checks.requireId("merchantId", merchantId);
        MigrationContext context = MigrationContext.forMigration(config.migration()).merchantId(merchantId).build();
        if (!merchantSwitch) {
            settings = new SwitchSettings(settings.systemPhase(), Map.of(), Map.of(), settings.rules());
        }
        return ScopeResolver.belowPin(context, settings, config, null, merchantId);
    }

    /**
     * An order's phase for a read under {@code settings} (an existing pin counts, none is created), with or
     * without its order switch. A pin store error propagates: this serves operator actions.
     */
    Resolution orderOf(MigrationContext context, SwitchSettings settings, boolean orderSwitch) {
        MigrationSwitchConfig config = config(context.migration());
        String orderId = context.orderId().orElseThrow();
        if (orderSwitch) {
            MigrationPhase ordered = settings.orderPhases().get(orderId);
            if (ordered != null) {
                return ScopeResolver.of(SwitchScope.ORDER_SWITCH, ordered);
            }
        }
        if (config.pinning() && pinStore != null) {
            Optional<MigrationPhase> pin = pinStore.find(config.migration(), orderId);
            if (pin.isPresent()) {
                return ScopeResolver.of(SwitchScope.ORDER_PIN, pin.get());
            }
        }
        return ScopeResolver.belowPin(context, settings, config, orderId, context.merchantId().orElse(null));
    }

    @Override
    public String toString() {
        return "Switchboard[migrations=" + new TreeSet<>(migrations.keySet()) + ", switchStore="
                + Credentials.mask(String.valueOf(switchStore)) + ", pinStore=" + Credentials.mask(String.valueOf(pinStore))
                + "]";
    }

    /**
     * Builds a {@link Switchboard}. A switch store and at least one migration are required; an order-pin
     * store is required when any migration has pinning on.
     */
    public static final class Builder {
        private @Nullable SwitchStore switchStore;
        private boolean alreadyCached;
        private @Nullable OrderPinStore pinStore;
        private final Map<String, MigrationSwitchConfig> migrations = new LinkedHashMap<>();
        private Duration refreshInterval = SwitchStores.DEFAULT_REFRESH_INTERVAL;
        private Ticker ticker = Ticker.systemTicker();

        private Builder() {
        }

        /**
         * The store switches are read from. It is wrapped in a cache with {@link #refreshInterval} unless
         * it already is one made by {@link SwitchStores#cached}.
         */
        public Builder switchStore(SwitchStore store) {
            this.switchStore = Checks.requireNonNull("switchStore", store);
            this.alreadyCached = SwitchStores.isCached(store);
            return this;
        }

        /**
         * A store that answers from memory already (a cache of your own, or a static store): used as is,
         * never wrapped. It must honour {@link PhaseResolver}'s promise of never throwing on a read.
         */
        public Builder cachedSwitchStore(SwitchStore store) {
            this.switchStore = Checks.requireNonNull("switchStore", store);
            this.alreadyCached = true;
            return this;
        }

        /**
         * How stale a switch read may be, and how often a store error is logged; default
         * {@link SwitchStores#DEFAULT_REFRESH_INTERVAL}. A store made by {@link SwitchStores#cached} keeps
         * its own interval.
         */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = Checks.requirePositive("refreshInterval", interval);
            return this;
        }

        /** The time source of the cache and of log rate limiting; default the system ticker. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Checks.requireNonNull("ticker", ticker);
            return this;
        }

        /** The order-pin store; required when any migration has pinning on. */
        public Builder orderPinStore(OrderPinStore store) {
            this.pinStore = Checks.requireNonNull("orderPinStore", store);
            return this;
        }

        /**
         * Adds a migration (table group); each can be in its own phase.
         *
         * @throws IllegalArgumentException when a migration of the same name was added already
         */
        public Builder migration(MigrationSwitchConfig config) {
            Checks.requireNonNull("migration", config);
            if (migrations.putIfAbsent(config.migration(), config) != null) {
                throw new IllegalArgumentException("migration '" + config.migration()
                        + "' is configured twice; each migration name must be unique");
            }
            return this;
        }

        /** Adds several migrations; see {@link #migration(MigrationSwitchConfig)}. */
        public Builder migrations(Collection<MigrationSwitchConfig> configs) {
            Checks.requireNonNull("migrations", configs).forEach(this::migration);
            return this;
        }

        /**
         * The switchboard.
         *
         * @throws IllegalStateException when the switch store or every migration is missing, or a
         *     migration pins orders and no order-pin store was given
         */
        public Switchboard build() {
            SwitchStore store = switchStore;
            if (store == null) {
                throw new IllegalStateException("switchStore is required; use SwitchStores.inMemory() or a JDBC store");
            }
            if (migrations.isEmpty()) {
                throw new IllegalStateException("at least one migration is required; add one with migration(...)");
            }
            if (pinStore == null) {
                List<String> pinning = migrations.values().stream().filter(MigrationSwitchConfig::pinning)
                        .map(MigrationSwitchConfig::migration).sorted().toList();
                if (!pinning.isEmpty()) {
                    throw new IllegalStateException("orderPinStore is required because pinning is on for migrations "
                            + pinning + "; set one, e.g. OrderPinStores.inMemory(), or turn pinning off");
                }
            }
            if (!alreadyCached) {
                return new Switchboard(this, new CachingSwitchStore(store, refreshInterval, ticker, null),
                        refreshInterval);
            }
            Duration interval = store instanceof CachingSwitchStore cached ? cached.refreshInterval() : refreshInterval;
            return new Switchboard(this, store, interval);
        }
    }
}
