package io.dualwrite.switches;

import io.dualwrite.MigrationContext;

/**
 * Decides the phase of a call from its context, applying the scopes in precedence order: order switch,
 * order pin, merchant switch, rules, system.
 *
 * <p>Called on the caller's thread for every write and read: implementations answer from memory (a
 * cache) and never throw because a switch store cannot be read.
 */
public interface PhaseResolver {

    /** The phase for a write; with pinning on, pins the order when it is not pinned yet. */
    Resolution resolveWrite(MigrationContext context);

    /** The phase for a read; uses an existing pin but never creates one. */
    Resolution resolveRead(MigrationContext context);

    /**
     * The phase for a write that cannot be attributed to an order or a merchant (no context is open and
     * the statement carries no id). It must never skip a mirror that some switch of the migration asks
     * for: when the system phase does not mirror but an order, merchant or rule switch names another
     * phase, the write is mirrored ({@code OLD_ONLY} becomes {@code DUAL_WRITE}, {@code NEW_ONLY} becomes
     * {@code NEW_PRIMARY}). Mirroring a row that did not need it is harmless; missing one is drift.
     *
     * <p>The default resolves a context without ids, which suits resolvers that have no per-merchant
     * switches.
     */
    default Resolution resolveUnattributed(String migration) {
        return resolveWrite(MigrationContext.forMigration(migration).build());
    }
}
