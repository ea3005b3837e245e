package io.dualwrite.testing;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.PhaseResolver;
import io.dualwrite.switches.Resolution;
import io.dualwrite.switches.SwitchScope;
import java.util.concurrent.atomic.AtomicInteger;

/** Resolves every call to one phase, which a test may change; remembers the last write and counts reads. */
public final class FixedPhaseResolver implements PhaseResolver {

    /** The phase every call resolves to (system scope). */
    public volatile MigrationPhase phase;
    /** The context of the last write resolved. */
    public volatile MigrationContext lastWrite;
    /** How many reads were resolved. */
    public final AtomicInteger reads = new AtomicInteger();

    public FixedPhaseResolver(MigrationPhase phase) {
        this.phase = phase;
    }

    @Override
    public Resolution resolveWrite(MigrationContext context) {
        lastWrite = context;
        return new Resolution(phase, SwitchScope.SYSTEM);
    }

    @Override
    public Resolution resolveRead(MigrationContext context) {
        reads.incrementAndGet();
        return new Resolution(phase, SwitchScope.SYSTEM);
    }
}
