package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.copy.UnholdableValueException;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 23's attack on round 22's fixes of the write path's keys: a key text that a target key column of another
 * type stores as another text. For each input the new store ends holding exactly the old store's rows, or the key is
 * recorded, refused by name; never a difference with nothing recorded. Each test ends with the stores compared row by
 * row with plain JDBC.
 */
class WritePathBreak23Test {

    // Round 22 refused the delete of a key text with spaces around it (' 12') where the target's key column holds
    // numbers: it would have deleted row 12, which the old store still holds as '12'. The same kind without spaces:
    // '012', '+12' and '12.0' name the number 12 too. Their insert beside '12' is refused (two rows would be one), and
    // their delete was then synced as a delete of 12: the new store lost the row of '12', nothing recorded. So too
    // '12.5' beside '12.50' into a NUMERIC(10,2) (whose own text is '12.50', round 24), and a UUID key in capitals beside its lower-case spelling (a uuid
    // reads both as one value), whose insert was not even refused: a UUID's text was taken as stored as written, and
    // the capitals' copy replaced the lower-case key's row. All 7 failed. Now a delete whose key the target reads as
    // the row of another spelling the source still holds keeps that row, as a delete of 'A' keeps the copy of 'a'
    // under a case-blind collation, and the capitals' insert is refused as '012''s is; the refused insert's entry is
    // then completed by the reconciler (the key is gone from the old store).
    @ParameterizedTest(name = "{0} -> PostgreSQL {2}: ''{3}'' beside ''{4}''")
    @CsvSource({
        "POSTGRES, VARCHAR(40), INTEGER, 012, 12",
        "POSTGRES, VARCHAR(40), INTEGER, +12, 12",
        "POSTGRES, VARCHAR(40), INTEGER, 12.0, 12",
        "MARIADB,  VARCHAR(40), BIGINT,  0012, 12",
        "POSTGRES, VARCHAR(40), 'NUMERIC(10,2)', 12.5, 12.50",
        "POSTGRES, VARCHAR(40), UUID, A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11, a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "MARIADB,  VARCHAR(40) COLLATE utf8mb4_bin, UUID, A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11, a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"})
    void aKeyTextTheTargetStoresAsAnotherRowsKeyIsNeverDeletedAsThatRow(Kind oldKind, String oldType, String newType,
                                                                        String other, String stored) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id " + oldType + " PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id " + newType + " PRIMARY KEY, quantity INT)");
            for (String sql : new String[] {"INSERT INTO orders (id, qty) VALUES ('" + stored + "', 1)",
                    "INSERT INTO orders (id, qty) VALUES ('" + other + "', 2)",
                    "DELETE FROM orders WHERE id = '" + other + "'"}) {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate(sql);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build()
                    .runOnce();
            assertThat(fixture.events).as("the insert of the other spelling was refused by name").anySatisfy(event -> {
                assertThat(event.task().rows()).singleElement().satisfies(row -> assertThat(row.key()).isEqualTo(other));
                assertThat(event.error()).isInstanceOf(UnholdableValueException.class);
            });
            assertThat(fixture.records()).as("completed once the other spelling is gone from the old store").isEmpty();
            assertThat(Rows.of(fixture.newDb, "SELECT CAST(id AS TEXT) AS id, quantity AS qty FROM orders_v2"
                    + " ORDER BY id")).isEqualTo(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id"));
        }
    }

    // Round 22 keyed exactly a write naming its schema from a session on another (StatementAnalysis.namedIn, as
    // written). Another spelling of the same schema: PostgreSQL folds an unquoted PUBLIC or Public to public, H2 an
    // unquoted public to PUBLIC; the catalog reads behind the keys must find the table there too.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | UPDATE PUBLIC.orders SET qty = 10 WHERE id = 1",
        "POSTGRES | UPDATE Public.Orders SET qty = qty + 1 WHERE code IN ('a', 'c')",
        "POSTGRES | DELETE FROM PUBLIC.ORDERS WHERE code = 'b'",
        "POSTGRES | INSERT INTO PUBLIC.orders (id, code, qty) VALUES (1, 'a', 5) ON CONFLICT (id) DO UPDATE SET qty = 50",
        "H2       | UPDATE public.orders SET qty = 10 WHERE id = 1",
        "H2       | UPDATE Public.Orders SET qty = qty + 1 WHERE code IN ('a', 'c')",
        "H2       | DELETE FROM public.ORDERS WHERE id = 2"})
    void aWriteNamingItsSchemaInAnotherCaseFromASessionOnAnotherIsKeyedExactly(Kind kind, String sql) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            fixture.onOld(kind == Kind.POSTGRES ? "CREATE SCHEMA side" : "CREATE SCHEMA SIDE");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(kind == Kind.POSTGRES ? "SET search_path TO side" : "SET SCHEMA SIDE");
                statement.executeUpdate(sql);
                statement.execute(kind == Kind.POSTGRES ? "SET search_path TO public" : "SET SCHEMA PUBLIC");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // The same two UUID spellings into a MariaDB UUID key (MariaDB 10.7's type, which reads a UUID's capitals as the
    // lower-case value): the capitals' insert must not replace the lower-case key's copy, nor their delete remove it.
    // Failed before the fix: the capitals' copy replaced the lower-case key's row (qty 2 where the old store's
    // lower-case row holds 1), nothing recorded.
    @org.junit.jupiter.api.Test
    void aUuidInCapitalsNeverTakesOrDeletesTheLowerCaseKeysRowInAMariadbUuidKey() throws Exception {
        String lower = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        String upper = lower.toUpperCase(java.util.Locale.ROOT);
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(40) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id UUID PRIMARY KEY, quantity INT)");
            for (String sql : new String[] {"INSERT INTO orders (id, qty) VALUES ('" + lower + "', 1)",
                    "INSERT INTO orders (id, qty) VALUES ('" + upper + "', 2)"}) {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate(sql);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(Rows.of(fixture.newDb, "SELECT CAST(id AS CHAR) AS id, quantity AS qty FROM orders_v2"))
                    .as("the lower-case key's copy, the capitals refused: %s", fixture.records())
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders WHERE id = ?", lower));
            assertThat(fixture.records()).extracting(record -> record.key()).containsOnly(upper);
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM orders WHERE id = '" + upper + "'");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build()
                    .runOnce();
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.of(fixture.newDb, "SELECT CAST(id AS CHAR) AS id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders"));
        }
    }
}
