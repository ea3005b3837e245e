package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PinningTest {

    private final SwitchStore store = SwitchStores.inMemory();
    private final OrderPinStore pins = OrderPinStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder()
            .cachedSwitchStore(store)
            .orderPinStore(pins)
            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
            .migration(MigrationSwitchConfig.of("unpinned"))
            .build();
    private final SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.open());

    private static MigrationContext order(String orderId, String merchantId) {
        return MigrationContext.forMigration("orders").orderId(orderId).merchantId(merchantId).build();
    }

    @Test
    void writePinsTheOrderToThePhaseOfTheLowerScopes() {
        store.setMerchantPhase("orders", "m-1", DUAL_WRITE);

        assertThat(switchboard.resolveWrite(order("o-1", "m-1")))
                .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.MERCHANT_SWITCH));
        assertThat(pins.find("orders", "o-1")).contains(DUAL_WRITE);
        assertThat(switchboard.resolveWrite(order("o-1", "m-1")))
                .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.ORDER_PIN));
    }

    @Test
    void pinSurvivesMerchantAndSystemFlips() {
        store.setMerchantPhase("orders", "m-1", DUAL_WRITE);
        switchboard.resolveWrite(order("o-1", "m-1"));

        store.setMerchantPhase("orders", "m-1", OLD_ONLY);
        assertThat(switchboard.resolveWrite(order("o-1", "m-1")).phase()).isEqualTo(DUAL_WRITE);
        assertThat(switchboard.resolveRead(order("o-1", "m-1")).phase()).isEqualTo(DUAL_WRITE);

        store.setMerchantPhase("orders", "m-1", null);
        store.setSystemPhase("orders", NEW_PRIMARY);
        assertThat(switchboard.resolveWrite(order("o-1", "m-1"))).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.ORDER_PIN));
        assertThat(switchboard.resolveWrite(order("o-2", "m-1"))).isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.SYSTEM));
    }

    @Test
    void readsNeverCreatePins() {
        store.setSystemPhase("orders", DUAL_WRITE);
        assertThat(switchboard.resolveRead(order("o-1", "m-1"))).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.SYSTEM));
        assertThat(pins.find("orders", "o-1")).isEmpty();

        store.setSystemPhase("orders", OLD_ONLY);
        assertThat(switchboard.resolveRead(order("o-1", "m-1")).phase()).isEqualTo(OLD_ONLY);
    }

    @Test
    void writesWithoutOrderIdOrWithPinningOffCreateNoPins() {
        switchboard.resolveWrite(MigrationContext.forMigration("orders").merchantId("m-1").build());
        switchboard.resolveWrite(MigrationContext.forMigration("unpinned").orderId("o-9").build());
        assertThat(pins.repinAll("orders", OLD_ONLY)).isZero();
        assertThat(pins.find("unpinned", "o-9")).isEmpty();
    }

    @Test
    void orderSwitchWriteDoesNotPin() {
        store.setOrderPhase("orders", "o-1", SHADOW_READ);
        switchboard.resolveWrite(order("o-1", "m-1"));
        assertThat(pins.find("orders", "o-1")).isEmpty();
    }

    @Test
    void repinOfOneOrderChangesItsPhase() {
        store.setSystemPhase("orders", DUAL_WRITE);
        switchboard.resolveWrite(order("o-1", "m-1"));
        switchboard.resolveWrite(order("o-2", "m-1"));

        admin.repinOrder("orders", "o-1", OLD_ONLY, false);

        assertThat(switchboard.resolveWrite(order("o-1", "m-1")).phase()).isEqualTo(OLD_ONLY);
        assertThat(switchboard.resolveWrite(order("o-2", "m-1")).phase()).isEqualTo(DUAL_WRITE);
    }

    @Test
    void repinOfAMerchantsOrdersChangesOnlyThose() {
        store.setSystemPhase("orders", DUAL_WRITE);
        switchboard.resolveWrite(order("o-1", "m-1"));
        switchboard.resolveWrite(order("o-2", "m-1"));
        switchboard.resolveWrite(order("o-3", "m-2"));

        assertThat(admin.repinMerchant("orders", "m-1", OLD_ONLY, false)).isEqualTo(2);

        assertThat(switchboard.resolveRead(order("o-1", "m-1")).phase()).isEqualTo(OLD_ONLY);
        assertThat(switchboard.resolveRead(order("o-2", "m-1")).phase()).isEqualTo(OLD_ONLY);
        assertThat(switchboard.resolveRead(order("o-3", "m-2")).phase()).isEqualTo(DUAL_WRITE);
    }

    @Test
    void repinOfAllOrdersChangesEveryPin() {
        store.setSystemPhase("orders", DUAL_WRITE);
        switchboard.resolveWrite(order("o-1", "m-1"));
        switchboard.resolveWrite(order("o-2", "m-2"));
        store.setSystemPhase("orders", SHADOW_READ);

        assertThat(admin.repinAll("orders", SHADOW_READ, false)).isEqualTo(2);

        assertThat(switchboard.resolveRead(order("o-1", "m-1"))).isEqualTo(new Resolution(SHADOW_READ, SwitchScope.ORDER_PIN));
        assertThat(switchboard.resolveRead(order("o-2", "m-2")).phase()).isEqualTo(SHADOW_READ);
    }

    @Test
    void unpinnedOrderIsPinnedAfreshOnItsNextWrite() {
        store.setSystemPhase("orders", DUAL_WRITE);
        switchboard.resolveWrite(order("o-1", "m-1"));
        store.setSystemPhase("orders", SHADOW_READ);

        admin.unpin("orders", "o-1");

        assertThat(switchboard.resolveWrite(order("o-1", "m-1")).phase()).isEqualTo(SHADOW_READ);
        assertThat(pins.find("orders", "o-1")).contains(SHADOW_READ);
    }

    @Test
    void concurrentWritersPinningOneOrderAgree() throws Exception {
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 50; round++) {
                String orderId = "o-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<MigrationPhase>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    // Half the writers see a staler switch cache: their lower scopes give another phase.
                    MigrationContext context = w % 2 == 0 ? order(orderId, "m-new") : order(orderId, "m-old");
                    results.add(pool.submit(() -> {
                        start.await();
                        return switchboard.resolveWrite(context).phase();
                    }));
                }
                store.setMerchantPhase("orders", "m-new", DUAL_WRITE);
                start.countDown();
                List<MigrationPhase> phases = new ArrayList<>();
                for (Future<MigrationPhase> result : results) {
                    phases.add(result.get(60, TimeUnit.SECONDS));
                }
                assertThat(phases).as("round %d", round).containsOnly(pins.find("orders", orderId).orElseThrow());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pinStoreFailureFallsThroughToLowerScopesAndIsLoggedOncePerInterval() {
        FakeTicker ticker = new FakeTicker();
        Switchboard failing = Switchboard.builder()
                .cachedSwitchStore(store)
                .orderPinStore(new BrokenPinStore())
                .refreshInterval(Duration.ofSeconds(1))
                .ticker(ticker)
                .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
                .build();
        store.setMerchantPhase("orders", "m-1", DUAL_WRITE);

        try (LogCapture logs = LogCapture.of(Switchboard.class)) {
            for (int i = 0; i < 100; i++) {
                assertThat(failing.resolveWrite(order("o-" + i, "m-1")))
                        .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.MERCHANT_SWITCH));
                assertThat(failing.resolveRead(order("o-" + i, "m-1")).phase()).isEqualTo(DUAL_WRITE);
            }
            assertThat(logs.messages(Level.WARN)).hasSize(1);
            assertThat(logs.messages(Level.WARN).get(0)).contains("'orders'", "pin table unreachable");

            ticker.advance(Duration.ofMillis(1_001));
            failing.resolveWrite(order("o-1", "m-1"));
            assertThat(logs.messages(Level.WARN)).hasSize(2);
        }
    }

    @Test
    void pinningNeedsAPinStoreAtBuildTime() {
        assertThatThrownBy(() -> Switchboard.builder()
                .switchStore(store)
                .migration(MigrationSwitchConfig.of("payments"))
                .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orderPinStore is required")
                .hasMessageContaining("[orders]");
    }

    @Test
    void repinWithoutPinStoreIsRejected() {
        Switchboard noPins = Switchboard.builder().switchStore(store).migration(MigrationSwitchConfig.of("orders")).build();
        assertThatThrownBy(() -> SwitchAdmin.of(noPins, PhaseGate.open()).repinAll("orders", OLD_ONLY, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no order-pin store");
    }

    /** A pin store whose database is down. */
    private static final class BrokenPinStore implements OrderPinStore {
        @Override
        public Optional<MigrationPhase> find(String migration, String orderId) {
            throw new IllegalStateException("pin table unreachable");
        }

        @Override
        public MigrationPhase pinIfAbsent(String migration, String orderId, @Nullable String merchantId,
                MigrationPhase phase) {
            throw new IllegalStateException("pin table unreachable");
        }

        @Override
        public void repin(String migration, String orderId, MigrationPhase phase) {
            throw new IllegalStateException("pin table unreachable");
        }

        @Override
        public int repinMerchant(String migration, String merchantId, MigrationPhase phase) {
            throw new IllegalStateException("pin table unreachable");
        }

        @Override
        public int repinAll(String migration, MigrationPhase phase) {
            throw new IllegalStateException("pin table unreachable");
        }

        @Override
        public void unpin(String migration, String orderId) {
            throw new IllegalStateException("pin table unreachable");
        }
    }
}
