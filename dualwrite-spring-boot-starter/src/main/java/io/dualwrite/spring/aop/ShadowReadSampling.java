package io.dualwrite.spring.aop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The share of {@link io.dualwrite.annotation.DualRead} calls that are shadow-read, per migration: from 0 (none)
 * to 1 (every call in {@code SHADOW_READ} and {@code NEW_PRIMARY}). A migration without a rate is never
 * shadow-read. Immutable.
 */
public final class ShadowReadSampling {

    private final Map<String, Double> rates;

    /**
     * @param rates the rate of each migration, by migration name (the property
     *              {@code dualwrite.migrations.<name>.shadow-reads.rate})
     * @throws IllegalArgumentException naming the property and the value when a rate is not a number between 0
     *                                  and 1, or a migration name is blank
     */
    public ShadowReadSampling(Map<String, Double> rates) {
        Objects.requireNonNull(rates, "rates");
        Map<String, Double> copy = new LinkedHashMap<>();
        rates.forEach((migration, rate) -> {
            if (migration == null || migration.isBlank()) {
                throw new IllegalArgumentException("shadow-read rates must be keyed by a non-blank migration name, "
                        + "but one was '" + migration + "'");
            }
            String property = "dualwrite.migrations." + migration + ".shadow-reads.rate";
            if (rate == null || rate.isNaN() || rate < 0 || rate > 1) {
                throw new IllegalArgumentException(property + " must be a number between 0 and 1 (the share of reads "
                        + "shadow-read), but was " + rate);
            }
            copy.put(migration, rate);
        });
        this.rates = Map.copyOf(copy);
    }

    /** No shadow reads for any migration. */
    public static ShadowReadSampling none() {
        return new ShadowReadSampling(Map.of());
    }

    /** The rate of a migration; 0 when it has none. */
    public double rate(String migration) {
        return rates.getOrDefault(migration, 0.0);
    }

    /** Draws whether one call of the migration is shadow-read: never at rate 0, always at rate 1. */
    public boolean sample(String migration) {
        double rate = rate(migration);
        return rate >= 1.0 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
    }

    @Override
    public String toString() {
        return "ShadowReadSampling" + rates;
    }
}
