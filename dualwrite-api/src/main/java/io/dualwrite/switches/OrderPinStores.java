package io.dualwrite.switches;

/** Factories for {@link OrderPinStore}s. The JDBC pin store lives in {@code dualwrite-jdbc}. */
public final class OrderPinStores {

    private OrderPinStores() {
    }

    /**
     * A new, empty pin store held in this JVM: thread-safe, {@code pinIfAbsent} atomic. Pins are lost on
     * restart and not shared with other instances, so use it for tests and single-node applications.
     */
    public static OrderPinStore inMemory() {
        return new InMemoryOrderPinStore();
    }
}
