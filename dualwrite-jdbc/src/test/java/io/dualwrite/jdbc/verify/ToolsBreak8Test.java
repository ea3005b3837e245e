package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repairClean;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Eighth break review of the migration tools (issue 7): inputs that made verification report drift where there is
 * none or miss a real one, backfill copy too much or too little, or repair fail to converge. Each test ends with
 * the stores compared row by row by its own SQL.
 */
class ToolsBreak8Test {

    private static final TableMapping T = TableMapping.identity("t");

    private static VerificationJob job() {
        return VerificationJob.builder("t").table(T).build();
    }

    private static VerificationResult verify(TestDatabase old, TestDatabase fresh) throws Exception {
        return verifier(old, fresh).verify(job());
    }

    private static void backfill(TestDatabase old, TestDatabase fresh) throws Exception {
        ToolsBreakSupport.backfill(old, fresh, T);
    }

    private static void repair(TestDatabase old, TestDatabase fresh, VerificationResult result) throws Exception {
        repairClean(old, fresh, job(), result);
    }

    // Input: PostgreSQL money, old -> new of the same type or from a MariaDB DECIMAL(19,2); amounts of a thousand
    //   and more (their text has group separators), and 900000000000000.01 against .02 (one cent beyond a double).
    // Expected: backfilled stores verify clean; the planted one-cent difference is reported, and repaired.
    @ParameterizedTest
    @CsvSource({"POSTGRES, MONEY", "MARIADB, 'DECIMAL(19,2)'"})
    void moneyVerifiesCleanAfterABackfillAndAOneCentDifferenceIsFound(Kind oldKind, String oldType) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, m " + oldType + ")",
                    "INSERT INTO t VALUES (1, 1234.56), (2, 900000000000000.01), (3, -5.00), (4, NULL), (5, 0.01),"
                            + " (6, 92233720368547758.07)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, m MONEY)");
            backfill(old, fresh);
            VerificationResult clean = verify(old, fresh);
            assertThat(clean.tables().get(0).differences()).as(clean.tables().get(0).toText()).isEmpty();

            fresh.execute("UPDATE t SET m = '900000000000000.02' WHERE id = 2");
            VerificationResult result = verify(old, fresh);
            assertThat(result.tables().get(0).differences()).as(result.tables().get(0).toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2", List.of("m")));
            repair(old, fresh, result);
            String amount = oldKind == Kind.POSTGRES ? "m::numeric" : "m";
            assertThat(rows(fresh, "SELECT id, m::numeric AS m FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, " + amount + " AS m FROM t ORDER BY id"));
        }
    }
    // Input: MariaDB ZEROFILL columns (an INT(6) ZEROFILL key, an INT(6) ZEROFILL and a DECIMAL(8,2) ZEROFILL value)
    //   backfilled into PostgreSQL integer and numeric columns; then the new value of row 2 one cent off.
    // Expected: clean after the backfill (MariaDB shows 000012, PostgreSQL 12: the same number); the cent is found.
    @org.junit.jupiter.api.Test
    void mariadbZerofillNumbersVerifyCleanAgainstPlainNumbersAndACentIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT(6) ZEROFILL PRIMARY KEY, n INT(6) ZEROFILL, d DECIMAL(8,2) ZEROFILL)",
                    "INSERT INTO t VALUES (1, 12, 3.50), (2, 0, 12.00), (3, 123456, 0.01), (40, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, n INT, d NUMERIC(8,2))");
            backfill(old, fresh);
            VerificationResult clean = verify(old, fresh);
            assertThat(clean.tables().get(0).differences()).as(clean.tables().get(0).toText()).isEmpty();

            fresh.execute("UPDATE t SET d = 12.01 WHERE id = 2");
            VerificationResult result = verify(old, fresh);
            assertThat(result.tables().get(0).differences()).as(result.tables().get(0).toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2", List.of("d")));
            repair(old, fresh, result);
            assertThat(rows(fresh, "SELECT id, n, d FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id + 0 AS id, n + 0 AS n, d + 0 AS d FROM t ORDER BY id"));
        }
    }
    // Input: MariaDB DECIMAL(12,2), VARCHAR and DATETIME(6) columns backfilled into PostgreSQL columns of domain
    //   types over numeric(12,2), varchar(20) and timestamp(6); then the new amount of row 2 one cent off.
    // Expected: clean after the backfill (a domain holds its base type's values); the cent is found, and repaired.
    @org.junit.jupiter.api.Test
    void postgresDomainColumnsVerifyLikeTheirBaseTypes() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, amount DECIMAL(12,2), code VARCHAR(20), at DATETIME(6))",
                    "INSERT INTO t VALUES (1, 12.50, 'ab', '2024-01-31 10:00:00.500000'), (2, 1234.00, 'ab ', NULL),"
                            + " (3, NULL, NULL, '2024-02-29 23:59:59')");
            fresh.execute("CREATE DOMAIN amount_d AS numeric(12,2)", "CREATE DOMAIN code_d AS varchar(20)",
                    "CREATE DOMAIN at_d AS timestamp(6)",
                    "CREATE TABLE t (id INT PRIMARY KEY, amount amount_d, code code_d, at at_d)");
            backfill(old, fresh);
            VerificationResult clean = verify(old, fresh);
            assertThat(clean.tables().get(0).differences()).as(clean.tables().get(0).toText()).isEmpty();

            fresh.execute("UPDATE t SET amount = 1234.01 WHERE id = 2");
            VerificationResult result = verify(old, fresh);
            assertThat(result.tables().get(0).differences()).as(result.tables().get(0).toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2", List.of("amount")));
            repair(old, fresh, result);
            assertThat(rows(fresh, "SELECT id, amount::text AS a, '[' || code || ']' AS c, at::text AS at FROM t"
                    + " ORDER BY id")).isEqualTo(rows(old, "SELECT id, CAST(amount AS CHAR) AS a,"
                    + " CONCAT('[', code, ']') AS c, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM"
                    + " CAST(at AS CHAR))) AS at FROM t ORDER BY id"));
        }
    }
    // Input: MariaDB -> PostgreSQL, a utf8mb4_unicode_ci VARCHAR (which calls 'Abc' and 'abc', 'é' and 'e\u0301',
    //   'x' and 'x ' equal) and a DECIMAL(65,30); new rows planted with a case difference, the decomposed 'é',
    //   a trailing space, NULL for '', and a decimal 1E-30 off at 35 integer digits.
    // Expected: exactly those five rows differ, in those columns; equal rows (emoji, tab, the full decimal) do not;
    //   repair makes the stores equal byte for byte.
    @org.junit.jupiter.api.Test
    void differencesACaseInsensitiveCollationCallsEqualAndALastDecimalDigitAreFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            String big = "12345678901234567890123456789012345.123456789012345678901234567890";
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET utf8mb4"
                            + " COLLATE utf8mb4_unicode_ci, d DECIMAL(65,30))",
                    "INSERT INTO t VALUES (1, 'Abc', 1), (2, '\u00e9', 1), (3, 'x', 1), (4, '', 1), (5, 'ok', " + big + "),"
                            + " (6, '\ud83d\ude00\t', " + big + "), (7, NULL, NULL)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), d NUMERIC(65,30))");
            backfill(old, fresh);
            VerificationResult clean = verify(old, fresh);
            assertThat(clean.tables().get(0).differences()).as(clean.tables().get(0).toText()).isEmpty();

            fresh.execute("UPDATE t SET s = 'abc' WHERE id = 1", "UPDATE t SET s = 'e\u0301' WHERE id = 2",
                    "UPDATE t SET s = 'x ' WHERE id = 3", "UPDATE t SET s = NULL WHERE id = 4",
                    "UPDATE t SET d = d + 1E-30 WHERE id = 5");
            VerificationResult result = verify(old, fresh);
            assertThat(result.tables().get(0).differences()).as(result.tables().get(0).toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("1", List.of("s")),
                            org.assertj.core.groups.Tuple.tuple("2", List.of("s")),
                            org.assertj.core.groups.Tuple.tuple("3", List.of("s")),
                            org.assertj.core.groups.Tuple.tuple("4", List.of("s")),
                            org.assertj.core.groups.Tuple.tuple("5", List.of("d")));
            repair(old, fresh, result);
            assertThat(rows(fresh, "SELECT id, encode(convert_to(s, 'UTF8'), 'hex') AS s, d::text AS d FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, LOWER(HEX(CONVERT(s USING utf8mb4))) AS s, CAST(d AS CHAR) AS d"
                            + " FROM t ORDER BY id"));
        }
    }
    // Input: MariaDB -> MariaDB, a utf8mb4_general_ci VARCHAR key: the old row 'Abc' is 'abc' in the new store (one
    //   row to the collation, another spelling to the application), and a decomposed 'e\u0301' key held as 'é'.
    // Expected: both reported; repair converges (the new store then holds the old spellings, no row lost or doubled).
    @org.junit.jupiter.api.Test
    void aKeySpeltOtherwiseUnderACaseInsensitiveCollationIsReportedAndRepaired() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            String table = "CREATE TABLE t (id VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PRIMARY KEY, v INT)";
            old.execute(table, "INSERT INTO t VALUES ('Abc', 1), ('b', 2), ('e\u0301', 3)");
            fresh.execute(table, "INSERT INTO t VALUES ('abc', 1), ('b', 2), ('\u00e9', 3)");
            VerificationResult result = verify(old, fresh);
            assertThat(result.tables().get(0).differenceCount()).as(result.tables().get(0).toText()).isPositive();
            assertThat(result.tables().get(0).differences()).extracting(RowDifference::key)
                    .contains("Abc", "e\u0301").doesNotContain("b");
            repair(old, fresh, result);
            String hex = "SELECT LOWER(HEX(id)) AS k, v FROM t ORDER BY HEX(id)";
            assertThat(rows(fresh, hex)).isEqualTo(rows(old, hex)).hasSize(3);
        }
    }
}
