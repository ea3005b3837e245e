package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A ninth review of the write path, on the headline case (old MariaDB, new PostgreSQL with qty renamed quantity)
 * and on PostgreSQL to PostgreSQL: statement shapes, values, keys, switches and session state not tried before.
 * Each test checks the old store's rows it expects, then the new store against it row by row (or the change log
 * when the keys could not be known).
 */
class WritePathBreak9Test {

    private static final String SRC = "CREATE TABLE src (id BIGINT, code VARCHAR(20), qty INT)";

    /** Seeds orders 1:a:1 2:b:2 3:c:3 in both stores and src (2:c:20, 3:x:0, 4:d:4) in the old one. */
    private static Fixture seeded(Kind oldKind, Kind newKind, MirrorMode mode) {
        Fixture fixture = Mirrored.seed(Fixture.builder(oldKind, newKind).mode(mode).build(), Mirrored.PG);
        fixture.onOld(SRC, "INSERT INTO src (id, code, qty) VALUES (2, 'c', 20), (3, 'x', 0), (4, 'd', 4)");
        return fixture;
    }

    private static String oldOrders(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("code") + ":" + r.get("qty")).collect(Collectors.joining(" "));
    }

    static void drained(Fixture fixture) throws InterruptedException {
        assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    // statement shapes: what the old store ends with, then the new store equal to it or a recorded resync
    @ParameterizedTest(name = "{0}->{1} {2}: {3}")
    @CsvSource(delimiter = '|', value = {
        // REPLACE ... SELECT whose row collides with two rows (id 2, and code c of row 3): row 3 is deleted too
        "MARIADB  | POSTGRES | SYNC  | REPLACE INTO orders (id, code, qty) SELECT id, code, qty FROM src WHERE id = 2 | 1:a:1 2:c:20",
        "MARIADB  | POSTGRES | SYNC  | INSERT IGNORE INTO orders (id, code, qty) VALUES (4, 'a', 4), (5, 'e', 5), (1, 'q', 9) | 1:a:1 2:b:2 3:c:3 5:e:5",
        "MARIADB  | POSTGRES | SYNC  | INSERT INTO orders (id, code, qty) VALUES (1, 'q', 9) ON DUPLICATE KEY UPDATE id = id + 100 | 2:b:2 3:c:3 101:a:1",
        "MARIADB  | POSTGRES | SYNC  | UPDATE orders SET qty = qty + 10 ORDER BY id DESC LIMIT 2 | 1:a:1 2:b:12 3:c:13",
        "MARIADB  | POSTGRES | SYNC  | DELETE o FROM orders o JOIN src s ON s.id = o.id WHERE s.qty > 0 | 1:a:1 3:c:3",
        "MARIADB  | POSTGRES | SYNC  | UPDATE orders SET id = id + 100 WHERE code = 'B' | 1:a:1 3:c:3 102:b:2",
        "POSTGRES | POSTGRES | SYNC  | WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING *) INSERT INTO orders SELECT id + 10, code, qty FROM d | 2:b:2 3:c:3 11:a:1",
        "POSTGRES | POSTGRES | SYNC  | MERGE INTO orders o USING src s ON o.id = s.id WHEN MATCHED AND s.qty = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET qty = s.qty WHEN NOT MATCHED THEN INSERT (id, code, qty) VALUES (s.id, s.code, s.qty) | 1:a:1 2:b:20 4:d:4",
        "POSTGRES | POSTGRES | SYNC  | UPDATE orders o SET qty = s.qty FROM src s WHERE s.id = o.id | 1:a:1 2:b:20 3:c:0",
        "POSTGRES | POSTGRES | SYNC  | INSERT INTO orders (id, code, qty) VALUES (20, 'b', 9) ON CONFLICT (code) DO UPDATE SET id = EXCLUDED.id, qty = EXCLUDED.qty | 1:a:1 3:c:3 20:b:9"})
    void statementShapesEndExactOrRecorded(Kind oldKind, Kind newKind, MirrorMode mode, String sql, String expectedOld)
            throws Exception {
        try (Fixture fixture = seeded(oldKind, newKind, mode)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql.replace("\\n", "\n").replace("\\t", "\t"));
            }
            drained(fixture);
            assertThat(sortedIds(oldOrders(fixture))).isEqualTo(sortedIds(expectedOld));
            Mirrored.exactOrResynced(fixture, oldKind + " " + mode + " " + sql);
        }
    }


    // ---- values: MariaDB into PostgreSQL through the renamed column

    private static final String MARIA_VALUES = "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, b BIT(10), y YEAR,"
            + " e ENUM('small','large'), s SET('red','green','blue'), j JSON, t TIME(6), u BIGINT UNSIGNED, d DOUBLE,"
            + " txt VARCHAR(100), ts TIMESTAMP(6) NULL) CHARSET utf8mb4";
    private static final String PG_VALUES = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, b BIT(10), y SMALLINT,"
            + " e VARCHAR(10), s VARCHAR(30), j JSONB, t INTERVAL, u NUMERIC(20), d DOUBLE PRECISION, txt VARCHAR(100),"
            + " ts TIMESTAMPTZ(6))";

    private static List<Map<String, String>> oldValues(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty, CAST(b AS UNSIGNED) AS b, y + 0 AS y, e, s, CAST(j AS CHAR) AS j,"
                + " TIME_TO_SEC(t) AS t, u, d, HEX(txt) AS txt, UNIX_TIMESTAMP(ts) AS ts FROM orders ORDER BY id");
    }

    private static List<Map<String, String>> newValues(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, quantity AS qty, b::int AS b, y, e, s, j::text AS j,"
                + " extract(epoch FROM t) AS t, u, d, upper(encode(convert_to(txt, 'UTF8'), 'hex')) AS txt,"
                + " extract(epoch FROM ts) AS ts FROM orders_v2 ORDER BY id");
    }

    /** The JSON column compared as jsonb on PostgreSQL; the others as they are. */
    private static void assertValuesSame(Fixture fixture) {
        List<Map<String, String>> old = oldValues(fixture);
        List<Map<String, String>> fresh = newValues(fixture);
        assertThat(fresh).hasSameSizeAs(old);
        for (int i = 0; i < old.size(); i++) {
            Map<String, String> o = new java.util.LinkedHashMap<>(old.get(i));
            Map<String, String> n = new java.util.LinkedHashMap<>(fresh.get(i));
            String oj = o.remove("j");
            String nj = n.remove("j");
            assertThat(n).as("row %s", i).isEqualTo(o);
            if (oj.equals("<null>") || nj.equals("<null>")) {
                assertThat(nj).isEqualTo(oj);
            } else {
                assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders_v2 WHERE id = ? AND j = CAST(? AS jsonb)",
                        Long.valueOf(o.get("id")), oj)).as("json of row %s: %s vs %s", o.get("id"), oj, nj).isOne();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SYNC", "ASYNC"})
    void mariadbValuesOfEveryOddTypeReachPostgresExactly(MirrorMode mode) throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(mode).build()) {
            fixture.onOld(MARIA_VALUES);
            fixture.onNew(PG_VALUES);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET time_zone = '+05:00'");
                statement.executeUpdate("INSERT INTO orders VALUES (1, 1, b'1000000001', 2155, 'large', 'blue,red',"
                        + " '{\"k\": \"v\\\\u00e9\", \"n\": 1.50, \"a\": [1, null]}', '838:59:59.999999', 18446744073709551615,"
                        + " -1.7976931348623157E308, 'x\\\\y''z\"\uD83D\uDE00\u00e9', '2024-03-31 02:30:00.123456')");
                statement.executeUpdate("INSERT INTO orders VALUES (2, 2, b'0', 1901, 1, '', 'null', '-30:00:00.5',"
                        + " 9223372036854775808, 2.2250738585072014E-308, '', '1970-01-01 05:00:01')");
                try (java.sql.PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET qty = ?, t = ?, txt = ?, d = ?, u = ?, s = ? WHERE id = ?")) {
                    update.setInt(1, 3);
                    update.setString(2, "-838:59:59");
                    update.setString(3, "\\'\"%_\uD83E\uDDEA");
                    update.setDouble(4, -0.0);
                    update.setBigDecimal(5, new java.math.BigDecimal("18446744073709551614"));
                    update.setString(6, "green,blue,red");
                    update.setLong(7, 2);
                    assertThat(update.executeUpdate()).isOne();
                }
            }
            drained(fixture);
            assertThat(fixture.records()).isEmpty();
            assertValuesSame(fixture);
        }
    }

    // a value PostgreSQL cannot hold (NUL in text, a zero date): the row differs, so the change log keeps its key
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "SYNC  | INSERT INTO orders (id, qty, txt) VALUES (5, 5, CONCAT('a', CHAR(0), 'b'))",
        "SYNC  | INSERT INTO orders (id, qty, dt) VALUES (5, 5, '0000-00-00')"})
    void mariadbValuePostgresCannotHoldIsRecordedNeverWrittenAsAnother(MirrorMode mode, String insert) throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(mode).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, txt VARCHAR(10), dt DATE)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, txt VARCHAR(10), dt DATE)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET sql_mode = ''");
                assertThat(statement.executeUpdate(insert)).isOne();
                statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (6, 6)");
            }
            drained(fixture);
            fixture.reconciler().runOnce();
            assertThat(Rows.of(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("no other value in place of the one PostgreSQL cannot hold")
                    .containsExactly(Rows.expected("id", 6, "qty", 6));
            assertThat(fixture.records()).extracting(io.dualwrite.changelog.ChangeRecord::key).contains("5");
        }
    }

    // ---- PostgreSQL into PostgreSQL: values of the session and of odd types

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SYNC", "ASYNC"})
    void postgresValuesWrittenInAnotherSessionZoneReachTheNewStoreExactly(MirrorMode mode) throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(mode).build()) {
            String columns = "n NUMERIC, j JSONB, a TEXT[], tz TIMESTAMPTZ, ts TIMESTAMP, d DATE, bin BYTEA, iv INTERVAL)";
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, " + columns);
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, " + columns);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET TIME ZONE 'Asia/Kathmandu'");
                statement.execute("SET intervalstyle = 'sql_standard'");
                statement.executeUpdate("INSERT INTO orders VALUES (1, 1, 'NaN', '{\"a\": [1, 2.50]}', ARRAY['x,y', NULL, '\"q\"', ''],"
                        + " '2024-03-31 02:30:00', '2024-02-01 10:00', '2024-04-03', '\\x00ff', '1 year 2 mons -3 days 04:05:06.7')");
                statement.executeUpdate("INSERT INTO orders VALUES (2, 2, '-Infinity', 'null', '{}', 'infinity', '-infinity',"
                        + " 'epoch', '', '-178000000 years')");
                try (java.sql.PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET n = ?, tz = ?, ts = ? WHERE id = ?")) {
                    update.setBigDecimal(1, new java.math.BigDecimal("1E-20"));
                    update.setObject(2, java.time.OffsetDateTime.parse("2024-10-27T01:30:00+01:00"));
                    update.setObject(3, java.time.LocalDateTime.parse("2024-03-31T02:30:00"));
                    update.setLong(4, 2);
                    assertThat(update.executeUpdate()).isOne();
                }
            }
            drained(fixture);
            assertThat(fixture.records()).isEmpty();
            // as values, whatever the session of the reading pool (the application's SET TIME ZONE stays on its pooled
            // connection): the instant, and the interval's fields
            String select = "SELECT id, %s AS qty, n::text AS n, j::text AS j, a::text AS a, extract(epoch FROM tz) AS tz,"
                    + " ts::text AS ts, d::text AS d, encode(bin, 'hex') AS bin,"
                    + " to_char(iv, 'FMYYYY FMMM FMDD HH24:MI:SS.US') AS iv FROM %s ORDER BY id";
            Rows.assertSame(fixture.oldDb, String.format(select, "qty", "orders"), fixture.newDb,
                    String.format(select, "quantity", "orders_v2"));
        }
    }


    // ---- keys: case-insensitive, padded and composite keys on MariaDB, into PostgreSQL's exact text

    /** The keys and quantities of a store's orders, sorted by exact key text. */
    private static List<String> keyed(io.dualwrite.jdbc.testing.TestDatabase db, String sql) {
        return Rows.of(db, sql).stream().map(r -> String.join("/", r.values())).sorted().toList();
    }

    /**
     * Asserts the new store's rows ({@code newSql}) equal the old store's ({@code oldSql}), or that a difference is
     * recorded and resolving the records makes them equal.
     */
    private static void sameOrResolved(Fixture fixture, String oldSql, String newSql) throws java.sql.SQLException {
        List<String> old = keyed(fixture.oldDb, oldSql);
        List<String> fresh = keyed(fixture.newDb, newSql);
        if (!fresh.equals(old)) {
            assertThat(fixture.records()).as("new %s differs from old %s", fresh, old).isNotEmpty();
            fixture.resolveRecords();
            fresh = keyed(fixture.newDb, newSql);
        }
        assertThat(fresh).isEqualTo(old);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "SYNC  | UPDATE orders SET id = 'ABC' WHERE id = 'abc  '",
        "SYNC  | UPDATE orders SET id = UPPER(id), qty = qty + 1",
        "SYNC  | INSERT INTO orders VALUES ('ABC', 7) ON DUPLICATE KEY UPDATE id = VALUES(id), qty = VALUES(qty)",
        "SYNC  | UPDATE orders SET id = 'Q' ORDER BY id LIMIT 1"})
    void mariadbCaseInsensitiveKeysReachPostgresAsStored(MirrorMode mode, String sql) throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(mode).build()) {
            LooseKeyStores.seed(fixture, "abc", "xyz");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            drained(fixture);
            sameOrResolved(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity FROM orders_v2");
        }
    }

    private static final io.dualwrite.mapping.TableMapping COMPOSITE = io.dualwrite.mapping.TableMapping.builder("orders")
            .newTable("orders_v2").rename("qty", "quantity").rename("shop", "shop_code").primaryKey("shop", "n").build();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "SYNC  | UPDATE orders SET shop = UPPER(shop), n = n + 10 WHERE shop = 's1'",
        "SYNC  | UPDATE orders SET n = n + 1 ORDER BY n DESC"})
    void mariadbCompositeKeyWithARenamedPartReachesPostgres(MirrorMode mode, String sql) throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(mode).mappings(COMPOSITE).build()) {
            fixture.onOld("CREATE TABLE orders (shop VARCHAR(10) COLLATE utf8mb4_general_ci, n INT, qty INT, PRIMARY KEY (shop, n))",
                    "INSERT INTO orders VALUES ('s1', 1, 1), ('s1', 2, 2), ('s2', 2, 3)");
            fixture.onNew("CREATE TABLE orders_v2 (shop_code VARCHAR(10), n INT, quantity INT, PRIMARY KEY (shop_code, n))",
                    "INSERT INTO orders_v2 VALUES ('s1', 1, 1), ('s1', 2, 2), ('s2', 2, 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            drained(fixture);
            sameOrResolved(fixture, "SELECT shop, n, qty FROM orders", "SELECT shop_code, n, quantity FROM orders_v2");
        }
    }

    // ---- session state sent by the application before its writes

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | SET sql_mode = 'NO_BACKSLASH_ESCAPES' | DELETE FROM orders WHERE id = 'k\\\\'",
        "POSTGRES | SET standard_conforming_strings = off | DELETE FROM orders WHERE id = 'k\\\\\\\\'",
        "POSTGRES | SET standard_conforming_strings = off | UPDATE orders SET qty = 9 WHERE id = 'k\\\\' OR id = 'z'"})
    void backslashesReadUnderTheSessionsOwnStringRulesSyncTheRowsTheDatabaseWrote(Kind kind, String set, String sql)
            throws Exception {
        try (Fixture fixture = kind == Kind.MARIADB ? Fixture.of(Kind.MARIADB, Kind.POSTGRES) : LooseKeyStores.postgres()) {
            if (kind == Kind.MARIADB) {
                LooseKeyStores.seed(fixture);
            }
            fixture.onOld("INSERT INTO orders VALUES ('k\\\\', 1), ('k\\\\\\\\', 2), ('z', 3), ('n\\\\', 5)".replace("\\\\",
                    kind == Kind.MARIADB ? "\\\\" : "\\"));
            fixture.onNew("INSERT INTO orders_v2 VALUES ('k\\', 1), ('k\\\\', 2), ('z', 3), ('n\\', 5)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(set);
                statement.execute(sql);
            }
            sameOrResolved(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity FROM orders_v2");
        }
    }

    // ---- switches: rows of two merchants in one statement, and a flip between the write and its commit

    private static final io.dualwrite.mapping.TableMapping BY_MERCHANT = io.dualwrite.mapping.TableMapping.builder("orders")
            .newTable("orders_v2").rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private static Fixture merchants(Kind oldKind, MirrorMode mode) {
        Fixture fixture = Fixture.builder(oldKind, Kind.POSTGRES).mode(mode).phase(io.dualwrite.MigrationPhase.OLD_ONLY)
                .mappings(BY_MERCHANT).build();
        fixture.switches.setMerchantPhase(Fixture.MIGRATION, "dw", io.dualwrite.MigrationPhase.DUAL_WRITE);
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders VALUES (1, 'dw', 1), (2, 'old', 2), (3, 'dw', 3), (4, 'old', 4)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 VALUES (1, 'dw', 1), (3, 'dw', 3)");
        return fixture;
    }

    private static void assertNewHoldsTheDualWriteMerchantsRows(Fixture fixture, String merchant) throws SQLException {
        String oldSql = "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = '" + merchant + "' ORDER BY id";
        String newSql = "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id";
        if (!Rows.of(fixture.newDb, newSql).equals(Rows.of(fixture.oldDb, oldSql))) {
            assertThat(fixture.records()).as("new %s, old %s", Rows.of(fixture.newDb, newSql), Rows.of(fixture.oldDb, oldSql))
                    .isNotEmpty();
            // a whole-table resync: the operator verifies and repairs the DUAL_WRITE merchant's scope with the data
            // source's copier, which writes a row only into a store its phase writes
            io.dualwrite.jdbc.schema.DualWriteSchema.create(fixture.oldDb.dataSource());
            io.dualwrite.jdbc.verify.Verifier verifier = fixture.verifier();
            io.dualwrite.jdbc.verify.VerificationJob job = io.dualwrite.jdbc.verify.VerificationJob.builder(Fixture.MIGRATION)
                    .table(BY_MERCHANT).scope(io.dualwrite.jdbc.verify.VerificationScope.merchant(merchant)).build();
            io.dualwrite.jdbc.verify.Repairer.of(fixture.dataSource.rowCopier(), verifier).repair(job, verifier.verify(job));
            fixture.reconciler().runOnce();
        }
        Rows.assertSame(fixture.oldDb, oldSql, fixture.newDb, newSql);
    }

    @ParameterizedTest(name = "{0} {1} context {2}: {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | SYNC  | -   | UPDATE orders SET qty = qty + 10",
        "MARIADB  | SYNC  | old | UPDATE orders SET merchant_id = 'dw' WHERE id = 2",
        "MARIADB  | SYNC  | -   | UPDATE orders SET merchant_id = IF(merchant_id = 'dw', 'old', 'dw')",
        "POSTGRES | ASYNC | -   | UPDATE orders SET merchant_id = CASE merchant_id WHEN 'dw' THEN 'old' ELSE 'dw' END",
        "POSTGRES | SYNC  | dw  | MERGE INTO orders o USING (VALUES (2, 'dw'), (7, 'dw'), (3, 'old')) s(id, m) ON o.id = s.id WHEN MATCHED THEN UPDATE SET merchant_id = s.m WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.m, 7)"})
    void statementTouchingRowsOfMerchantsInDifferentPhasesWritesEachRowByItsOwnPhase(Kind oldKind, MirrorMode mode,
            String context, String sql) throws Exception {
        try (Fixture fixture = merchants(oldKind, mode)) {
            MigrationContextScope scope = context.equals("-") ? null
                    : new MigrationContextScope(io.dualwrite.MigrationContext.forMigration(Fixture.MIGRATION).merchantId(context).open());
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } finally {
                if (scope != null) {
                    scope.scope().close();
                }
            }
            drained(fixture);
            assertNewHoldsTheDualWriteMerchantsRows(fixture, "dw");
        }
    }

    private record MigrationContextScope(io.dualwrite.MigrationContext.Scope scope) {
    }

    // a merchant moved to DUAL_WRITE between the write and its commit: the committed row reaches the new store
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"MARIADB | ASYNC", "POSTGRES | SYNC"})
    void merchantMovedToDualWriteBeforeTheCommitHasItsCommittedRowsMirrored(Kind oldKind, MirrorMode mode) throws Exception {
        try (Fixture fixture = merchants(oldKind, mode)) {
            try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext.forMigration(Fixture.MIGRATION)
                    .merchantId("old").open();
                 Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                statement.executeUpdate("INSERT INTO orders VALUES (5, 'old', 5)");
                fixture.switches.setMerchantPhase(Fixture.MIGRATION, "old", io.dualwrite.MigrationPhase.DUAL_WRITE);
                // the backfill that follows the move copies what is committed: orders 2 and 4 as they were
                fixture.onNew("INSERT INTO orders_v2 VALUES (2, 'old', 2), (4, 'old', 4)");
                connection.commit();
            }
            drained(fixture);
            String oldSql = "SELECT id, merchant_id, qty FROM orders ORDER BY id";
            String newSql = "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id";
            if (!Rows.of(fixture.newDb, newSql).equals(Rows.of(fixture.oldDb, oldSql))) {
                assertThat(fixture.records()).as("new %s, old %s", Rows.of(fixture.newDb, newSql),
                        Rows.of(fixture.oldDb, oldSql)).isNotEmpty();
                fixture.reconciler().runOnce();
            }
            Rows.assertSame(fixture.oldDb, oldSql, fixture.newDb, newSql);
        }
    }

    // a merchant moved on to NEW_PRIMARY between a write on the old store and its commit: the write is not lost
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"MARIADB | SYNC", "POSTGRES | SYNC"})
    void merchantMovedToNewPrimaryBeforeTheCommitKeepsTheCommittedWrite(Kind oldKind, MirrorMode mode) throws Exception {
        try (Fixture fixture = merchants(oldKind, mode)) {
            try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext.forMigration(Fixture.MIGRATION)
                    .merchantId("dw").open();
                 Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                statement.executeUpdate("INSERT INTO orders VALUES (6, 'dw', 6)");
                fixture.switches.setMerchantPhase(Fixture.MIGRATION, "dw", io.dualwrite.MigrationPhase.NEW_PRIMARY);
                connection.commit();
            }
            drained(fixture);
            String oldSql = "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = 'dw' ORDER BY id";
            String newSql = "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id";
            List<Map<String, String>> committed = List.of(Rows.expected("id", 1, "merchant_id", "dw", "qty", 1),
                    Rows.expected("id", 3, "merchant_id", "dw", "qty", 30), Rows.expected("id", 6, "merchant_id", "dw", "qty", 6));
            assertThat(Rows.of(fixture.oldDb, oldSql)).as("the committed write is kept").isEqualTo(committed);
            fixture.reconciler().runOnce();
            if (!Rows.of(fixture.newDb, newSql).equals(committed)) {
                // the reconciler leaves a row its target is authoritative for: the difference stays recorded
                assertThat(fixture.records()).extracting(io.dualwrite.changelog.ChangeRecord::key).contains("3", "6");
            }
        }
    }


    // ---- transaction control the session configures, calls, batches and requested keys

    // MariaDB's completion_type makes a plain COMMIT or ROLLBACK chain a new transaction (CHAIN): the writes after it
    // are not committed until the next COMMIT, and a ROLLBACK there undoes them. The end comes as text, as one text
    // with the writes, or as the JDBC method on a transaction opened by text.
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "SYNC  | COMMIT   | text",
        "ASYNC | COMMIT   | text",
        "SYNC  | ROLLBACK | text",
        "SYNC  | COMMIT   | jdbc",
        "SYNC  | ROLLBACK | jdbc"})
    void mariadbCompletionTypeChainKeepsTheWritesAfterACommitInATransaction(MirrorMode mode, String end, String how)
            throws Exception {
        java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource> multi = new java.util.concurrent.atomic.AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(mode).wrapOld(pool -> {
            com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
            config.setJdbcUrl(((com.zaxxer.hikari.HikariDataSource) pool).getJdbcUrl() + "&allowMultiQueries=true");
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            multi.set(new com.zaxxer.hikari.HikariDataSource(config));
            return multi.get();
        }).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET completion_type = 'CHAIN'");
                if (how.equals("one text")) {
                    statement.execute("START TRANSACTION; UPDATE orders SET qty = 10 WHERE id = 1; " + end
                            + "; UPDATE orders SET qty = 20 WHERE id = 2; DELETE FROM orders WHERE id = 3");
                } else {
                    statement.execute("START TRANSACTION");
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                    if (how.equals("jdbc") && end.equals("COMMIT")) {
                        connection.commit();
                    } else if (how.equals("jdbc")) {
                        connection.rollback();
                    } else {
                        statement.execute(end);
                    }
                    statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                    statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                }
                drained(fixture);
                statement.execute("SET completion_type = DEFAULT");
                statement.execute(end);
                statement.executeUpdate("UPDATE orders SET code = 'aa' WHERE id = 1");
            }
            drained(fixture);
            String first = end.equals("COMMIT") ? "1:aa:10" : "1:aa:1";
            assertThat(oldOrders(fixture)).isEqualTo(end.equals("COMMIT") ? first + " 2:b:20" : first + " 2:b:2 3:c:3");
            Mirrored.exactOrResynced(fixture, "completion_type CHAIN " + end + " " + how);
        } finally {
            multi.get().close();
        }
    }

    // the same through the JDBC methods: commit() chains, and the chained writes reach the new store at the next commit
    @ParameterizedTest(name = "{0}")
    @CsvSource({"SYNC", "ASYNC"})
    void mariadbCompletionTypeChainThroughJdbcCommitMirrorsEveryCommittedWrite(MirrorMode mode) throws Exception {
        try (Fixture fixture = seeded(Kind.MARIADB, Kind.POSTGRES, mode)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION completion_type = 1");
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                connection.commit();
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                connection.commit();
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                connection.rollback();
                connection.setAutoCommit(true);
            }
            drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo("1:a:10 2:b:20 3:c:3");
            Mirrored.exactOrResynced(fixture, "completion_type 1 jdbc");
        }
    }

    // COMMIT with completion_type RELEASE ends the session after committing: what it committed is mirrored
    @ParameterizedTest(name = "{0}")
    @CsvSource({"SYNC", "ASYNC"})
    void mariadbCompletionTypeReleaseCommitIsMirroredAndTheCallerSeesTheClosedSession(MirrorMode mode) throws Exception {
        try (Fixture fixture = seeded(Kind.MARIADB, Kind.POSTGRES, mode)) {
            java.util.List<String> out = new java.util.ArrayList<>();
            PlainJdbc.run(fixture.dataSource, (connection, o) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET completion_type = 'RELEASE'");
                    statement.execute("START TRANSACTION");
                    o.add("n=" + statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1"));
                    statement.execute("COMMIT");
                    o.add("after");
                    o.add("n=" + statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2"));
                }
            }, out);
            drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 10));
            Mirrored.exactOrResynced(fixture, "completion_type RELEASE");
        }
    }

    // a plain write sent through prepareCall, and calls in JDBC escape syntax, large counts and mixed batches
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | SYNC",
        "POSTGRES | ASYNC"})
    void writesThroughCallableStatementsLargeCountsAndMixedBatchesAreMirrored(Kind oldKind, MirrorMode mode) throws Exception {
        try (Fixture fixture = seeded(oldKind, oldKind == Kind.MARIADB ? Kind.POSTGRES : Kind.POSTGRES, mode)) {
            fixture.onOld("CREATE TABLE audit (note VARCHAR(50))");
            try (Connection connection = fixture.dataSource.getConnection()) {
                if (oldKind == Kind.MARIADB) {
                    fixture.onOld("CREATE PROCEDURE set_qty(IN q INT, IN c VARCHAR(20)) UPDATE orders SET qty = q WHERE code = c");
                }
                try (java.sql.CallableStatement call = connection.prepareCall(oldKind == Kind.MARIADB
                        ? "{call set_qty(?, ?)}" : "UPDATE orders SET qty = ? WHERE code = ?")) {
                    call.setInt(1, 11);
                    call.setString(2, "a");
                    assertThat(call.executeLargeUpdate()).isOne();
                }
                try (PreparedStatement call = oldKind == Kind.MARIADB
                        ? connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")
                        : connection.prepareCall("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                    call.setLong(1, 7);
                    call.setString(2, "g");
                    call.setInt(3, 7);
                    call.addBatch();
                    call.setLong(1, 8);
                    call.setString(2, "h");
                    call.setInt(3, 8);
                    call.addBatch();
                    assertThat(call.executeLargeBatch()).hasSize(2);
                }
                try (Statement statement = connection.createStatement()) {
                    statement.addBatch("UPDATE orders SET qty = qty * 2 WHERE id > 6");
                    statement.addBatch("INSERT INTO audit (note) VALUES ('x; DELETE FROM orders')");
                    statement.addBatch("DELETE FROM orders WHERE code = 'b'");
                    statement.addBatch("UPDATE orders SET code = 'cc' WHERE id = 3");
                    assertThat(statement.executeLargeBatch()).hasSize(4);
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET qty = qty + 1 WHERE id = ?", new String[] {"code"})) {
                    update.setLong(1, 1);
                    assertThat(update.executeLargeUpdate()).isOne();
                    try (java.sql.ResultSet keys = update.getGeneratedKeys()) {
                        if (oldKind == Kind.POSTGRES) {
                            assertThat(keys.next()).isTrue();
                            assertThat(keys.getMetaData().getColumnCount()).isOne();
                            assertThat(keys.getString(1)).isEqualTo("a");
                        }
                    }
                }
            }
            drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo("1:a:12 3:cc:3 7:g:14 8:h:16");
            Mirrored.exactOrResynced(fixture, oldKind + " callable/large/batch");
        }
    }


    // ---- session settings that change what the library's own reads on the caller's session return

    // MariaDB: PAD_CHAR_TO_FULL_LENGTH pads CHAR keys read on the session; sql_select_limit cuts its SELECTs short
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "SET sql_mode = 'PAD_CHAR_TO_FULL_LENGTH' | DELETE FROM orders WHERE qty = 2",
        "SET sql_mode = 'PAD_CHAR_TO_FULL_LENGTH' | DELETE FROM orders WHERE qty = 2 RETURNING id",
        "SET sql_select_limit = 1 | DELETE FROM orders WHERE qty >= 2"})
    void mariadbSessionSettingsOfTheCallerDoNotChangeTheKeysSynced(String set, String sql) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id CHAR(10) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('abc', 1), ('xyz', 2), ('k', 3)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('abc', 1), ('xyz', 2), ('k', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(set);
                statement.execute(sql);
                statement.execute("SET sql_mode = DEFAULT, sql_select_limit = DEFAULT, max_join_size = DEFAULT");
            }
            sameOrResolved(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity FROM orders_v2");
        }
    }

    // PostgreSQL: extra_float_digits = 0 rounds a double read as text on the session to 15 digits
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "DELETE FROM orders WHERE qty = 2",
        "UPDATE orders SET id = id * 2 WHERE qty = 2"})
    void postgresRoundedFloatDigitsOfTheCallerDoNotChangeTheKeysSynced(String sql) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id DOUBLE PRECISION PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES (1, 1), (0.1 + 0.2, 2), (1.0 / 3, 3)");
            fixture.onNew("CREATE TABLE orders_v2 (id DOUBLE PRECISION PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 1), (0.1 + 0.2, 2), (1.0 / 3, 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET extra_float_digits = 0");
                statement.execute(sql);
                statement.execute("SET extra_float_digits = 3");
            }
            String oldSql = "SELECT id::numeric(30, 20)::text AS id, qty FROM orders";
            String newSql = "SELECT id::numeric(30, 20)::text AS id, quantity FROM orders_v2";
            sameOrResolved(fixture, oldSql, newSql);
        }
    }


    // MariaDB: the result character set of the caller's session decodes the keys the library reads there
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "SET character_set_results = latin1 | DELETE FROM orders WHERE qty = 2",
        "SET character_set_results = binary | DELETE FROM orders WHERE qty >= 2",
        "SET NAMES latin1 | DELETE FROM orders WHERE qty = 2"})
    void mariadbResultCharacterSetOfTheCallerDoesNotChangeTheKeysSynced(String set, String sql) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('abc', 1), ('x\uD83D\uDE00\u00e9', 2), ('\u00e9t\u00e9', 3)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS,
                    "INSERT INTO orders_v2 VALUES ('abc', 1), ('x\uD83D\uDE00\u00e9', 2), ('\u00e9t\u00e9', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(set);
                statement.execute(sql);
                statement.execute("SET NAMES utf8mb4");
            }
            sameOrResolved(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity FROM orders_v2");
        }
    }

    // PostgreSQL: output styles of the caller's session for the keys the library reads there
    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "BYTEA    | SET bytea_output = 'escape' | DELETE FROM orders WHERE qty = 2 | '\\x00ff27', '\\x5c'"})
    void postgresOutputStylesOfTheCallerDoNotChangeTheKeysSynced(String type, String set, String sql, String keys)
            throws Exception {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            String[] two = keys.split(", ");
            String insert = " VALUES ('\\x01'::bytea::text, 1), (" + two[0] + ", 2), (" + two[1] + ", 3)";
            String first = switch (type) {
                case "BYTEA" -> "'\\x01'";
                case "INTERVAL" -> "'1 second'";
                case "MONEY" -> "'1'";
                default -> "'2000-01-01 00:00:00+00'";
            };
            insert = " VALUES (" + first + ", 1), (" + two[0] + ", 2), (" + two[1] + ", 3)";
            fixture.onOld("CREATE TABLE orders (id " + type + " PRIMARY KEY, qty INT)", "INSERT INTO orders" + insert);
            fixture.onNew("CREATE TABLE orders_v2 (id " + type + " PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2" + insert);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(set);
                statement.execute(sql);
                statement.execute("RESET ALL");
            }
            sameOrResolved(fixture, "SELECT id::text, qty FROM orders", "SELECT id::text, quantity FROM orders_v2");
        }
    }


    // ---- NEW_PRIMARY: the renamed column written where the rewrite for orders_v2 must leave it alone

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders SET qty = 5 WHERE code = 'qty'",
        "WITH x AS (SELECT 1 AS qty) UPDATE orders SET qty = x.qty FROM x WHERE id = 1",
        "UPDATE orders SET qty = t.qty FROM (VALUES (1, 50)) AS t(id, qty) WHERE orders.id = t.id"})
    void postgresNewPrimaryRewritesOnlyTheMappedColumn(String sql) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .phase(io.dualwrite.MigrationPhase.NEW_PRIMARY).build(), Mirrored.PG)) {
            fixture.onOld("INSERT INTO orders VALUES (4, 'qty', 4)");
            fixture.onNew("INSERT INTO orders_v2 VALUES (4, 'qty', 4)");
            List<String> both = PlainJdbc.plainAndProxy(Kind.POSTGRES,
                    f -> f.onOld(f == fixture ? "SELECT 1" : "INSERT INTO orders VALUES (4, 'qty', 4)"), (connection, out) -> {
                        try (Statement statement = connection.createStatement()) {
                            if (statement.execute(sql)) {
                                try (java.sql.ResultSet rows = statement.getResultSet()) {
                                    out.add(rows.getMetaData().getColumnLabel(1) + " " + PlainJdbc.firstRow(rows));
                                }
                            } else {
                                out.add("count " + statement.getUpdateCount());
                            }
                            try (java.sql.ResultSet rows = statement.executeQuery("SELECT id, code, qty FROM orders ORDER BY id")) {
                                StringBuilder all = new StringBuilder();
                                while (rows.next()) {
                                    all.append(rows.getLong(1)).append(':').append(rows.getString(2)).append(':')
                                            .append(rows.getInt(3)).append(' ');
                                }
                                out.add(all.toString());
                            }
                        }
                    }, fixture);
            assertThat(both.get(1)).as("the caller's view").isEqualTo(both.get(0));
            drained(fixture);
            // the new store is authoritative: it holds what plain JDBC left, and the old store follows it (or the
            // difference is recorded, and resolved with the library's own tools, new wins)
            String plainRows = both.get(0).substring(both.get(0).lastIndexOf(" | ") + 3).strip();
            String newRows = String.join(" ", Rows.of(fixture.newDb, "SELECT id, code, quantity FROM orders_v2 ORDER BY id")
                    .stream().map(r -> r.get("id") + ":" + r.get("code") + ":" + r.get("quantity")).toList());
            assertThat(newRows).isEqualTo(plainRows);
            if (!oldOrders(fixture).equals(plainRows)) {
                assertThat(fixture.records()).as("old %s differs from new %s", oldOrders(fixture), plainRows).isNotEmpty();
                fixture.resolveRecords();
            }
            assertThat(oldOrders(fixture)).isEqualTo(plainRows);
        }
    }


    // PostgreSQL dollar quotes with a tag, holding a quote or a comment mark: the parser stops inside them and reads
    // a shorter statement, which names fewer rows than the database writes
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "SYNC  | DELETE FROM orders WHERE id = 1 AND code = $q$'$q$ OR id = 2 | 1:a:1 3:c:3",
        "SYNC  | UPDATE orders SET qty = 9 WHERE id = 1 AND code = $tag$/*$tag$ OR id = 3 | 1:a:1 2:b:2 3:c:9",
        "SYNC  | UPDATE orders SET code = $q$it's$q$ WHERE id = 2 | 1:a:1 2:it's:2 3:c:3"})
    void postgresTaggedDollarQuotesNeverHideRowsTheStatementWrites(MirrorMode mode, String sql, String expectedOld)
            throws Exception {
        try (Fixture fixture = seeded(Kind.POSTGRES, Kind.POSTGRES, mode)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "tagged dollar quote " + sql);
        }
    }

    private static List<String> sortedIds(String rows) {
        return java.util.Arrays.stream(rows.split(" ")).sorted().toList();
    }
}
