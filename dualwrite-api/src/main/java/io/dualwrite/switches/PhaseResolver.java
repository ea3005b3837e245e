package io.dualwrite.switches;

import io.dualwrite.MigrationContext;
import io.dualwrite.internal.Checks;
import java.util.Collection;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

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

    /**
     * Whether the phase of a write of {@code migration} may depend on its merchant id: some merchant switch or
     * merchant rule names a phase other than the system's. The JDBC write path asks it of a write whose rows it
     * cannot attribute to a merchant (the table's mapping names no merchant column and no context gives one):
     * the copier decides each row's copy by the row's own ids, so while this answers {@code true} such a write
     * gets a scoped resync of its table instead of a copy the copier would decide blind.
     *
     * <p>The default answers {@code true}, the safe answer for a resolver that cannot tell.
     */
    default boolean mayVaryByMerchant(String migration) {
        return true;
    }

    /**
     * Whether the phase of a write of {@code migration} may depend on its order id: some order switch or id rule
     * names a phase other than the system's; see {@link #mayVaryByMerchant}. The default answers
     * {@code true}.
     */
    default boolean mayVaryByOrder(String migration) {
        return true;
    }

    /**
     * Checks, at start-up, that this resolver can resolve calls of {@code migration}. Every builder that is given
     * a migration name together with a resolver (the mirror configuration of a {@code DualWriter}, the JDBC data
     * source, the reconciler, the copier, the backfill) calls it, so that a misspelt name fails when the
     * application starts, with one message wherever it was given, instead of on the first write.
     *
     * <p>The default accepts any non-blank name: a resolver that does not list its migrations cannot tell.
     *
     * @param property the setting the name was given as, named in the message ({@code migration})
     * @return {@code migration}
     * @throws IllegalArgumentException when {@code migration} is null or blank, or this resolver does not know it;
     *                                  the message names the property, the value, the known migrations and the
     *                                  fix
     */
    default String requireKnownMigration(String property, String migration) {
        return Checks.requireMigration(property, migration);
    }

    /**
     * Why a tool that copies or compares rows of {@code migration} by the switches (the backfill, a verification)
     * must not start yet, or empty when it may: another instance of the application reads the switches again only
     * within its switch cache's refresh interval, and until then writes under the phase before a change, neither
     * mirrored nor recorded when that phase did not mirror. A row the tool reads before such a write lands would
     * never reach the new store. So a change of a switch that may decide the phase of {@code merchantId}'s rows
     * ({@code null}: any row) must be older than the refresh interval plus a margin, by the switch store's clock.
     *
     * <p>The default answers empty: a resolver without shared, timed switches has no such window.
     *
     * @return the reason, naming the switch, when it changed and when the tool may start
     * @throws IllegalStateException when the switch store cannot say when its switches changed
     */
    default Optional<String> unsettledSwitch(String migration, @Nullable String merchantId) {
        return Optional.empty();
    }

    /**
     * The newest change of a switch that may decide the phase of {@code merchantId}'s rows ({@code null}: any row),
     * as the switch store keeps it ({@link SwitchStore#lastChange}, the store's clock). A verification records the
     * one it saw at its start, so that the phase gate counts only runs that started after the scope's switches last
     * moved ({@link VerificationProbe#lastVerificationSince}).
     *
     * <p>The default answers empty: a resolver without shared, timed switches keeps no change times.
     *
     * @throws IllegalStateException when the switch store cannot say when its switches changed
     */
    default Optional<SwitchChange> lastSwitchChange(String migration, @Nullable String merchantId) {
        return Optional.empty();
    }

    /**
     * A resolver that answers for {@code contexts} (rows of {@code migration}) from the switches as they are stored
     * now, read once for it and never from a cache: what a copy into one store checks, just before it commits,
     * against the phases it was resolved under, since another instance may have moved a scope's authority while this
     * one's cache still held the phase before (round 25, {@code docs/decisions.md}). Only the switches that can decide
     * these contexts are read (the system switch, the rules, and their merchants' and orders' own switches:
     * {@link SwitchStore#load(String, java.util.Set, java.util.Set)}), so it may answer other contexts wrongly. It
     * answers {@link #resolveRead} only ({@link #resolveWrite} as a read: it never pins an order); order pins are read
     * from the pin store, as every resolution reads them.
     *
     * <p>The default answers empty: a resolver without cached, shared switches always answers from the switches as
     * they are, so a check has nothing to add.
     *
     * @throws RuntimeException when the switch store cannot be read (the check cannot tell whether a switch moved)
     *                          (its answers throw {@link IllegalStateException} when an order pin they need cannot
     *                          be read: never an answer from below the pin, round 25b)
     * @throws IllegalArgumentException when the migration was not configured
     */
    default Optional<PhaseResolver> current(String migration, Collection<MigrationContext> contexts) {
        return Optional.empty();
    }

    /**
     * How many times the switches that decide {@code context} may have moved its authoritative store, as this
     * resolver's switches say ({@link SwitchSettings#authorityMoves(String, String)}): a count that only grows. A
     * copier takes it before it resolves a row and compares it with {@link #current}'s before its commit, so that a
     * move across the authority and back while the sync ran (the same phase at both ends) is seen (round 27,
     * {@code docs/decisions.md}).
     *
     * <p>The default answers 0: a resolver that keeps no counts; the check then compares phases only.
     */
    default long authorityMoves(MigrationContext context) {
        return 0;
    }

    /**
     * {@link #authorityMoves} as this resolver answers it now for the contexts of {@code migration}, kept as it is: a
     * mirror takes it when the write's transaction commits and its sync compares the switches as stored before its own
     * commit with it, not with the counts its resolver answers when the sync starts. A sync that waited in its queue
     * while the authority moved and came back and the instance's cache refreshed took its counts after the return
     * and committed its older row over the write made between (round 27b, {@code docs/decisions.md}).
     *
     * <p>The default answers {@link #authorityMoves} as it stands when asked (a resolver that keeps no snapshot).
     */
    default ToLongFunction<MigrationContext> authorityMovesNow(String migration) {
        return this::authorityMoves;
    }
}
