package io.dualwrite.benchmarks;

import io.dualwrite.MigrationPhase;
import io.dualwrite.mirror.MirrorMode;
import org.jspecify.annotations.Nullable;

/** What sits between the benchmark's application code and the two stores. */
public enum Variant {
    /** The old store's pool alone: the baseline every ratio is taken against. */
    RAW("raw", null, null, NewStore.HEALTHY),
    /** Hand-written double write on the caller's thread: old, then new, the new one's exception swallowed. */
    SERIAL_DOUBLE("serialDouble", null, null, NewStore.HEALTHY),
    /** {@code DualWriteDataSource} in {@code OLD_ONLY}: the cost of having the library in place. */
    OLD_ONLY("oldOnly", MigrationPhase.OLD_ONLY, MirrorMode.ASYNC, NewStore.HEALTHY),
    /** {@code DUAL_WRITE}, asynchronous mirrors. */
    ASYNC_DUAL("asyncDual", MigrationPhase.DUAL_WRITE, MirrorMode.ASYNC, NewStore.HEALTHY),
    /** {@code DUAL_WRITE}, synchronous (bounded) mirrors. */
    SYNC_DUAL("syncDual", MigrationPhase.DUAL_WRITE, MirrorMode.SYNC, NewStore.HEALTHY),
    /** {@code DUAL_WRITE}, async, every statement and commit on the new store 20 ms slower. */
    ASYNC_SLOW_NEW("asyncSlowNew", MigrationPhase.DUAL_WRITE, MirrorMode.ASYNC, NewStore.SLOW),
    /** {@code DUAL_WRITE}, async, the new store refuses connections. */
    ASYNC_NEW_DOWN("asyncNewDown", MigrationPhase.DUAL_WRITE, MirrorMode.ASYNC, NewStore.DOWN);

    /** The state of the new store in a variant. */
    public enum NewStore { HEALTHY, SLOW, DOWN }

    private final String id;
    private final @Nullable MigrationPhase phase;
    private final @Nullable MirrorMode mode;
    private final NewStore newStore;

    Variant(String id, @Nullable MigrationPhase phase, @Nullable MirrorMode mode, NewStore newStore) {
        this.id = id;
        this.phase = phase;
        this.mode = mode;
        this.newStore = newStore;
    }

    /** The name used as the JMH parameter value and in the report. */
    public String id() {
        return id;
    }

    /** The phase of the {@code DualWriteDataSource}; {@code null} for the hand-written baselines. */
    public @Nullable MigrationPhase phase() {
        return phase;
    }

    /** The mirror mode; {@code null} for the hand-written baselines. */
    public @Nullable MirrorMode mode() {
        return mode;
    }

    public NewStore newStore() {
        return newStore;
    }

    /** Whether the library mirrors writes in this variant (so an iteration ends by waiting for them). */
    public boolean mirrors() {
        return phase != null && phase.mirrors();
    }

    /** The variant named {@code id} ({@code "asyncDual"} …). */
    public static Variant of(String id) {
        for (Variant variant : values()) {
            if (variant.id.equalsIgnoreCase(id)) {
                return variant;
            }
        }
        throw new IllegalArgumentException("variant must be one of raw, serialDouble, oldOnly, asyncDual, syncDual,"
                + " asyncSlowNew, asyncNewDown, but was '" + id + "'");
    }

    @Override
    public String toString() {
        return id;
    }
}
