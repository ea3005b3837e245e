package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.assertClean;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfill;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfillVerifiesClean;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verifier;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ninth break review of the migration tools: inputs that made verification report drift where there is none or
 * miss a real one, backfill copy too much or too little, or repair fail to converge. Each test ends with the
 * stores compared row by row by its own SQL.
 */
class ToolsBreak9Test {

    private static final TableMapping T = TableMapping.identity("t");

    /** Each row's columns read as doubles, exactly. */
    private static List<List<Double>> doubles(TestDatabase db, String sql) {
        List<List<Double>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Double> values = new ArrayList<>();
            row.values().forEach(value -> values.add(value == null ? null : ((Number) value).doubleValue()));
            rows.add(values);
        }
        return rows;
    }

    // Input: MariaDB -> PostgreSQL, a CHAR(36) key holding UUID texts in mixed case ('B…' sorts before 'a…' by
    //   bytes, after it as a uuid) into a uuid key; then one new row deleted and one changed. Round 24 refused the
    //   capitals by name and verification reported them missing for ever, which this test held until round 28: a
    //   UUID's capitals are now copied when the old store holds no other spelling of it, so the backfill copies every
    //   row, verification is clean, and the delete and change are found and repaired.
    @Test
    void uuidTextKeysInCapitalsConvergeAndVerificationFindsTheirDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id CHAR(36) PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('a0000000-0000-0000-0000-000000000001', 1),"
                            + " ('B0000000-0000-0000-0000-000000000002', 2), ('10000000-0000-0000-0000-000000000003', 3),"
                            + " ('c0000000-0000-0000-0000-000000000004', 4), ('D0000000-0000-0000-0000-000000000005', 5),"
                            + " ('F0000000-0000-0000-0000-000000000006', 6), ('e0000000-0000-0000-0000-000000000007', 7)");
            fresh.execute("CREATE TABLE t (id uuid PRIMARY KEY, v INT)");
            backfill(old, fresh, T);
            String oldRows = "SELECT LOWER(id) AS id, v FROM t ORDER BY v";
            String newRows = "SELECT id::text AS id, v FROM t ORDER BY v";
            assertThat(rows(fresh, newRows)).isEqualTo(rows(old, oldRows));
            TableReport report = verify(old, fresh, T);
            assertThat(report.clean()).as(report.toText()).isTrue();

            fresh.execute("DELETE FROM t WHERE id = 'c0000000-0000-0000-0000-000000000004'",
                    "UPDATE t SET v = 70 WHERE id = 'd0000000-0000-0000-0000-000000000005'");
            report = verify(old, fresh, T);
            assertThat(report.missingInNew()).as(report.toText()).isEqualTo(1);
            assertThat(report.extraInNew()).as(report.toText()).isZero();
            assertThat(report.different()).as(report.toText()).isEqualTo(1);
            assertThat(ToolsBreakSupport.repairResult(old, fresh, T).clean()).isTrue();
            assertThat(rows(fresh, newRows)).isEqualTo(rows(old, oldRows));
        }
    }

    // Input: MariaDB -> PostgreSQL, a latin1 (cp1252) VARCHAR key with '€' (byte 80, U+20AC) and 'Œ' (8C, U+0152)
    //   beside 'é' (E9) and 'z': the old store's byte order is not the new store's code point order.
    @Test
    void latin1KeysOutsideLatin1CodePointOrderVerifyCleanAndTheirDifferencesAreFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id VARCHAR(10) CHARACTER SET latin1 PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('\u20ac', 1), ('\u0152', 2), ('\u00e9', 3), ('z', 4), ('a\u20ac', 5),"
                            + " ('\u00ff', 6), ('\u2122', 7)");
            fresh.execute("CREATE TABLE t (id VARCHAR(10) PRIMARY KEY, v INT)");
            backfill(old, fresh, T);
            assertThat(fresh.count("SELECT COUNT(*) FROM t")).isEqualTo(7);
            assertClean(verify(old, fresh, T));

            fresh.execute("DELETE FROM t WHERE id = '\u20ac'", "UPDATE t SET v = 20 WHERE id = '\u0152'",
                    "INSERT INTO t VALUES ('\u2122x', 9)");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyInAnyOrder(tuple(RowDifference.Kind.MISSING_IN_NEW, "\u20ac"),
                            tuple(RowDifference.Kind.DIFFERENT, "\u0152"),
                            tuple(RowDifference.Kind.EXTRA_IN_NEW, "\u2122x"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY v")).isEqualTo(rows(old, "SELECT id, v FROM t ORDER BY v"));
        }
    }

    // Input: MariaDB -> PostgreSQL, a utf16 VARCHAR key holding U+FF21 and U+1F600 (UTF-16 bytes order the
    //   surrogate pair first, code points the other way) and U+E000.
    @Test
    void utf16KeysBeyondTheBasicPlaneVerifyCleanAndTheirDifferencesAreFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id VARCHAR(10) CHARACTER SET utf16 COLLATE utf16_bin PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('\uff21', 1), ('\ud83d\ude00', 2), ('\ue000', 3), ('a', 4), ('\ud83d\ude01', 5)");
            fresh.execute("CREATE TABLE t (id VARCHAR(10) PRIMARY KEY, v INT)");
            backfill(old, fresh, T);
            assertThat(fresh.count("SELECT COUNT(*) FROM t")).isEqualTo(5);
            assertClean(verify(old, fresh, T));

            fresh.execute("DELETE FROM t WHERE id = '\uff21'", "UPDATE t SET v = 20 WHERE id = '\ud83d\ude00'");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyInAnyOrder(tuple(RowDifference.Kind.MISSING_IN_NEW, "\uff21"),
                            tuple(RowDifference.Kind.DIFFERENT, "\ud83d\ude00"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY v")).isEqualTo(rows(old, "SELECT id, v FROM t ORDER BY v"));
        }
    }

    // Input: PostgreSQL time '24:00:00' (and 23:59:59.999999) into PostgreSQL time and MariaDB TIME(6).
    @Test
    void midnightAtTheEndOfTheDayIsCopiedAndVerifiesClean() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, at time(6))",
                        "INSERT INTO t VALUES (1, '24:00:00'), (2, '23:59:59.999999'), (3, '00:00:00'), (4, NULL)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, at " + (target == Kind.POSTGRES ? "time(6)" : "TIME(6)") + ")");
                backfill(old, fresh, T);
                assertThat(rows(fresh, target == Kind.POSTGRES ? "SELECT id, at::text AS at FROM t ORDER BY id"
                        : "SELECT id, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(at AS CHAR))) AS at FROM t ORDER BY id"))
                        .as(target.toString())
                        .containsExactly("1 24:00:00", "2 23:59:59.999999", "3 00:00:00", "4 null");
                assertClean(verify(old, fresh, T));
                fresh.execute("UPDATE t SET at = '23:59:59.999999' WHERE id = 1");
                TableReport report = verify(old, fresh, T);
                assertThat(report.differences()).as(report.toText()).extracting(RowDifference::key).containsExactly("1");
            }
        }
    }

    // Input: PostgreSQL timestamptz, timestamp and date before 1970 and before the Gregorian reform (Java's
    //   java.sql types go Julian there) into MariaDB DATETIME(6)/DATE and PostgreSQL.
    @Test
    void dateTimesBefore1970AndBeforeTheGregorianReformLandAsTheyWere() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("SET TIME ZONE 'UTC'", "CREATE TABLE t (id INT PRIMARY KEY, z timestamptz, p timestamp, d date)",
                        "INSERT INTO t VALUES (1, '1969-12-31 23:59:59.999999+00', '1969-12-31 23:59:59.999999', '1969-12-31'),"
                                + " (2, '1900-01-01 00:00:00.000001+00', '1582-10-04 12:00:00.5', '1582-10-04'),"
                                + " (3, '1000-03-01 00:00:00+00', '1000-02-28 23:59:59', '1000-02-28'),"
                                + " (4, '1582-10-15 00:00:00+00', '1582-10-15 00:00:00', '1582-10-15')");
                boolean pg = target == Kind.POSTGRES;
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, z " + (pg ? "timestamptz" : "DATETIME(6)") + ", p "
                        + (pg ? "timestamp" : "DATETIME(6)") + ", d DATE)");
                backfill(old, fresh, T);
                String oldSql = "SELECT id, to_char(z AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS z,"
                        + " to_char(p, 'YYYY-MM-DD HH24:MI:SS.US') AS p, to_char(d, 'YYYY-MM-DD') AS d FROM t ORDER BY id";
                String newSql = pg ? oldSql : "SELECT id, DATE_FORMAT(z, '%Y-%m-%d %H:%i:%s.%f') AS z,"
                        + " DATE_FORMAT(p, '%Y-%m-%d %H:%i:%s.%f') AS p, DATE_FORMAT(d, '%Y-%m-%d') AS d FROM t ORDER BY id";
                assertThat(rows(fresh, newSql)).as(target.toString()).isEqualTo(rows(old, oldSql));
                assertClean(verify(old, fresh, T));
                fresh.execute(pg ? "UPDATE t SET p = p + interval '1 second' WHERE id = 2"
                        : "UPDATE t SET p = p + INTERVAL 1 SECOND WHERE id = 2");
                TableReport report = verify(old, fresh, T);
                assertThat(report.differences()).as(report.toText())
                        .extracting(RowDifference::key, RowDifference::columns).containsExactly(tuple("2", List.of("p")));
            }
        }
    }

    // Input: MariaDB -> PostgreSQL, BIGINT keys at both ends of the range and 300 between, one new row off at each
    //   end and one missing near zero.
    @Test
    void bigintKeysAtBothEndsOfTheRangeAreComparedExactly() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES (-9223372036854775808, 1), (-9223372036854775807, 2), (-1, 3), (0, 4),"
                            + " (9223372036854775806, 5), (9223372036854775807, 6)",
                    "INSERT INTO t SELECT seq, 7 FROM seq_1_to_300");
            fresh.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
            backfill(old, fresh, T);
            assertThat(fresh.count("SELECT COUNT(*) FROM t")).isEqualTo(306);
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET v = 0 WHERE id IN (-9223372036854775808, 9223372036854775807)",
                    "DELETE FROM t WHERE id = 150");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyInAnyOrder(tuple(RowDifference.Kind.DIFFERENT, "-9223372036854775808"),
                            tuple(RowDifference.Kind.DIFFERENT, "9223372036854775807"),
                            tuple(RowDifference.Kind.MISSING_IN_NEW, "150"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, v FROM t ORDER BY id"));
        }
    }

    // Input: MariaDB DOUBLE and FLOAT at their extremes (largest, smallest normal and subnormal, 0.1) into
    //   PostgreSQL double precision and real; then one ulp off in each.
    @Test
    void floatingPointExtremesVerifyCleanAndOneUlpIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, d DOUBLE, f FLOAT)",
                    "INSERT INTO t VALUES (1, 1.7976931348623157E308, 3.4028234E38), (2, 2.2250738585072014E-308, 1.17549435E-38),"
                            + " (3, 4.9E-324, 1.4E-45), (4, 0.1, 0.1), (5, -123456789.123456789, -16777217), (6, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, d double precision, f real)");
            backfill(old, fresh, T);
            assertThat(doubles(fresh, "SELECT d, f FROM t ORDER BY id"))
                    .isEqualTo(doubles(old, "SELECT d, CAST(f AS DOUBLE) AS f FROM t ORDER BY id"));
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET d = 0.10000000000000002 WHERE id = 4",
                    "UPDATE t SET f = '3.4028232E38' WHERE id = 1");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("f")), tuple("4", List.of("d")));
        }
    }

    // Input: one side empty: old rows and an empty new table; then an empty old table and rows in new.
    @Test
    void aVerificationWithOneSideEmptyReportsEveryRowAndRepairEmptiesOrFillsIt() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id VARCHAR(5) PRIMARY KEY, v INT)", "INSERT INTO t VALUES ('a', 1), ('B', 2), ('c ', 3)");
            fresh.execute("CREATE TABLE t (id VARCHAR(5) PRIMARY KEY, v INT)");
            TableReport report = verify(old, fresh, T);
            assertThat(report.missingInNew()).as(report.toText()).isEqualTo(3);
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT '[' || id || ']', v FROM t ORDER BY v"))
                    .containsExactly("[a] 1", "[B] 2", "[c ] 3");
            old.execute("DELETE FROM t");
            report = verify(old, fresh, T);
            assertThat(report.extraInNew()).as(report.toText()).isEqualTo(3);
            repair(old, fresh, T);
            assertThat(fresh.count("SELECT COUNT(*) FROM t")).isZero();
        }
    }

    // Input: H2 NUMERIC columns holding values written with exponents (1E+2, 1.50E+3, 0E-5) into PostgreSQL
    //   numeric; then one value off by 1E-10.
    @Test
    void h2DecimalsWrittenWithExponentsVerifyCleanByValue() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a NUMERIC(30,10), b NUMERIC)",
                    "INSERT INTO t VALUES (1, 1E+2, 1E+2), (2, 1.50E+3, 1.50E+3), (3, 0E-5, 0E-5), (4, -0.000, 1E-20),"
                            + " (5, 12345678901234567890.0123456789, 1E+30)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a NUMERIC(30,10), b NUMERIC)");
            backfillVerifiesClean(old, fresh, T);
            fresh.execute("UPDATE t SET b = b + 1E-10 WHERE id = 5");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns).containsExactly(tuple("5", List.of("b")));
        }
    }

    // Input: PostgreSQL -> PostgreSQL, text[] and int[][] columns (compared in Java) whose elements hold a comma,
    //   the word null, a NULL; then new arrays that print alike element by element ({"a, b"} against {a,b},
    //   {"null"} against {NULL}, {"x]", y} against {"x]"," y"}, {a,NULL} against {a,"null"}) and a real[] widened into a double precision[].
    // Expected: clean after the backfill (the widened floats are the same numbers); each planted array reported.
    @Test
    void arraysWhoseElementsPrintAlikeButDifferAreReported() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a text[], n int[], r real[])",
                    "INSERT INTO t VALUES (1, '{\"a, b\"}', '{{1,2},{3,4}}', '{0.1,-2.5}'), (2, '{\"null\"}', '{1,2,3,4}', NULL),"
                            + " (3, '{\"x]\", y}', '{}', '{}'), (4, NULL, '{NULL}', '{NULL}'), (5, '{a,NULL}', '{5}', '{1e-7}')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a text[], n int[], r double precision[])");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a::text AS a, n::text AS n, r::real[]::text AS r FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, a::text AS a, n::text AS n, r::text AS r FROM t ORDER BY id"));
            assertClean(verify(old, fresh, T));

            fresh.execute("UPDATE t SET a = '{a,b}' WHERE id = 1", "UPDATE t SET a = '{NULL}' WHERE id = 2",
                    "UPDATE t SET n = '{{1,2},{3,4}}' WHERE id = 2", "UPDATE t SET a = '{\"x]\",\" y\"}' WHERE id = 3",
                    "UPDATE t SET a = '{a,\"null\"}' WHERE id = 5");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("a")), tuple("2", List.of("a", "n")),
                            tuple("3", List.of("a")), tuple("5", List.of("a")));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a::text AS a, n::text AS n, r::real[]::text AS r FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, a::text AS a, n::text AS n, r::text AS r FROM t ORDER BY id"));
        }
    }

    // Input: MariaDB -> PostgreSQL, a CHAR(6) column renamed (code -> label) and transformed (upper case), so
    //   compared in Java; values ending in a tab and an ideographic space (U+3000); then the new values without them.
    // Expected: clean after the backfill; the lost tab and U+3000 are differences (only CHAR padding, spaces, is
    //   trimmed), and repair restores them.
    @Test
    void aTransformedCharColumnLosingATrailingTabOrIdeographicSpaceIsReported() throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("id").rename("code", "label")
                .transform("code", io.dualwrite.mapping.ValueTransformer.of(
                        value -> value == null ? null : value.toString().toUpperCase(java.util.Locale.ROOT),
                        value -> value == null ? null : value.toString().toLowerCase(java.util.Locale.ROOT)))
                .build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, code CHAR(6) CHARACTER SET utf8mb4)",
                    "INSERT INTO t VALUES (1, 'a\t'), (2, 'b\u3000'), (3, 'c'), (4, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, label CHAR(6))");
            backfill(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT id, '[' || label || ']' AS label FROM t ORDER BY id"))
                    .containsExactly("1 [A\t]", "2 [B\u3000]", "3 [C]", "4 null");
            assertClean(verify(old, fresh, mapping));

            fresh.execute("UPDATE t SET label = 'A' WHERE id = 1", "UPDATE t SET label = 'B' WHERE id = 2",
                    "UPDATE t SET label = 'C  ' WHERE id = 3");
            TableReport report = verify(old, fresh, mapping);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("code")), tuple("2", List.of("code")));
            repair(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT id, '[' || label || ']' AS label FROM t ORDER BY id"))
                    .containsExactly("1 [A\t]", "2 [B\u3000]", "3 [C]", "4 null");
        }
    }

    // Input: MariaDB -> PostgreSQL, merchant column `merchant` (utf8mb4_general_ci, PAD SPACE) renamed to
    //   `merchant_ref`; merchants 'o''b ' (a quote and a trailing space), 'o''b' and 'O''B', which the old
    //   collation calls one. A backfill, verification and repair of merchant 'o''b '.
    // Expected: only that merchant's row is copied; its verification is clean while the others are missing;
    //   a planted difference in its row is found and repaired, the other merchants' rows untouched.
    @Test
    void aMerchantIdWithAQuoteAndATrailingSpaceScopesOnlyItsOwnRows() throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("id").merchantIdColumn("merchant")
                .rename("merchant", "merchant_ref").build();
        String merchant = "o'b ";
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, merchant VARCHAR(10) CHARACTER SET utf8mb4"
                            + " COLLATE utf8mb4_general_ci, v INT)",
                    "INSERT INTO t VALUES (1, 'o''b ', 1), (2, 'o''b', 2), (3, 'O''B', 3), (4, 'o''b ', 4)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, merchant_ref VARCHAR(10), v INT)");
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(mapping).scope(io.dualwrite.jdbc.backfill.BackfillScope.merchant(merchant)).build().run();
            assertThat(rows(fresh, "SELECT id, '[' || merchant_ref || ']' AS m, v FROM t ORDER BY id"))
                    .containsExactly("1 [o'b ] 1", "4 [o'b ] 4");

            VerificationJob scoped = VerificationJob.builder("t").table(mapping).merchant(merchant).build();
            TableReport clean = verifier(old, fresh).verify(scoped).tables().get(0);
            assertClean(clean);
            assertThat(clean.rowsCompared()).isEqualTo(2);
            TableReport whole = verify(old, fresh, mapping);
            assertThat(whole.differences()).as(whole.toText()).extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyInAnyOrder(tuple(RowDifference.Kind.MISSING_IN_NEW, "2"),
                            tuple(RowDifference.Kind.MISSING_IN_NEW, "3"));

            fresh.execute("UPDATE t SET v = 40 WHERE id = 4", "INSERT INTO t VALUES (3, 'O''B', 30)");
            VerificationResult result = verifier(old, fresh).verify(scoped);
            assertThat(result.tables().get(0).differences()).as(result.tables().get(0).toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "4"));
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            assertThat(Repairer.of(copier, verifier(old, fresh)).repair(scoped, result).clean()).isTrue();
            assertThat(rows(fresh, "SELECT id, '[' || merchant_ref || ']' AS m, v FROM t ORDER BY id"))
                    .containsExactly("1 [o'b ] 1", "3 [O'B] 30", "4 [o'b ] 4");
        }
    }

    // Input: MariaDB -> PostgreSQL, a MariaDB UUID key (which MariaDB orders time-based UUIDs by their time
    //   fields, not their bytes) into a uuid key: version-1 and version-4 UUIDs whose orders differ; small chunks.
    // Expected: clean after the backfill; one missing and one differing row reported exactly, and repaired.
    @Test
    void mariaDbUuidKeysOrderedOtherwiseThanPostgresUuidsVerifyExactly() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id UUID PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('00000001-0000-1000-8000-000000000009', 1), ('00000002-0000-1000-8000-000000000008', 2),"
                            + " ('ffffffff-0001-1000-8000-000000000007', 3), ('10000000-0000-1001-8000-000000000006', 4),"
                            + " ('00000001-0000-4000-8000-000000000005', 5), ('f0000000-0000-4000-8000-000000000004', 6),"
                            + " ('00000000-ffff-1000-8000-000000000003', 7), ('00000000-0000-1fff-8000-000000000002', 8)");
            fresh.execute("CREATE TABLE t (id uuid PRIMARY KEY, v INT)");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id::text AS id, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT CAST(id AS CHAR) AS id, v FROM t ORDER BY v"));
            assertClean(verify(old, fresh, T));
            fresh.execute("DELETE FROM t WHERE v = 3", "UPDATE t SET v = 70 WHERE v = 7");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyInAnyOrder(tuple(RowDifference.Kind.MISSING_IN_NEW, "ffffffff-0001-1000-8000-000000000007"),
                            tuple(RowDifference.Kind.DIFFERENT, "00000000-ffff-1000-8000-000000000003"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id::text AS id, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT CAST(id AS CHAR) AS id, v FROM t ORDER BY v"));
        }
    }

    // Input: MariaDB -> PostgreSQL with renamed columns whose transformers return another Java type than the new
    //   column reads as: cents (INT) -> amount numeric(10,2) as the String "12.50", day (DATE) -> at timestamp as
    //   a LocalDate, n (INT) -> big bigint as an Integer.
    // Expected: clean after the backfill (the new store holds what the transformer meant); a cent and a second
    //   off are found, and repaired.
    @Test
    void transformersReturningAnotherJavaTypeThanTheNewColumnVerifyCleanAndDifferencesAreFound() throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("id")
                .rename("cents", "amount").transform("cents", io.dualwrite.mapping.ValueTransformer.of(
                        value -> value == null ? null : java.math.BigDecimal.valueOf(((Number) value).longValue(), 2).toPlainString(),
                        value -> value == null ? null : new java.math.BigDecimal(value.toString()).movePointRight(2).intValueExact()))
                .rename("day", "at").transform("day", io.dualwrite.mapping.ValueTransformer.of(
                        value -> value == null ? null : value instanceof java.sql.Date date ? date.toLocalDate() : value,
                        value -> value))
                .rename("n", "big").transform("n", io.dualwrite.mapping.ValueTransformer.of(
                        value -> value == null ? null : ((Number) value).intValue() * 10, value -> value))
                .build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, cents INT, day DATE, n INT)",
                    "INSERT INTO t VALUES (1, 1250, '2024-01-31', 7), (2, -5, '1999-12-31', -1), (3, NULL, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, amount numeric(10,2), at timestamp, big bigint)");
            backfill(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT id, amount::text AS a, at::text AS at, big FROM t ORDER BY id"))
                    .containsExactly("1 12.50 2024-01-31 00:00:00 70", "2 -0.05 1999-12-31 00:00:00 -10", "3 null null null");
            assertClean(verify(old, fresh, mapping));

            fresh.execute("UPDATE t SET amount = 12.51 WHERE id = 1", "UPDATE t SET at = at + interval '1 second' WHERE id = 2");
            TableReport report = verify(old, fresh, mapping);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("cents")), tuple("2", List.of("day")));
            repair(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT id, amount::text AS a, at::text AS at, big FROM t ORDER BY id"))
                    .containsExactly("1 12.50 2024-01-31 00:00:00 70", "2 -0.05 1999-12-31 00:00:00 -10", "3 null null null");
        }
    }

    // Input: MariaDB JSON -> PostgreSQL jsonb (compared by value), an old document holding a number with a huge
    //   exponent (1e999999999, valid JSON that jsonb cannot hold) beside documents that differ from the new ones
    //   only in key order, spacing and number spelling, and one that differs in a value.
    // Expected: the verification completes and reports exactly rows 1 (the exponent) and 4 (the value).
    @Test
    void aJsonNumberWithAHugeExponentIsReportedWithoutWritingItOut() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, doc JSON)",
                    "INSERT INTO t VALUES (1, '{\"a\": 1e999999999}'), (2, '{\"b\":1, \"a\":[1.50, 2e2]}'),"
                            + " (3, '{\"x\": -1E-999999999}'), (4, '{\"a\": \"\u00e9\"}')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, doc jsonb)",
                    "INSERT INTO t VALUES (1, '{\"a\": 1}'), (2, '{\"a\": [1.5, 200], \"b\": 1}'), (3, '{\"x\": 0}'),"
                            + " (4, '{\"a\": \"e\u0301\"}')");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("doc")), tuple("3", List.of("doc")),
                            tuple("4", List.of("doc")));
        }
    }

    // Input: H2 DECFLOAT -> PostgreSQL numeric (compared in Java: the DECFLOAT's text has an exponent), an old
    //   value of 1E+99999999 and one of -1E-99999999 against 1 and 0 in the new store, beside equal values.
    // Expected: the verification completes at once and reports rows 1 and 2.
    @Test
    void aDecimalWithAHugeExponentIsReportedWithoutWritingItOut() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, d DECFLOAT)",
                    "INSERT INTO t VALUES (1, 1E+99999999), (2, -1E-99999999), (3, 1.50E+3), (4, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, d numeric)",
                    "INSERT INTO t VALUES (1, 1), (2, 0), (3, 1500), (4, NULL)");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("d")), tuple("2", List.of("d")));
        }
    }

    // Input: MariaDB -> PostgreSQL, columns whose type changes without a transformer: a VARCHAR of numbers
    //   ('007', '1.50', ' 3') into integer and numeric columns, a VARCHAR of ISO date-times into a timestamp,
    //   an INT and a DECIMAL(10,2) into text columns.
    // Expected: the backfill stores the values the types convert to, and the verification is clean; a value
    //   off by one is found.
    @Test
    void columnsWhoseTypeChangesWithoutATransformerVerifyCleanAfterTheBackfill() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, i VARCHAR(10), d VARCHAR(10), at VARCHAR(30), s INT,"
                            + " m DECIMAL(10,2))",
                    "INSERT INTO t VALUES (1, '007', '1.50', '2024-01-31 10:00:00', 12, 1.50),"
                            + " (2, '-3', '0.0', '1999-12-31 23:59:59.5', -1, -0.05), (3, NULL, NULL, NULL, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, i int, d numeric(10,2), at timestamp, s text, m text)");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, i, d::text AS d, at::text AS at, s, m FROM t ORDER BY id")).containsExactly(
                    "1 7 1.50 2024-01-31 10:00:00 12 1.50", "2 -3 0.00 1999-12-31 23:59:59.5 -1 -0.05",
                    "3 null null null null null");
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET i = 8 WHERE id = 1");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns).containsExactly(tuple("1", List.of("i")));
        }
    }

    // Input: MariaDB -> PostgreSQL, table t_1, and in the new store beside it a table tx1 (which the catalog
    //   pattern 't_1' also matches: '_' is a wildcard there) with a NOT NULL column without default and a column
    //   label. First an identity mapping; then one renaming v to label, which t_1 does not have.
    // Expected: the first backfills and verifies clean (tx1's columns are no concern of t_1); the second is refused
    //   before any row is copied, naming label.
    @Test
    void anotherTableMatchingTheNameAsAPatternNeitherBlocksNorPassesTheMapping() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t_1 (id INT PRIMARY KEY, v INT)", "INSERT INTO t_1 VALUES (1, 10), (2, 20)");
            fresh.execute("CREATE TABLE t_1 (id INT PRIMARY KEY, v INT)",
                    "CREATE TABLE tx1 (id INT PRIMARY KEY, label INT, extra INT NOT NULL)");
            TableMapping identity = TableMapping.identity("t_1");
            backfill(old, fresh, identity);
            assertThat(rows(fresh, "SELECT id, v FROM t_1 ORDER BY id")).isEqualTo(rows(old, "SELECT id, v FROM t_1 ORDER BY id"));
            assertClean(verify(old, fresh, identity));

            fresh.execute("DELETE FROM t_1");
            TableMapping renamed = TableMapping.builder("t_1").primaryKey("id").rename("v", "label").build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> backfill(old, fresh, renamed))
                    .hasMessageContaining("label");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> verify(old, fresh, renamed))
                    .hasMessageContaining("label");
            assertThat(fresh.count("SELECT COUNT(*) FROM t_1")).isZero();
        }
    }

    // Input: H2 -> PostgreSQL, a VARCHAR ARRAY and an INTEGER ARRAY into text[] and int[] (compared in Java):
    //   elements with a comma, a quote, a backslash and NULL; then the new text array of row 1 split at its comma.
    // Expected: clean after the backfill; the split array is reported.
    @Test
    void h2ArraysCopiedIntoPostgresArraysVerifyCleanAndASplitElementIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20) ARRAY, n INTEGER ARRAY)",
                    "INSERT INTO t VALUES (1, ARRAY['a, b', 'c'], ARRAY[1, NULL]), (2, ARRAY['q\"', 'b\\', NULL], ARRAY[]),"
                            + " (3, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a text[], n int[])");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a::text AS a, n::text AS n FROM t ORDER BY id")).containsExactly(
                    "1 {\"a, b\",c} {1,NULL}", "2 {\"q\\\"\",\"b\\\\\",NULL} {}", "3 null null");
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET a = '{a,\" b\",c}' WHERE id = 1");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns).containsExactly(tuple("1", List.of("a")));
        }
    }
}
