package io.dualwrite.switches;

import io.dualwrite.internal.Checks;
import java.time.Duration;
import java.time.Instant;

/**
 * The most recent change of the switches that may decide a scope's phase, as the switch store records it
 * ({@link SwitchStore#lastChange}): which switch, when it changed and the store's time now, both read from the
 * store's own clock (for the JDBC store, the database's), so that how long ago it changed does not depend on the
 * clock of the instance that made it or of the one that asks.
 *
 * <p>Used to hold back a tool (the backfill, the verification) until every instance of the application has seen
 * the change: an instance reads the switches again only within its switch cache's refresh interval, and until then
 * writes under the phase before the change.
 *
 * @param switchName the switch as an operator names it: {@code SYSTEM switch}, {@code MERCHANT switch 'm-1'},
 *                   {@code rules}, {@code ORDER switch 'o-7'} (a cleared one says so)
 * @param changedAt  when it changed, by the store's clock
 * @param now        the store's time when it was read
 */
public record SwitchChange(String switchName, Instant changedAt, Instant now) {

    /** Checks the parts: none is null. */
    public SwitchChange {
        Checks.requireNonNull("switchName", switchName);
        Checks.requireNonNull("changedAt", changedAt);
        Checks.requireNonNull("now", now);
    }

    /** How long ago the switch changed, by the store's clock; zero when the store's clock went back since. */
    public Duration age() {
        Duration age = Duration.between(changedAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
