package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one migration's switches as a {@link SwitchStore} holds them: the system phase (absent
 * means "the configured default"), merchant and order switches, and the rules in evaluation order.
 * Immutable.
 *
 * <p>{@code authorityMoves} counts, per switch, how many times a change of it may have moved its scope's
 * authoritative store (keys {@link #SYSTEM_MOVES}, {@link #RULES_MOVES}, {@code "MERCHANT:" + id},
 * {@code "ORDER:" + id}); the count of a cleared switch is kept, so it never goes back. A store that keeps no counts
 * answers an empty map (every count 0). A copier compares {@link #authorityMoves(String, String)} of the snapshot it
 * resolved a row from with the switches as stored before its commit: a move across the authority and back while it
 * ran shows the same phase at both ends, never the same count (round 27, {@code docs/decisions.md}).
 */
public record SwitchSettings(
        @Nullable MigrationPhase systemPhase,
        Map<String, MigrationPhase> merchantPhases,
        Map<String, MigrationPhase> orderPhases,
        List<SwitchRule> rules,
        Map<String, Long> authorityMoves) {

    /** The key of the system switch's count in {@link #authorityMoves()}. */
    public static final String SYSTEM_MOVES = "SYSTEM";
    /** The key of the rules' count (every replacement counts) in {@link #authorityMoves()}. */
    public static final String RULES_MOVES = "RULES";

    private static final SwitchSettings EMPTY = new SwitchSettings(null, Map.of(), Map.of(), List.of());

    /** Copies the maps and the rules, so that the settings are immutable. */
    public SwitchSettings {
        merchantPhases = Map.copyOf(merchantPhases);
        orderPhases = Map.copyOf(orderPhases);
        rules = List.copyOf(rules);
        authorityMoves = Map.copyOf(authorityMoves);
    }

    /** Settings without counts of authority moves (a store that keeps none). */
    public SwitchSettings(@Nullable MigrationPhase systemPhase, Map<String, MigrationPhase> merchantPhases,
                          Map<String, MigrationPhase> orderPhases, List<SwitchRule> rules) {
        this(systemPhase, merchantPhases, orderPhases, rules, Map.of());
    }

    /**
     * Whether {@code other} holds the same switches: the system phase, the merchant and order switches and the rules.
     * The counts of authority moves are the store's bookkeeping, not switches, and are not compared (two loads of one
     * unchanged table are equal whichever store version wrote its counts).
     */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SwitchSettings that && Objects.equals(systemPhase, that.systemPhase)
                && merchantPhases.equals(that.merchantPhases) && orderPhases.equals(that.orderPhases)
                && rules.equals(that.rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(systemPhase, merchantPhases, orderPhases, rules);
    }

    /** No switches set at all. */
    public static SwitchSettings empty() {
        return EMPTY;
    }

    /** The system phase, if one is stored. */
    public Optional<MigrationPhase> system() {
        return Optional.ofNullable(systemPhase);
    }

    /**
     * The sum of the counts of every switch that can decide a call of {@code merchantId} and {@code orderId}: the
     * system switch, the rules, the merchant's and the order's switch. Each count only grows, so the sum changes
     * exactly when one of them does.
     */
    public long authorityMoves(@Nullable String merchantId, @Nullable String orderId) {
        long sum = authorityMoves.getOrDefault(SYSTEM_MOVES, 0L) + authorityMoves.getOrDefault(RULES_MOVES, 0L);
        if (merchantId != null) {
            sum += authorityMoves.getOrDefault("MERCHANT:" + merchantId, 0L);
        }
        if (orderId != null) {
            sum += authorityMoves.getOrDefault("ORDER:" + orderId, 0L);
        }
        return sum;
    }
}
