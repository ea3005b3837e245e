package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every entry point of the switches that takes a migration name, an order id or a merchant id refuses null,
 * empty and blank values with the same message, naming the argument, before any store is touched.
 */
class BlankIdRejectionTest {

    private static final String[] BAD = {null, "", "  "};

    /** Calls an entry point with the id under test in one argument position. */
    @FunctionalInterface
    interface IdCall {
        void call(@Nullable String id) throws Exception;
    }

    /** One entry point and argument; {@code nullMeansNone} for optional ids, where only blank is refused. */
    record EntryPoint(String name, String property, boolean nullMeansNone, IdCall call) {
        static EntryPoint required(String name, String property, IdCall call) {
            return new EntryPoint(name, property, false, call);
        }

        static EntryPoint optional(String name, String property, IdCall call) {
            return new EntryPoint(name, property, true, call);
        }
    }

    static Stream<Arguments> entryPointsAndBadIds() {
        List<Arguments> cases = new ArrayList<>();
        for (EntryPoint entry : entryPoints()) {
            for (String bad : BAD) {
                if (bad != null || !entry.nullMeansNone()) {
                    cases.add(Arguments.of(entry.name(), entry.property(), bad, entry));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} refuses {1} = [{2}]")
    @MethodSource("entryPointsAndBadIds")
    void nullAndBlankIdsAreRefusedWithOneMessageNamingTheArgument(String name, String property, @Nullable String bad,
            EntryPoint entry) {
        assertThatThrownBy(() -> entry.call().call(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(property + " must be a non-blank id, but was " + (bad == null ? "null" : "'" + bad + "'"));
    }

    private static List<EntryPoint> entryPoints() {
        List<EntryPoint> all = new ArrayList<>();
        all.add(EntryPoint.required("MigrationSwitchConfig.builder", "migration", MigrationSwitchConfig::builder));
        all.addAll(switchStore("in-memory", SwitchStores.inMemory()));
        all.addAll(switchStore("cached", SwitchStores.cached(SwitchStores.inMemory())));
        all.addAll(switchStore("cached over a store that never checks", SwitchStores.cached(new LenientSwitchStore())));
        all.addAll(pinStore("in-memory", OrderPinStores.inMemory()));

        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .orderPinStore(OrderPinStores.inMemory())
                .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();
        all.add(EntryPoint.required("Switchboard.config", "migration", switchboard::config));
        all.add(EntryPoint.required("Switchboard.systemPhase", "migration", switchboard::systemPhase));
        all.add(EntryPoint.required("Switchboard.merchantPhase", "merchantId",
                id -> switchboard.merchantPhase("orders", id)));

        SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.open());
        all.addAll(Arrays.asList(
                EntryPoint.required("SwitchAdmin.moveSystem", "migration",
                        id -> admin.moveSystem(id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.moveMerchant", "migration",
                        id -> admin.moveMerchant(id, "m-1", DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.moveMerchant", "merchantId",
                        id -> admin.moveMerchant("orders", id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.clearMerchant", "migration",
                        id -> admin.clearMerchant(id, "m-1", false)),
                EntryPoint.required("SwitchAdmin.clearMerchant", "merchantId",
                        id -> admin.clearMerchant("orders", id, false)),
                EntryPoint.required("SwitchAdmin.moveOrder", "migration",
                        id -> admin.moveOrder(id, "o-1", DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.moveOrder", "orderId",
                        id -> admin.moveOrder("orders", id, DUAL_WRITE, false)),
                EntryPoint.optional("SwitchAdmin.moveOrder", "merchantId",
                        id -> admin.moveOrder("orders", "o-1", id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.clearOrder", "migration",
                        id -> admin.clearOrder(id, "o-1", null, false)),
                EntryPoint.required("SwitchAdmin.clearOrder", "orderId",
                        id -> admin.clearOrder("orders", id, null, false)),
                EntryPoint.optional("SwitchAdmin.clearOrder", "merchantId",
                        id -> admin.clearOrder("orders", "o-1", id, false)),
                EntryPoint.required("SwitchAdmin.setRules", "migration", id -> admin.setRules(id, List.of(), false)),
                EntryPoint.required("SwitchAdmin.repinOrder", "migration",
                        id -> admin.repinOrder(id, "o-1", DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.repinOrder", "orderId",
                        id -> admin.repinOrder("orders", id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.repinMerchant", "migration",
                        id -> admin.repinMerchant(id, "m-1", DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.repinMerchant", "merchantId",
                        id -> admin.repinMerchant("orders", id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.repinAll", "migration", id -> admin.repinAll(id, DUAL_WRITE, false)),
                EntryPoint.required("SwitchAdmin.unpin", "migration", id -> admin.unpin(id, "o-1")),
                EntryPoint.required("SwitchAdmin.unpin", "orderId", id -> admin.unpin("orders", id))));
        return all;
    }

    /** The id arguments of every {@link SwitchStore} method. */
    static List<EntryPoint> switchStore(String kind, SwitchStore store) {
        String prefix = kind + " SwitchStore.";
        return List.of(
                EntryPoint.required(prefix + "load", "migration", store::load),
                EntryPoint.required(prefix + "setSystemPhase", "migration", id -> store.setSystemPhase(id, DUAL_WRITE)),
                EntryPoint.required(prefix + "setMerchantPhase", "migration",
                        id -> store.setMerchantPhase(id, "m-1", DUAL_WRITE)),
                EntryPoint.required(prefix + "setMerchantPhase", "merchantId",
                        id -> store.setMerchantPhase("orders", id, DUAL_WRITE)),
                EntryPoint.required(prefix + "setMerchantPhase (clearing)", "merchantId",
                        id -> store.setMerchantPhase("orders", id, null)),
                EntryPoint.required(prefix + "setOrderPhase", "migration",
                        id -> store.setOrderPhase(id, "o-1", DUAL_WRITE)),
                EntryPoint.required(prefix + "setOrderPhase", "orderId",
                        id -> store.setOrderPhase("orders", id, DUAL_WRITE)),
                EntryPoint.required(prefix + "setRules", "migration", id -> store.setRules(id, List.of())));
    }

    /** The id arguments of every {@link OrderPinStore} method. */
    static List<EntryPoint> pinStore(String kind, OrderPinStore pins) {
        String prefix = kind + " OrderPinStore.";
        return List.of(
                EntryPoint.required(prefix + "find", "migration", id -> pins.find(id, "o-1")),
                EntryPoint.required(prefix + "find", "orderId", id -> pins.find("orders", id)),
                EntryPoint.required(prefix + "pinIfAbsent", "migration",
                        id -> pins.pinIfAbsent(id, "o-1", "m-1", DUAL_WRITE)),
                EntryPoint.required(prefix + "pinIfAbsent", "orderId",
                        id -> pins.pinIfAbsent("orders", id, "m-1", DUAL_WRITE)),
                EntryPoint.optional(prefix + "pinIfAbsent", "merchantId",
                        id -> pins.pinIfAbsent("orders", "o-1", id, DUAL_WRITE)),
                EntryPoint.required(prefix + "repin", "migration", id -> pins.repin(id, "o-1", DUAL_WRITE)),
                EntryPoint.required(prefix + "repin", "orderId", id -> pins.repin("orders", id, DUAL_WRITE)),
                EntryPoint.required(prefix + "repinMerchant", "migration",
                        id -> pins.repinMerchant(id, "m-1", DUAL_WRITE)),
                EntryPoint.required(prefix + "repinMerchant", "merchantId",
                        id -> pins.repinMerchant("orders", id, DUAL_WRITE)),
                EntryPoint.required(prefix + "repinAll", "migration", id -> pins.repinAll(id, DUAL_WRITE)),
                EntryPoint.required(prefix + "unpin", "migration", id -> pins.unpin(id, "o-1")),
                EntryPoint.required(prefix + "unpin", "orderId", id -> pins.unpin("orders", id)));
    }

    /** A backing store that accepts anything, so that only the cache in front of it can refuse. */
    private static final class LenientSwitchStore implements SwitchStore {
        @Override
        public SwitchSettings load(String migration) {
            return SwitchSettings.empty();
        }

        @Override
        public void setSystemPhase(String migration, io.dualwrite.MigrationPhase phase) {
        }

        @Override
        public void setMerchantPhase(String migration, String merchantId, io.dualwrite.MigrationPhase phase) {
        }

        @Override
        public void setOrderPhase(String migration, String orderId, io.dualwrite.MigrationPhase phase) {
        }

        @Override
        public void setRules(String migration, List<SwitchRule> rules) {
        }
    }
}
