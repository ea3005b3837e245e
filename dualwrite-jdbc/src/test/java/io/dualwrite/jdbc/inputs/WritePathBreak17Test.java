package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorEvent;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A seventeenth review of the write path's values: what the new store stores in place of what the copier writes. For
 * a NULL, MariaDB puts the current time into a {@code TIMESTAMP NOT NULL} column and the next number into an {@code
 * AUTO_INCREMENT} one, H2 the default into a column declared {@code DEFAULT ON NULL}; for a number, MariaDB rounds it
 * to the decimals a {@code FLOAT(M,D)} or {@code DOUBLE(M,D)} declares. The sync reported success, so the new store
 * held a value the old one never had, with nothing recorded, and a repair wrote the same value into the same column
 * again (verification reported the row on every run). Each test ends with the new store compared row by row with the
 * old one: such a row refused by name and recorded while the column cannot hold its value, copied once it can.
 */
class WritePathBreak17Test {

    /** Renames only qty; every other column keeps its name. */
    private static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, shipped %s)";

    private static String oldRows(Fixture fixture, String column) {
        return Rows.of(fixture.oldDb, "SELECT id, qty, " + column + " FROM orders ORDER BY id").toString();
    }

    private static String newRows(Fixture fixture, String column) {
        return Rows.of(fixture.newDb, "SELECT id, quantity AS qty, " + column + " FROM orders_v2 ORDER BY id").toString();
    }

    private static void drained(Fixture fixture) throws InterruptedException {
        assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    // Failed before its fix: the insert's NULL reached the new store's column as a value of the column's own (MariaDB
    // 2026-12-06 08:33:39 in a TIMESTAMP NOT NULL, 1 in an AUTO_INCREMENT, H2 the DEFAULT ON NULL's 'none'), the sync
    // reported success and nothing was recorded; an update to NULL of a row both stores held did the same. The copier
    // now refuses a NULL for such a column by name: the sync fails, the keys stay recorded, and once the column takes
    // NULL the reconciler copies the rows.
    @ParameterizedTest(name = "{0} -> {1} {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | MARIADB | TIMESTAMP NULL | TIMESTAMP NOT NULL DEFAULT '2001-01-01 00:00:00' | TIMESTAMP NULL DEFAULT NULL",
        "POSTGRES | MARIADB | TIMESTAMP      | TIMESTAMP NOT NULL DEFAULT '2001-01-01 00:00:00' | TIMESTAMP NULL DEFAULT NULL",
        "H2       | MARIADB | TIMESTAMP(0)   | TIMESTAMP NOT NULL DEFAULT '2001-01-01 00:00:00' | TIMESTAMP NULL DEFAULT NULL",
        "MARIADB  | MARIADB | BIGINT         | BIGINT NOT NULL AUTO_INCREMENT UNIQUE | BIGINT NULL UNIQUE",
        "MARIADB  | H2      | VARCHAR(10)    | VARCHAR(10) DEFAULT 'none' DEFAULT ON NULL | VARCHAR(10) DEFAULT 'none'",
        "POSTGRES | H2      | VARCHAR(10)    | VARCHAR(10) DEFAULT 'none' DEFAULT ON NULL | VARCHAR(10) DEFAULT 'none'"})
    void aNullIsNeverWrittenWhereTheNewStoreWouldStoreAValueOfItsOwn(Kind oldKind, Kind newKind, String oldType,
                                                                  String newType, String nullableType) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld(String.format(OLD_ORDERS, oldType));
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, shipped " + newType + ")");
            boolean number = oldType.equals("BIGINT");
            String set = number ? "7" : oldType.startsWith("VARCHAR") ? "'sent'" : "'2020-02-02 10:00:00'";
            fixture.onOld("INSERT INTO orders VALUES (2, 2, " + set + ")");
            fixture.onNew("INSERT INTO orders_v2 VALUES (2, 2, " + set + ")");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders VALUES (1, 1, NULL)");
                statement.executeUpdate("UPDATE orders SET shipped = NULL WHERE id = 2");
                statement.executeUpdate("INSERT INTO orders VALUES (3, 3, " + (number ? "9" : set) + ")");
            }
            drained(fixture);
            String column = newKind == Kind.MARIADB && !number ? "CAST(shipped AS CHAR) AS shipped"
                    : "CAST(shipped AS VARCHAR(30)) AS shipped";
            String oldColumn = oldKind == Kind.MARIADB ? "CAST(shipped AS CHAR) AS shipped"
                    : "CAST(shipped AS VARCHAR(30)) AS shipped";
            assertThat(oldRows(fixture, oldColumn)).contains("id=1, qty=1, shipped=<null>", "id=2, qty=2, shipped=<null>");
            // the rows with a NULL are refused and recorded; the row without one is copied
            assertThat(newRows(fixture, column)).doesNotContain("id=1,").contains("id=3, qty=3");
            assertThat(newRows(fixture, column)).as("row 2 keeps what it held").doesNotContain("id=2, qty=2, shipped=<null>")
                    .doesNotContainPattern("id=2, qty=2, shipped=20[2-9][6-9]");
            assertThat(fixture.recordKeys()).contains("orders/1/INSERT", "orders/2/UPDATE");
            assertThat(fixture.events).map(MirrorEvent::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column shipped").contains("the value 'NULL'"));

            // the fix the refusal names: let the column take NULL (on H2 a column without DEFAULT ON NULL, filled from it)
            if (newKind == Kind.MARIADB) {
                fixture.onNew("ALTER TABLE orders_v2 MODIFY shipped " + nullableType);
            } else {
                fixture.onNew("ALTER TABLE orders_v2 ADD COLUMN s2 " + nullableType, "UPDATE orders_v2 SET s2 = shipped",
                        "ALTER TABLE orders_v2 DROP COLUMN shipped", "ALTER TABLE orders_v2 ALTER COLUMN s2 RENAME TO shipped");
            }
            fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build()
                    .runOnce();
            assertThat(fixture.records()).isEmpty();
            assertThat(newRows(fixture, column)).isEqualTo(oldRows(fixture, oldColumn));
        }
    }

    // Failed before its fix: MariaDB rounds a number written into a FLOAT(M,D) or DOUBLE(M,D) column to D decimals
    // without a word (1.23456 became 1.23, 0.125 became 0.12), so the sync reported success with values the old store
    // never held, nothing was recorded, and a repair rounded them again. The copier now refuses such a number by name
    // (also from a decimal, and a number beyond the column's M digits); a number the column holds is copied.
    @ParameterizedTest(name = "{0} {1} -> MARIADB {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DOUBLE PRECISION | DOUBLE(10,2) | DOUBLE",
        "POSTGRES | NUMERIC(15,5)    | DOUBLE(10,2) | DOUBLE",
        "MARIADB  | DOUBLE           | DOUBLE(10,2) | DOUBLE",
        "MARIADB  | DOUBLE           | FLOAT(7,2)   | DOUBLE",
        "H2       | DOUBLE PRECISION | REAL(10,2)   | DOUBLE"})
    void aNumberIsNeverRoundedToTheDecimalsAMariaDbFloatingColumnDeclares(Kind oldKind, String oldType, String newType,
                                                                         String widerType) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, Kind.MARIADB)) {
            fixture.onOld(String.format(OLD_ORDERS, oldType));
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, shipped " + newType + ")");
            fixture.onNew("INSERT INTO orders_v2 VALUES (2, 2, 7.5)");
            fixture.onOld("INSERT INTO orders VALUES (2, 2, 7.5)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders VALUES (1, 1, 1.23456)");
                statement.executeUpdate("UPDATE orders SET shipped = 0.125 WHERE id = 2");
                statement.executeUpdate("INSERT INTO orders VALUES (3, 3, 2.5)");
                statement.executeUpdate("INSERT INTO orders VALUES (4, 4, 123456789.5)");
            }
            drained(fixture);
            String column = "CAST(shipped AS DECIMAL(20,6)) AS shipped";
            assertThat(oldRows(fixture, column)).contains("id=1, qty=1, shipped=1.23456", "id=2, qty=2, shipped=0.125");
            assertThat(newRows(fixture, column)).as("rounded rows are refused, held ones copied")
                    .isEqualTo("[{id=2, qty=2, shipped=7.5}, {id=3, qty=3, shipped=2.5}]");
            assertThat(fixture.recordKeys()).contains("orders/1/INSERT", "orders/2/UPDATE", "orders/4/INSERT");
            assertThat(fixture.events).map(MirrorEvent::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column shipped").contains("the value '1.23456'"));

            fixture.onNew("ALTER TABLE orders_v2 MODIFY shipped " + widerType);
            fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build()
                    .runOnce();
            assertThat(fixture.records()).isEmpty();
            assertThat(newRows(fixture, column)).isEqualTo(oldRows(fixture, column));
        }
    }
}
