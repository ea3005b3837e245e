package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Review 19 (B), kind 2: exact values through the copier. */
class Review19BExactValuesTest {

    // FAILS today: an H2 JSON object arrives in the H2 target as a JSON string holding its text
    // Input (H2 -> H2, doc JSON on both): INSERT INTO orders (id, qty, doc) VALUES (1, 1, JSON '{"a":1}')
    // Plain JDBC: old getString(doc) is {"a":1}.
    // Library: the copier reads the JSON (Types.OTHER) as its text and binds it with setObject(text, Types.OTHER);
    // H2 takes a character string for a JSON column as a JSON string, so the new row holds "{\"a\":1}" -- a
    // different JSON value -- and the sync reports success: nothing recorded.
    // Kind 2 (exact values through the copier: JSON, same-product pair).
    @Test
    void h2JsonObjectReachesAnH2JsonColumnAsTheSameObject() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSON)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty, doc) VALUES (1, 1, JSON '{\"a\":1}')")).isEqualTo(1);
            }
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, CAST(doc AS VARCHAR) AS doc FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, CAST(doc AS VARCHAR) AS doc FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 1, "doc", "{\"a\":1}"));
        }
    }
}
