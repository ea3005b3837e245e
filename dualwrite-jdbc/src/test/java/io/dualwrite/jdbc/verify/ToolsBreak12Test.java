package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfillFailing;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.column;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.inPairs;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refused;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refusedByName;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Twelfth break review of the migration tools: values the target column cannot hold exactly. Each product does
 * something else with one: PostgreSQL and H2 refuse a MariaDB {@code TIME} of {@code 30:00:00} or a zero date without
 * naming the column, MariaDB stores no {@code NaN}, and PostgreSQL, MariaDB and H2 silently cut a {@code varchar(n)}'s
 * trailing spaces, round a decimal to the column's scale or a time's fraction to the column's digits, or (H2's bare
 * {@code NUMERIC}) keep whole numbers only. The copier refuses each such value by table, column, key and value
 * before writing it; the backfill copies every other row and says that running it again will not help until the
 * mapping or the column changes; verification reports the refused rows, and repair repairs the others and reports
 * those. Every test ends with the new store read row by row by the test's own SQL.
 */
class ToolsBreak12Test {

    private static final TableMapping T = TableMapping.builder("t").primaryKey("id").build();

    /**
     * Writes into the new store, by {@code sql}, the row of {@code key} as the product would have changed its value
     * when told to hold it, and asserts verification reports that row different, not equal.
     */
    private static void changedValueIsReported(TestDatabase old, TestDatabase fresh, String sql, String key)
            throws Exception {
        fresh.execute(sql);
        TableReport report = verify(old, fresh, T);
        assertThat(report.differences()).as(report.toText())
                .extracting(RowDifference::kind, RowDifference::key)
                .contains(tuple(RowDifference.Kind.DIFFERENT, key));
    }

    // Input: PostgreSQL float8/float4 and H2 DOUBLE/REAL NaN, Infinity and -Infinity into MariaDB DOUBLE: MariaDB has
    //   no such values; the driver's text of them was refused without the column's name, or stored as another number.
    @Test
    void nanAndInfinitiesIntoMariaDbAreRefusedByName() throws Exception {
        for (Kind source : List.of(Kind.POSTGRES, Kind.H2)) {
            for (String type : List.of(source == Kind.POSTGRES ? "float8" : "DOUBLE PRECISION", "REAL")) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(source);
                     TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + type + ")",
                            "INSERT INTO t VALUES (1, 1.5), (2, 'NaN'), (3, 'Infinity'), (4, '-Infinity'), (5, -2)");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE)");
                    refusedByName(old, fresh, refused("2", "NaN", "3", "Infinity", "4", "-Infinity"),
                            "SELECT id, v FROM t ORDER BY id", List.of("1 1.5", "5 -2.0"));
                }
            }
        }
    }

    // Input: PostgreSQL time '24:00:00' (a key, and a value) into H2 TIME(6), which cannot parse it: the copy failed on
    //   H2's "Cannot parse TIME constant" without the column, and verification bound the key's text on H2 and failed.
    @Test
    void theEndOfTheDayIntoH2IsRefusedByNameAndReportedMissing() throws Exception {
        refusedByName(column(Kind.POSTGRES, "time"), "(1, '10:00'), (2, '24:00:00'), (3, '23:59:59.999999')",
                column(Kind.H2, "TIME(6)"), refused("2", "24:00:00"),
                "SELECT id, FORMATDATETIME(v, 'HH:mm:ss.SSSSSS') FROM t ORDER BY id",
                List.of("1 10:00:00.000000", "3 23:59:59.999999"));
        TableMapping keyed = TableMapping.builder("t").primaryKey("k").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE t (k time PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('10:00', 1), ('24:00:00', 2), ('12:00', 3)");
            fresh.execute("CREATE TABLE t (k TIME(6) PRIMARY KEY, v INT)");
            BackfillException failed = backfillFailing(old, fresh, keyed);
            assertThat(failed.getMessage()).containsIgnoringCase("column k").contains("'24:00:00'", "will not help");
            TableReport report = verify(old, fresh, keyed);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.MISSING_IN_NEW, "24:00:00"));
            assertThat(rows(fresh, "SELECT FORMATDATETIME(k, 'HH:mm:ss'), v FROM t ORDER BY v"))
                    .containsExactly("10:00:00 1", "12:00:00 3");
        }
    }

    // Input: MariaDB TIME(6) '30:00:00', '-01:00:00' and '838:59:59.5' into PostgreSQL time and H2 TIME(6): no time of
    //   day names them; PostgreSQL's "date/time field value out of range" and H2's parse error named no column.
    @Test
    void mariaDbTimesOutsideADayAreRefusedByNameIntoPostgresAndH2() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.H2)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIME(6))",
                        "INSERT INTO t VALUES (1, '30:00:00'), (2, '10:00:00.5'), (3, '-01:00:00'), (4, '838:59:59.5'),"
                                + " (5, '00:00:00')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + (target == Kind.H2 ? "TIME(6)" : "time") + ")");
                String text = target == Kind.H2 ? "FORMATDATETIME(v, 'HH:mm:ss.SSSSSS')" : "to_char(v, 'HH24:MI:SS.US')";
                refusedByName(old, fresh, refused("1", "30:00:00", "3", "-01:00:00", "4", "838:59:59.5"),
                        "SELECT id, " + text + " FROM t ORDER BY id", List.of("2 10:00:00.500000", "5 00:00:00.000000"));
            }
        }
    }

    // Input: MariaDB zero dates, allowed by its default sql_mode: DATE '0000-00-00' and '2024-02-00', DATETIME
    //   '0000-00-00 00:00:00' and '2024-00-10 10:00:00', into PostgreSQL date/timestamp and H2 DATE/TIMESTAMP: both
    //   refused them without naming the column.
    @Test
    void mariaDbZeroDatesAreRefusedByNameIntoPostgresAndH2() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.H2)) {
            for (String type : List.of("DATE", "DATETIME")) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                     TestDatabase fresh = TestDatabases.create(target)) {
                    boolean date = type.equals("DATE");
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + type + ")", date
                            ? "INSERT INTO t VALUES (1, '2024-02-01'), (2, '0000-00-00'), (3, '2024-02-00')"
                            : "INSERT INTO t VALUES (1, '2024-02-01 00:00:00'), (2, '0000-00-00 00:00:00'),"
                                    + " (3, '2024-00-10 10:00:00')");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + (date ? "DATE" : "TIMESTAMP") + ")");
                    String text = target == Kind.H2 ? "FORMATDATETIME(v, 'yyyy-MM-dd')" : "to_char(v, 'YYYY-MM-DD')";
                    refusedByName(old, fresh, date ? refused("2", "0000-00-00", "3", "2024-02-00")
                                    : refused("2", "0000-00-00 00:00:00", "3", "2024-00-10 10:00:00"),
                            "SELECT id, " + text + " FROM t ORDER BY id", List.of("1 2024-02-01"));
                }
            }
        }
    }

    // Input: H2 VARCHAR(10) 'abc   ' and 'abcdef' into VARCHAR(4) on PostgreSQL, MariaDB and H2: PostgreSQL and
    //   MariaDB cut the excess trailing spaces without a word ('abc '); PostgreSQL refused 'abcdef' without naming it.
    @Test
    void textsLongerThanTheTargetVarcharAreRefusedNotCut() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB, Kind.H2)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                        "INSERT INTO t VALUES (1, 'abcd'), (2, 'abc   '), (3, 'abcdef'), (4, 'ab '), (5, 'äöüß')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(4))");
                refusedByName(old, fresh, refused("2", "abc   ", "3", "abcdef"),
                        "SELECT id, CONCAT('[', v, ']') FROM t ORDER BY id", List.of("1 [abcd]", "4 [ab ]", "5 [äöüß]"));
                changedValueIsReported(old, fresh, "INSERT INTO t VALUES (2, 'abc ')", "2");
            }
        }
    }

    // Input: H2 NUMERIC(12,4) 1.0050 and 123456.5 into NUMERIC(6,2) on PostgreSQL, MariaDB and H2, and 1.5 into H2's bare
    //   NUMERIC (scale 0): all three rounded 1.005 to 1.01 silently, H2 1.5 to 2; PostgreSQL's overflow named no column.
    @Test
    void decimalsBeyondTheTargetDigitsAreRefusedNotRounded() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB, Kind.H2)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v NUMERIC(12,4))",
                        "INSERT INTO t VALUES (1, 1.0100), (2, 1.0050), (3, 123456.5), (4, -9999.99)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v NUMERIC(6,2))");
                refusedByName(old, fresh, refused("2", "1.0050", "3", "123456.5000"),
                        "SELECT id, CAST(v AS VARCHAR(20)) FROM t ORDER BY id".replace("VARCHAR(20)",
                                target == Kind.MARIADB ? "CHAR" : "VARCHAR(20)"),
                        List.of("1 1.01", "4 -9999.99"));
                changedValueIsReported(old, fresh, "INSERT INTO t VALUES (2, 1.01)", "2");
            }
        }
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v numeric)", "INSERT INTO t VALUES (1, 7), (2, 1.5)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v NUMERIC)");
            refusedByName(old, fresh, refused("2", "1.5"), "SELECT id, v FROM t ORDER BY id", List.of("1 7"));
            changedValueIsReported(old, fresh, "INSERT INTO t VALUES (2, 2)", "2");
        }
    }

    // Input: H2 TIMESTAMP(9) '…05.1234567' and TIME(9) '10:00:00.0000001' into PostgreSQL timestamp/time (microseconds),
    //   MariaDB DATETIME(6)/TIME(6) and H2 TIMESTAMP(6)/TIME(6): every one rounded or cut the fraction without a word.
    @Test
    void fractionsOfASecondBeyondTheTargetDigitsAreRefusedNotRounded() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB, Kind.H2)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMP(9))",
                        "INSERT INTO t VALUES (1, '2024-01-02 03:04:05.123456'), (2, '2024-01-02 03:04:05.1234567'),"
                                + " (3, '2024-01-02 03:04:05')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + (target == Kind.MARIADB ? "DATETIME(6)"
                        : "TIMESTAMP(6)") + ")");
                String text = target == Kind.MARIADB ? "DATE_FORMAT(v, '%Y-%m-%d %H:%i:%s.%f')"
                        : target == Kind.POSTGRES ? "to_char(v, 'YYYY-MM-DD HH24:MI:SS.US')"
                        : "FORMATDATETIME(v, 'yyyy-MM-dd HH:mm:ss.SSSSSS')";
                refusedByName(old, fresh, refused("2", "2024-01-02 03:04:05.123456700"),
                        "SELECT id, " + text + " FROM t ORDER BY id",
                        List.of("1 2024-01-02 03:04:05.123456", "3 2024-01-02 03:04:05.000000"));
                changedValueIsReported(old, fresh, "INSERT INTO t VALUES (2, '2024-01-02 03:04:05.123457')", "2");
            }
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIME(9))",
                        "INSERT INTO t VALUES (1, '10:00:00.000001'), (2, '10:00:00.0000001')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + (target == Kind.POSTGRES ? "time" : "TIME(6)")
                        + ")");
                String text = target == Kind.MARIADB ? "TIME_FORMAT(v, '%H:%i:%s.%f')"
                        : target == Kind.POSTGRES ? "to_char(v, 'HH24:MI:SS.US')" : "FORMATDATETIME(v, 'HH:mm:ss.SSSSSS')";
                refusedByName(old, fresh, refused("2", "10:00:00.000000100"), "SELECT id, " + text + " FROM t ORDER BY id",
                        List.of("1 10:00:00.000001"));
                changedValueIsReported(old, fresh, "INSERT INTO t VALUES (2, '10:00:00')", "2");
            }
        }
    }

    // Input: PostgreSQL bigint 3000000000 and numeric 2.5 into INT on PostgreSQL, MariaDB and H2: PostgreSQL's "integer
    //   out of range" named no column, and every product rounded 2.5 to a whole number without a word.
    @Test
    void numbersAnIntegerColumnCannotHoldAreRefusedByName() throws Exception {
        for (Kind target : List.of(Kind.POSTGRES, Kind.MARIADB, Kind.H2)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v numeric)",
                        "INSERT INTO t VALUES (1, 2147483647), (2, 3000000000), (3, 2.5), (4, -2147483648), (5, 4.000)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
                refusedByName(old, fresh, refused("2", "3000000000", "3", "2.5"), "SELECT id, v FROM t ORDER BY id",
                        List.of("1 2147483647", "4 -2147483648", "5 4"));
                changedValueIsReported(old, fresh, "INSERT INTO t VALUES (3, 3)", "3");
            }
        }
    }

    // Input: H2 TIMESTAMP year 300000 into PostgreSQL timestamp (to 294276), H2 DATE year 10000 into MariaDB DATE (to
    //   9999): PostgreSQL's "timestamp out of range" named no column.
    @Test
    void yearsBeyondTheTargetRangeAreRefusedByName() throws Exception {
        refusedByName(column(Kind.H2, "TIMESTAMP"), "(1, '294276-12-31 23:59:59'), (2, '300000-01-01 00:00:00')",
                column(Kind.POSTGRES, "timestamp"), refused("2", "+300000-01-01 00:00"), "SELECT id, v::text FROM t ORDER BY id",
                List.of("1 294276-12-31 23:59:59"));
        refusedByName(column(Kind.H2, "DATE"), "(1, '9999-12-31'), (2, '10000-01-01')",
                column(Kind.MARIADB, "DATE"), refused("2", "+10000-01-01"), "SELECT id, CAST(v AS CHAR) FROM t ORDER BY id",
                List.of("1 9999-12-31"));
    }

    // Input: a backfill in chunks of two keys whose second chunk holds a text longer than the new VARCHAR(4): the run
    //   failed there with "run the job again to resume it", although no run could copy the row. It now copies the
    //   other chunks, says which row and that only a change helps; once the new column is widened, the next run
    //   resumes the refused chunk and completes.
    @Test
    void aBackfillCopiesTheOtherChunksAndResumesTheRefusedOneOnceTheColumnChanges() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                    "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'too long'), (5, 'e'), (6, 'f'), (7, 'g')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(4))");
            BackfillException failed = backfillFailing(old, fresh, T);
            assertThat(failed.getMessage()).contains("key '4'", "column v", "'too long'", "at most 4 characters",
                    "will not help");
            assertThat(failed.partialResult().complete()).isFalse();
            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY id"))
                    .containsExactly("1 a", "2 b", "3 c", "5 e", "6 f", "7 g");

            fresh.execute("ALTER TABLE t ALTER COLUMN v TYPE VARCHAR(10)");
            assertThat(inPairs(old, fresh, T).run().complete()).isTrue();
            String sql = "SELECT id, v FROM t ORDER BY id";
            assertThat(rows(fresh, sql)).isEqualTo(rows(old, sql)).hasSize(7);
        }
    }

    // Input: a verification job with leafRows(100) and chunkRows(10): a leaf of more rows than a chunk holds was
    //   silently cut to the chunk's size. It is refused at construction, naming both properties; a default leaf size
    //   still follows a smaller chunk size.
    @Test
    void aLeafRowLimitAboveTheChunkRowLimitIsRefusedNamingBoth() {
        assertThatThrownBy(() -> VerificationJob.builder("t").table(T).chunkRows(10).leafRows(100).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leafRows").hasMessageContaining("chunkRows")
                .hasMessageContaining("100").hasMessageContaining("10")
                .hasMessageContaining("at most");
        assertThat(VerificationJob.builder("t").table(T).chunkRows(10).leafRows(10).build().leafRows()).isEqualTo(10);
        assertThat(VerificationJob.builder("t").table(T).chunkRows(10).build().leafRows()).isEqualTo(10);
    }
}
