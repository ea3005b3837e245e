package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.VerificationStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Twenty-second break review of the migration tools: the phase gate's "last verification clean" read against a
 * verification of another mapping. Each test ends with the stores compared row by row by its own JDBC code.
 */
class ToolsBreak22Test {

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
}
