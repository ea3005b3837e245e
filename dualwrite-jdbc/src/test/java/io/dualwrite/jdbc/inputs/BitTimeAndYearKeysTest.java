package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MariaDB keys of types whose JDBC form is not their stored value: {@code BIT(n)} (bytes, not a boolean, when
 * n &gt; 1), {@code TIME} (a duration of up to ±838 hours, not a time of day) and {@code YEAR} (reported as a
 * date). Each test writes through the data source, resolves what was recorded with the library's tools, and
 * ends comparing both stores row by row with plain SQL (keys as the server's own text of the stored value).
 */
class BitTimeAndYearKeysTest {

    private static List<String> table(TestDatabase db, String sql) {
        List<String> rows = new ArrayList<>();
        for (var row : db.query(sql)) {
            rows.add(row.values().stream().map(Rows::text).reduce((a, b) -> a + "|" + b).orElse(""));
        }
        return rows;
    }

    private static TableMapping keyed(String... key) {
        return TableMapping.builder("orders").newTable("orders_v2").primaryKey(key).rename("qty", "quantity").build();
    }

    private static Fixture maria(String keyType) {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB);
        fixture.onOld("CREATE TABLE orders (id " + keyType + " NOT NULL PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id " + keyType + " NOT NULL PRIMARY KEY, quantity INT)");
        return fixture;
    }

    /** Resolves what the writes recorded with the library's tools: the reconciler, verification and repair. */
    private static void resolve(Fixture fixture) throws SQLException {
        if (!fixture.records().isEmpty()) {
            fixture.reconciler().runOnce();
        }
        if (!fixture.scopedResyncs().isEmpty()) {
            DualWriteSchema.create(fixture.oldDb.dataSource());
            Verifier verifier = fixture.verifier();
            RowCopier copier = RowCopier.builder().oldDataSource(fixture.oldDb.dataSource())
                    .newDataSource(fixture.newDb.dataSource()).build();
            ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog)
                    .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(fixture.mappings.get(0))
                    .build().resolveOnce();
        }
    }

    private static void converged(Fixture fixture, String keyText, String... rows) throws SQLException {
        resolve(fixture);
        List<String> old = table(fixture.oldDb, "SELECT " + keyText + " AS k, qty FROM orders ORDER BY id");
        List<String> now = table(fixture.newDb, "SELECT " + keyText + " AS k, quantity FROM orders_v2 ORDER BY id");
        assertThat(old).as("old store").containsExactly(rows);
        assertThat(now).as("new store (records %s)", fixture.recordKeys()).isEqualTo(old);
        assertThat(fixture.records()).as("records left").isEmpty();
    }

    @Test
    void bitEightKeysReachTheNewStoreOnInsertUpdateAndDelete() throws SQLException {
        try (Fixture fixture = maria("BIT(8)")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (b'101', 1), (b'10000000', 2), (b'11', 3)"))
                    .isEqualTo(3);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 9 WHERE id = b'101'")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 3")).isEqualTo(1);
            converged(fixture, "BIN(id + 0)", "101|9", "10000000|2");
        }
    }

    @Test
    void bitSixtyFourKeyWithTheTopBitSetReachesTheNewStore() throws SQLException {
        try (Fixture fixture = maria("BIT(64)")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (b'1" + "0".repeat(62) + "1', 1)"))
                    .isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 4")).isEqualTo(1);
            converged(fixture, "HEX(id)", "8000000000000001|4");
        }
    }

    @Test
    void timeKeysBeyondADayAndNegativeReachTheNewStore() throws SQLException {
        try (Fixture fixture = maria("TIME(6)")) {
            assertThat(LooseKeyStores.execute(fixture,
                    "INSERT INTO orders VALUES ('10:00:00', 1), ('-838:59:59', 2), ('25:00:00.5', 3), ('00:00:00.000001', 4)"))
                    .isEqualTo(4);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 10 WHERE id = '25:00:00.5'")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = '10:00:00'")).isEqualTo(1);
            converged(fixture, "CAST(id AS CHAR)", "-838:59:59.000000|2", "00:00:00.000001|4", "25:00:00.500000|13");
        }
    }

    @Test
    void yearKeysReachTheNewStore() throws SQLException {
        try (Fixture fixture = maria("YEAR")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (2024, 1), (1901, 2), (2155, 3), (0, 4)"))
                    .isEqualTo(4);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 10 WHERE id = 2155")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 1901")).isEqualTo(1);
            converged(fixture, "CAST(id AS CHAR)", "0000|4", "2024|1", "2155|13");
        }
    }

    @Test
    void oddValuesInOrdinaryColumnsReachTheNewStoreExactly() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            String columns = "b8 BIT(8), b64 BIT(64), t TIME(6), y YEAR";
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT, " + columns + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, " + columns + ")");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (1, 1, b'101', b'1" + "0".repeat(62)
                    + "1', '-838:59:59.5', 0), (2, 2, 128, 5, '25:00:00.000001', 2155), (3, 3, 0, 0, '00:00:00', 1901)"))
                    .isEqualTo(3);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 7, t = ? WHERE id = ?", "100:00:00.25", 3))
                    .isEqualTo(1);
            resolve(fixture);
            String read = "SELECT id, HEX(b8), HEX(b64), CAST(t AS CHAR), CAST(y AS CHAR) FROM ";
            List<String> old = table(fixture.oldDb, read + "orders ORDER BY id");
            assertThat(old).containsExactly("1|5|8000000000000001|-838:59:59.500000|0000",
                    "2|80|5|25:00:00.000001|2155", "3|0|0|100:00:00.250000|1901");
            assertThat(table(fixture.newDb, read + "orders_v2 ORDER BY id")).isEqualTo(old);
        }
    }

    // a statement whose keys are unknown (LIMIT) records a scoped resync; verification and repair resolve it,
    // also correcting drift the new store had before (a row it lacks, a row only it has, a changed row)
    private static void scopedResyncRepairsDrift(String keyType, String a, String b, String c, String keyText,
                                                 String... expected) throws SQLException {
        try (Fixture fixture = maria(keyType)) {
            fixture.onOld("INSERT INTO orders VALUES (" + a + ", 1), (" + b + ", 2)");
            fixture.onNew("INSERT INTO orders_v2 VALUES (" + b + ", 7), (" + c + ", 3)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 10 WHERE qty > 1 LIMIT 1"))
                    .isEqualTo(1);
            assertThat(fixture.scopedResyncs()).as("a scoped resync is recorded").isNotEmpty();
            converged(fixture, keyText, expected);
        }
    }

    @Test
    void scopedResyncOfABitKeyedTableRepairsIt() throws SQLException {
        scopedResyncRepairsDrift("BIT(8)", "b'101'", "128", "3", "BIN(id + 0)", "101|1", "10000000|12");
    }

    @Test
    void scopedResyncOfABitSixtyFourKeyedTableRepairsItAboveTheSignedRange() throws SQLException {
        scopedResyncRepairsDrift("BIT(64)", "1", "0xFFFFFFFFFFFFFFFF", "0x8000000000000000", "HEX(id)",
                "1|1", "FFFFFFFFFFFFFFFF|12");
    }

    @Test
    void scopedResyncOfATimeKeyedTableRepairsIt() throws SQLException {
        scopedResyncRepairsDrift("TIME(3)", "'-838:59:59'", "'100:00:00.5'", "'04:00:00'", "CAST(id AS CHAR)",
                "-838:59:59.000|1", "100:00:00.500|12");
    }

    @Test
    void scopedResyncOfAYearKeyedTableRepairsIt() throws SQLException {
        scopedResyncRepairsDrift("YEAR", "0", "2155", "1999", "CAST(id AS CHAR)", "0000|1", "2155|12");
    }

    @Test
    void boundBitAndYearKeysAndKeyMovesReachTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).mappings(keyed("b", "y")).build()) {
            fixture.onOld("CREATE TABLE orders (b BIT(12) NOT NULL, y YEAR NOT NULL, qty INT, PRIMARY KEY (b, y))");
            fixture.onNew("CREATE TABLE orders_v2 (b BIT(12) NOT NULL, y YEAR NOT NULL, quantity INT, PRIMARY KEY (b, y))");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (?, ?, ?)", 4095, 2024, 1)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (?, ?, ?)", 7, "1999", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET b = b + 1, y = 2000 WHERE y = ?", 1999))
                    .isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE b = ? AND y = ?", 4095, 2024))
                    .isEqualTo(1);
            resolve(fixture);
            String read = "SELECT BIN(b + 0), CAST(y AS CHAR), %s FROM %s ORDER BY b, y";
            List<String> old = table(fixture.oldDb, String.format(read, "qty", "orders"));
            assertThat(old).containsExactly("1000|2000|2", "111111111111|2024|5");
            assertThat(table(fixture.newDb, String.format(read, "quantity", "orders_v2"))).isEqualTo(old);
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void bitTimeAndYearKeysReachPostgresAsNumbersAndTimes() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(keyed("b", "y", "t")).build()) {
            fixture.onOld("CREATE TABLE orders (b BIT(16) NOT NULL, y YEAR NOT NULL, t TIME(6) NOT NULL, qty INT,"
                    + " PRIMARY KEY (b, y, t))");
            fixture.onNew("CREATE TABLE orders_v2 (b integer NOT NULL, y smallint NOT NULL, t time(6) NOT NULL,"
                    + " quantity integer, PRIMARY KEY (b, y, t))");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (b'1111111111111111', 2024, '23:59:59.999999', 1),"
                    + " (1, 0, '00:00:00', 2), (256, 1901, '12:30:00.5', 3)")).isEqualTo(3);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 10 WHERE b = 256")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE y = 0")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 1 WHERE qty > 0 LIMIT 1")).isEqualTo(1);
            resolve(fixture);
            List<String> old = table(fixture.oldDb, "SELECT CAST(b + 0 AS CHAR), CAST(y + 0 AS CHAR),"
                    + " CAST(t AS CHAR), qty FROM orders ORDER BY b");
            assertThat(old).hasSize(2);
            assertThat(table(fixture.newDb, "SELECT b::text, y::text, to_char(t, 'HH24:MI:SS.US'), quantity"
                    + " FROM orders_v2 ORDER BY b")).isEqualTo(old);
            assertThat(fixture.records()).isEmpty();
        }
    }
}
