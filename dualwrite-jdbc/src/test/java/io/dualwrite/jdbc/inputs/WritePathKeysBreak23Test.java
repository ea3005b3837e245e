package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-third review of the write path's keys and values. For each input, the new store ends holding exactly the
 * old store's rows, or the write is recorded (its keys, or a scoped resync) and the library's own tools repair it:
 * never a difference with nothing recorded, never an exception for the caller. Each test ends with the stores compared
 * row by row with plain JDBC.
 */
class WritePathKeysBreak23Test {

    // Failed before its fix: a key written as the bitwise NOT of a number (MySQL, MariaDB and PostgreSQL's ~) was
    // read as that number negated, since the parser takes ~ for a sign like - (~3 is -4 on PostgreSQL, 2^64 - 4 on
    // MariaDB; the library took -3). A DELETE by such a key removed the row on the old store and synced the delete
    // of another key, which no row holds: the new store kept the row, nothing recorded. An UPDATE by it, whose
    // keyed row is read back, found no row and resynced the whole table. Now ~ makes the value unknown: the keys are
    // selected under lock as for any expression, and both writes are synced exactly.
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | POSTGRES | DELETE FROM orders WHERE id = ~3",
        "POSTGRES | POSTGRES | DELETE FROM orders WHERE id = ~ 3",
        "POSTGRES | POSTGRES | DELETE FROM orders WHERE id = ~3 AND code = 'n'",
        "POSTGRES | POSTGRES | UPDATE orders SET qty = 44 WHERE id = ~3",
        "MARIADB  | MARIADB  | DELETE FROM orders WHERE id = ~18446744073709551613",
        "MARIADB  | MARIADB  | UPDATE orders SET qty = 44 WHERE id = ~18446744073709551613",
        "MARIADB  | POSTGRES | DELETE FROM orders WHERE id = ~18446744073709551613",
        "MARIADB  | POSTGRES | DELETE FROM orders WHERE (id = ~18446744073709551612)"})
    void aKeyWrittenAsABitwiseNotIsSelectedNotNegated(Kind oldKind, Kind newKind, String sql) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(oldKind, newKind), Mirrored.PG)) {
            fixture.onOld("INSERT INTO orders (id, code, qty) VALUES (-4, 'n', 4)");
            fixture.onNew("INSERT INTO orders_v2 (id, code, quantity) VALUES (-4, 'n', 4)");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql)).isOne();
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders")).as("the write reached the old store")
                    .isEqualTo(sql.startsWith("DELETE") ? 3 : 4);
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix: a text the copier does not read as a date, date-time or time of day was left to the
    // target's own parse, and PostgreSQL reads words and orders of its own: 'now' into a timestamp landed as the
    // moment of the copy (each sync and repair writes another), 'today' and 'yesterday' as that day, 'epoch' as
    // 1970-01-01 00:00:00, '01/02/2024' by the session's DateStyle, '2024-1-1' and 'Jan 1 2024' as 2024-01-01,
    // 'allballs' and '10:00 PM' into a time as 00:00:00 and 22:00:00: each a value that reads back as another text,
    // with the sync reporting success and nothing recorded. MariaDB and H2 read other forms the same way ('2024/01/01'
    // and '20240101100000' into a MariaDB DATE and DATETIME, '2024-1-1' into an H2 DATE). Now such a text is refused
    // by name and its key recorded; once the old store holds the ISO form, the reconciler copies the row. The forms
    // that read back as themselves
    // (an ISO date, date-time and time, PostgreSQL's infinity) are copied as before (guards, held).
    @ParameterizedTest(name = "{0} -> {1} {2}: ''{3}''")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | POSTGRES | TIMESTAMP | now        | 2024-01-01 10:00:00 | true",
        "MARIADB  | POSTGRES | DATE      | today      | 2024-01-01          | true",
        "MARIADB  | POSTGRES | DATE      | tomorrow   | 2024-01-01          | true",
        "MARIADB  | POSTGRES | TIMESTAMP | epoch      | 1970-01-01 00:00:00 | true",
        "MARIADB  | POSTGRES | DATE      | 01/02/2024 | 2024-01-02          | true",
        "MARIADB  | POSTGRES | DATE      | 2024-1-1   | 2024-01-01          | true",
        "MARIADB  | POSTGRES | DATE      | Jan 1 2024 | 2024-01-01          | true",
        "MARIADB  | POSTGRES | TIME      | allballs   | 00:00:00            | true",
        "MARIADB  | POSTGRES | TIME      | 10:00 PM   | 22:00:00            | true",
        "MARIADB  | POSTGRES | TIME      | now        | 10:00:00            | true",
        "H2       | POSTGRES | DATE      | yesterday  | 2024-01-01          | true",
        "POSTGRES | POSTGRES | TIMESTAMP | today      | 2024-01-01 00:00:00 | true",
        "MARIADB  | MARIADB  | DATE      | 2024/01/01 | 2024-01-01          | true",
        "MARIADB  | MARIADB  | DATETIME  | 20240101100000 | 2024-01-01 10:00:00 | true",
        "MARIADB  | H2       | DATE      | 2024-1-1   | 2024-01-01          | true",
        "MARIADB  | POSTGRES | DATE      | 2024-01-01 | 2024-01-01          | false",
        "MARIADB  | POSTGRES | DATE      | infinity   | infinity            | false",
        "MARIADB  | POSTGRES | TIMESTAMP | 2024-01-01 10:00:00.5 | 2024-01-01 10:00:00.5 | false",
        "MARIADB  | POSTGRES | TIME      | 10:00:00   | 10:00:00            | false"})
    void aDateOrTimeTextTheTargetReadsItsOwnWayIsRefusedByNameAndRecorded(Kind oldKind, Kind newKind, String newType,
            String text, String kept, boolean refused) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v VARCHAR(60))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v " + newType + ")");
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, qty, v) VALUES (?, ?, ?)")) {
                for (Object[] row : new Object[][] {{1, 1, text}, {2, 2, kept}}) {
                    insert.setInt(1, (Integer) row[0]);
                    insert.setInt(2, (Integer) row[1]);
                    insert.setString(3, (String) row[2]);
                    assertThat(insert.executeUpdate()).isOne();
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            if (refused) {
                assertThat(fixture.recordKeys()).as("the text's row refused and recorded, the kept form copied")
                        .containsExactly("orders/1/INSERT");
                assertThat(fixture.events).map(Object::toString).as("refused by name").anySatisfy(event ->
                        assertThat(event).containsIgnoringCase("column v").contains(text, "reads back"));
                assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2 ORDER BY id"))
                        .extracting(row -> row.get("id")).containsExactly("2");
                // the old store's text put in the form the column keeps: the reconciler copies the row
                fixture.onOld("UPDATE orders SET v = '" + kept + "' WHERE id = 1");
                fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1))
                        .build().runOnce();
            }
            assertThat(fixture.records()).isEmpty();
            String asText = newKind == Kind.MARIADB ? "CAST(v AS CHAR)" : newKind == Kind.H2 ? "CAST(v AS VARCHAR)"
                    : "CAST(v AS TEXT)";
            assertThat(Rows.of(fixture.newDb, "SELECT id, quantity AS qty, " + asText + " AS v FROM orders_v2 ORDER BY id"))
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT id, qty, v FROM orders ORDER BY id"));
        }
    }

    // Failed before its fix: PostgreSQL rounds an amount written into a money column to its locale's decimals (2
    // here), without a word: a MariaDB DECIMAL(12,3) of 12.345 landed as 12.35, and so did the text '12.345' and the
    // numbers of a PostgreSQL numeric and an H2 DECIMAL, with the sync reporting success and nothing recorded. Such an
    // amount is now refused by name (the column, its decimals) and its key recorded; once the old store holds an
    // amount the column keeps, the reconciler copies the row. Amounts of two decimals or fewer are copied as before
    // (guards, held).
    @ParameterizedTest(name = "{0} {1} -> PostgreSQL money: {2}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | DECIMAL(12,3) | 12.345  | true",
        "MARIADB  | VARCHAR(20)   | 12.345  | true",
        "MARIADB  | DOUBLE        | 0.125   | true",
        "POSTGRES | numeric       | 0.001   | true",
        "H2       | DECIMAL(12,4) | 1.0051  | true",
        "MARIADB  | DECIMAL(12,3) | 12.340  | false",
        "POSTGRES | numeric       | 100     | false"})
    void anAmountWithMoreDecimalsThanAMoneyHoldsIsRefusedByName(Kind oldKind, String oldType, String amount,
                                                                boolean refused) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v " + oldType + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v money)");
            String literal = oldType.startsWith("VARCHAR") ? "'" + amount + "'" : amount;
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty, v) VALUES (1, 1, " + literal + ")"))
                        .isOne();
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            if (refused) {
                assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
                assertThat(fixture.events).map(Object::toString).as("refused by name").anySatisfy(event ->
                        assertThat(event).containsIgnoringCase("column v").contains("2 decimals", "round"));
                assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders_v2")).isZero();
                fixture.onOld("UPDATE orders SET v = " + (oldType.startsWith("VARCHAR") ? "'12.34'" : "12.34")
                        + " WHERE id = 1");
                fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1))
                        .build().runOnce();
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.of(fixture.newDb, "SELECT id, quantity AS qty, CAST(v AS numeric) AS v FROM orders_v2"))
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT id, qty, v FROM orders"));
        }
    }
}
