package io.dualwrite.spring.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * Twenty-third break review of the actuator endpoint: switch ids that name no merchant or order any call names.
 */
class EndpointBreak23Test {

    private final SwitchStore switches = SwitchStores.inMemory();
    private final OrderPinStore pins = OrderPinStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches).orderPinStore(pins)
            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();
    private final DualWriteEndpoint endpoint = new DualWriteEndpoint(switchboard,
            SwitchAdmin.of(switchboard, PhaseGate.standard(migration -> 0, migration -> VerificationStatus.CLEAN)),
            ChangeLogs.inMemory(), migration -> VerificationStatus.CLEAN, null, null);

    // An id with white space around it (a copied cell, a shell variable with a newline cut off, a tab) was applied:
    // the switch was stored for merchant " m-1", which no call names, and the answer said "applied" while m-1 kept the
    // system's OLD_ONLY. Start-up refuses such ids in the properties (round 20); the endpoint took them. Expected:
    // refused as invalid, naming the id as it should be written, and no switch or pin stored. (The ids are given
    // with a marker for the white space, which CSV would trim: _ a space, T a tab.)
    @ParameterizedTest
    @CsvSource({"merchant,_m-1", "merchant,m-1_", "merchant,m-1T", "order,_42", "order,42_", "pin,_42",
            "merchant-pins,m-1_"})
    void aSwitchIdWithWhiteSpaceAroundItIsRefusedAndNothingIsStored(String target, String marked) {
        pins.pinIfAbsent("orders", "42", "m-1", MigrationPhase.OLD_ONLY);
        String id = marked.replace('_', ' ').replace('T', '\t');

        PhaseChange change = endpoint.change("orders", target, "DUAL_WRITE", id, true, null, SecurityContext.NONE);

        assertThat(change.outcome()).isEqualTo(PhaseChange.INVALID);
        assertThat(change.reason()).contains("white space").contains("'" + id.strip() + "'");
        assertThat(switches.load("orders").merchantPhases()).isEmpty();
        assertThat(switches.load("orders").orderPhases()).isEmpty();
        assertThat(pins.find("orders", "42")).contains(MigrationPhase.OLD_ONLY);
        // the same id as it should be written is applied
        assertThat(endpoint.change("orders", target, "DUAL_WRITE", id.strip(), true, null, SecurityContext.NONE)
                .outcome()).isEqualTo(PhaseChange.APPLIED);
    }
}
