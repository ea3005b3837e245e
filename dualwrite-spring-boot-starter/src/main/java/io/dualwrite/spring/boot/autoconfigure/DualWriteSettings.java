package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.spring.boot.autoconfigure.DualWriteProperties.Breaker;
import io.dualwrite.spring.boot.autoconfigure.DualWriteProperties.Migration;
import io.dualwrite.spring.boot.autoconfigure.DualWriteProperties.Mirror;
import io.dualwrite.spring.boot.autoconfigure.DualWriteProperties.Rule;
import io.dualwrite.spring.boot.autoconfigure.DualWriteProperties.Table;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Turns {@link DualWriteProperties} into the library's configuration objects, checking each value on the way:
 * every problem is an {@link InvalidDualWritePropertyException} naming the full property, the value, what is
 * allowed and the fix. The ranges are the library builders' own; a builder that still refuses a value (a rule
 * between two properties) is reported under the group's property with the builder's message.
 */
final class DualWriteSettings {

    private DualWriteSettings() {
    }

    /**
     * The migration the wrapped DataSource (and by default the MyBatis interceptor and the reconciler) serves:
     * {@code dualwrite.jdbc.migration}, else the only migration configured.
     */
    static String servedMigration(DualWriteProperties properties) {
        Map<String, Migration> migrations = requireMigrations(properties);
        String chosen = properties.getJdbc().getMigration();
        if (chosen != null) {
            return knownMigration("dualwrite.jdbc.migration", chosen, properties);
        }
        if (migrations.size() == 1) {
            return migrations.keySet().iterator().next();
        }
        throw new InvalidDualWritePropertyException("dualwrite.jdbc.migration", null,
                "one of the configured migrations " + migrations.keySet() + " when more than one is configured",
                "Set dualwrite.jdbc.migration to the migration whose tables the application's DataSource writes.");
    }

    /** {@code name}, checked to be a configured migration. */
    static String knownMigration(String property, String name, DualWriteProperties properties) {
        Map<String, Migration> migrations = requireMigrations(properties);
        if (!migrations.containsKey(name)) {
            throw new InvalidDualWritePropertyException(property, name,
                    "one of the configured migrations " + migrations.keySet(),
                    "Fix the name in " + property + ", or configure the migration under dualwrite.migrations." + name
                            + ".*");
        }
        return name;
    }

    static Map<String, Migration> requireMigrations(DualWriteProperties properties) {
        if (properties.getMigrations().isEmpty()) {
            throw new InvalidDualWritePropertyException("dualwrite.migrations", null,
                    "at least one migration, e.g. dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                    "Configure the migration (table group) to double-write under dualwrite.migrations.<name>.*,"
                            + " or set dualwrite.enabled=false.");
        }
        requireServable(properties);
        return properties.getMigrations();
    }

    /**
     * Names a misspelt migration: while neither {@code dualwrite.jdbc.migration} nor
     * {@code dualwrite.mybatis.migration} chooses one, a migration of several without tables of its own is
     * almost always a misspelt name in a switch property ({@code dualwrite.migrations.ordrs.merchants.m-1=DUAL_WRITE}
     * next to the real {@code orders}); the start-up failure then names it, instead of asking which migration the
     * DataSource serves. A migration without tables is accepted once one of those properties is set (it may serve
     * {@code DualWriter#proxy} or the annotations only).
     */
    private static void requireServable(DualWriteProperties properties) {
        Map<String, Migration> migrations = properties.getMigrations();
        if (migrations.size() < 2 || properties.getJdbc().getMigration() != null
                || properties.getMybatis().getMigration() != null) {
            return;
        }
        List<String> withTables = migrations.entrySet().stream().filter(e -> !e.getValue().getTables().isEmpty())
                .map(Map.Entry::getKey).toList();
        for (Map.Entry<String, Migration> entry : migrations.entrySet()) {
            String name = entry.getKey();
            Migration migration = entry.getValue();
            if (!migration.getTables().isEmpty()) {
                continue;
            }
            String property = firstSwitchProperty(name, migration);
            throw new InvalidDualWritePropertyException(property, name,
                    "a configured migration: one with tables under dualwrite.migrations.<name>.tables.*"
                            + " (configured: " + withTables + ")",
                    "If '" + name + "' is a misspelling, correct the migration name in " + property
                            + (withTables.isEmpty() ? "" : " (e.g. dualwrite.migrations." + withTables.get(0)
                            + property.substring(("dualwrite.migrations." + name).length()) + ")")
                            + "; otherwise map its tables under dualwrite.migrations." + name
                            + ".tables.<old-table>.*, or, when it has none to double-write through JDBC, set"
                            + " dualwrite.jdbc.migration to the migration the application's DataSource serves.");
        }
    }

    private static String firstSwitchProperty(String name, Migration migration) {
        String prefix = "dualwrite.migrations." + name;
        if (!migration.getMerchants().isEmpty()) {
            return prefix + ".merchants." + migration.getMerchants().keySet().iterator().next();
        }
        if (!migration.getOrders().isEmpty()) {
            return prefix + ".orders." + migration.getOrders().keySet().iterator().next();
        }
        if (!migration.getRules().isEmpty()) {
            return prefix + ".rules[0]";
        }
        return prefix;
    }

    /** The switch configuration of every migration. */
    static List<MigrationSwitchConfig> switchConfigs(DualWriteProperties properties) {
        List<MigrationSwitchConfig> configs = new ArrayList<>();
        requireMigrations(properties).forEach((name, migration) -> {
            String property = "dualwrite.migrations." + name;
            requireName(property, name);
            checkRate(property + ".shadow-reads.rate", migration.getShadowReads().getRate());
            requireSwitchIds(property + ".merchants", "merchant", migration.getMerchants().keySet());
            requireSwitchIds(property + ".orders", "order", migration.getOrders().keySet());
            configs.add(MigrationSwitchConfig.builder(name).defaultPhase(migration.getSystemPhase())
                    .pinning(migration.isPinning()).build());
        });
        return configs;
    }

    /**
     * Refuses a blank merchant or order id as a switch key ({@code merchants[ ]=DUAL_WRITE}): the switch store would
     * refuse it only once every bean exists, naming an argument instead of the property. Refuses an id with spaces
     * around it too ({@code merchants[ m-1]}, {@code orders[42 ]}): Spring Boot keeps what brackets hold, so the switch
     * was stored for merchant {@code " m-1"}, which no call names, and m-1 silently kept the system's phase; the
     * mapping refuses table and column names with spaces around them the same way.
     */
    private static void requireSwitchIds(String property, String kind, java.util.Set<String> ids) {
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new InvalidDualWritePropertyException(property + "[" + id + "]", id,
                        "a non-blank " + kind + " id as the key",
                        "Name the " + kind + " in the key, e.g. " + property + ".m-1=DUAL_WRITE, or remove the entry.");
            }
            String stripped = io.dualwrite.internal.Checks.stripSpaces(id);
            if (!id.equals(stripped)) {
                throw new InvalidDualWritePropertyException(property + "[" + id + "]", id,
                        "a " + kind + " id without spaces around it (around it: "
                                + io.dualwrite.internal.Checks.spacesNamed(id) + "; Spring Boot keeps the spaces inside"
                                + " brackets, so the switch would be for another " + kind + " than '" + stripped + "')",
                        "Remove the spaces around the id: " + property + "[" + stripped + "].");
            }
            String unseen = io.dualwrite.internal.Checks.unseenSpelling(id);
            if (unseen != null) {
                String visible = io.dualwrite.internal.Checks.visibleId(id);
                throw new InvalidDualWritePropertyException(property + "[" + id + "]", id,
                        "a " + kind + " id spelt as calls spell it (" + unseen + "; the switch would be for another "
                                + kind + " than '" + visible + "')",
                        "Write the id as " + property + "[" + visible + "].");
            }
        }
    }

    /** The rules of one migration, in order. */
    static List<SwitchRule> rules(String name, Migration migration) {
        List<SwitchRule> rules = new ArrayList<>();
        for (int i = 0; i < migration.getRules().size(); i++) {
            Rule rule = migration.getRules().get(i);
            String property = "dualwrite.migrations." + name + ".rules[" + i + "]";
            MigrationPhase phase = rule.getPhase();
            if (phase == null) {
                throw new InvalidDualWritePropertyException(property + ".phase", null,
                        "one of " + List.of(MigrationPhase.values()),
                        "Set the phase the rule gives the calls it applies to.");
            }
            Integer percentage = rule.getMerchantPercentage();
            Long threshold = rule.getIdThreshold();
            if ((percentage == null) == (threshold == null)) {
                throw new InvalidDualWritePropertyException(property, percentage == null ? null
                        : "merchant-percentage=" + percentage + ", id-threshold=" + threshold,
                        "exactly one of merchant-percentage and id-threshold",
                        "Give the rule either " + property + ".merchant-percentage or " + property + ".id-threshold.");
            }
            if (percentage != null) {
                intInRange(property + ".merchant-percentage", percentage, 0, 100);
                rules.add(SwitchRule.merchantPercentage(percentage, phase));
            } else {
                rules.add(SwitchRule.idThreshold(threshold, phase));
            }
        }
        return rules;
    }

    /** The table mappings of one migration, by the properties under {@code dualwrite.migrations.<name>.tables}. */
    static List<TableMapping> mappings(String name, DualWriteProperties properties) {
        Migration migration = requireMigrations(properties).get(name);
        List<TableMapping> mappings = new ArrayList<>();
        for (Map.Entry<String, Table> entry : migration.getTables().entrySet()) {
            String property = "dualwrite.migrations." + name + ".tables." + entry.getKey();
            Table table = entry.getValue();
            try {
                TableMapping.Builder builder = TableMapping.builder(entry.getKey());
                if (table.getNewTable() != null) {
                    builder.newTable(table.getNewTable());
                }
                builder.primaryKey(table.getPrimaryKey().toArray(String[]::new));
                table.getRenames().forEach(builder::rename);
                table.getDroppedColumns().forEach(builder::drop);
                table.getAddedColumns().forEach(builder::add);
                if (table.getMerchantColumn() != null) {
                    builder.merchantIdColumn(table.getMerchantColumn());
                }
                if (table.getOrderColumn() != null) {
                    builder.orderIdColumn(table.getOrderColumn());
                }
                mappings.add(builder.build());
            } catch (IllegalArgumentException refused) {
                throw new InvalidDualWritePropertyException(property, entry.getKey(),
                        "a table mapping the library accepts (" + refused.getMessage() + ")",
                        "Fix the mapping under " + property + ".*", refused);
            }
        }
        return mappings;
    }

    /** The mirror configuration every migration uses. */
    static MirrorConfig mirrorConfig(DualWriteProperties properties) {
        Mirror mirror = properties.getMirror();
        Breaker breaker = mirror.getBreaker();
        String m = "dualwrite.mirror.";
        MirrorConfig.Builder builder = MirrorConfig.custom()
                .mode(mirror.getMode())
                .changeLogMode(mirror.getChangeLogMode())
                .timeLimit(positive(m + "time-limit", mirror.getTimeLimit(), Duration.ofHours(1)))
                .maxConcurrentCalls(intInRange(m + "max-concurrent-calls", mirror.getMaxConcurrentCalls(), 1, 10_000))
                .queueCapacity(intInRange(m + "queue-capacity", mirror.getQueueCapacity(), 1, 10_000_000))
                .lanes(intInRange(m + "lanes", mirror.getLanes(), 1, 1_024))
                .maxBatchRows(intInRange(m + "max-batch-rows", mirror.getMaxBatchRows(), 1, 100_000))
                .batchLinger(durationInRange(m + "batch-linger", mirror.getBatchLinger(), Duration.ZERO,
                        Duration.ofSeconds(1)))
                .warnInterval(durationInRange(m + "warn-interval", mirror.getWarnInterval(), Duration.ZERO,
                        Duration.ofDays(1)))
                .breakerWindowSize(intInRange(m + "breaker.window-size", breaker.getWindowSize(), 1, 10_000))
                .breakerFailureRateThreshold(intInRange(m + "breaker.failure-rate-threshold",
                        breaker.getFailureRateThreshold(), 1, 100))
                .breakerSlowCallRateThreshold(intInRange(m + "breaker.slow-call-rate-threshold",
                        breaker.getSlowCallRateThreshold(), 1, 100))
                .breakerWaitInOpenState(positive(m + "breaker.wait-in-open-state", breaker.getWaitInOpenState(),
                        Duration.ofDays(1)))
                .breakerHalfOpenCalls(intInRange(m + "breaker.half-open-calls", breaker.getHalfOpenCalls(), 1, 10_000));
        if (breaker.getMinimumCalls() != null) {
            builder.breakerMinimumCalls(intInRange(m + "breaker.minimum-calls", breaker.getMinimumCalls(), 1,
                    breaker.getWindowSize()));
        }
        if (breaker.getSlowCallDurationThreshold() != null) {
            builder.breakerSlowCallDurationThreshold(positive(m + "breaker.slow-call-duration-threshold",
                    breaker.getSlowCallDurationThreshold(), mirror.getTimeLimit()));
        }
        return builder.build();
    }

    /** Checks the {@code dualwrite.jdbc.*} limits. */
    static void checkJdbc(DualWriteProperties properties) {
        DualWriteProperties.Jdbc jdbc = properties.getJdbc();
        positive("dualwrite.jdbc.lock-timeout", jdbc.getLockTimeout(), Duration.ofHours(1));
        intInRange("dualwrite.jdbc.max-buffered-keys", jdbc.getMaxBufferedKeys(), 0, Integer.MAX_VALUE);
        intInRange("dualwrite.jdbc.stream-buffer-limit", jdbc.getStreamBufferLimit(), 0, Integer.MAX_VALUE);
        intInRange("dualwrite.jdbc.statement-cache-size", jdbc.getStatementCacheSize(), 1, Integer.MAX_VALUE);
        durationInRange("dualwrite.jdbc.outbox-grace", jdbc.getOutboxGrace(), Duration.ZERO, Duration.ofDays(1));
        durationInRange("dualwrite.jdbc.catalog-refresh", jdbc.getCatalogRefresh(), Duration.ZERO, Duration.ofDays(1));
        if (properties.getMirror().getChangeLogMode() == ChangeLogMode.ALWAYS
                && properties.getStores().getChangeLog() != DualWriteProperties.StoreKind.JDBC) {
            throw new InvalidDualWritePropertyException("dualwrite.mirror.change-log-mode", ChangeLogMode.ALWAYS,
                    "ON_FAILURE while dualwrite.stores.change-log is MEMORY (ALWAYS writes each entry in the"
                            + " application's transaction, which only the JDBC change log can)",
                    "Set dualwrite.stores.change-log=jdbc, or dualwrite.mirror.change-log-mode=on-failure.");
        }
    }

    /** Checks the {@code dualwrite.reconciler.*} limits. */
    static void checkReconciler(DualWriteProperties.Reconciler reconciler) {
        String r = "dualwrite.reconciler.";
        positive(r + "interval", reconciler.getInterval(), Duration.ofDays(1));
        intInRange(r + "batch-size", reconciler.getBatchSize(), 1, 10_000);
        positive(r + "lease", reconciler.getLease(), Duration.ofDays(1));
        positive(r + "initial-backoff", reconciler.getInitialBackoff(), Duration.ofDays(1));
        positive(r + "max-backoff", reconciler.getMaxBackoff(), Duration.ofDays(1));
        if (reconciler.getMaxBackoff().compareTo(reconciler.getInitialBackoff()) < 0) {
            throw new InvalidDualWritePropertyException(r + "max-backoff", reconciler.getMaxBackoff(),
                    "at least dualwrite.reconciler.initial-backoff (" + reconciler.getInitialBackoff() + ")",
                    "Raise " + r + "max-backoff or lower " + r + "initial-backoff.");
        }
        intInRange(r + "max-attempts", reconciler.getMaxAttempts(), 1, Integer.MAX_VALUE);
    }

    /**
     * Refuses a blank phase property ({@code dualwrite.migrations.orders.merchants.m-1=}, or a blank
     * {@code system-phase}): Spring Boot binds a blank enum value as nothing, so the switch would be dropped, or
     * the system phase left at its default, without a word.
     */
    static void checkNoBlankPhase(Binder binder, DualWriteProperties properties) {
        // bound as text, exactly as DualWriteProperties is bound (same keys, whatever their case or form)
        Map<String, RawPhases> raw = binder.bind("dualwrite.migrations",
                Bindable.mapOf(String.class, RawPhases.class)).orElse(Map.of());
        raw.forEach((name, phases) -> {
            String prefix = "dualwrite.migrations." + name;
            if (phases.getSystemPhase() != null && phases.getSystemPhase().isBlank()) {
                throw new InvalidDualWritePropertyException(prefix + ".system-phase", phases.getSystemPhase(),
                        "one of " + List.of(MigrationPhase.values()),
                        "Set " + prefix + ".system-phase to a phase, or remove it to use OLD_ONLY.");
            }
            requireNoBlank(prefix + ".merchants.", phases.getMerchants());
            requireNoBlank(prefix + ".orders.", phases.getOrders());
        });
    }

    private static void requireNoBlank(String prefix, Map<String, String> switches) {
        switches.forEach((id, phase) -> {
            if (phase.isBlank()) {
                throw new InvalidDualWritePropertyException(prefix + id, phase,
                        "one of " + List.of(MigrationPhase.values()),
                        "Set " + prefix + id + " to the phase the switch gives, or remove the property.");
            }
        });
    }

    /** The phase properties of one migration as text, to tell a blank value from an absent one. */
    public static final class RawPhases {
        private @Nullable String systemPhase;
        private final Map<String, String> merchants = new java.util.LinkedHashMap<>();
        private final Map<String, String> orders = new java.util.LinkedHashMap<>();

        public @Nullable String getSystemPhase() {
            return systemPhase;
        }

        public void setSystemPhase(@Nullable String systemPhase) {
            this.systemPhase = systemPhase;
        }

        public Map<String, String> getMerchants() {
            return merchants;
        }

        public Map<String, String> getOrders() {
            return orders;
        }
    }

    static void checkRate(String property, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new InvalidDualWritePropertyException(property, rate, "a fraction from 0 to 1 (0.05 compares one"
                    + " read in twenty)", "Set " + property + " between 0 and 1.");
        }
    }

    static int intInRange(String property, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidDualWritePropertyException(property, value, "an integer from " + min + " to " + max,
                    "Set " + property + " within that range, or remove it to use the default.");
        }
        return value;
    }

    static Duration positive(String property, @Nullable Duration value, Duration max) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new InvalidDualWritePropertyException(property, value == null ? null : value.toString(),
                    "a positive duration of at most " + max + " (e.g. 500ms, 2s, 1m)",
                    "Set " + property + " to a positive duration, or remove it to use the default.");
        }
        return value;
    }

    static Duration durationInRange(String property, @Nullable Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidDualWritePropertyException(property, value == null ? null : value.toString(),
                    "a duration from " + min + " to " + max + " (e.g. 0ms, 2ms, 10s)",
                    "Set " + property + " within that range, or remove it to use the default.");
        }
        return value;
    }

    private static void requireName(String property, String name) {
        if (name.isBlank()) {
            throw new InvalidDualWritePropertyException(property, name, "a non-blank migration name",
                    "Name the migration, e.g. dualwrite.migrations.orders.*");
        }
    }
}
