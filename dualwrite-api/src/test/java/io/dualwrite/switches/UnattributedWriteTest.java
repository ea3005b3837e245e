package io.dualwrite.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnattributedWriteTest {

    private final SwitchStore store = SwitchStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder()
            .cachedSwitchStore(store) // read through, so every change is seen at once
            .migration(MigrationSwitchConfig.of("orders"))
            .build();

    @Test
    void takesTheSystemPhaseWhenNoSwitchAsksForAnother() {
        assertThat(switchboard.resolveUnattributed("orders")).isEqualTo(new Resolution(MigrationPhase.OLD_ONLY, SwitchScope.SYSTEM));

        store.setSystemPhase("orders", MigrationPhase.SHADOW_READ);
        assertThat(switchboard.resolveUnattributed("orders").phase()).isEqualTo(MigrationPhase.SHADOW_READ);
    }

    @Test
    void isMirroredWhileAnyMerchantIsBeyondTheOldStore() {
        store.setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);

        assertThat(switchboard.resolveUnattributed("orders")).isEqualTo(new Resolution(MigrationPhase.DUAL_WRITE, SwitchScope.SYSTEM));
    }

    @Test
    void isMirroredWhileAnOrderSwitchOrARuleAsksForAnotherPhase() {
        store.setOrderPhase("orders", "o-1", MigrationPhase.NEW_PRIMARY);
        assertThat(switchboard.resolveUnattributed("orders").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);

        store.setOrderPhase("orders", "o-1", null);
        store.setRules("orders", List.of(SwitchRule.merchantPercentage(10, MigrationPhase.DUAL_WRITE)));
        assertThat(switchboard.resolveUnattributed("orders").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);
    }

    @Test
    void keepsMirroringBackWhenTheSystemIsNewOnlyButAMerchantWasRolledBack() {
        store.setSystemPhase("orders", MigrationPhase.NEW_ONLY);
        store.setMerchantPhase("orders", "m-9", MigrationPhase.NEW_PRIMARY);

        assertThat(switchboard.resolveUnattributed("orders").phase()).isEqualTo(MigrationPhase.NEW_PRIMARY);
    }

    @Test
    void staysOnTheOldStoreOnlyWhenEverySwitchSaysSo() {
        store.setMerchantPhase("orders", "m-1", MigrationPhase.OLD_ONLY);

        assertThat(switchboard.resolveUnattributed("orders").phase()).isEqualTo(MigrationPhase.OLD_ONLY);
    }
}
