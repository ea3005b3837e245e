package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.VerificationStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round 27: the migration tools under traffic. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak27Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, note FROM orders ORDER BY id";

    /** Rows 1..{@code rows} of merchant m-1 in both stores, equal. */
    private static void equalOrders(TestDatabase old, TestDatabase fresh, int rows) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= rows; i++) {
            values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-1', 'n").append(i).append("')");
        }
        for (TestDatabase db : List.of(old, fresh)) {
            db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                    "INSERT INTO orders VALUES " + values);
        }
    }

    // Input (left by round 26: "two verifications racing on one name … can the gate see a CLEAN that no full run
    //   produced?"): two full runs of one table overlap. A (slow, rate-limited) starts first and compares row 1; row 1
    //   then differs (written in the old store only, as a stale instance in OLD_ONLY does); B starts after it, finds
    //   row 1 and records DIRTY; A ends after B and records CLEAN. The probe took the run recorded last (the highest
    //   id: the one that ended last) as the latest, so the gate saw CLEAN, opened by a run whose knowledge of row 1 is
    //   older than B's. Members: A and B whole-table runs (asked for the migration), both merchant m-1 runs (asked for
    //   m-1), A whole table and B m-1's (asked for both), H2, PostgreSQL, MariaDB. Now the run that started last
    //   decides; the stores are then repaired and verified again, and the gate is CLEAN.
    @Test
    void aRunThatStartedEarlierAndEndedLaterDoesNotHideALaterRunsDifference() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String scopes : List.of("whole/whole", "merchant/merchant", "whole/merchant")) {
                String label = kind + " " + scopes;
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    equalOrders(old, fresh, 60);
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(ChangeLogs.inMemory())
                            .recheckDelay(Duration.ZERO).settleTimeout(Duration.ZERO).build();
                    JdbcVerificationProbe probe = JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS));
                    VerificationJob.Builder first = VerificationJob.builder("orders").table(ORDERS).chunkRows(10)
                            .maxRowsPerSecond(40);
                    VerificationJob.Builder second = VerificationJob.builder("orders").table(ORDERS);
                    if (scopes.startsWith("merchant")) {
                        first.merchant("m-1");
                    }
                    if (scopes.endsWith("merchant")) {
                        second.merchant("m-1");
                    }
                    VerificationRun slow = verifier.start(first.build());
                    await().atMost(Duration.ofSeconds(20)).until(() -> slow.progress().chunksDone() >= 1);
                    old.execute("UPDATE orders SET note = 'stale' WHERE id = 1");
                    VerificationResult later = verifier.verify(second.build());
                    assertThat(later.clean()).as(label + ": " + later).isFalse();
                    VerificationResult earlier = slow.await();
                    assertThat(earlier.clean()).as(label + ": the slow run passed row 1 before it changed").isTrue();

                    if (!scopes.equals("merchant/merchant")) {
                        assertThat(probe.lastVerification("orders")).as(label + ": the migration")
                                .isEqualTo(VerificationStatus.DIRTY);
                    }
                    if (!scopes.equals("whole/whole")) {
                        assertThat(probe.lastVerification("orders", "m-1")).as(label + ": merchant m-1")
                                .isEqualTo(VerificationStatus.DIRTY);
                    }

                    Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).build(), verifier).repair(second.build(), later);
                    assertThat(verifier.verify(VerificationJob.builder("orders").table(ORDERS).build()).clean())
                            .as(label).isTrue();
                    assertThat(probe.lastVerification("orders")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    assertThat(probe.lastVerification("orders", "m-1")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    assertThat(fresh.query(SELECT)).as(label).hasSize(60).isEqualTo(old.query(SELECT));
                }
            }
        }
    }
}
