package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.List;
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

    /** The current switches of a migration; {@link SwitchSettings#empty()} when none are stored. */
    SwitchSettings load(String migration);

    /** Sets the system phase of a migration. */
    void setSystemPhase(String migration, MigrationPhase phase);

    /** Sets a merchant's phase, or clears it when {@code phase} is {@code null}. */
    void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase);

    /** Sets an order's phase, or clears it when {@code phase} is {@code null}. */
    void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase);

    /** Replaces the rules of a migration; they are evaluated in list order. */
    void setRules(String migration, List<SwitchRule> rules);
}
