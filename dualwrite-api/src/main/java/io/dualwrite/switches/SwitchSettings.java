package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one migration's switches as a {@link SwitchStore} holds them: the system phase (absent
 * means "the configured default"), merchant and order switches, and the rules in evaluation order.
 * Immutable.
 */
public record SwitchSettings(
        @Nullable MigrationPhase systemPhase,
        Map<String, MigrationPhase> merchantPhases,
        Map<String, MigrationPhase> orderPhases,
        List<SwitchRule> rules) {

    private static final SwitchSettings EMPTY = new SwitchSettings(null, Map.of(), Map.of(), List.of());

    /** Copies the maps and the rules, so that the settings are immutable. */
    public SwitchSettings {
        merchantPhases = Map.copyOf(merchantPhases);
        orderPhases = Map.copyOf(orderPhases);
        rules = List.copyOf(rules);
    }

    /** No switches set at all. */
    public static SwitchSettings empty() {
        return EMPTY;
    }

    /** The system phase, if one is stored. */
    public Optional<MigrationPhase> system() {
        return Optional.ofNullable(systemPhase);
    }
}
