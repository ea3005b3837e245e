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
class WritePathBreak23Test {

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
}
