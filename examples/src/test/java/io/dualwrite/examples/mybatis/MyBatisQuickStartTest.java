package io.dualwrite.examples.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class MyBatisQuickStartTest {

    @Test
    void theMappersDoubleWriteOnlyTheSwitchedMerchantWithoutAContextOpenedByTheApplication() throws SQLException {
        MyBatisQuickStart.Outcome outcome = MyBatisQuickStart.run();

        assertThat(outcome.firstId()).isEqualTo(1);
        assertThat(outcome.oldRows()).containsExactly("1 m-1 PAID 100.00", "2 m-2 NEW 50.00", "3 m-1 NEW 7.00",
                "4 m-1 NEW 8.00");
        assertThat(outcome.newRows()).as("m-2 stays OLD_ONLY; the m-1 rows keep the old store's keys")
                .containsExactly("1 m-1 PAID 100.00", "3 m-1 NEW 7.00", "4 m-1 NEW 8.00");
    }
}
