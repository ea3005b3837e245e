package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Break review of the migration tools (issue 7): inputs that made verification report drift where there is none,
 * or miss a real one, with the right result asserted.
 */
class ToolsBreakReviewTest {

    private static Verifier verifier(TestDatabase old, TestDatabase fresh) {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).build();
    }

    private static VerificationJob job() {
        return VerificationJob.builder("t").table(TableMapping.identity("t")).build();
    }

    private static TableReport verify(TestDatabase old, TestDatabase fresh) throws Exception {
        return verifier(old, fresh).verify(job()).tables().get(0);
    }

    private static void backfill(TestDatabase old, TestDatabase fresh) throws Exception {
        BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .mapping(TableMapping.identity("t")).build().run();
    }

    /**
     * The test's own check that a PostgreSQL {@code jsonb} row holds the document of the old store's row: each old
     * text cast to {@code jsonb} by PostgreSQL equals the new value, and both stores have the same ids.
     */
    private static void assertSameJsonRows(TestDatabase old, TestDatabase fresh) {
        List<Map<String, Object>> oldRows = old.query("SELECT id, v FROM t ORDER BY id");
        List<Map<String, Object>> newRows = fresh.query("SELECT id FROM t ORDER BY id");
        assertThat(newRows).hasSameSizeAs(oldRows);
        for (int i = 0; i < oldRows.size(); i++) {
            Object id = oldRows.get(i).get("id");
            Object text = oldRows.get(i).get("v");
            assertThat(String.valueOf(newRows.get(i).get("id"))).isEqualTo(String.valueOf(id));
            String condition = text == null ? "v IS NULL"
                    : "v = CAST('" + String.valueOf(text).replace("'", "''") + "' AS jsonb)";
            assertThat(fresh.query("SELECT COUNT(*) AS n FROM t WHERE id = " + id + " AND " + condition))
                    .as("row %s holds %s", id, text).extracting(row -> String.valueOf(row.get("n"))).containsExactly("1");
        }
    }

    // Failed before its fix: a MariaDB JSON copied into a PostgreSQL jsonb is reported different on every row
    // whose text jsonb does not keep, and repair never makes it clean.
    // Input: MariaDB JSON -> PostgreSQL jsonb, backfilled by the library: '{"b":1,"a":[1,2]}' (key order),
    //   '{ "a" : 1 }' (spacing), '{"a":"\u00e9"}' (escape), '[1e2, 1.50]' (number spellings), '"x"' and 'null'
    //   scalars, SQL NULL. PostgreSQL casts each old text to the new value. (A duplicate key, '{"a":1,"a":2}', was a
    //   member here; since round 22 it is refused by name, as MariaDB answers the first member and jsonb keeps the
    //   last: WritePathBreak22Test.)
    // Expected: CLEAN. Before its fix: DIFFERENT in v on every such row ("type JSON has no text rendered alike";
    //   compared by text, jsonb writes '{"a": [1, 2], "b": 1}').
    @Test
    void mariadbJsonCopiedIntoJsonbVerifiesCleanWhateverItsSpelling() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v JSON) CHARACTER SET utf8mb4",
                    "INSERT INTO t VALUES (1, '{\"b\":1,\"a\":[1,2]}'), (2, '{ \"a\" :\t1 }'),"
                            + " (4, '{\"a\":\"\\\\u00e9\\\\n\"}'), (5, '[1e2, 1.50, -0, 0.0]'), (6, '\"x\"'), (7, 'null'),"
                            + " (8, NULL), (9, '{\"z\":{\"y\":[],\"x\":{}},\"\":\"😀\"}')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v jsonb)");
            backfill(old, fresh);
            assertSameJsonRows(old, fresh);
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).isEmpty();
        }
    }

    // Failed before its fix (same mechanism): H2 JSON and PostgreSQL json copied into a jsonb.
    @Test
    void h2AndPostgresJsonCopiedIntoJsonbVerifyClean() throws Exception {
        String values = "(1, '{\"b\":1,\"a\":[1,2]}'), (2, '{\"a\":1.0}'), (3, NULL)";
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
                old.execute(kind == Kind.H2 ? "CREATE TABLE t (id INT PRIMARY KEY, v JSON)"
                                : "CREATE TABLE t (id INT PRIMARY KEY, v json)",
                        "INSERT INTO t VALUES " + (kind == Kind.H2 ? values.replace("')", "' FORMAT JSON)") : values));
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v jsonb)");
                backfill(old, fresh);
                TableReport report = verify(old, fresh);
                assertThat(report.differences()).as(kind + ": " + report.toText()).isEmpty();
            }
        }
    }

    // Compared by value, a real difference of the document is still found: a changed number, a number against the
    // same digits as a string, array order, a missing member, true against "true", a nested value.
    @Test
    void aJsonbDocumentDifferingFromTheOldJsonIsReported() throws Exception {
        List<List<String>> cases = List.of(
                List.of("{\"a\":1}", "{\"a\":2}"),
                List.of("{\"a\":1}", "{\"a\":\"1\"}"),
                List.of("[1,2]", "[2,1]"),
                List.of("{\"a\":1,\"b\":2}", "{\"a\":1}"),
                List.of("{\"a\":true}", "{\"a\":\"true\"}"),
                List.of("{\"a\":{\"b\":[0.01]}}", "{\"a\":{\"b\":[0.1]}}"),
                List.of("{\"a\":\"x \"}", "{\"a\":\"x\"}"));
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v JSON)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v jsonb)");
            for (int i = 0; i < cases.size(); i++) {
                old.execute("INSERT INTO t VALUES (" + i + ", '" + cases.get(i).get(0) + "')");
                fresh.execute("INSERT INTO t VALUES (" + i + ", '" + cases.get(i).get(1) + "')");
            }
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).hasSize(cases.size())
                    .allSatisfy(difference -> assertThat(difference.columns()).containsExactly("v"));
        }
    }

    // Failed before its fix: repair of a jsonb that differs copied the row, re-verified it as still different, and
    // never came out clean. Input: MariaDB JSON -> PostgreSQL jsonb, new row 1 changed, new row 2 missing, extra 3.
    // Expected: repaired clean; the test's SQL finds each old document in the new store.
    @Test
    void repairOfAJsonbColumnComesOutClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v JSON)",
                    "INSERT INTO t VALUES (1, '{\"b\":1, \"a\":2}'), (2, '[3, 1]')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v jsonb)",
                    "INSERT INTO t VALUES (1, '{\"b\":1,\"a\":3}'), (3, '{}')");
            Verifier verifier = verifier(old, fresh);
            VerificationResult found = verifier.verify(job());
            assertThat(found.tables().get(0).differenceCount()).isEqualTo(3);
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job(), found);
            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            assertSameJsonRows(old, fresh);
        }
    }

    /** Both stores' values of column {@code v} by id, as numbers (the test's own reading: equal by value). */
    private static void assertSameNumbers(TestDatabase old, TestDatabase fresh) {
        List<Map<String, Object>> oldRows = old.query("SELECT id, v FROM t ORDER BY id");
        List<Map<String, Object>> newRows = fresh.query("SELECT id, v FROM t ORDER BY id");
        assertThat(newRows).hasSameSizeAs(oldRows);
        for (int i = 0; i < oldRows.size(); i++) {
            assertThat(String.valueOf(newRows.get(i).get("id"))).isEqualTo(String.valueOf(oldRows.get(i).get("id")));
            assertThat(new BigDecimal(String.valueOf(newRows.get(i).get("v"))))
                    .isEqualByComparingTo(new BigDecimal(String.valueOf(oldRows.get(i).get("v"))));
        }
    }

    // Failed before its fix: an H2 DECFLOAT copied into a decimal of another product is reported different
    // wherever H2 writes it with an exponent.
    // Input: H2 DECFLOAT -> MariaDB DECIMAL(40,10) and -> PostgreSQL numeric, backfilled: 1E+2, 1.5E+3, 1.5E-7,
    //   -1.25E+20, -0.5, 0, 123.45. The test reads both stores and finds each value equal.
    // Expected: CLEAN. Before its fix: DIFFERENT in v for 1E+2, 1.5E+3, 1.5E-7, -1.25E+20 ('1E+2' against '100').
    @Test
    void h2DecfloatCopiedIntoAnotherProductsDecimalVerifiesClean() throws Exception {
        for (Kind kind : List.of(Kind.MARIADB, Kind.POSTGRES)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v DECFLOAT)", "INSERT INTO t VALUES (1, 1E+2), (2, 1.5E+3),"
                        + " (3, 1.5E-7), (4, -1.25E+20), (5, -0.5), (6, 0), (7, 123.45), (8, NULL)");
                fresh.execute(kind == Kind.MARIADB ? "CREATE TABLE t (id INT PRIMARY KEY, v DECIMAL(40,10))"
                        : "CREATE TABLE t (id INT PRIMARY KEY, v numeric)");
                backfill(old, fresh);
                old.execute("DELETE FROM t WHERE v IS NULL");
                fresh.execute("DELETE FROM t WHERE v IS NULL");
                assertSameNumbers(old, fresh);
                TableReport report = verify(old, fresh);
                assertThat(report.differences()).as(kind + ": " + report.toText()).isEmpty();
            }
        }
    }

    // Compared by value, a real difference against a DECFLOAT is still found: one cent, a tenth of a millionth,
    // a factor of ten in the exponent, a sign.
    @Test
    void aDecimalDifferingFromAnH2DecfloatIsReported() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v DECFLOAT)",
                    "INSERT INTO t VALUES (1, 1E+2), (2, 1.5E-7), (3, 1E+3), (4, -0.5), (5, 7)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v numeric)",
                    "INSERT INTO t VALUES (1, 100.01), (2, 0.00000016), (3, 10000), (4, 0.5), (5, 7.000)");
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).extracting(RowDifference::key)
                    .containsExactlyInAnyOrder("1", "2", "3", "4");
        }
    }

    // Failed before its fix: an H2 date or date-time beyond year 9999 is reported different from the same value
    // in PostgreSQL (H2's formatter writes '+12345-06-01', PostgreSQL '12345-06-01').
    // Input: H2 TIMESTAMP and DATE -> PostgreSQL timestamp and date, backfilled: year 12345, year 10000, 9999.
    // Expected: CLEAN; and a one-second and a one-day difference at year 12345 are still found.
    // INVISIBLE columns (MariaDB, H2) are left out of SELECT *, which is how the verifier read a table's columns: a
    // difference in one was never found (the copier copies them since it lists columns from the catalog).
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"MARIADB", "H2"})
    void aDifferenceInAnInvisibleColumnIsFound(Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase fresh = TestDatabases.create(kind)) {
            String table = "CREATE TABLE t (id INT PRIMARY KEY, v INT, hidden VARCHAR(10) INVISIBLE)";
            old.execute(table, "INSERT INTO t (id, v, hidden) VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, NULL)");
            fresh.execute(table);
            backfill(old, fresh);
            assertThat(fresh.query("SELECT id, v, hidden FROM t ORDER BY id"))
                    .as("the test's own reading: the copy is exact").isEqualTo(old.query("SELECT id, v, hidden FROM t ORDER BY id"));
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).isEmpty();

            fresh.execute("UPDATE t SET hidden = 'changed' WHERE id = 2", "UPDATE t SET hidden = 'x' WHERE id = 3");
            report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).containsExactly(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "2", List.of("hidden")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "3", List.of("hidden")));
        }
    }

    @Test
    void h2DatesBeyondYear9999VerifyCleanAgainstPostgresAndTheirDifferencesAreFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMP, w DATE)",
                    "INSERT INTO t VALUES (1, TIMESTAMP '12345-01-01 10:00:00.5', DATE '12345-06-01'),"
                            + " (2, TIMESTAMP '10000-01-01 00:00:00', DATE '10000-01-01'),"
                            + " (3, TIMESTAMP '9999-12-31 23:59:59.999999', DATE '9999-12-31')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v timestamp, w date)");
            backfill(old, fresh);
            String oldText = "SELECT id, CAST(v AS VARCHAR) AS v, CAST(w AS VARCHAR) AS w FROM t ORDER BY id";
            assertThat(fresh.query("SELECT id, v::text AS v, w::text AS w FROM t ORDER BY id"))
                    .as("the test's own reading: the copy is exact").isEqualTo(old.query(oldText));
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).isEmpty();

            fresh.execute("UPDATE t SET v = v + INTERVAL '1 second' WHERE id = 1", "UPDATE t SET w = w + 1 WHERE id = 2");
            report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).containsExactly(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "1", List.of("v")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "2", List.of("w")));
        }
    }

    /**
     * The test's own reading of column {@code v} in both stores: for each id, the two values as doubles (or floats
     * when {@code single}) are the same number, the form the floating-point column can hold.
     */
    private static void assertSameFloats(TestDatabase old, TestDatabase fresh, String column, boolean single) {
        List<Map<String, Object>> oldRows = old.query("SELECT id, " + column + " AS v FROM t ORDER BY id");
        List<Map<String, Object>> newRows = fresh.query("SELECT id, " + column + " AS v FROM t ORDER BY id");
        assertThat(newRows).hasSameSizeAs(oldRows);
        for (int i = 0; i < oldRows.size(); i++) {
            String oldValue = String.valueOf(oldRows.get(i).get("v"));
            String newValue = String.valueOf(newRows.get(i).get("v"));
            if (single) {
                assertThat(Float.parseFloat(newValue)).as("%s against %s", oldValue, newValue)
                        .isEqualTo(Float.parseFloat(oldValue));
            } else {
                assertThat(Double.parseDouble(newValue)).as("%s against %s", oldValue, newValue)
                        .isEqualTo(Double.parseDouble(oldValue));
            }
        }
    }

    // Failed before its fix: a floating-point column copied into a decimal, or a decimal into a floating-point
    // column, is reported different on nearly every row (the float compared by its exact binary value,
    // 0.1000000000000000055511151231257827…, against the decimal 0.1 that every product writes for it), and repair,
    // copying the same value again, never comes out clean.
    // Inputs: MariaDB DOUBLE and FLOAT -> PostgreSQL numeric; MariaDB DECIMAL(10,2) -> PostgreSQL float8 and real;
    //   PostgreSQL numeric and float8 -> MariaDB DOUBLE and DECIMAL(30,20); H2 DECIMAL -> H2 REAL; MariaDB DOUBLE ->
    //   PostgreSQL real and PostgreSQL float8 -> MariaDB FLOAT (double into single precision); all backfilled.
    // Expected: CLEAN. Before its fix: DIFFERENT in every such column on rows 0.1, 1e-7, 123.456, 12.34, 3e10….
    @Test
    void floatsCopiedIntoDecimalsAndDecimalsIntoFloatsVerifyClean() throws Exception {
        List<List<Object>> cases = List.of(
                List.of(Kind.MARIADB, "DOUBLE", Kind.POSTGRES, "numeric", false),
                List.of(Kind.MARIADB, "FLOAT", Kind.POSTGRES, "numeric", true),
                List.of(Kind.MARIADB, "DECIMAL(30,10)", Kind.POSTGRES, "float8", false),
                List.of(Kind.MARIADB, "DECIMAL(30,10)", Kind.POSTGRES, "real", true),
                List.of(Kind.POSTGRES, "numeric", Kind.MARIADB, "DOUBLE", false),
                List.of(Kind.POSTGRES, "float8", Kind.MARIADB, "DECIMAL(40,20)", false),
                List.of(Kind.H2, "DECIMAL(30,10)", Kind.H2, "REAL", true),
                // a double into a single-precision column: the same kind (compared at the coarser precision)
                List.of(Kind.MARIADB, "DOUBLE", Kind.POSTGRES, "real", true),
                List.of(Kind.POSTGRES, "float8", Kind.MARIADB, "FLOAT", true));
        for (List<Object> each : cases) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema((Kind) each.get(0));
                 TestDatabase fresh = TestDatabases.create((Kind) each.get(2))) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + each.get(1) + ")",
                        "INSERT INTO t VALUES (1, 0.1), (2, 0.0000001), (3, 123.456), (4, 12.34), (5, 30000000000),"
                                + " (6, -2.5), (7, 0), (8, 1)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + each.get(3) + ")");
                backfill(old, fresh);
                assertSameFloats(old, fresh, "v", (Boolean) each.get(4));
                TableReport report = verify(old, fresh);
                assertThat(report.differences()).as(each + ": " + report.toText()).isEmpty();
            }
        }
    }

    // Compared as the float's precision, a difference the float column can hold is still found: one cent, a
    // millionth, a sign, (single precision) 1.0000001 against 1, and a double against a real one step apart.
    @Test
    void aFloatDifferingFromItsDecimalIsReported() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v DECIMAL(20,10), w DECIMAL(20,10))",
                    "INSERT INTO t VALUES (1, 12.34, 1), (2, 0.000001, 1), (3, -2.5, 1), (4, 7, 1.0000001), (5, 7, 1)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v float8, w real)",
                    "INSERT INTO t VALUES (1, 12.35, 1), (2, 0.000002, 1), (3, 2.5, 1), (4, 7, 1), (5, 7, 1)");
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).containsExactly(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "1", List.of("v")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "2", List.of("v")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "3", List.of("v")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "4", List.of("w")));
        }
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE)", "INSERT INTO t VALUES (1, 1.0000001), (2, 0.1)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v real)", "INSERT INTO t VALUES (1, 1), (2, 0.1)");
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText())
                    .containsExactly(new RowDifference(RowDifference.Kind.DIFFERENT, "1", List.of("v")));
        }
    }

    // Failed before its fix: repair of a MariaDB DOUBLE copied into a PostgreSQL numeric reported the repaired
    // rows still different. Input: new row 1 changed, row 2 missing, row 3 extra. Expected: clean, and the test's
    // reading finds the same numbers.
    @Test
    void repairOfADoubleCopiedIntoANumericComesOutClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE)", "INSERT INTO t VALUES (1, 0.1), (2, 0.7)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v numeric)", "INSERT INTO t VALUES (1, 0.2), (3, 1)");
            Verifier verifier = verifier(old, fresh);
            VerificationResult found = verifier.verify(job());
            assertThat(found.tables().get(0).differenceCount()).isEqualTo(3);
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job(), found);
            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            assertSameFloats(old, fresh, "v", false);
        }
    }

    // Failed before its fix (same kind as jsonb: a store that keeps no JSON text): H2's JSON drops spacing, so a
    // MariaDB JSON with spaces copied into it was reported different. Input: MariaDB JSON -> H2 JSON, backfilled.
    // Expected: CLEAN; a changed member is still found.
    @Test
    void mariadbJsonCopiedIntoH2JsonVerifiesCleanAndAChangedMemberIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v JSON)",
                    "INSERT INTO t VALUES (1, '{\"b\": 1, \"a\" : [1, 2]}'), (2, '[ ]'), (3, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v JSON)");
            backfill(old, fresh);
            TableReport report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText()).isEmpty();
            fresh.execute("UPDATE t SET v = '{\"b\":1,\"a\":[1,3]}' FORMAT JSON WHERE id = 1");
            report = verify(old, fresh);
            assertThat(report.differences()).as(report.toText())
                    .containsExactly(new RowDifference(RowDifference.Kind.DIFFERENT, "1", List.of("v")));
        }
    }

    private static VerificationJob merchantJob(TableMapping mapping, String merchant) {
        return VerificationJob.builder("t").table(mapping).merchant(merchant).build();
    }

    // Failed before its fix: a merchant-scoped verification of a table whose merchant column has another type in
    // the new store failed on PostgreSQL ("operator does not exist: text = bigint": the merchant id, read for the
    // old INT column, was bound as a number against the new text column).
    // Input: MariaDB (id, m INT) -> PostgreSQL (id, merchant text), m renamed, merchant 7: row 4 of merchant 7
    //   differs, row 6 of merchant 7 is extra in new; rows 2 (merchant 8) and 3 (merchant NULL) differ but are out of
    //   scope; row 5 is merchant 70 old and '070' new (neither is 7). Then repaired in that scope.
    // Expected: exactly rows 4 and 6 reported; after repair, the test's SQL finds merchant 7's rows equal and the
    //   other merchants' rows untouched.
    @Test
    void merchantScopeWorksWhenTheMerchantColumnChangesTypeBetweenStores() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, m INT, v VARCHAR(10))",
                    "INSERT INTO t VALUES (1, 7, 'a'), (2, 8, 'b'), (3, NULL, 'c'), (4, 7, 'd'), (5, 70, 'e')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, merchant text, v varchar(10))",
                    "INSERT INTO t VALUES (1, '7', 'a'), (2, '8', 'X'), (3, NULL, 'Y'), (4, '7', 'Z'), (6, '7', 'extra'),"
                            + " (5, '070', 'e')");
            TableMapping mapping = TableMapping.builder("t").rename("m", "merchant").merchantIdColumn("m").build();
            Verifier verifier = verifier(old, fresh);
            VerificationResult found = verifier.verify(merchantJob(mapping, "7"));
            assertThat(found.tables().get(0).differences()).as(found.tables().get(0).toText())
                    .extracting(RowDifference::key).containsExactlyInAnyOrder("4", "6");

            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(merchantJob(mapping, "7"), found);
            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            assertThat(fresh.query("SELECT id, merchant, v FROM t ORDER BY id")).extracting(Object::toString).containsExactly(
                    "{id=1, merchant=7, v=a}", "{id=2, merchant=8, v=X}", "{id=3, merchant=null, v=Y}",
                    "{id=4, merchant=7, v=d}", "{id=5, merchant=070, v=e}");
        }
    }

    // The same kind the other way: a text merchant column in the old store (MariaDB VARCHAR) that is a bigint in the
    // new one (PostgreSQL), and an H2 text one that is a BIGINT in MariaDB. Passed before the fix too (a text is
    // bound to a PostgreSQL number as a literal of unknown type); kept so that the conversion holds both ways.
    @Test
    void merchantScopeWorksFromATextMerchantColumnToANumberOne() throws Exception {
        for (List<Kind> kinds : List.of(List.of(Kind.MARIADB, Kind.POSTGRES), List.of(Kind.H2, Kind.MARIADB))) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds.get(0));
                 TestDatabase fresh = TestDatabases.create(kinds.get(1))) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, m VARCHAR(10), v VARCHAR(10))",
                        "INSERT INTO t VALUES (1, '7', 'a'), (2, '8', 'b'), (3, '7', 'c')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, m BIGINT, v VARCHAR(10))",
                        "INSERT INTO t VALUES (1, 7, 'a'), (2, 8, 'X'), (3, 7, 'Z')");
                TableMapping mapping = TableMapping.builder("t").merchantIdColumn("m").build();
                TableReport report = verifier(old, fresh).verify(merchantJob(mapping, "7")).tables().get(0);
                assertThat(report.differences()).as(kinds + ": " + report.toText())
                        .containsExactly(new RowDifference(RowDifference.Kind.DIFFERENT, "3", List.of("v")));
            }
        }
    }

    // Failed before its fix: an H2 DECFLOAT key against another product's decimal key was accepted, though rows are
    // paired by their keys' texts, and H2 writes key 100 as '1E+2' where PostgreSQL writes '100'.
    // Input: H2 (k DECFLOAT key) -> PostgreSQL (k numeric key). Expected: refused before any row is read, naming the
    // column, the types and the reason; nothing recorded. Before its fix: no error.
    @Test
    void anH2DecfloatKeyAgainstAnotherProductsDecimalKeyIsRefusedUpFront() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (k DECFLOAT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1E+2, 1), (7, 2)");
            fresh.execute("CREATE TABLE t (k numeric PRIMARY KEY, v int)", "INSERT INTO t VALUES (100, 1), (7, 2)");
            VerificationJob job = VerificationJob.builder("t").table(TableMapping.builder("t").primaryKey("k").build()).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> verifier(old, fresh).verify(job))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("primary-key column 'k' (DECFLOAT / numeric)")
                    .hasMessageContaining("an H2 DECFLOAT's text has an exponent");
            assertThat(old.query("SELECT COUNT(*) AS n FROM dualwrite_verification")).extracting(row -> String.valueOf(row.get("n")))
                    .containsExactly("0");
        }
    }
}
