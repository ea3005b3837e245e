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
}
