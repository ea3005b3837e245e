package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NewPrimaryAndHangTest {

    @Test
    void postgresReadsInANewPrimaryWriteTransactionSeeItsWritesInTheOldForm() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 99 WHERE id = 1");
                    statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
                }
                try (PreparedStatement select = connection.prepareStatement("SELECT * FROM orders WHERE id = ?")) {
                    select.setLong(1, 1);
                    try (ResultSet rows = select.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt("qty")).isEqualTo(99);
                        assertThat(rows.getMetaData().getColumnLabel(3)).isEqualToIgnoringCase("qty");
                        assertThat(rows.getStatement()).isSameAs(select);
                    }
                }
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT count(*) AS n, sum(qty) AS total FROM orders")) {
                    rows.next();
                    assertThat(rows.getLong("n")).isEqualTo(4);
                    assertThat(rows.getLong("total")).isEqualTo(99 + 2 + 3 + 4);
                }
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).contains(expected("id", 1, "code", "a", "qty", 99));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void h2SyncWriteWhileTheNewStoreHangsReturnsWithinTheTimeLimitAndRecordsTheKey() throws Exception {
        Hold hold = Hold.onGetConnection();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).timeLimit(Duration.ofSeconds(1))
                .wrapNew(ds -> Intercepting.dataSource(ds, hold)).build(), Mirrored.PG)) {
            // warm-up, not timed: the first write through the data source loads and compiles the statement analysis
            // and the copier, which on a busy machine took a good part of the margin below
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 2 WHERE id = 2");
            }
            assertThat(fixture.records()).isEmpty();
            hold.arm();
            long start = System.nanoTime();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 2");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isLessThan(3_000);
            assertThat(fixture.recordKeys()).containsExactly("orders/2/UPDATE");
            hold.release();
            fixture.awaitMirrors(2);
            // no wait needed: the abandoned sync holds the key's lock until it ends, and the repair takes it
            fixture.reconciler().runOnce();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).contains(expected("id", 2, "code", "b", "qty", 50));
        }
    }
}
