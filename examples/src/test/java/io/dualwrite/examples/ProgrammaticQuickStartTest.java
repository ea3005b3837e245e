package io.dualwrite.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class ProgrammaticQuickStartTest {

    @Test
    void merchantInDualWriteIsMirroredAndTheGateWaitsForTheRepair() {
        ProgrammaticQuickStart.Outcome outcome = ProgrammaticQuickStart.run();

        assertThat(outcome.oldStore()).containsOnly(entry("o-1", "paid"), entry("o-2", "paid"), entry("o-3", "shipped"));
        assertThat(outcome.backlogAfterOutage()).isEqualTo(1);
        assertThat(outcome.refusal()).contains("backlog").contains("1");
        assertThat(outcome.newStore()).as("m-2 stays on the old store; o-3 was repaired")
                .containsOnly(entry("o-1", "paid"), entry("o-3", "shipped"));
        assertThat(outcome.verdictAfterRepair().allowed()).isTrue();
    }
}
