package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.testing.LogCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows of {@code dualwrite_switch} written by hand with a blank id: such a switch could never apply (every entry
 * point refuses a blank id), so it is named as a bad row and skipped like any other, and the rest stay in force.
 */
class SwitchRowsBreakTest {

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void merchantAndOrderSwitchesWithABlankIdAreNamedAndSkipped(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind);
             LogCapture log = LogCapture.of(JdbcSwitchStore.class)) {
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource());
            store.setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            insert(db, "MERCHANT", " ", "NEW_ONLY");
            insert(db, "ORDER", "\t", "NEW_ONLY");

            SwitchSettings loaded = store.load("orders");

            assertThat(loaded.merchantPhases()).isEqualTo(Map.of("m-1", MigrationPhase.DUAL_WRITE));
            assertThat(loaded.orderPhases()).isEmpty();
            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).hasSize(2)
                    .anySatisfy(line -> assertThat(line).contains("scope MERCHANT, id ' '")
                            .contains("a MERCHANT switch needs the id in subject_id"))
                    .anySatisfy(line -> assertThat(line).contains("scope ORDER")
                            .contains("a ORDER switch needs the id in subject_id"));

            Switchboard switchboard = Switchboard.builder().cachedSwitchStore(store)
                    .migration(MigrationSwitchConfig.of("orders")).build();
            assertThat(switchboard.resolveWrite(MigrationContext.forMigration("orders").merchantId("m-1").build())
                    .phase()).isEqualTo(MigrationPhase.DUAL_WRITE);
            assertThat(switchboard.resolveWrite(MigrationContext.forMigration("orders").merchantId("m-2").build())
                    .phase()).as("the blank switch does not leak to other merchants").isEqualTo(MigrationPhase.OLD_ONLY);
        }
    }

    private static void insert(TestDatabase db, String scope, String subject, String phase) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO dualwrite_switch (migration,"
                     + " scope_kind, subject_id, phase, updated_at) VALUES ('orders', ?, ?, ?, CURRENT_TIMESTAMP)")) {
            insert.setString(1, scope);
            insert.setString(2, subject);
            insert.setString(3, phase);
            insert.executeUpdate();
        }
    }
}
