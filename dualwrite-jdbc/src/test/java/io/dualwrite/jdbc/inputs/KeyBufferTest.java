package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.QuietLogs;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A long transaction that writes the same keys again and again is buffered once per key: within
 * {@code maxBufferedKeys} nothing is recorded and the new store equals the old; past it, one scoped resync
 * (input 19).
 */
class KeyBufferTest {

    private static Fixture fixture(Kind kind, int rows) {
        Fixture fixture = Fixture.builder(kind, kind).customize(builder -> builder.maxBufferedKeys(100)).build();
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)");
        fixture.onOld("INSERT INTO orders (id, qty) SELECT x, 1 FROM " + series(kind, rows));
        fixture.onNew("INSERT INTO orders_v2 (id, quantity) SELECT x, 1 FROM " + series(kind, rows));
        return fixture;
    }

    private static String series(Kind kind, int rows) {
        return kind == Kind.POSTGRES ? "generate_series(1, " + rows + ") AS s(x)" : "SYSTEM_RANGE(1, " + rows + ") AS s(x)";
    }

    /** {@code updates} increments in one transaction, of keys 1, 2, …, {@code keys}, 1, 2, … */
    private static void increments(Fixture fixture, int updates, int keys) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE id = ?")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < updates; i++) {
                update.setLong(1, 1 + i % keys);
                update.executeUpdate();
            }
            connection.commit();
        }
    }

    // input 19
    @Test
    void h2FiftyThousandUpdatesOfOneKeyInOneTransactionAreSyncedOnceWithNothingRecorded() throws SQLException {
        try (Fixture fixture = fixture(Kind.H2, 1)) {
            QuietLogs.run(() -> increments(fixture, 50_000, 1));
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).containsExactly(expected("id", 1, "qty", 50_001));
            assertThat(fixture.events).hasSize(1);
            assertThat(fixture.events.get(0).task().rows()).hasSize(1);
        }
    }

    // input 19, variant: PostgreSQL, exactly maxBufferedKeys distinct keys written over and over
    @Test
    void postgresTwoThousandUpdatesOfAHundredKeysStayWithinTheBufferWithNothingRecorded() throws SQLException {
        try (Fixture fixture = fixture(Kind.POSTGRES, 100)) {
            increments(fixture, 2_000, 100);
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).hasSize(100).allSatisfy(row ->
                    assertThat(row.get("qty")).isEqualTo("21"));
        }
    }

    // input 19, variant: one key past the bound: the table gets one scoped resync, never a key per row
    @Test
    void h2OneKeyPastTheBufferBoundRecordsOneScopedResyncOfTheTable() throws SQLException {
        try (Fixture fixture = fixture(Kind.H2, 101)) {
            increments(fixture, 1_010, 101);
            assertThat(fixture.records()).hasSize(1);
            ChangeRecord resync = fixture.records().get(0);
            assertThat(resync.isScoped()).isTrue();
            assertThat(resync.key()).isEqualTo(ChangeRecord.WHOLE_TABLE);
            assertThat(resync.table()).isEqualTo("orders");
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).hasSize(101).allSatisfy(row ->
                    assertThat(row.get("qty")).isEqualTo("11"));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
