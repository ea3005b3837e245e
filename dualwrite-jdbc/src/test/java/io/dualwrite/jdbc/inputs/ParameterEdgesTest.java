package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.junit.jupiter.api.Test;

/**
 * Parameters as applications really bind them, through the recorder that keeps them in arrays: streams over
 * the buffer limit on a statement rewritten for the new store, indexes a driver refuses, keys bound as
 * streams, mutable keys reused between batch entries. Each ends comparing both stores row by row.
 */
class ParameterEdgesTest {

    @Test
    void aStreamOverTheBufferLimitOnAStatementRewrittenForTheNewStoreIsWrittenWhole() throws SQLException {
        // the dropped column moves the parameters: the statement on the new store is bound from the recorder
        TableMapping orders = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .drop("legacy").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.NEW_PRIMARY).mappings(orders)
                .customize(builder -> builder.streamBufferLimit(4)).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, legacy INT, code VARCHAR(20), qty INT)");
            fixture.onNew(Mirrored.NEW);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, legacy, code, qty) VALUES (?, ?, ?, ?)")) {
                insert.setLong(1, 10);
                insert.setInt(2, 0);
                insert.setCharacterStream(3, new StringReader("abcdefghij"));
                insert.setInt(4, 7);
                insert.executeUpdate();
                insert.setLong(1, 11);
                insert.setCharacterStream(3, new StringReader("klmnopqrst"), 10L);
                insert.setInt(4, 8);
                insert.executeUpdate();
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity FROM orders_v2 ORDER BY id"))
                    .as("the authoritative (new) store holds what the application bound")
                    .containsExactly(expected("id", 10, "code", "abcdefghij", "quantity", 7),
                            expected("id", 11, "code", "klmnopqrst", "quantity", 8));
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    @Test
    void anIndexTheDriverRefusesFailsAsItDoesWithoutTheDataSource() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            String sql = "UPDATE orders SET qty = ? WHERE id = ?";
            try (Connection plain = fixture.oldDb.dataSource().getConnection();
                 PreparedStatement update = plain.prepareStatement(sql)) {
                assertThatThrownBy(() -> update.setInt(Integer.MAX_VALUE, 1)).isInstanceOf(SQLException.class);
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(sql)) {
                assertThatThrownBy(() -> update.setInt(Integer.MAX_VALUE, 1)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> update.setInt(0, 1)).isInstanceOf(SQLException.class);
                update.setInt(1, 42);
                update.setLong(2, 2);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).contains(expected("id", 2, "code", "b", "qty", 42));
        }
    }

    @Test
    void anIndexTheDriverRefusesFailsOnAStatementRewrittenForTheNewStore() throws SQLException {
        TableMapping orders = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .drop("legacy").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.NEW_PRIMARY).mappings(orders)
                .build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, legacy INT, code VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE orders SET legacy = ?, qty = ? WHERE id = ?")) {
                assertThatThrownBy(() -> update.setInt(4, 1)).as("the statement has three parameters")
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> update.setInt(0, 1)).isInstanceOf(SQLException.class);
                update.setInt(1, 5);
                update.setInt(2, 42);
                update.setLong(3, 2);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).contains(expected("id", 2, "code", "b", "qty", 42));
        }
    }

    @Test
    void aStringKeyBoundAsAnAsciiStreamIsMirrored() throws SQLException {
        TableMapping codes = TableMapping.builder("codes").newTable("codes_v2").primaryKey("code").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).mappings(codes).build()) {
            fixture.onOld("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE codes_v2 (code VARCHAR(20) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO codes (code, qty) VALUES (?, ?)")) {
                insert.setAsciiStream(1, new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)));
                insert.setInt(2, 1);
                insert.executeUpdate();
                insert.setAsciiStream(1, new ByteArrayInputStream("xyz".getBytes(StandardCharsets.US_ASCII)), 3);
                insert.setInt(2, 2);
                insert.executeUpdate();
            }
            Rows.assertSame(fixture.oldDb, "SELECT code, qty FROM codes ORDER BY code",
                    fixture.newDb, "SELECT code, quantity AS qty FROM codes_v2 ORDER BY code");
            assertThat(Rows.of(fixture.newDb, "SELECT code FROM codes_v2 ORDER BY code")).hasSize(2);
        }
    }

    @Test
    void binaryAndTimestampKeysReusedBetweenBatchEntriesAreEachMirrored() throws SQLException {
        TableMapping events = TableMapping.builder("events").newTable("events_v2").primaryKey("tag", "at").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).mappings(events).build()) {
            fixture.onOld("CREATE TABLE events (tag VARBINARY(4), at TIMESTAMP(6), qty INT, PRIMARY KEY (tag, at))");
            fixture.onNew("CREATE TABLE events_v2 (tag VARBINARY(4), at TIMESTAMP(6), quantity INT, PRIMARY KEY (tag, at))");
            byte[] tag = {1, 2, 3, 4};
            Timestamp at = Timestamp.valueOf("2026-03-29 02:30:00.123456");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO events (tag, at, qty) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 3; i++) {
                    tag[3] = (byte) i;
                    at.setNanos(at.getNanos() + 1000);
                    insert.setBytes(1, tag);
                    insert.setTimestamp(2, at);
                    insert.setInt(3, i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            Rows.assertSame(fixture.oldDb, "SELECT tag, at, qty FROM events ORDER BY tag, at",
                    fixture.newDb, "SELECT tag, at, quantity AS qty FROM events_v2 ORDER BY tag, at");
            assertThat(Rows.of(fixture.newDb, "SELECT tag FROM events_v2")).hasSize(3);
        }
    }
}
