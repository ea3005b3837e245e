package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfillFailing;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.column;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refused;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refusedByName;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
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
 * Sixteenth break review of the migration tools. A value no check of the copier foresees — one a CHECK constraint,
 * a domain or an enum of the new store alone refuses, a text a smaller character set cannot hold, a date-time out
 * of the new column's range — was refused by the target with the whole multi-row write: the backfill stopped at that
 * chunk saying to run it again, copying none of the chunk's other rows, and repair named no row. The copier now
 * names the row, column and value the target refused, and every other row is copied. Every test reads the new
 * store row by row with its own SQL.
 */
class ToolsBreak16Test {

    /** Table t keyed by id, mapped as it is. */
    private static final TableMapping BY_ID = TableMapping.builder("t").primaryKey("id").build();

    // Input: a CHECK (v > 0) only the new store has, on PostgreSQL, MariaDB (strict) and H2, and rows -5 and 0 among
    //   positive ones: the target refused the chunk with SQLState 23514 / 23000 (MariaDB error 4025), no row named,
    //   the backfill said to run it again, and the other rows of the chunk were not copied.
    @Test
    void aCheckConstraintOnlyTheNewStoreHasRefusesItsRowsByName() throws Exception {
        for (Kind[] pair : List.of(new Kind[] {Kind.POSTGRES, Kind.POSTGRES}, new Kind[] {Kind.H2, Kind.MARIADB},
                new Kind[] {Kind.MARIADB, Kind.H2})) {
            refusedByName(column(pair[0], "INT"), "(1, -5), (2, 5), (3, 7), (4, 0), (5, NULL)",
                    column(pair[1], "INT CHECK (v > 0)"), refused("1", "-5", "4", "0"),
                    "SELECT id, v FROM t ORDER BY id", List.of("2 5", "3 7", "5 null"));
        }
    }

    // Input: a PostgreSQL enum of the new store lacking the old MariaDB text 'sad', and a PostgreSQL domain whose
    //   CHECK refuses 0: the target refused the chunk ("invalid input value for enum", "value for domain … violates
    //   check constraint"), naming no column, and the backfill stopped at that chunk unnamed.
    @Test
    void anEnumValueOrADomainTheNewStoreRefusesIsNamedByRowAndColumn() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                    "INSERT INTO t VALUES (1, 'ok'), (2, 'sad'), (3, 'happy'), (4, NULL)");
            fresh.execute("CREATE TYPE mood AS ENUM ('happy', 'ok')", "CREATE TABLE t (id INT PRIMARY KEY, v mood)");
            refusedByName(old, fresh, refused("2", "sad"), "SELECT id, v::text FROM t ORDER BY id",
                    List.of("1 ok", "3 happy", "4 null"));
        }
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 3), (2, 0), (3, 9)");
            fresh.execute("CREATE DOMAIN positive AS INT CHECK (VALUE > 0)",
                    "CREATE TABLE t (id INT PRIMARY KEY, v positive)");
            refusedByName(old, fresh, refused("2", "0"), "SELECT id, v FROM t ORDER BY id", List.of("1 3", "3 9"));
        }
    }

    // Input: a PostgreSQL text 'sad' into a MariaDB ENUM('happy', 'ok') (strict MariaDB: error 1265, "Data truncated
    //   for column 'v'", SQLState 01000, not a data exception) and an H2 text into an H2 ENUM lacking it (22030):
    //   the chunk was refused unnamed and the backfill stopped at it.
    @Test
    void anEnumValueTheNewMariaDbOrH2ColumnLacksIsNamedByRowAndColumn() throws Exception {
        refusedByName(column(Kind.POSTGRES, "varchar(10)"), "(1, 'ok'), (2, 'sad'), (3, NULL), (4, 'happy')",
                column(Kind.MARIADB, "ENUM('happy', 'ok')"), refused("2", "sad"),
                "SELECT id, v FROM t ORDER BY id", List.of("1 ok", "3 null", "4 happy"));
        refusedByName(column(Kind.H2, "VARCHAR(10)"), "(1, 'ok'), (2, 'sad'), (3, 'happy')",
                column(Kind.H2, "ENUM('happy', 'ok')"), refused("2", "sad"),
                "SELECT id, v FROM t ORDER BY id", List.of("1 ok", "3 happy"));
    }

    // Input: change-log entries of three keys, one of whose rows a CHECK of the new PostgreSQL store refuses: the
    //   reconciler's entry kept an error naming neither row nor column. Now it names both, and the other entries'
    //   rows are copied.
    @Test
    void theReconcilerRecordsWhichRowAndColumnTheNewStoreRefused() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 3), (2, -1), (3, 9)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT CONSTRAINT positive_v CHECK (v > 0))");
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            for (String key : List.of("1", "2", "3")) {
                changeLog.record(new ChangeRecord("t", "t", key, Operation.UPSERT, "breaker-open", Store.NEW, null,
                        null, Instant.now()));
            }
            Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(BY_ID).build();
            assertThat(reconciler.runOnce().repaired()).isEqualTo(2);
            assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY id")).containsExactly("1 3", "3 9");
            assertThat(rows(old, "SELECT row_key, last_error FROM dualwrite_change_log"))
                    .singleElement().satisfies(entry -> assertThat(entry).startsWith("2 ")
                            .contains("key '2'", "column v", "'-1'", "positive_v"));
        }
    }

    // Input: old text keys '007' and '7' (and '8') into a new INT key, on PostgreSQL, MariaDB into H2 and H2 into
    //   MariaDB: the backfill wrote both rows to new key 7, the later one winning, and completed without a word; the
    //   reconciler, syncing both keys' entries, did the same on every run. The row whose text is not the new key's
    //   own ('007') is refused by name while the old store holds the row spelt as the new key ('7'), which is copied.
    @Test
    void twoTextKeysThatBecomeOneNumberKeyAreRefusedByName() throws Exception {
        for (Kind[] pair : List.of(new Kind[] {Kind.POSTGRES, Kind.POSTGRES}, new Kind[] {Kind.MARIADB, Kind.H2},
                new Kind[] {Kind.H2, Kind.MARIADB})) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(pair[0]);
                 TestDatabase fresh = TestDatabases.create(pair[1])) {
                old.execute("CREATE TABLE t (id VARCHAR(10) PRIMARY KEY, v VARCHAR(10))",
                        "INSERT INTO t VALUES ('007', 'a'), ('7', 'b'), ('8', 'c')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
                String target = pair[0] + " -> " + pair[1];
                BackfillException failed = backfillFailing(old, fresh, BY_ID);
                assertThat(failed.getMessage()).as(target).contains("key '007'", "'7'", "will not help")
                        .containsIgnoringCase("column id")
                        .doesNotContain("resume it");
                assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY id")).as(target).containsExactly("7 b", "8 c");

                // the live path's record of both keys: the reconciler copies '7' and keeps '007' with its refusal
                fresh.execute("UPDATE t SET v = 'stale' WHERE id = 7");
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                for (String key : List.of("007", "7")) {
                    changeLog.record(new ChangeRecord("t", "t", key, Operation.UPSERT, "breaker-open", Store.NEW,
                            null, null, Instant.now()));
                }
                Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).mapping(BY_ID).build();
                assertThat(reconciler.runOnce().repaired()).as(target).isEqualTo(1);
                assertThat(rows(fresh, "SELECT id, v FROM t ORDER BY id")).as(target).containsExactly("7 b", "8 c");
                assertThat(rows(old, "SELECT row_key, last_error FROM dualwrite_change_log")).as(target)
                        .singleElement().satisfies(entry -> assertThat(entry).startsWith("007 ")
                                .contains("key '007'", "'7'").containsIgnoringCase("column id"));
            }
        }
    }

    // Input: a PostgreSQL double precision and real -0 into H2 DOUBLE PRECISION and REAL: H2 stored 0, verification
    //   (which tells -0 and 0 of a float apart) reported the row on every run, and repair, copying it the same way,
    //   never converged. H2 holds no negative zero: the row is refused by name; 0 and other numbers are copied.
    @Test
    void aNegativeZeroIntoAnH2FloatColumnIsRefusedByName() throws Exception {
        refusedByName(column(Kind.POSTGRES, "double precision"), "(1, '-0'), (2, '0'), (3, 1.5)",
                column(Kind.H2, "DOUBLE PRECISION"), refused("1", "-0.0"),
                "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id", List.of("2 0.0", "3 1.5"));
        refusedByName(column(Kind.POSTGRES, "real"), "(1, 2.5), (2, '-0')",
                column(Kind.H2, "REAL"), refused("2", "-0.0"),
                "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id", List.of("1 2.5"));
    }

    // Input: a mapping adding a column n with a constant its new column cannot hold ('abc' or 5000000000 into an
    //   INT, 'toolong' into a VARCHAR(3)), on H2, PostgreSQL and MariaDB: every row of the table was refused one by
    //   one, at the cost of a failed chunk and a second pass each, before the backfill said so. Such a job is
    //   refused before any row, naming the column, the value and what the column holds.
    @Test
    void anAddedConstantTheNewColumnCannotHoldIsRefusedBeforeAnyRow() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (Object[] added : List.of(new Object[] {"INT", "abc"}, new Object[] {"INT", 5_000_000_000L},
                    new Object[] {"VARCHAR(3)", "toolong"})) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1), (2, 2)");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT, n " + added[0] + ")");
                    TableMapping mapping = TableMapping.builder("t").primaryKey("id").add("n", added[1]).build();
                    String target = kind + " " + added[0] + " " + added[1];
                    assertThatThrownBy(() -> ToolsBreakSupport.backfill(old, fresh, mapping)).as(target)
                            .hasMessageContaining("no row was copied").hasMessageContaining("'" + added[1] + "'")
                            .hasMessageContainingAll("n");
                    assertThat(rows(fresh, "SELECT id, v, n FROM t ORDER BY id")).as(target).isEmpty();
                }
            }
        }
    }

    // Input: a backfill of old table t completed into new table t, then run again under a mapping writing new table
    //   t2, or new table t3 with v renamed to w, same migration, on H2 and PostgreSQL: the checkpoint of the first run
    //   counted every chunk as done, so the second copied nothing and called itself complete while t2 was empty.
    //   Such a run is refused before any row, naming both mappings and how to go on; after the checkpoint is reset
    //   the new table is copied whole.
    @Test
    void aCheckpointIsNotResumedUnderAMappingThatWritesOtherwise() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES)) {
            for (TableMapping other : List.of(TableMapping.builder("t").newTable("t2").primaryKey("id").build(),
                    TableMapping.builder("t").newTable("t3").primaryKey("id").rename("v", "w").build())) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)",
                            "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)",
                            "CREATE TABLE t2 (id INT PRIMARY KEY, v INT)", "CREATE TABLE t3 (id INT PRIMARY KEY, w INT)");
                    ToolsBreakSupport.backfill(old, fresh, BY_ID);
                    String copied = "SELECT * FROM " + other.newTable() + " ORDER BY id";
                    String target = kind + " " + other.newTable();

                    assertThatThrownBy(() -> ToolsBreakSupport.backfill(old, fresh, other)).as(target)
                            .hasMessageContainingAll("no row was copied", "t>t ", "t>" + other.newTable(),
                                    "resetCheckpoints");
                    assertThat(rows(fresh, copied)).as(target).isEmpty();

                    BackfillJob.builder().migration("t").oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(other).build().resetCheckpoints();
                    ToolsBreakSupport.backfill(old, fresh, other);
                    assertThat(rows(fresh, copied)).as(target).containsExactly("1 10", "2 20", "3 30");
                }
            }
        }
    }
}
