package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Durable record of the phase each order was first written under, so that every later call for the
 * order takes the same route whatever switch cache the node it lands on holds.
 *
 * <p>Implementations are thread-safe, and {@link #pinIfAbsent} is atomic across every instance that
 * shares the store: two nodes racing to pin one order agree on one phase. Every method refuses a null or
 * blank migration name, order id or merchant id (the merchant id of {@link #pinIfAbsent} may be null, for
 * unknown, but not blank) with an {@link IllegalArgumentException} naming the argument
 * ({@code orderId must be a non-blank id, but was '  '}), before the store is touched.
 */
public interface OrderPinStore {

    /** The phase an order is pinned to, if it is pinned. */
    Optional<MigrationPhase> find(String migration, String orderId);

    /**
     * Pins an order to {@code phase} unless it is pinned already, and returns the phase it is pinned to
     * afterwards (the existing one when another call won).
     */
    MigrationPhase pinIfAbsent(String migration, String orderId, @Nullable String merchantId, MigrationPhase phase);

    /** Operator action: re-pins one order to {@code phase}, pinned before or not. */
    void repin(String migration, String orderId, MigrationPhase phase);

    /** Operator action: re-pins every pinned order of a merchant; returns how many were re-pinned. */
    int repinMerchant(String migration, String merchantId, MigrationPhase phase);

    /** Operator action: re-pins every pinned order of a migration; returns how many were re-pinned. */
    int repinAll(String migration, MigrationPhase phase);

    /**
     * How many orders of a migration are pinned to each phase, for monitoring (phases with no pin are absent).
     *
     * @throws UnsupportedOperationException when this store cannot (the default)
     */
    default Map<MigrationPhase, Long> pinCounts(String migration) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot count its pins");
    }

    /**
     * The merchant an order was pinned with ({@link #pinIfAbsent}'s {@code merchantId}), if it is pinned and one was
     * given: what {@link SwitchAdmin#unpin} gates a removal by when the caller names no merchant. The default: none
     * known (the removal is then judged against the switches below the merchant).
     */
    default Optional<String> merchantOf(String migration, String orderId) {
        return Optional.empty();
    }

    /** Operator action: removes an order's pin, so that its next write pins it afresh. */
    void unpin(String migration, String orderId);
}
