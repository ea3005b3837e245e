package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryStoresTest {

    @Test
    void switchStoreStartsEmptyAndKeepsMigrationsApart() {
        SwitchStore store = SwitchStores.inMemory();
        assertThat(store.load("orders")).isEqualTo(SwitchSettings.empty());

        store.setSystemPhase("orders", DUAL_WRITE);
        store.setMerchantPhase("orders", "m-1", SHADOW_READ);
        store.setOrderPhase("orders", "o-1", NEW_PRIMARY);
        store.setRules("orders", List.of(SwitchRule.idThreshold(5, DUAL_WRITE)));

        assertThat(store.load("orders")).isEqualTo(new SwitchSettings(DUAL_WRITE, java.util.Map.of("m-1", SHADOW_READ),
                java.util.Map.of("o-1", NEW_PRIMARY), List.of(SwitchRule.idThreshold(5, DUAL_WRITE))));
        assertThat(store.load("payments")).isEqualTo(SwitchSettings.empty());

        store.setMerchantPhase("orders", "m-1", null);
        store.setOrderPhase("orders", "o-1", null);
        assertThat(store.load("orders").merchantPhases()).isEmpty();
        assertThat(store.load("orders").orderPhases()).isEmpty();
    }

    @Test
    void concurrentMerchantFlipsAreAllKept() throws Exception {
        SwitchStore store = SwitchStores.inMemory();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        store.setMerchantPhase("orders", "m-" + thread + "-" + i, DUAL_WRITE);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.load("orders").merchantPhases()).hasSize(threads * 100);
    }

    @Test
    void pinCountsCountTheOrdersOfOneMigrationPerPhase() {
        OrderPinStore pins = OrderPinStores.inMemory();
        pins.pinIfAbsent("orders", "o-1", "m-1", DUAL_WRITE);
        pins.pinIfAbsent("orders", "o-2", "m-1", DUAL_WRITE);
        pins.pinIfAbsent("orders", "o-3", "m-2", OLD_ONLY);
        pins.pinIfAbsent("payments", "o-1", "m-1", NEW_PRIMARY);

        assertThat(pins.pinCounts("orders")).containsOnly(java.util.Map.entry(DUAL_WRITE, 2L),
                java.util.Map.entry(OLD_ONLY, 1L));
        assertThat(pins.pinCounts("none")).isEmpty();
    }

    @Test
    void pinIfAbsentKeepsTheFirstPin() {
        OrderPinStore pins = OrderPinStores.inMemory();
        assertThat(pins.pinIfAbsent("orders", "o-1", "m-1", DUAL_WRITE)).isEqualTo(DUAL_WRITE);
        assertThat(pins.pinIfAbsent("orders", "o-1", "m-1", OLD_ONLY)).isEqualTo(DUAL_WRITE);
        assertThat(pins.find("orders", "o-1")).contains(DUAL_WRITE);
        assertThat(pins.find("payments", "o-1")).isEmpty();
    }

    @Test
    void repinKeepsTheMerchantSoMerchantRepinsStillFindTheOrder() {
        OrderPinStore pins = OrderPinStores.inMemory();
        pins.pinIfAbsent("orders", "o-1", "m-1", DUAL_WRITE);
        pins.repin("orders", "o-1", OLD_ONLY);
        pins.repin("orders", "o-2", SHADOW_READ);

        assertThat(pins.repinMerchant("orders", "m-1", NEW_PRIMARY)).isEqualTo(1);
        assertThat(pins.find("orders", "o-1")).contains(NEW_PRIMARY);
        assertThat(pins.find("orders", "o-2")).contains(SHADOW_READ);
        assertThat(pins.repinAll("orders", OLD_ONLY)).isEqualTo(2);
        assertThat(pins.repinAll("payments", OLD_ONLY)).isZero();

        pins.unpin("orders", "o-1");
        assertThat(pins.find("orders", "o-1")).isEmpty();
    }

    @Test
    void racingPinnersAgreeOnOnePhase() throws Exception {
        OrderPinStore pins = OrderPinStores.inMemory();
        MigrationPhase[] phases = MigrationPhase.values();
        int threads = 10;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<MigrationPhase>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                MigrationPhase mine = phases[t % phases.length];
                results.add(pool.submit(() -> {
                    start.await();
                    return pins.pinIfAbsent("orders", "o-1", "m-1", mine);
                }));
            }
            List<MigrationPhase> agreed = new java.util.ArrayList<>();
            for (Future<MigrationPhase> result : results) {
                agreed.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(agreed).containsOnly(pins.find("orders", "o-1").orElseThrow());
        } finally {
            pool.shutdownNow();
        }
    }
}
