package io.dualwrite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PlainJdbcQuickStartTest {

    @Test
    void onlyTheSwitchedMerchantIsMirroredAndOneReconcilerRunRepairsTheOutage() throws SQLException {
        PlainJdbcQuickStart.Outcome outcome = PlainJdbcQuickStart.run();

        assertThat(outcome.oldRows()).containsExactly("1 m-1 PAID 100.00", "2 m-2 NEW 50.00", "3 m-1 NEW 70.00");
        assertThat(outcome.newRowsBeforeRepair()).as("m-2 is not mirrored; order 3 was lost while the table was away")
                .containsExactly("1 m-1 PAID 100.00");
        assertThat(outcome.backlogBeforeRepair()).isEqualTo(1);
        assertThat(outcome.repair().repaired()).isEqualTo(1);
        assertThat(outcome.newRowsAfterRepair()).containsExactly("1 m-1 PAID 100.00", "3 m-1 NEW 70.00");
    }
}
