package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Round 25: the migration tools attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak25Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, qty FROM orders ORDER BY id";

    // Input (left open by round 23): a verification with a checkpoint name, stopped after its first chunks (a
    //   stopped or killed run resumes from its checkpoint), then the scope's switches move — rolled back to OLD_ONLY,
    //   a write there to a row of a chunk the run had already compared (the old store only, as such a write lands),
    //   moved to DUAL_WRITE again — and the run resumed once the move has settled. The resumed run compares only the
    //   chunks after its checkpoint and recorded the switch change it saw at its resume, so the gate counted chunks
    //   compared before the move as compared after it: it allowed NEW_PRIMARY with the row different. Members: a
    //   merchant's run and its merchant switch; a whole-table run and the system switch. Now the run records the
    //   switch change its first start saw, and the gate refuses until a run that started after the move.
    //   H2, PostgreSQL, MariaDB.
    @Test
    void aResumedVerificationCountsForTheGateOnlyFromItsFirstStart() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String merchant : new String[] {"m-1", null}) {
                String label = kind + (merchant == null ? " whole table" : " merchant " + merchant);
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 300; i++) {
                        values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-1', ").append(i)
                                .append(')');
                    }
                    for (TestDatabase db : List.of(old, fresh)) {
                        db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                                "INSERT INTO orders VALUES " + values);
                    }
                    Switchboard switchboard = Switchboard.builder()
                            .switchStore(JdbcSwitchStore.create(old.dataSource()))
                            .refreshInterval(Duration.ofMillis(100)).migration(MigrationSwitchConfig.of("orders"))
                            .build();
                    InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                    SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                            JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)),
                            switchboard.switchStore()));
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).resolver(switchboard)
                            .recheckDelay(Duration.ZERO).build();
                    VerificationJob.Builder builder = VerificationJob.builder("orders").table(ORDERS).chunkRows(20);
                    if (merchant != null) {
                        builder.merchant(merchant);
                    }
                    VerificationJob resumable = builder.checkpoint("nightly").maxRowsPerSecond(60).build();
                    // the same job, checkpoint and chunks without the rate, which only keeps the first start running
                    // until it is stopped (the rate is no part of a checkpoint's settings): the resumed run compares
                    // the rest at once instead of at 60 rows a second, about 4 s of each member
                    VerificationJob unlimited = builder.maxRowsPerSecond(0).build();
                    Runnable rollBackAndForth = () -> {
                        if (merchant == null) {
                            admin.moveSystem("orders", MigrationPhase.OLD_ONLY, false);
                            old.execute("UPDATE orders SET qty = 1001 WHERE id = 1");
                            admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                        } else {
                            admin.moveMerchant("orders", merchant, MigrationPhase.OLD_ONLY, false);
                            old.execute("UPDATE orders SET qty = 1001 WHERE id = 1");
                            admin.moveMerchant("orders", merchant, MigrationPhase.DUAL_WRITE, false);
                        }
                    };
                    Supplier<Object> moveOn = () -> merchant == null
                            ? admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false)
                            : admin.moveMerchant("orders", merchant, MigrationPhase.NEW_PRIMARY, false);

                    if (merchant == null) {
                        admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                    } else {
                        admin.moveMerchant("orders", merchant, MigrationPhase.DUAL_WRITE, false);
                    }
                    // the first start compares the first chunks (ids 1..40 at least), then is stopped
                    VerificationRun first = startOnceAllowed(verifier, resumable);
                    await().atMost(Duration.ofSeconds(60)).until(() -> first.progress().chunksDone() >= 2);
                    first.stop();
                    assertThatThrownBy(first::await).as(label).isInstanceOf(VerificationStoppedException.class);

                    rollBackAndForth.run();
                    VerificationRun resumed = startOnceAllowed(verifier, unlimited);
                    VerificationResult result = resumed.await();
                    assertThat(result.clean()).as(label + ": the row changed lies in a chunk compared before").isTrue();
                    assertThatThrownBy(moveOn::get).as(label).isInstanceOf(PhaseMoveRefusedException.class)
                            .hasMessageContaining("started before its switches last changed");

                    // a whole run after the move finds the row; repaired, the move is allowed
                    VerificationJob whole = VerificationJob.builder("orders").table(ORDERS)
                            .scope(resumable.scope()).build();
                    VerificationResult dirty = verifier.verify(whole);
                    assertThat(dirty.clean()).as(label).isFalse();
                    Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).build(), verifier).repair(whole, dirty);
                    assertThat(verifier.verify(whole).clean()).as(label).isTrue();
                    assertThat(moveOn.get()).as(label).isNotNull();
                    assertThat(fresh.query(SELECT)).as(label).hasSize(300).isEqualTo(old.query(SELECT));
                }
            }
        }
    }

    // Input (the kind of round 24's "a checkpoint's identity that leaves out what decides which rows a chunk
    //   compared", here of the verification): a merchant's verification with a checkpoint name under a mapping whose
    //   merchant column is merchant_id, stopped after its first chunks; the mapping is corrected to name seller_id
    //   and the run started again under the same name and scope. The checkpoint's settings held the mapping's text
    //   (which leaves the merchant column out): the run resumed, the chunks compared through merchant_id counted as
    //   compared through seller_id, and a seller row in them that the new store holds wrong (id 3) was never
    //   compared: CLEAN, recorded under the corrected mapping's digest, so the gate would count it. Now the merchant
    //   column of a merchant run is in its settings: refused before any row naming the fix; reset, the row is found
    //   and repaired. H2, PostgreSQL, MariaDB.
    @Test
    void aMerchantVerificationNeverResumesACheckpointComparedThroughAnotherMerchantColumn() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            String label = kind.toString();
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                StringBuilder values = new StringBuilder();
                for (int i = 1; i <= 300; i++) {
                    values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                            .append("', 'm-").append((i + 1) % 3).append("', ").append(i).append(')');
                }
                for (TestDatabase db : List.of(old, fresh)) {
                    db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), seller_id VARCHAR(10),"
                            + " qty INT)", "INSERT INTO orders VALUES " + values);
                }
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).recheckDelay(Duration.ZERO).build();
                TableMapping byMerchant = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
                TableMapping bySeller = TableMapping.builder("orders").merchantIdColumn("seller_id").build();
                VerificationRun first = verifier.start(VerificationJob.builder("orders").table(byMerchant)
                        .merchant("m-1").chunkRows(10).maxRowsPerSecond(30).checkpoint("nightly").build());
                await().atMost(Duration.ofSeconds(60)).until(() -> first.progress().chunksDone() >= 2);
                first.stop();
                assertThatThrownBy(first::await).as(label).isInstanceOf(VerificationStoppedException.class);
                fresh.execute("UPDATE orders SET qty = 1003 WHERE id = 3"); // seller m-1, in the first chunks' range

                VerificationJob corrected = VerificationJob.builder("orders").table(bySeller).merchant("m-1")
                        .chunkRows(10).checkpoint("nightly").build();
                assertThatThrownBy(() -> verifier.verify(corrected)).as(label)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("was recorded by another job")
                        .hasMessageContaining("Verifier.resetCheckpoint(\"nightly\")");
                verifier.resetCheckpoint("nightly");
                VerificationResult dirty = verifier.verify(corrected);
                assertThat(dirty.tables().get(0).keys(RowDifference.Kind.DIFFERENT)).as(label).containsExactly("3");
                Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .build(), verifier).repair(corrected, dirty);
                String select = "SELECT id, merchant_id, seller_id, qty FROM orders ORDER BY id";
                assertThat(fresh.query(select)).as(label).hasSize(300).isEqualTo(old.query(select));
            }
        }
    }

    /** Starts the job once the switches have settled (the verifier refuses inside the switch-refresh window). */
    private static VerificationRun startOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationRun[] run = new VerificationRun[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (run[0] = verifier.start(job)) != null);
        return run[0];
    }
}
