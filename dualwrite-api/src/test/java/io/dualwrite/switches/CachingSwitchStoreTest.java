package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationContext;
import io.dualwrite.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingSwitchStoreTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final FakeTicker ticker = new FakeTicker();
    private final FlakySwitchStore backing = new FlakySwitchStore();
    /** Refreshes run on the reading thread, so the fake ticker decides everything. */
    private final CachingSwitchStore cached = new CachingSwitchStore(backing, INTERVAL, ticker, Runnable::run);

    @Test
    void flipInBackingStoreIsSeenOnceTheIntervalHasPassed() {
        backing.setSystemPhase("orders", OLD_ONLY);
        assertThat(cached.load("orders").systemPhase()).isEqualTo(OLD_ONLY);

        backing.setSystemPhase("orders", DUAL_WRITE);
        assertThat(cached.load("orders").systemPhase()).as("served from the cache").isEqualTo(OLD_ONLY);

        ticker.advance(INTERVAL.plusMillis(1));
        assertThat(cached.load("orders").systemPhase()).isEqualTo(DUAL_WRITE);
    }

    @Test
    void readsWithinTheIntervalDoNotReachTheBackingStore() {
        for (int i = 0; i < 1_000; i++) {
            cached.load("orders");
        }
        assertThat(backing.loads).hasValue(1);
    }

    @Test
    void writeThroughTheCacheIsSeenAtOnceOnThisNode() {
        cached.load("orders");
        cached.setSystemPhase("orders", SHADOW_READ);
        cached.setMerchantPhase("orders", "m-1", NEW_PRIMARY);
        cached.setOrderPhase("orders", "o-1", DUAL_WRITE);
        cached.setRules("orders", List.of(SwitchRule.idThreshold(10, DUAL_WRITE)));

        SwitchSettings settings = cached.load("orders");
        assertThat(settings.systemPhase()).isEqualTo(SHADOW_READ);
        assertThat(settings.merchantPhases()).containsEntry("m-1", NEW_PRIMARY);
        assertThat(settings.orderPhases()).containsEntry("o-1", DUAL_WRITE);
        assertThat(settings.rules()).hasSize(1);
        assertThat(backing.delegate.load("orders")).isEqualTo(settings);
    }

    @Test
    void readErrorKeepsLastKnownGoodSettings() {
        backing.setSystemPhase("orders", DUAL_WRITE);
        backing.setMerchantPhase("orders", "m-1", NEW_PRIMARY);
        SwitchSettings good = cached.load("orders");

        backing.failing.set(true);
        ticker.advance(INTERVAL.multipliedBy(3));
        assertThat(cached.load("orders")).isEqualTo(good);
        ticker.advance(INTERVAL.dividedBy(2).plusMillis(1));
        assertThat(cached.load("orders")).as("also after a failed background refresh").isEqualTo(good);
        ticker.advance(INTERVAL.multipliedBy(5));
        assertThat(cached.load("orders")).as("also after expiry").isEqualTo(good);

        backing.failing.set(false);
        backing.setSystemPhase("orders", SHADOW_READ);
        ticker.advance(INTERVAL.plusMillis(1));
        assertThat(cached.load("orders").systemPhase()).as("recovers").isEqualTo(SHADOW_READ);
    }

    @Test
    void readErrorWithNoLastKnownGoodGivesEmptySettingsSoTheConfiguredDefaultApplies() {
        backing.failing.set(true);
        assertThat(cached.load("orders")).isEqualTo(SwitchSettings.empty());

        Switchboard switchboard = Switchboard.builder()
                .switchStore(backing)
                .migration(MigrationSwitchConfig.builder("orders").defaultPhase(DUAL_WRITE).build())
                .build();
        assertThat(switchboard.resolveWrite(MigrationContext.forMigration("orders").orderId("1").build()))
                .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.SYSTEM));
    }

    @Test
    void readErrorIsLoggedAtMostOncePerIntervalPerMigration() {
        backing.setSystemPhase("orders", DUAL_WRITE);
        cached.load("orders");
        backing.failing.set(true);
        try (LogCapture logs = LogCapture.of(CachingSwitchStore.class)) {
            // Every step is past the refresh point (half the interval), so every step reads the store and fails.
            for (int step = 0; step < 8; step++) {
                ticker.advance(Duration.ofMillis(600));
                for (int call = 0; call < 100; call++) {
                    assertThat(cached.load("orders").systemPhase()).isEqualTo(DUAL_WRITE);
                    assertThat(cached.load("payments")).isEqualTo(SwitchSettings.empty());
                }
            }
            // 4.8 s of failures with a 1 s interval: about one line per interval and migration, not per call.
            List<String> warnings = logs.messages(Level.WARN);
            assertThat(backing.loads.get()).isGreaterThanOrEqualTo(16);
            assertThat(warnings.stream().filter(m -> m.contains("'orders'"))).hasSizeBetween(4, 5);
            assertThat(warnings.stream().filter(m -> m.contains("'payments'"))).hasSizeBetween(4, 5);
            assertThat(warnings.get(0)).contains("switch table unreachable", "last known good", "PT1S");
        }
    }

    @Test
    void flipMadeDirectlyInTheBackingStoreReachesReadersWithinTheInterval() {
        SwitchStore backingStore = SwitchStores.inMemory();
        backingStore.setSystemPhase("orders", OLD_ONLY);
        SwitchStore realTime = SwitchStores.cached(backingStore, Duration.ofMillis(200));
        assertThat(realTime.load("orders").systemPhase()).isEqualTo(OLD_ONLY);

        backingStore.setSystemPhase("orders", NEW_PRIMARY);

        // Within the interval exactly is flipInBackingStoreIsSeenOnceTheIntervalHasPassed's claim, on a fake ticker;
        // this one says the public factory's real clock gets there, which a busy machine can delay past any bound
        // near the interval (it once waited 1 s).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> realTime.load("orders").systemPhase() == NEW_PRIMARY);
    }

    @Test
    void refreshIntervalMustBePositive() {
        assertThatThrownBy(() -> SwitchStores.cached(SwitchStores.inMemory(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshInterval must be positive, but was PT0S");
        assertThatThrownBy(() -> SwitchStores.cached(SwitchStores.inMemory(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshInterval must be positive, but was PT-1S");
    }

    @Test
    void cachedStoreIsRecognisedAndNotWrappedTwice() {
        SwitchStore store = SwitchStores.cached(SwitchStores.inMemory());
        assertThat(SwitchStores.isCached(store)).isTrue();
        assertThat(SwitchStores.isCached(SwitchStores.inMemory())).isFalse();
        Switchboard switchboard = Switchboard.builder().switchStore(store)
                .migration(MigrationSwitchConfig.of("orders")).build();
        assertThat(switchboard.switchStore()).isSameAs(store);
        assertThat(switchboard.refreshInterval()).isEqualTo(SwitchStores.DEFAULT_REFRESH_INTERVAL);
    }
}
