package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round 21, ids in the library's own switch and pin tables: an id holding NUL or half of a surrogate pair. PostgreSQL
 * refused NUL with its own error ("invalid byte sequence for encoding UTF8: 0x00") rather than naming the argument;
 * MariaDB took a switch for order {@code "o" + U+D800} without a word and kept it under another id (read back as
 * {@code "oc"}), so the switch applied to another order, or to none. Expected on every database: refused by name before the database is asked, nothing
 * written, and an ordinary id beside it still works.
 */
class SwitchIdsBreak21Test {

    @Test
    void idsHoldingNulOrHalfASurrogatePairAreRefusedByNameEverywhere() throws Exception {
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.MARIADB, TestDatabases.Kind.POSTGRES,
                TestDatabases.Kind.H2)) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
                JdbcSwitchStore switches = JdbcSwitchStore.create(db.dataSource());
                JdbcOrderPinStore pins = JdbcOrderPinStore.create(db.dataSource());

                assertThatThrownBy(() -> switches.setOrderPhase("orders", "o\uD800", MigrationPhase.NEW_PRIMARY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("orderId").hasMessageContaining("U+D800")
                        .hasMessageContaining("dualwrite_switch.subject_id");
                assertThatThrownBy(() -> switches.setMerchantPhase("orders", "m\u0000", MigrationPhase.NEW_PRIMARY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("merchantId").hasMessageContaining("U+0000");
                assertThatThrownBy(() -> pins.pinIfAbsent("orders", "o\u0000", "m-1", MigrationPhase.DUAL_WRITE))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("orderId").hasMessageContaining("U+0000")
                        .hasMessageContaining("dualwrite_order_pin.order_id");
                assertThatThrownBy(() -> pins.pinIfAbsent("orders", "o-1", "m\uDC00", MigrationPhase.DUAL_WRITE))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("merchantId").hasMessageContaining("U+DC00");

                switches.setOrderPhase("orders", "o?", MigrationPhase.OLD_ONLY);
                assertThat(switches.load("orders").orderPhases()).as(kind.name())
                        .containsExactlyEntriesOf(java.util.Map.of("o?", MigrationPhase.OLD_ONLY));
                assertThat(db.count("SELECT COUNT(*) FROM dualwrite_switch")).as(kind.name()).isEqualTo(1);
                assertThat(db.count("SELECT COUNT(*) FROM dualwrite_order_pin")).as(kind.name()).isZero();
                if (kind == TestDatabases.Kind.MARIADB) {
                    // what the refusal prevents: written past the library, MariaDB keeps "o" + U+D800 as another id
                    try (java.sql.Connection connection = db.dataSource().getConnection();
                         java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO dualwrite_switch"
                                 + " (migration, scope_kind, subject_id, phase, updated_at)"
                                 + " VALUES ('other', 'ORDER', ?, 'NEW_PRIMARY', CURRENT_TIMESTAMP)")) {
                        insert.setString(1, "o\uD800");
                        insert.executeUpdate();
                    }
                    assertThat(switches.load("other").orderPhases()).hasSize(1).doesNotContainKey("o\uD800");
                }
            }
        }
    }
}
