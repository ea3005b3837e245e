package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfillFailing;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repairResult;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seventeenth break review of the migration tools: inputs that made a backfill merge two rows without a word, or
 * stop saying to run it again where that could never help. Each test ends with the stores compared row by row by
 * its own SQL.
 */
class ToolsBreak17Test {

    private static final TableMapping T = TableMapping.identity("t");

    /** An old key column and a new one that does not tell {@code 'a'} from {@code 'a '}. */
    private record Keys(Kind old, String oldKey, Kind fresh, String newKey) {
    }

    // Input: old text keys 'a' and 'a ' (two rows where the old key tells trailing spaces apart) into a new key that
    //   does not: a MariaDB CHAR under utf8mb4_nopad_bin (which stores 'a ' as 'a'; the backfill completed with row
    //   'a' overwritten by row 'a ', silently), a PostgreSQL char(5), an H2 CHAR(5), a MariaDB VARCHAR under the PAD
    //   SPACE utf8mb4_bin (the backfill copied none of the chunk's rows and said to run it again, which can never
    //   help). Now the row 'a ' is refused by name, as two text keys a number key stores as one (round 16), and so
    //   is 'c  ', which has no twin (round 24); every other row is copied; verification reports that row, and repair names it among the refused.
    @Test
    void twoTextKeysThatTheNewKeyCallsOneForTheirTrailingSpacesAreRefusedByName() throws Exception {
        for (Keys keys : List.of(
                new Keys(Kind.POSTGRES, "varchar(10)", Kind.MARIADB, "CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"),
                new Keys(Kind.H2, "VARCHAR(10)", Kind.MARIADB, "CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"),
                new Keys(Kind.POSTGRES, "varchar(10)", Kind.POSTGRES, "char(5)"),
                new Keys(Kind.H2, "VARCHAR(10)", Kind.H2, "CHAR(5)"),
                new Keys(Kind.POSTGRES, "text", Kind.MARIADB, "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                new Keys(Kind.MARIADB, "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", Kind.MARIADB,
                        "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(keys.old());
                 TestDatabase fresh = TestDatabases.create(keys.fresh())) {
                old.execute("CREATE TABLE t (id " + keys.oldKey() + " PRIMARY KEY, v INT)",
                        "INSERT INTO t VALUES ('a', 1), ('a ', 2), ('b', 3), ('c  ', 4), ('d', 5)");
                fresh.execute("CREATE TABLE t (id " + keys.newKey() + " PRIMARY KEY, v INT)");

                BackfillException failed = backfillFailing(old, fresh, T);
                // 'c  ' (no twin) is refused too: a CHAR key keeps no trailing spaces of a key's own (round 19: it
                // was copied as 'c', another key), and a PAD SPACE key calls it 'c', so that a later 'c' would be
                // the same row (round 24: a key is copied only as the text its column stores)
                String[] copied = {"1", "3", "5"};

                assertThat(failed.getMessage()).as(keys.toString()).contains("key 'a '", "will not help")
                        .doesNotContain("resume it");
                // every other row is copied; row 'a' keeps its own values (a char(n) reads padded)
                assertThat(rows(fresh, "SELECT v FROM t ORDER BY v")).as(keys.toString())
                        .containsExactly(copied);
                assertThat(rows(fresh, "SELECT RTRIM(id), v FROM t WHERE v IN (1, 3, 5) ORDER BY v")).as(keys.toString())
                        .isEqualTo(rows(old, "SELECT RTRIM(id), v FROM t WHERE v IN (1, 3, 5) ORDER BY v"));

                TableReport report = verify(old, fresh, T);
                assertThat(report.differences()).as(report.toText())
                        .extracting(RowDifference::kind, RowDifference::key)
                        .contains(tuple(RowDifference.Kind.MISSING_IN_NEW, "a "));
                Repairer.RepairResult repaired = repairResult(old, fresh, T);
                assertThat(repaired.tables()).singleElement().satisfies(table -> assertThat(table.refused())
                        .as(repaired.toString()).hasSize(2)
                        .anySatisfy(refused -> assertThat(refused).asString().contains("key 'a '")));
                assertThat(rows(fresh, "SELECT RTRIM(id), v FROM t WHERE v IN (1, 3, 5) ORDER BY v")).as(keys.toString())
                        .isEqualTo(rows(old, "SELECT RTRIM(id), v FROM t WHERE v IN (1, 3, 5) ORDER BY v"));
                assertThat(rows(fresh, "SELECT v FROM t ORDER BY v")).as(keys.toString())
                        .containsExactly(copied);
            }
        }
    }

    // Input: old keys 'a' and 'A' (a binary NO PAD MariaDB key, a PostgreSQL text key) and a new key whose collation
    //   calls them one (MariaDB utf8mb4_general_ci, PostgreSQL citext), repaired after a verification (the backfill
    //   refuses such a mapping up front; the repair did not): the copier's read-back check failed the sync with a
    //   plain SQLException, which the repair threw at its caller, leaving every other reported row unrepaired. Now
    //   the one of the two synced second is refused by name, as above, and the other rows are repaired.
    @Test
    void aRepairNamesTheRowWhoseKeyTheNewCollationCallsAnotherRowsAndRepairsTheRest() throws Exception {
        for (Keys keys : List.of(
                new Keys(Kind.MARIADB, "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", Kind.MARIADB,
                        "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"),
                new Keys(Kind.POSTGRES, "text", Kind.MARIADB, "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"))) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(keys.old());
                 TestDatabase fresh = TestDatabases.create(keys.fresh())) {
                old.execute("CREATE TABLE t (id " + keys.oldKey() + " PRIMARY KEY, v INT)",
                        "INSERT INTO t VALUES ('a', 1), ('A', 2), ('b', 3), ('c', 4)");
                fresh.execute("CREATE TABLE t (id " + keys.newKey() + " PRIMARY KEY, v INT)",
                        "INSERT INTO t VALUES ('c', 40)");

                Repairer.RepairResult repaired = repairResult(old, fresh, T);

                // whichever of the two is synced first is copied; the other is named
                assertThat(repaired.tables()).as(keys.toString()).hasSize(1);
                Repairer.TableRepair table = repaired.tables().get(0);
                assertThat(table.remaining()).as(repaired.toString()).singleElement()
                        .extracting(RowDifference::key).isIn("a", "A");
                String refusedKey = table.remaining().get(0).key();
                assertThat(table.refused()).as(repaired.toString()).singleElement().asString()
                        .contains("key '" + refusedKey + "'", "will not help");
                assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY v")).as(keys.toString())
                        .isEqualTo(rows(old, "SELECT id, v FROM t WHERE v <> " + (refusedKey.equals("a") ? 1 : 2)
                                + " ORDER BY v"));
            }
        }
    }

    // Input: the live path's change-log entries for keys 'a' and 'a ' (PostgreSQL varchar) into a MariaDB CHAR key
    //   under utf8mb4_nopad_bin: the reconciler synced both and the later one overwrote the other's row, each run,
    //   and completed both entries. Now it copies 'a' and keeps the entry of 'a ' with the row's refusal.
    @Test
    void theReconcilerKeepsTheEntryOfAKeyTheNewKeyTakesAsAnotherRowsForItsTrailingSpaces() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE t (id varchar(10) PRIMARY KEY, v INT)", "INSERT INTO t VALUES ('a', 1), ('a ', 2)");
            fresh.execute("CREATE TABLE t (id CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('a', 10)");
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            for (String key : List.of("a", "a ")) {
                changeLog.record(new ChangeRecord("t", "t", key, Operation.UPSERT, "breaker-open", Store.NEW,
                        null, null, Instant.now()));
            }
            Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(T).build();

            assertThat(reconciler.runOnce().repaired()).isEqualTo(1);

            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY v")).containsExactly("a 1");
            assertThat(rows(old, "SELECT row_key, last_error FROM dualwrite_change_log")).singleElement()
                    .satisfies(entry -> assertThat(entry).startsWith("a  ").contains("key 'a '", "will not help"));
        }
    }
}
