package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.Objects;

/** The phase that applies to one call, and the switch that decided it. */
public record Resolution(MigrationPhase phase, SwitchScope scope) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code phase} or {@code scope} is null
     */
    public Resolution {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(scope, "scope");
    }
}
