package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twentieth review of the write path's keys and values: spellings and shapes of a write the earlier rounds did not
 * try. For each, the new store ends holding exactly the old store's rows, or the write is recorded (its keys, or a
 * scoped resync of the table) and the library's own tools repair it: never a difference with nothing recorded, never
 * an exception for the caller. Each test ends with the stores compared row by row with plain JDBC.
 */
class WritePathBreak20Test {

    private static final String ROWS = "(1, 'a', 1), (2, 'b', 2), (3, 'c', 3)";

    private static Fixture orders(Kind kind) {
        return orders(kind, kind);
    }

    /** Old store of {@code oldKind}, new of {@code newKind}: orders → orders_v2, qty renamed quantity. */
    private static Fixture orders(Kind oldKind, Kind newKind) {
        Fixture fixture = Fixture.of(oldKind, newKind);
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)",
                "INSERT INTO orders VALUES " + ROWS);
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)",
                "INSERT INTO orders_v2 VALUES " + ROWS);
        return fixture;
    }

    private static void run(Fixture fixture, String sql) throws Exception {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    // Failed before its fix: PostgreSQL and H2 take a table name written with Unicode escapes (U&"\006Frders" is
    // orders; UESCAPE names another escape character). The parser refuses such a text, and the token scan of texts it
    // refuses found no mapped table in it (the name is not the word orders), so the write reached the old store only
    // with nothing recorded; where the parser read such a text at all (ALTER TABLE U&"…" … USING, which rewrites the
    // column's values) it read the name as a table U. Such a text is now never parsed, and the scan of it also reads
    // it with such names decoded: the write records the table's scoped resync, which the tools resolve.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "POSTGRES | UPDATE U&\"\\006Frders\" SET qty = 50 WHERE id = 1",
        "POSTGRES | update u&\"\\006f\\0072ders\" SET qty = 50 WHERE id = 1",
        "POSTGRES | UPDATE U&\"!006Frders\" UESCAPE '!' SET qty = 50 WHERE id = 1",
        "POSTGRES | UPDATE U&\"\\+00006Frders\" /* c */ SET qty = 50 WHERE id = 1",
        "POSTGRES | INSERT INTO U&\"\\006Frders\" (id, code, qty) VALUES (9, 'i', 9)",
        "POSTGRES | DELETE FROM public.U&\"\\006Frders\" WHERE id = 1",
        "POSTGRES | MERGE INTO U&\"\\006Frders\" o USING (SELECT 1 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET qty = 50",
        "POSTGRES | TRUNCATE U&\"\\006Frders\"",
        "POSTGRES | ALTER TABLE U&\"\\006Frders\" ALTER COLUMN qty SET DATA TYPE int USING qty + 10",
        "POSTGRES | ALTER TABLE U&\"!006Frders\" UESCAPE '!' ALTER COLUMN qty TYPE int USING qty * 2",
        "H2       | UPDATE U&\"\\004FRDERS\" SET qty = 50 WHERE id = 1",
        "H2       | UPDATE U&\"!004FRDERS\" UESCAPE '!' SET qty = 50 WHERE id = 1",
        "H2       | DELETE FROM PUBLIC.U&\"\\004F\\0052DERS\" WHERE id = 1",
        "H2       | INSERT INTO U&\"\\004FRDERS\" (id, code, qty) VALUES (9, 'i', 9)",
        "H2       | MERGE INTO U&\"\\004FRDERS\" KEY (id) VALUES (1, 'a', 50)"})
    void aTableNamedWithUnicodeEscapesIsNeverWrittenSilently(Kind kind, String sql) throws Exception {
        try (Fixture fixture = orders(kind)) {
            run(fixture, sql);

            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the write reached the old store").isNotEqualTo(Rows.of(fixture.newDb,
                            "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"));
            assertThat(fixture.records()).as("recorded").isNotEmpty().allMatch(ChangeRecord::isScoped)
                    .extracting(ChangeRecord::table).containsOnly("orders");
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix: a text the parser does not read is scanned for the tables it writes, outside its strings
    // and comments; the scan read strings as MySQL does (a backslash escapes the quote after it) and knew neither
    // dollar-quoted strings nor MySQL's # comments. A quote inside a PostgreSQL dollar-quoted string ($q$'$q$, which the
    // parser refuses), inside a standard string ending in a backslash ('a\'), or inside a MariaDB # comment opened a
    // string in the scan that hid the write after it: the delete or update reached the old store only, with nothing
    // recorded. The scan now also reads the text as each product's lexer does and takes what any reading finds.
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "POSTGRES | POSTGRES | SELECT $t$'$t$; DELETE FROM orders WHERE id = 1",
        "POSTGRES | POSTGRES | SELECT $t$$$'$t$; DELETE FROM orders WHERE id = 1",
        "POSTGRES | POSTGRES | WITH x AS (SELECT $q$'$q$ AS v) DELETE FROM orders WHERE id = 1",
        "POSTGRES | POSTGRES | WITH x AS (SELECT $q1$'$q1$ AS v) UPDATE orders SET qty = 50 WHERE id = 2",
        "POSTGRES | POSTGRES | WITH x AS (SELECT 'a\\' AS v, $q$q$q$ AS w) DELETE FROM orders WHERE id = 1 AND '\\' = '\\'",
        "POSTGRES | POSTGRES | WITH x AS (SELECT $q$q$q$ AS w) UPDATE orders SET code = 'x\\' WHERE id = 1 OR code = '\\'",
        "MARIADB  | MARIADB  | ANALYZE # it's<newline>DELETE FROM orders WHERE id = 1",
        "MARIADB  | MARIADB  | ANALYZE /* a */ # '<newline>UPDATE orders SET qty = 50 WHERE id = 2",
        "MARIADB  | POSTGRES | ANALYZE # it's<newline>DELETE FROM orders WHERE id = 1",
        "MARIADB  | POSTGRES | ANALYZE # '<newline>UPDATE orders SET qty = 50 WHERE id = 2"})
    void aQuoteInsideAnotherProductsStringOrCommentNeverHidesAWrite(Kind oldKind, Kind newKind, String sql)
            throws Exception {
        try (Fixture fixture = orders(oldKind, newKind)) {
            run(fixture, sql.replace("<newline>", "\n"));

            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the write reached the old store").isNotEqualTo(Rows.of(fixture.newDb,
                            "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"));
            assertThat(fixture.records()).as("recorded").isNotEmpty().allMatch(ChangeRecord::isScoped)
                    .extracting(ChangeRecord::table).containsOnly("orders");
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix: a column the new store computes (a generated column) is left out of the copier's upsert,
    // since the store refuses a value for it; where the old store held another value there (a plain column holding 99,
    // or another expression), the new store computed its own (quantity * 2 = 120), the sync reported success and
    // nothing was recorded, and a repair computed the same value again. The copier now reads the computed values of
    // the rows it wrote back in the same transaction and refuses a row whose value differs, by name; once the new
    // column is a plain one, the reconciler copies the rows.
    @ParameterizedTest(name = "{0} -> {1}: {2} / {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | MARIADB  | q2 INT                                       | q2 INT AS (quantity * 2) VIRTUAL",
        "MARIADB  | MARIADB  | q2 INT                                       | q2 INT AS (quantity * 2) PERSISTENT",
        "MARIADB  | MARIADB  | q2 INT AS (qty * 3) VIRTUAL                  | q2 INT AS (quantity * 2) STORED",
        "MARIADB  | POSTGRES | q2 INT                                       | q2 INT GENERATED ALWAYS AS (quantity * 2) STORED",
        "POSTGRES | POSTGRES | q2 INT                                       | q2 INT GENERATED ALWAYS AS (quantity * 2) VIRTUAL",
        "POSTGRES | POSTGRES | q2 INT GENERATED ALWAYS AS (qty * 3) STORED  | q2 INT GENERATED ALWAYS AS (quantity * 2) STORED",
        "POSTGRES | MARIADB  | q2 INT                                       | q2 INT AS (quantity * 2) VIRTUAL",
        "H2       | H2       | q2 INT                                       | q2 INT GENERATED ALWAYS AS (quantity * 2)"})
    void aValueTheNewStoreComputesOtherwiseIsRefusedByName(Kind oldKind, Kind newKind, String oldColumn,
                                                          String newColumn) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, " + oldColumn + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, " + newColumn + ")");
            boolean oldComputes = oldColumn.contains(" AS ");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate(oldComputes ? "INSERT INTO orders (id, qty) VALUES (1, 1)"
                        : "INSERT INTO orders (id, qty, q2) VALUES (1, 1, 99)");
                statement.executeUpdate("UPDATE orders SET qty = 60 WHERE id = 1");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            String oldRows = "SELECT id, qty, q2 FROM orders ORDER BY id";
            String newRows = "SELECT id, quantity AS qty, q2 FROM orders_v2 ORDER BY id";
            assertThat(Rows.of(fixture.newDb, newRows)).as("never the new store's own value with nothing recorded")
                    .isNotEqualTo(Rows.of(fixture.oldDb, oldRows));
            assertThat(fixture.recordKeys()).contains("orders/1/INSERT", "orders/1/UPDATE");
            assertThat(fixture.events).map(Object::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column q2").contains("the target computes '120'"));

            // the fix the refusal names: a plain column on the new store
            fixture.onNew("ALTER TABLE orders_v2 DROP COLUMN q2", "ALTER TABLE orders_v2 ADD COLUMN q2 INT");
            fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build()
                    .runOnce();
            assertThat(fixture.records()).isEmpty();
            Rows.assertSame(fixture.oldDb, oldRows, fixture.newDb, newRows);
        }
    }

    // Held (a guard of the check above): where both stores compute the column by the same expression, the values
    // agree and every sync copies the row, with nothing recorded.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | MARIADB  | q2 INT AS (qty * 2) VIRTUAL                 | q2 INT AS (quantity * 2) PERSISTENT",
        "MARIADB  | POSTGRES | q2 INT AS (qty * 2) VIRTUAL                 | q2 INT GENERATED ALWAYS AS (quantity * 2) STORED",
        "POSTGRES | POSTGRES | q2 INT GENERATED ALWAYS AS (qty * 2) STORED  | q2 INT GENERATED ALWAYS AS (quantity * 2) VIRTUAL",
        "H2       | H2       | q2 INT GENERATED ALWAYS AS (qty * 2)         | q2 INT GENERATED ALWAYS AS (quantity * 2)"})
    void aValueBothStoresComputeAlikeIsCopied(Kind oldKind, Kind newKind, String oldColumn, String newColumn)
            throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, " + oldColumn + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, " + newColumn + ")");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (1, 1), (2, 2)");
                statement.executeUpdate("UPDATE orders SET qty = 60 WHERE id = 1");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(fixture.records()).isEmpty();
            Rows.assertSame(fixture.oldDb, "SELECT id, qty, q2 FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, q2 FROM orders_v2 ORDER BY id");
        }
    }
}
