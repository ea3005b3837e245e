package io.dualwrite;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle of a migration: which stores are written, which is read, and which is authoritative.
 *
 * <p>Phases are ordered: moving to a later phase is "forward", to an earlier one "rollback". Every
 * move is allowed in both directions; forward moves past {@link #DUAL_WRITE} are gated (see
 * {@link io.dualwrite.switches.PhaseGate}).
 */
public enum MigrationPhase {
    /** Writes and reads go to the old store only. */
    OLD_ONLY(Store.OLD, Store.OLD, false, false),
    /** Writes go to the old store, then are mirrored to the new one; reads come from the old store. */
    DUAL_WRITE(Store.OLD, Store.OLD, true, false),
    /** As {@link #DUAL_WRITE}; a sample of reads is also taken from the new store and compared. */
    SHADOW_READ(Store.OLD, Store.OLD, true, true),
    /** The new store is authoritative; writes are mirrored back to the old one; a sample of reads is compared. */
    NEW_PRIMARY(Store.NEW, Store.NEW, true, true),
    /** Writes and reads go to the new store only. */
    NEW_ONLY(Store.NEW, Store.NEW, false, false);

    private final Store authoritative;
    private final Store readsFrom;
    private final boolean mirrors;
    private final boolean shadowReads;

    MigrationPhase(Store authoritative, Store readsFrom, boolean mirrors, boolean shadowReads) {
        this.authoritative = authoritative;
        this.readsFrom = readsFrom;
        this.mirrors = mirrors;
        this.shadowReads = shadowReads;
    }

    /** The store whose result the caller sees and whose exceptions propagate. */
    public Store authoritative() {
        return authoritative;
    }

    /** The store reads are served from. */
    public Store readsFrom() {
        return readsFrom;
    }

    /** Whether writes are mirrored to the non-authoritative store. */
    public boolean mirrors() {
        return mirrors;
    }

    /** The store that receives mirrored writes, if this phase mirrors. */
    public Optional<Store> mirrorTarget() {
        return mirrors ? Optional.of(authoritative.other()) : Optional.empty();
    }

    /** Whether a sample of reads is also taken from the non-authoritative store and compared. */
    public boolean shadowReads() {
        return shadowReads;
    }

    /** Whether writes reach the given store in this phase (authoritatively or as a mirror). */
    public boolean writes(Store store) {
        return store == authoritative || mirrors;
    }

    /** Whether a move from this phase to {@code target} goes forward past {@link #DUAL_WRITE}, and so is gated. */
    public boolean isGatedMoveTo(MigrationPhase target) {
        return target.ordinal() > ordinal() && target.ordinal() > DUAL_WRITE.ordinal();
    }

    /**
     * Parses a phase name, case-insensitively, accepting {@code -} for {@code _}.
     *
     * @param property the configuration property the value came from, named in the error message
     * @throws IllegalArgumentException naming the property, the value and the allowed values
     */
    public static MigrationPhase parse(String property, @Nullable String value) {
        if (value != null) {
            String normalised = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            for (MigrationPhase phase : values()) {
                if (phase.name().equals(normalised)) {
                    return phase;
                }
            }
        }
        throw new IllegalArgumentException(property + " must be one of " + allowedNames() + ", but was '" + value + "'");
    }

    private static String allowedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
