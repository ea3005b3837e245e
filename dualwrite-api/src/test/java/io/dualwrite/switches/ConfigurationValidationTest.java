package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigurationValidationTest {

    @Test
    void migrationConfigDefaultsAreOldOnlyWithoutPinning() {
        MigrationSwitchConfig config = MigrationSwitchConfig.of("orders");
        assertThat(config.migration()).isEqualTo("orders");
        assertThat(config.defaultPhase()).isEqualTo(OLD_ONLY);
        assertThat(config.pinning()).isFalse();
        assertThat(MigrationSwitchConfig.from(config).pinning(true).build())
                .isEqualTo(MigrationSwitchConfig.builder("orders").pinning(true).build());
    }

    @Test
    void blankMigrationNameIsRejected() {
        assertThatThrownBy(() -> MigrationSwitchConfig.builder(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was ' '");
        assertThatThrownBy(() -> MigrationSwitchConfig.builder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was null");
    }

    @Test
    void unknownPhaseNameIsRejectedNamingTheAllowedOnes() {
        assertThatThrownBy(() -> MigrationSwitchConfig.builder("orders").defaultPhase("newest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultPhase must be one of [OLD_ONLY, DUAL_WRITE, SHADOW_READ, NEW_PRIMARY, NEW_ONLY],"
                        + " but was 'newest'");
        assertThat(MigrationSwitchConfig.builder("orders").defaultPhase("dual-write").build().defaultPhase())
                .isEqualTo(DUAL_WRITE);
    }

    @Test
    void nonPositiveRefreshIntervalIsRejected() {
        assertThatThrownBy(() -> Switchboard.builder().refreshInterval(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshInterval must be positive, but was PT-0.005S");
        assertThatThrownBy(() -> Switchboard.builder().refreshInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshInterval must be positive, but was PT0S");
        assertThatThrownBy(() -> Switchboard.builder().refreshInterval(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshInterval must be positive, but was null");
    }

    @Test
    void switchboardNeedsStoreAndMigrationsAndUniqueNames() {
        assertThatThrownBy(() -> Switchboard.builder().migration(MigrationSwitchConfig.of("orders")).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchStore is required");
        assertThatThrownBy(() -> Switchboard.builder().switchStore(SwitchStores.inMemory()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one migration is required");
        assertThatThrownBy(() -> Switchboard.builder()
                .migration(MigrationSwitchConfig.of("orders"))
                .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration 'orders' is configured twice; each migration name must be unique");
    }

    @Test
    void rulePercentOutsideZeroToHundredIsRejected() {
        assertThatThrownBy(() -> SwitchRule.merchantPercentage(101, DUAL_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule percent must be between 0 and 100 (inclusive), but was 101");
        assertThatThrownBy(() -> SwitchRule.merchantPercentage(-1, DUAL_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was -1");
    }

    @Test
    void blankIdsAreRejectedByStoresAndOperatorActions() {
        SwitchStore store = SwitchStores.inMemory();
        assertThatThrownBy(() -> store.setMerchantPhase("orders", "", DUAL_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("merchantId must be a non-blank id, but was ''");
        assertThatThrownBy(() -> store.setOrderPhase(" ", "o-1", DUAL_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was ' '");
        assertThatThrownBy(() -> store.setSystemPhase("orders", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase must not be null");
        OrderPinStore pins = OrderPinStores.inMemory();
        assertThatThrownBy(() -> pins.pinIfAbsent("orders", " ", null, DUAL_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orderId must be a non-blank id, but was ' '");

        Switchboard switchboard = Switchboard.builder().switchStore(store)
                .migration(MigrationSwitchConfig.of("orders")).build();
        SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.open());
        assertThatThrownBy(() -> admin.moveMerchant("orders", " ", DUAL_WRITE, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("merchantId must be a non-blank id, but was ' '");
        assertThatThrownBy(() -> admin.moveOrder("orders", "", DUAL_WRITE, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orderId must be a non-blank id, but was ''");
        assertThatThrownBy(() -> admin.moveSystem("invoices", DUAL_WRITE, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migration 'invoices' is not configured; configured migrations are [orders]");
        assertThatThrownBy(() -> GateVerdict.allow(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be a non-blank string, but was ' '");
    }
}
