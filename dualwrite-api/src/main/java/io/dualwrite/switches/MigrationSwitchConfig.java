package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one migration (table group) is switched: its name, the system phase that applies while the
 * switch store holds none, and whether orders are pinned to the phase they were first written under.
 * Immutable; build it with {@link #builder(String)} or take the defaults with {@link #of(String)}.
 *
 * <pre>{@code
 * MigrationSwitchConfig orders = MigrationSwitchConfig.builder("orders")
 *         .defaultPhase(MigrationPhase.DUAL_WRITE)
 *         .pinning(true)
 *         .build();
 * }</pre>
 */
public final class MigrationSwitchConfig {

    /** The system phase used when the switch store holds none: {@link MigrationPhase#OLD_ONLY}. */
    public static final MigrationPhase DEFAULT_PHASE = MigrationPhase.OLD_ONLY;

    /** Whether pinning is on unless configured: {@code false}. */
    public static final boolean DEFAULT_PINNING = false;

    private final String migration;
    private final MigrationPhase defaultPhase;
    private final boolean pinning;

    private MigrationSwitchConfig(Builder builder) {
        this.migration = builder.migration;
        this.defaultPhase = builder.defaultPhase;
        this.pinning = builder.pinning;
    }

    /** The defaults for a migration: system phase {@link #DEFAULT_PHASE}, pinning off. */
    public static MigrationSwitchConfig of(String migration) {
        return builder(migration).build();
    }

    /**
     * Starts a configuration for the named migration.
     *
     * @throws IllegalArgumentException when {@code migration} is null or blank
     */
    public static Builder builder(String migration) {
        return new Builder(Checks.requireMigration("migration", migration));
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(MigrationSwitchConfig base) {
        Checks.requireNonNull("base", base);
        Builder builder = new Builder(base.migration);
        builder.defaultPhase = base.defaultPhase;
        builder.pinning = base.pinning;
        return builder;
    }

    /** The migration (table group) name; never blank. */
    public String migration() {
        return migration;
    }

    /** The system phase used while the switch store holds none for this migration. */
    public MigrationPhase defaultPhase() {
        return defaultPhase;
    }

    /** Whether orders are pinned to the phase of their first write. */
    public boolean pinning() {
        return pinning;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof MigrationSwitchConfig other && migration.equals(other.migration)
                && defaultPhase == other.defaultPhase && pinning == other.pinning;
    }

    @Override
    public int hashCode() {
        return Objects.hash(migration, defaultPhase, pinning);
    }

    @Override
    public String toString() {
        return "MigrationSwitchConfig[migration=" + migration + ", defaultPhase=" + defaultPhase
                + ", pinning=" + pinning + "]";
    }

    /** Builds a {@link MigrationSwitchConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private final String migration;
        private MigrationPhase defaultPhase = DEFAULT_PHASE;
        private boolean pinning = DEFAULT_PINNING;

        private Builder(String migration) {
            this.migration = migration;
        }

        /** The system phase used while the switch store holds none; default {@link #DEFAULT_PHASE}. */
        public Builder defaultPhase(MigrationPhase phase) {
            this.defaultPhase = Checks.requireNonNull("defaultPhase", phase);
            return this;
        }

        /**
         * The default system phase by name (case-insensitive, {@code -} for {@code _}), as configuration
         * files spell it.
         *
         * @throws IllegalArgumentException naming {@code defaultPhase}, the value and the allowed names
         */
        public Builder defaultPhase(String phase) {
            this.defaultPhase = MigrationPhase.parse("defaultPhase", phase);
            return this;
        }

        /** Whether orders are pinned to the phase of their first write; default off. */
        public Builder pinning(boolean pinning) {
            this.pinning = pinning;
            return this;
        }

        /** The configuration. */
        public MigrationSwitchConfig build() {
            return new MigrationSwitchConfig(this);
        }
    }
}
