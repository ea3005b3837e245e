package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-second review of the write path's keys and values. For each input, the new store ends holding exactly the
 * old store's rows, or the write is recorded (its keys, or a scoped resync) and the library's own tools repair it:
 * never a difference with nothing recorded, never an exception for the caller. Each test ends with the stores compared
 * row by row with plain JDBC.
 */
class WritePathBreak22Test {

    /** The statement that moves a session of {@code kind} off the schema or database of the old store's URL. */
    private static String leave(Kind kind, String other) {
        return switch (kind) {
            case MARIADB -> "USE " + other;
            case POSTGRES -> "SET search_path TO " + other;
            default -> "SET SCHEMA " + other;
        };
    }

    // Failed before its fix (left open by round 21): a write that names its table with its schema or database, from a
    // session the application moved to another one (MariaDB USE, PostgreSQL search_path, H2 SET SCHEMA): the SQL the
    // library adds on the caller's session to read the keys the write touched named the bare table, which there is
    // another table or none: "keys-failed", a resync of the whole table, where the keys are known exactly. Now that SQL
    // names the table where the statement does.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | UPDATE %s.orders SET qty = 10 WHERE id = 1",
        "MARIADB  | UPDATE `%s`.`orders` SET qty = 10 WHERE id IN (1, 2)",
        "MARIADB  | UPDATE %s.orders o SET o.qty = o.qty + 1 WHERE o.code = 'b'",
        "MARIADB  | DELETE FROM %s.orders WHERE id = 1",
        "MARIADB  | INSERT INTO %s.orders (id, code, qty) VALUES (7, 'g', 7)",
        "MARIADB  | INSERT INTO %s.orders (id, code, qty) VALUES (1, 'a', 5) ON DUPLICATE KEY UPDATE qty = 50",
        "MARIADB  | REPLACE INTO %s.orders (id, code, qty) VALUES (4, 'b', 40)",
        "POSTGRES | UPDATE public.orders SET qty = 10 WHERE id = 1",
        "POSTGRES | UPDATE \"public\".orders SET qty = qty + 1 WHERE code IN ('a', 'c')",
        "POSTGRES | DELETE FROM public.orders WHERE code = 'b'",
        "POSTGRES | INSERT INTO public.orders (id, code, qty) VALUES (1, 'a', 5) ON CONFLICT (id) DO UPDATE SET qty = 50",
        "H2       | UPDATE PUBLIC.orders SET qty = 10 WHERE id = 1",
        "H2       | DELETE FROM public.orders WHERE code = 'b'"})
    void aWriteNamingItsSchemaFromASessionOnAnotherIsKeyedExactly(Kind kind, String template) throws Exception {
        try (TestDatabase side = kind == Kind.MARIADB ? TestDatabases.create(Kind.MARIADB) : null;
             Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            String other = side != null ? side.name() : "side";
            if (side == null) {
                fixture.onOld("CREATE SCHEMA side");
            }
            String sql = String.format(template, fixture.oldDb.name());
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(leave(kind, other));
                statement.executeUpdate(sql);
                statement.execute(leave(kind, kind == Kind.MARIADB ? fixture.oldDb.name() : "public"));
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }
}
