/**
 * Switches: which phase applies to a call. Order switches, order pins, merchant switches, rules and the
 * system phase, resolved in that order of precedence from cached switch stores.
 *
 * <p>Entry points: {@link io.dualwrite.switches.Switchboard#builder()} (the {@link
 * io.dualwrite.switches.PhaseResolver} of an application, one {@link io.dualwrite.switches.MigrationSwitchConfig}
 * per migration), {@link io.dualwrite.switches.SwitchStores} and {@link io.dualwrite.switches.OrderPinStores}
 * (in-memory stores and the cache), and {@link io.dualwrite.switches.SwitchAdmin#of} with a
 * {@link io.dualwrite.switches.PhaseGate} for operator moves. Resolution never throws because a store
 * cannot be read: the switch cache keeps the last known good settings (else the configured default
 * system phase), and an unreadable pin store makes calls fall through to the scopes below the pin.
 */
@NullMarked
package io.dualwrite.switches;

import org.jspecify.annotations.NullMarked;
