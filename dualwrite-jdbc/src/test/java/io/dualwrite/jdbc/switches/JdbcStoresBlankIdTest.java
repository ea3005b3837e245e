package io.dualwrite.jdbc.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDBC switch and pin stores refuse null and blank migration names, order ids and merchant ids with the
 * message every other entry point uses, before they ask for a connection: the data source here fails the
 * test if it is ever touched.
 */
class JdbcStoresBlankIdTest {

    private static final String[] BAD = {null, "", "  "};

    @FunctionalInterface
    interface IdCall {
        void call(@Nullable String id) throws Exception;
    }

    static Stream<Arguments> entryPointsAndBadIds() {
        JdbcSwitchStore switches = JdbcSwitchStore.create(untouchable());
        JdbcOrderPinStore pins = JdbcOrderPinStore.create(untouchable());
        List<Object[]> entries = List.of(
                required("JdbcSwitchStore.load", "migration", switches::load),
                required("JdbcSwitchStore.setSystemPhase", "migration", id -> switches.setSystemPhase(id, DUAL_WRITE)),
                required("JdbcSwitchStore.setMerchantPhase", "migration",
                        id -> switches.setMerchantPhase(id, "m-1", DUAL_WRITE)),
                required("JdbcSwitchStore.setMerchantPhase", "merchantId",
                        id -> switches.setMerchantPhase("orders", id, DUAL_WRITE)),
                required("JdbcSwitchStore.setMerchantPhase (clearing)", "merchantId",
                        id -> switches.setMerchantPhase("orders", id, null)),
                required("JdbcSwitchStore.setOrderPhase", "migration",
                        id -> switches.setOrderPhase(id, "o-1", DUAL_WRITE)),
                required("JdbcSwitchStore.setOrderPhase", "orderId",
                        id -> switches.setOrderPhase("orders", id, DUAL_WRITE)),
                required("JdbcSwitchStore.setRules", "migration", id -> switches.setRules(id, List.of())),
                required("JdbcOrderPinStore.find", "migration", id -> pins.find(id, "o-1")),
                required("JdbcOrderPinStore.find", "orderId", id -> pins.find("orders", id)),
                required("JdbcOrderPinStore.pinIfAbsent", "migration",
                        id -> pins.pinIfAbsent(id, "o-1", null, DUAL_WRITE)),
                required("JdbcOrderPinStore.pinIfAbsent", "orderId",
                        id -> pins.pinIfAbsent("orders", id, null, DUAL_WRITE)),
                optional("JdbcOrderPinStore.pinIfAbsent", "merchantId",
                        id -> pins.pinIfAbsent("orders", "o-1", id, DUAL_WRITE)),
                required("JdbcOrderPinStore.repin", "migration", id -> pins.repin(id, "o-1", DUAL_WRITE)),
                required("JdbcOrderPinStore.repin", "orderId", id -> pins.repin("orders", id, DUAL_WRITE)),
                required("JdbcOrderPinStore.repinMerchant", "migration",
                        id -> pins.repinMerchant(id, "m-1", DUAL_WRITE)),
                required("JdbcOrderPinStore.repinMerchant", "merchantId",
                        id -> pins.repinMerchant("orders", id, DUAL_WRITE)),
                required("JdbcOrderPinStore.repinAll", "migration", id -> pins.repinAll(id, DUAL_WRITE)),
                required("JdbcOrderPinStore.unpin", "migration", id -> pins.unpin(id, "o-1")),
                required("JdbcOrderPinStore.unpin", "orderId", id -> pins.unpin("orders", id)));
        List<Arguments> cases = new ArrayList<>();
        for (Object[] entry : entries) {
            for (String bad : BAD) {
                if (bad != null || !(Boolean) entry[2]) {
                    cases.add(Arguments.of(entry[0], entry[1], bad, entry[3]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} refuses {1} = [{2}]")
    @MethodSource("entryPointsAndBadIds")
    void nullAndBlankIdsAreRefusedBeforeTheDatabaseIsAsked(String name, String property, @Nullable String bad,
            IdCall call) {
        assertThatThrownBy(() -> call.call(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(property + " must be a non-blank id, but was " + (bad == null ? "null" : "'" + bad + "'"));
    }

    private static Object[] required(String name, String property, IdCall call) {
        return new Object[] {name, property, false, call};
    }

    /** An optional id: null means "none" and is accepted, blank is refused. */
    private static Object[] optional(String name, String property, IdCall call) {
        return new Object[] {name, property, true, call};
    }

    private static DataSource untouchable() {
        return (DataSource) Proxy.newProxyInstance(JdbcStoresBlankIdTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "untouchable DataSource";
                    }
                    throw new AssertionError("the id check must come before the database, but " + method.getName()
                            + " was called");
                });
    }
}
