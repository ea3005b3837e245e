package io.dualwrite.switches;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.LogThrottle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path of a {@link Switchboard}: resolves one call's phase through the precedence cascade (order
 * switch, order pin, merchant switch, rules, system), which {@link Switchboard} documents. It runs for
 * every write and read, so it is lock-free and allocates no result: each answer is one of a fixed table of
 * {@link Resolution}s. The static helpers below the pin also serve the switchboard's operator lookups, so
 * that both paths apply one cascade.
 */
final class ScopeResolver {

    // Logged under the switchboard's name: operators know that one, and it is the public type.
    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);

    /** One immutable instance per (scope, phase), so resolving allocates no result. */
    private static final Resolution[][] RESOLUTIONS = new Resolution[SwitchScope.values().length][];

    static {
        for (SwitchScope scope : SwitchScope.values()) {
            MigrationPhase[] phases = MigrationPhase.values();
            RESOLUTIONS[scope.ordinal()] = new Resolution[phases.length];
            for (MigrationPhase phase : phases) {
                RESOLUTIONS[scope.ordinal()][phase.ordinal()] = new Resolution(phase, scope);
            }
        }
    }

    private final SwitchStore switchStore;
    private final @Nullable OrderPinStore pinStore;
    private final Map<String, MigrationSwitchConfig> migrations;
    private final Duration refreshInterval;
    private final LogThrottle pinWarnings;
    /**
     * Whether a pin that cannot be read fails the resolution instead of falling back below the pin: what the check
     * of a sync's authority needs ({@link Switchboard#current}), which must not answer a phase it cannot know.
     */
    private final boolean strictPins;

    ScopeResolver(SwitchStore switchStore, @Nullable OrderPinStore pinStore,
            Map<String, MigrationSwitchConfig> migrations, Duration refreshInterval, LongSupplier ticker) {
        this(switchStore, pinStore, migrations, refreshInterval, ticker, false);
    }

    ScopeResolver(SwitchStore switchStore, @Nullable OrderPinStore pinStore,
            Map<String, MigrationSwitchConfig> migrations, Duration refreshInterval, LongSupplier ticker,
            boolean strictPins) {
        this.strictPins = strictPins;
        this.switchStore = switchStore;
        this.pinStore = pinStore;
        this.migrations = migrations;
        this.refreshInterval = refreshInterval;
        this.pinWarnings = new LogThrottle(refreshInterval, ticker);
    }

    /**
     * The configuration of a migration.
     *
     * @throws IllegalArgumentException when the migration was not configured
     */
    MigrationSwitchConfig config(String migration) {
        MigrationSwitchConfig config = migrations.get(migration);
        if (config == null) {
            throw unknownMigration("migration", migration, migrations.keySet());
        }
        return config;
    }

    /**
     * The one message of a migration name that no switchboard configuration has: the setting it came from, the
     * name, the configured names and the fix.
     */
    static IllegalArgumentException unknownMigration(String property, String migration, Set<String> known) {
        return new IllegalArgumentException((property.equals("migration") ? "" : property + ": ") + "migration '"
                + migration + "' is not configured; configured migrations are " + new TreeSet<>(known)
                + "; fix the name, or add it to the switchboard with Switchboard.builder().migration("
                + "MigrationSwitchConfig.of(\"" + migration + "\"))");
    }

    /** The phase of a call; a write without a pin pins its order (when the migration pins orders). */
    Resolution resolve(MigrationContext context, boolean write) {
        MigrationSwitchConfig config = config(context.migration());
        SwitchSettings settings = switchStore.load(config.migration());
        String orderId = context.orderId().orElse(null);
        String merchantId = context.merchantId().orElse(null);
        if (orderId != null) {
            MigrationPhase ordered = settings.orderPhases().get(orderId);
            if (ordered != null) {
                return of(SwitchScope.ORDER_SWITCH, ordered);
            }
            OrderPinStore pins = pinStore;
            if (config.pinning() && pins != null) {
                return pinned(pins, context, settings, config, orderId, merchantId, write);
            }
        }
        return belowPin(context, settings, config, orderId, merchantId);
    }

    private Resolution pinned(OrderPinStore pins, MigrationContext context, SwitchSettings settings,
            MigrationSwitchConfig config, String orderId, @Nullable String merchantId, boolean write) {
        String migration = config.migration();
        Optional<MigrationPhase> pin;
        try {
            pin = pins.find(migration, orderId);
        } catch (RuntimeException failure) {
            if (strictPins) {
                throw new IllegalStateException("the pin of order '" + orderId + "' of migration '" + migration
                        + "' could not be read (" + Credentials.describe(failure) + ")", failure);
            }
            warnPinFailure(migration, orderId, failure);
            return belowPin(context, settings, config, orderId, merchantId);
        }
        if (pin.isPresent()) {
            return of(SwitchScope.ORDER_PIN, pin.get());
        }
        Resolution below = belowPin(context, settings, config, orderId, merchantId);
        if (!write) {
            return below;
        }
        MigrationPhase agreed;
        try {
            agreed = pins.pinIfAbsent(migration, orderId, merchantId, below.phase());
        } catch (RuntimeException failure) {
            warnPinFailure(migration, orderId, failure);
            return below;
        }
        return agreed == below.phase() ? below : of(SwitchScope.ORDER_PIN, agreed);
    }

    /** The scopes below the order pin: merchant switch, else the first rule that applies, else system. */
    static Resolution belowPin(MigrationContext context, SwitchSettings settings, MigrationSwitchConfig config,
            @Nullable String orderId, @Nullable String merchantId) {
        if (merchantId != null) {
            MigrationPhase merchant = settings.merchantPhases().get(merchantId);
            if (merchant != null) {
                return of(SwitchScope.MERCHANT_SWITCH, merchant);
            }
        }
        List<SwitchRule> rules = settings.rules();
        if (!rules.isEmpty() && (merchantId != null || orderId != null)) {
            for (int i = 0; i < rules.size(); i++) {
                Optional<MigrationPhase> ruled = rules.get(i).apply(context);
                if (ruled.isPresent()) {
                    return of(SwitchScope.RULE, ruled.get());
                }
            }
        }
        return systemOf(settings, config);
    }

    /** The system scope's answer: the stored system phase, else the configured default. */
    static Resolution systemOf(SwitchSettings settings, MigrationSwitchConfig config) {
        MigrationPhase stored = settings.systemPhase();
        return of(SwitchScope.SYSTEM, stored != null ? stored : config.defaultPhase());
    }

    /** The shared resolution of {@code phase} in {@code scope}. */
    static Resolution of(SwitchScope scope, MigrationPhase phase) {
        return RESOLUTIONS[scope.ordinal()][phase.ordinal()];
    }

    private void warnPinFailure(String migration, String orderId, RuntimeException failure) {
        if (pinWarnings.tryAcquire(migration) != LogThrottle.SUPPRESS) {
            log.warn("Cannot read or write the order pins of migration '{}' (order '{}': {}); calls fall back to "
                    + "the merchant, rule and system switches, and writes are not pinned (logged at most once per {})",
                    migration, orderId, Credentials.describe(failure), refreshInterval);
            log.debug("Order pin store failure for migration '{}'", migration, Credentials.masked(failure));
        }
    }
}
