package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.VerificationStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Twenty-second break review of the migration tools: the phase gate's "last verification clean" read against a
 * verification of another mapping, keys longer than the checkpoints' old 4,000-character columns, a backfill
 * checkpoint written before the key's types were kept, and verifier waits no run can mean. Each test that copies ends
 * with the stores compared row by row by its own JDBC code.
 */
class ToolsBreak22Test {

    private static final TableMapping T = TableMapping.identity("t");

    /** A mapping the team verified once, and the one it runs now: each compares other things. */
    private record Change(String what, TableMapping verified, TableMapping now, String plant, String newTable) {
    }

    // Input: a whole-table verification recorded CLEAN under one mapping, then the migration's mapping changed so
    //   that it writes and compares other things: another new table (t -> t2, which is empty), a column the earlier
    //   mapping dropped (v, which the new store holds wrong), a column renamed to another new column, a merchant
    //   column of its own (the merchant's rows are other rows). The probe, created with the mapping the migration
    //   runs now, answered CLEAN from the run of the earlier mapping: the gate would let the phase move while no
    //   verification had compared what the mapping writes. Now each run records a digest of its table's mapping and
    //   the probe counts for a table only the runs of the mapping it was given (a run recorded before holds none and
    //   counts as before); a run of the current mapping then decides as before.
    @Test
    void aVerificationOfAnotherMappingDoesNotOpenTheGate() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (Change change : List.of(
                    new Change("another new table", TableMapping.identity("t"),
                            TableMapping.builder("t").newTable("t2").build(), "", "t2"),
                    new Change("a dropped column compared", TableMapping.builder("t").drop("v").build(),
                            TableMapping.identity("t"), "UPDATE t SET v = 'wrong' WHERE id = 2", "t"),
                    new Change("a column renamed", TableMapping.identity("t"),
                            TableMapping.builder("t").rename("v", "w").build(), "UPDATE t SET w = 'wrong' WHERE id = 2",
                            "t"),
                    new Change("a merchant column", TableMapping.builder("t").merchantIdColumn("m").build(),
                            TableMapping.builder("t").merchantIdColumn("v").build(), "", "t"))) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, m VARCHAR(10), v VARCHAR(10))",
                            "INSERT INTO t VALUES (1, 'a', 'x'), (2, 'a', 'y'), (3, 'b', 'z')");
                    String table = " (id INT PRIMARY KEY, m VARCHAR(10), v VARCHAR(10), w VARCHAR(10))";
                    fresh.execute("CREATE TABLE t" + table, "CREATE TABLE t2" + table,
                            "INSERT INTO t VALUES (1, 'a', 'x', 'x'), (2, 'a', 'y', 'y'), (3, 'b', 'z', 'z')");
                    Verifier verifier = ToolsBreakSupport.verifier(old, fresh);
                    JdbcVerificationProbe probe = JdbcVerificationProbe.create(old.dataSource(), List.of(change.now()));
                    String label = kind + " " + change.what();

                    assertThat(verifier.verify(VerificationJob.builder("t").table(change.verified()).build()).clean())
                            .as(label).isTrue();
                    if (change.verified().merchantIdColumn().isPresent()) {
                        assertThat(verifier.verify(VerificationJob.builder("t").table(change.verified())
                                .merchant("a").build()).clean()).as(label).isTrue();
                    }
                    if (!change.plant().isEmpty()) {
                        fresh.execute(change.plant());
                    }
                    assertThat(probe.lastVerification("t")).as(label).isEqualTo(VerificationStatus.NEVER_RUN);
                    assertThat(probe.lastVerification("t", "a")).as(label).isEqualTo(VerificationStatus.NEVER_RUN);
                    // a probe that was given no mapping reads every run, as before
                    assertThat(JdbcVerificationProbe.create(old.dataSource()).lastVerification("t")).as(label)
                            .isEqualTo(VerificationStatus.CLEAN);

                    VerificationJob now = VerificationJob.builder("t").table(change.now()).build();
                    VerificationResult result = verifier.verify(now);
                    boolean differs = !change.plant().isEmpty() || change.newTable().equals("t2");
                    assertThat(result.clean()).as(label).isEqualTo(!differs);
                    assertThat(probe.lastVerification("t")).as(label)
                            .isEqualTo(differs ? VerificationStatus.DIRTY : VerificationStatus.CLEAN);
                    if (differs) {
                        ToolsBreakSupport.repairClean(old, fresh, now, result);
                        assertThat(verifier.verify(now).clean()).as(label).isTrue();
                        assertThat(probe.lastVerification("t")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    }
                    assertThat(probe.lastVerification("t", "a")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    String newColumn = change.what().equals("a column renamed") ? "w" : "v";
                    assertThat(rows(fresh, "SELECT id, m, " + newColumn + " FROM " + change.newTable() + " ORDER BY id"))
                            .as(label).isEqualTo(rows(old, "SELECT id, m, v FROM t ORDER BY id"));
                }
            }
        }
    }

    // Input (left open by round 21): tables keyed by keys whose checkpoint text is longer than 4,000 characters, the
    //   width of the checkpoints' key columns: a VARBINARY(2100) (MariaDB, H2) and a bytea (PostgreSQL) of 2,100
    //   bytes, whose text is the hex of the bytes (4,200 characters), and a PostgreSQL text key of 4,101 characters.
    //   Each was refused by the backfill
    //   ("running again will not help") and could not be backfilled with a checkpoint at all; a verification with a
    //   checkpoint name failed at the first such key it kept. Now the scripts make those columns wide (TEXT,
    //   MEDIUMTEXT, VARCHAR(1000000)) and the library reads what the installed table holds: chunks of two keys,
    //   every bound a long key, copy every row, and a resumable verification keeps a differing long key and reports
    //   it; repaired, the stores are equal row by row.
    @Test
    void keysLongerThanFourThousandCharactersAreBackfilledAndVerifiedWithACheckpoint() throws Exception {
        record Shape(Kind kind, String keyType, String longKey, String shortKey, String hex) {
        }
        String bytes = "ab".repeat(2099);
        for (Shape shape : List.of(
                new Shape(Kind.MARIADB, "VARBINARY(2100)", "X'0%d" + bytes + "'", "X'0%d'", "LOWER(HEX(id))"),
                new Shape(Kind.H2, "VARBINARY(2100)", "X'0%d" + bytes + "'", "X'0%d'", "RAWTOHEX(id)"),
                new Shape(Kind.POSTGRES, "bytea", "'\\x0%d" + bytes + "'", "'\\x0%d'", "encode(id, 'hex')"),
                new Shape(Kind.POSTGRES, "text", "'%d" + "k".repeat(4100) + "'", "'%d'", "id"))) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(shape.kind());
                 TestDatabase fresh = TestDatabases.create(shape.kind())) {
                for (TestDatabase db : List.of(old, fresh)) {
                    db.execute("CREATE TABLE t (id " + shape.keyType() + " NOT NULL PRIMARY KEY, v INT)");
                }
                for (int i = 1; i <= 4; i++) {
                    old.execute("INSERT INTO t VALUES (" + String.format(shape.shortKey(), i) + ", " + i + "), ("
                            + String.format(shape.longKey(), i) + ", " + (10 + i) + ")");
                }
                String label = shape.kind() + " " + shape.keyType();
                io.dualwrite.jdbc.backfill.BackfillResult done = ToolsBreakSupport.inPairs(old, fresh, T).run();
                assertThat(done.complete()).as(label).isTrue();
                String sql = "SELECT " + shape.hex() + ", v FROM t ORDER BY v";
                assertThat(rows(fresh, sql)).as(label).hasSize(8).isEqualTo(rows(old, sql));

                fresh.execute("UPDATE t SET v = 99 WHERE v = 13", "DELETE FROM t WHERE v = 12");
                VerificationJob resumable = VerificationJob.builder("t").table(T).chunkRows(2).leafRows(1)
                        .checkpoint("long-keys").build();
                Verifier verifier = ToolsBreakSupport.verifier(old, fresh);
                VerificationResult result = verifier.verify(resumable);
                assertThat(result.tables().get(0).differences()).as(label + "\n" + result.tables().get(0).toText())
                        .extracting(RowDifference::kind).containsExactlyInAnyOrder(RowDifference.Kind.DIFFERENT,
                                RowDifference.Kind.MISSING_IN_NEW);
                ToolsBreakSupport.repairClean(old, fresh, resumable, result);
                assertThat(rows(fresh, sql)).as(label).hasSize(8).isEqualTo(rows(old, sql));
            }
        }
    }

    // Input (left open by round 21): a backfill checkpoint whose head was written before the key's types were kept
    //   (its settings the mapping's alone) or before their collations were (round 20: "[id integer]"), resumed once by
    //   this version, and then, stopped again with chunks pending, resumed after the key's type changed from an
    //   integer to a text (keys 1..12 in chunks of two: as text, '9' sorts after the bound '8' and the next chunk,
    //   ('8', '10'], is empty). The resumed run left the head as it was, so the change was never caught: the run
    //   called itself complete with key 9 never copied, silently (PostgreSQL, MariaDB). Now a run that resumes such a
    //   head writes the key's types and collations into it, and the change is refused before any row, naming both;
    //   reset, every row is copied. (A type changed across the upgrade itself, before any run of this version, is
    //   still not caught: the head holds nothing to compare with.)
    @Test
    void aCheckpointFromBeforeKeyTypesWereKeptKeepsThemOnceResumed() throws Exception {
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            for (boolean withoutTypes : List.of(true, false)) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    String label = kind + (withoutTypes ? " head without key types" : " head without collations");
                    old.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT)");
                    fresh.execute("CREATE TABLE t (id VARCHAR(10)" + (kind == Kind.MARIADB
                            ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "") + " NOT NULL PRIMARY KEY, v INT)");
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 12; i++) {
                        values.append(i == 1 ? "" : ", ").append("(").append(i).append(", ").append(i).append(")");
                    }
                    old.execute("INSERT INTO t VALUES " + values);
                    ToolsBreakSupport.inPairs(old, fresh, T).run();
                    String head = String.valueOf(old.query("SELECT lower_key FROM dualwrite_backfill_checkpoint"
                            + " WHERE chunk_no = 0").get(0).values().iterator().next());
                    assertThat(head).as(label).contains(" key [id ");
                    String earlier = withoutTypes ? head.substring(0, head.indexOf(" key [id "))
                            : head.replaceAll(" collate [^\\]]*]( run migration .*)?$", "]");
                    String pending = "UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                            + " WHERE chunk_no > 0";
                    old.execute(pending, "UPDATE dualwrite_backfill_checkpoint SET lower_key = '"
                            + earlier.replace("'", "''") + "' WHERE chunk_no = 0");
                    fresh.execute("DELETE FROM t");

                    // resumed once by this version: copies every row, and the head keeps the key as it is now
                    assertThat(ToolsBreakSupport.inPairs(old, fresh, T).run().complete()).as(label).isTrue();
                    String sql = "SELECT id, v FROM t ORDER BY v";
                    assertThat(rows(fresh, sql)).as(label).hasSize(12).isEqualTo(rows(old, sql));

                    // stopped with chunks pending, and the key's type changed
                    old.execute(pending, kind == Kind.MARIADB
                            ? "ALTER TABLE t MODIFY id VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
                            : "ALTER TABLE t ALTER COLUMN id TYPE varchar(10)");
                    fresh.execute("DELETE FROM t");
                    assertThatThrownBy(() -> ToolsBreakSupport.inPairs(old, fresh, T).run()).as(label)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("no row was copied")
                            .hasMessageContaining("planned when the table's key was [id int")
                            .hasMessageContaining("BackfillJob.resetCheckpoints");
                    assertThat(rows(fresh, sql)).as(label).isEmpty();

                    ToolsBreakSupport.inPairs(old, fresh, T).resetCheckpoints();
                    assertThat(ToolsBreakSupport.inPairs(old, fresh, T).run().complete()).as(label).isTrue();
                    assertThat(rows(fresh, sql)).as(label).hasSize(12).isEqualTo(rows(old, sql));
                }
            }
        }
    }

    // Input: a Verifier built with waits no run can mean: recheckDelay and settleTimeout of Duration.ofSeconds(
    //   Long.MAX_VALUE), of 10,000 days, and recheckRounds of Integer.MAX_VALUE. They were taken as given; the run
    //   compared the whole table and then, at the first row found different, failed with "ArithmeticException: long
    //   overflow" (more nanoseconds than a long holds) or would wait that long, once per round. The
    //   twin of the verification rate the lead bounded in round 21. Now each is refused when the verifier is built,
    //   naming the setting, the value and what is allowed; the largest allowed values are taken, and a verifier built
    //   with them finds a planted difference (no wait, as the run has no change log or writer to settle).
    @Test
    void verifierWaitsNoRunCanMeanAreRefusedWhenBuilt() throws Exception {
        java.time.Duration forever = java.time.Duration.ofSeconds(Long.MAX_VALUE);
        java.time.Duration days = java.time.Duration.ofDays(10_000);
        assertThatThrownBy(() -> Verifier.builder().recheckDelay(forever))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recheckDelay must be zero or positive and at most 10 minutes, but was " + forever);
        assertThatThrownBy(() -> Verifier.builder().recheckDelay(days)).hasMessageContaining("but was PT240000H");
        assertThatThrownBy(() -> Verifier.builder().settleTimeout(forever))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("settleTimeout must be zero or positive and at most 1 hour, but was " + forever);
        assertThatThrownBy(() -> Verifier.builder().settleTimeout(days)).hasMessageContaining("but was PT240000H");
        assertThatThrownBy(() -> Verifier.builder().recheckRounds(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recheckRounds must be between 1 and 100, but was " + Integer.MAX_VALUE);

        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1), (2, 2)");
            }
            fresh.execute("UPDATE t SET v = 3 WHERE id = 2");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).settleTimeout(java.time.Duration.ofHours(1))
                    .recheckRounds(100).build();
            VerificationJob job = ToolsBreakSupport.job(T);
            VerificationResult result = verifier.verify(job);
            assertThat(result.tables().get(0).differences()).extracting(RowDifference::key).containsExactly("2");
            ToolsBreakSupport.repairClean(old, fresh, job, result);
            String sql = "SELECT id, v FROM t ORDER BY id";
            assertThat(rows(fresh, sql)).isEqualTo(rows(old, sql));
        }
    }
}
