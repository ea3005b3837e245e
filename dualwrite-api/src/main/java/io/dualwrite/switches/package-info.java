/**
 * Switches: which phase applies to a call. Order switches, order pins, merchant switches, rules and the
 * system phase, resolved in that order of precedence from cached switch stores.
 */
@NullMarked
package io.dualwrite.switches;

import org.jspecify.annotations.NullMarked;
