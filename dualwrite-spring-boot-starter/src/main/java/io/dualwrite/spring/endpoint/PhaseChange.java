package io.dualwrite.spring.endpoint;

import io.dualwrite.MigrationPhase;
import org.jspecify.annotations.Nullable;

/**
 * The answer of the {@code dualwrite} endpoint's write operation: what was asked, and whether it was applied.
 *
 * @param outcome   {@code applied}, {@code refused} (the phase gate said no and the move was not forced),
 *                  {@code forbidden} (the caller lacks the write role) or {@code invalid} (bad input)
 * @param migration the migration
 * @param target    what moved: {@code system}, {@code merchant}, {@code order}, {@code pin} (one order's pin),
 *                  {@code merchant-pins} or {@code all-pins}
 * @param id        the merchant or order id, or {@code null} for {@code system} and {@code all-pins}; the
 *                  migration, target and id are echoed from the request with credential-looking values masked
 * @param from      the phase in effect before the move (as this node's switch cache held it), or {@code null} when
 *                  unknown (re-pins of many orders, input refused before it was read)
 * @param to        the phase asked for, or {@code null} when it was not a phase
 * @param forced    whether the caller asked to override a refusal of the gate ({@code force}); an applied move
 *                  that was forced carries the gate's refusal as its reason when the gate refused it
 * @param reason    the gate's reason (for a re-pin of many orders, how many were re-pinned), or why the request
 *                  was refused
 * @param repinned  how many pins a re-pin of many orders changed, else {@code null}
 */
public record PhaseChange(String outcome, String migration, String target, @Nullable String id,
                          @Nullable MigrationPhase from, @Nullable MigrationPhase to, boolean forced, String reason,
                          @Nullable Integer repinned) {

    /** The move was made. */
    public static final String APPLIED = "applied";
    /** The gate refused the move and it was not forced; nothing changed. */
    public static final String REFUSED = "refused";
    /** The caller lacks the write role; nothing changed. */
    public static final String FORBIDDEN = "forbidden";
    /** The input was bad (unknown migration, target or phase, blank id, no pin store); nothing changed. */
    public static final String INVALID = "invalid";

    /** Whether the move was made. */
    public boolean applied() {
        return APPLIED.equals(outcome);
    }
}
