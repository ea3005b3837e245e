package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Value renderings that hide real differences from the verifier.
 */
class HiddenValueDifferencesTest {

    private static List<List<String>> rows(TestDatabase db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(values);
        }
        return rows;
    }

    private static TableReport verify(TestDatabase old, TestDatabase fresh, String table) throws Exception {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).build()
                .verify(VerificationJob.builder(table).table(TableMapping.identity(table)).build()).tables().get(0);
    }

    /** Same type on both sides, row 1 differs, row 2 equal: plain JDBC sees the difference, the report must. */
    private static void differsInRowOne(Kind oldKind, Kind newKind, String ddl, String oldOne, String newOne, String two,
                                        String plainSql) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute(ddl, "INSERT INTO t VALUES (1, " + oldOne + "), (2, " + two + ")");
            fresh.execute(ddl, "INSERT INTO t VALUES (1, " + newOne + "), (2, " + two + ")");
            assertThat(rows(old, plainSql)).as("plain JDBC sees the difference").isNotEqualTo(rows(fresh, plainSql));
            TableReport report = verify(old, fresh, "t");
            assertThat(report.differences()).as(report.toText())
                    .containsExactly(new RowDifference(RowDifference.Kind.DIFFERENT, "1", List.of("v")));
        }
    }

    // Failed before its fix: a BC date against the same AD date is reported equal
    // Input: PostgreSQL -> PostgreSQL, DATE column; old row 1 holds DATE '0001-01-01 BC', new row 1 DATE '0001-01-01'
    //   (row 2 equal). Plain JDBC (v::text) sees '0001-01-01 BC' against '0001-01-01'.
    // Expected: row 1 reported DIFFERENT in v. Before its fix: the report is CLEAN (the era is lost in the rendering; the same
    //   pair as TIMESTAMP is reported). Kind 3 (verification false negative, year 0001 / BC).
    @Test
    void postgresDateBeforeChristAgainstTheSameAfterChristIsReported() throws Exception {
        differsInRowOne(Kind.POSTGRES, Kind.POSTGRES, "CREATE TABLE t (id INT PRIMARY KEY, v DATE)",
                "DATE '0001-01-01 BC'", "DATE '0001-01-01'", "DATE '2026-01-01'", "SELECT id, v::text AS v FROM t ORDER BY id");
    }

    // Failed before its fix: a nanosecond difference in an H2 TIME(9) is reported equal
    // Input: H2 -> H2, TIME(9) column; old row 1 TIME '10:00:00.123456789', new row 1 TIME '10:00:00.123456790'.
    //   Plain JDBC (CAST AS VARCHAR) sees the difference.
    // Expected: row 1 reported DIFFERENT in v. Before its fix: CLEAN ("column v compared in Java: type TIME": the Java reading
    //   drops the sub-microsecond or sub-second part; the TIMESTAMP(9) case was fixed, TIME was not).
    //   Kind 3 (verification false negative, H2 nanoseconds).
    @Test
    void h2TimeDifferingInItsNanosecondIsReported() throws Exception {
        differsInRowOne(Kind.H2, Kind.H2, "CREATE TABLE t (id INT PRIMARY KEY, v TIME(9))",
                "TIME '10:00:00.123456789'", "TIME '10:00:00.123456790'", "TIME '11:00:00'",
                "SELECT id, CAST(v AS VARCHAR) AS v FROM t ORDER BY id");
    }

    /** Backfilled by the library, then verified: plain JDBC says the copy is exact, the report must be clean. */
    private static void copiedExactly(Kind oldKind, Kind newKind, String oldDdl, String newDdl, String values,
                                      String oldPlain, String newPlain) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute(oldDdl, "INSERT INTO t VALUES " + values);
            fresh.execute(newDdl);
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.identity("t")).build().run();
            assertThat(rows(fresh, newPlain)).as("plain JDBC: the copy is exact").isEqualTo(rows(old, oldPlain));
            TableReport report = verify(old, fresh, "t");
            assertThat(report.differences()).as(report.toText()).isEmpty();
        }
    }
}
