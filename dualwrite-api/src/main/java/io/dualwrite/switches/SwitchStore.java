package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where switches live: in memory, in configuration, or in a table shared by every instance of the
 * application. Reads go through a cache ({@link SwitchStores#cached}); writes are operator actions.
 *
 * <p>Implementations are thread-safe. {@link #load} may throw when the backing store cannot be read;
 * the cache then keeps the last known good settings. Every method refuses a null or blank migration name,
 * merchant id or order id with an {@link IllegalArgumentException} naming the argument
 * ({@code orderId must be a non-blank id, but was ''}), before the store is touched.
 */
public interface SwitchStore {

    /**
     * The current switches of a migration; {@link SwitchSettings#empty()} when none are stored, never {@code null}
     * (a {@code null} answer is taken as a failed read: the cache keeps its last known good settings, and a sync's
     * check of the authority fails and records its keys).
     */
    SwitchSettings load(String migration);

    /**
     * The current switches of a migration that can decide the phase of rows of the given merchants and orders: the
     * system switch, the rules, and the merchant and order switches of exactly these ids (as stored: the ids are
     * compared as they are given); switches of other merchants and orders may be left out. What a check of a few
     * rows reads instead of every switch of a migration that moves merchant by merchant (thousands of rows).
     *
     * <p>The default loads every switch ({@link #load(String)}).
     *
     * @throws IllegalStateException when the backing store cannot be read
     */
    default SwitchSettings load(String migration, Set<String> merchantIds, Set<String> orderIds) {
        return load(migration);
    }

    /** Sets the system phase of a migration. */
    void setSystemPhase(String migration, MigrationPhase phase);

    /** Sets a merchant's phase, or clears it when {@code phase} is {@code null}. */
    void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase);

    /** Sets an order's phase, or clears it when {@code phase} is {@code null}. */
    void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase);

    /** Replaces the rules of a migration; they are evaluated in list order. */
    void setRules(String migration, List<SwitchRule> rules);

    /**
     * Keeps the time order pins were moved by an operator ({@link SwitchAdmin#repinOrder}, {@link
     * SwitchAdmin#repinMerchant}, {@link SwitchAdmin#repinAll}, {@link SwitchAdmin#unpin}), so that {@link #lastChange}
     * counts it: a pinned order's writes take its pin's phase whatever the switches say, so a pin rolled back to a
     * phase that does not mirror lets writes reach one store only, as a switch rolled back does. {@code merchantId}
     * names the merchant whose pins moved, {@code orderId} the one order whose pin moved or was removed (its merchant
     * unknown: it counts for every merchant); with neither, every pin of the migration moved. Called after the pins
     * moved. The default keeps nothing (a store without change times, whose {@link #lastChange} is empty).
     *
     * @throws IllegalStateException when the store cannot be written
     */
    default void pinsMoved(String migration, @Nullable String merchantId, @Nullable String orderId) {
    }

    /**
     * The most recent change of the switches of {@code migration} that may decide the phase of {@code merchantId}'s
     * rows (with {@code null}, of any row): the system switch, the rules, every order switch and, for a merchant,
     * its own switch (or every merchant switch for {@code null}), a cleared switch or replaced rules included, and
     * the order pins an operator moved ({@link #pinsMoved}: one order's, every pin's, and the merchant's own). Read
     * now from the backing store, with its own clock; never cached.
     *
     * <p>The default knows no change times and answers empty: a store that cannot say when its switches changed
     * cannot hold a tool back until every instance has seen a change (see {@link PhaseResolver#unsettledSwitch}).
     *
     * @throws IllegalStateException when the store cannot be read
     */
    default Optional<SwitchChange> lastChange(String migration, @org.jspecify.annotations.Nullable String merchantId) {
        return Optional.empty();
    }
}
