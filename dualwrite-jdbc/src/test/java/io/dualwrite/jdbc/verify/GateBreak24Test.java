package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The phase gate's "a verification that started after the scope's switches last changed" (round 23), attacked with
 * the other thing that moves an order's phase: its pin. A pinned order's writes take the pin's phase whatever the
 * switches say, so a pin rolled back to {@code OLD_ONLY} after a clean run lets a write reach the old store only,
 * exactly as a switch rolled back does. Each test ends comparing both stores row by row with plain JDBC.
 */
class GateBreak24Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, qty FROM orders ORDER BY id";

    private static VerificationResult verifyOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationResult[] result = new VerificationResult[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (result[0] = verifier.verify(job)) != null);
        return result[0];
    }

    private record Setup(TestDatabase old, TestDatabase fresh, SwitchAdmin admin, JdbcOrderPinStore pins,
                         Verifier verifier) {
        void repair(VerificationJob job) throws Exception {
            VerificationResult dirty = verifyOnceAllowed(verifier, job);
            assertThat(dirty.clean()).as("the write made under the rolled-back pin is found").isFalse();
            Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build(), verifier).repair(job, dirty);
            assertThat(verifier.verify(job).clean()).isTrue();
        }
    }

    /** A test's steps on one setup. */
    @FunctionalInterface
    private interface Steps {
        void run(Setup setup) throws Exception;
    }

    private static void with(Kind kind, Steps test) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase fresh = TestDatabases.create(kind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                        "INSERT INTO orders VALUES (1, 'm-1', 1), (2, 'm-2', 2), (3, 'm-1', 3), (4, 'm-3', 4)");
            }
            JdbcOrderPinStore pins = JdbcOrderPinStore.create(old.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(old.dataSource()))
                    .orderPinStore(pins).refreshInterval(Duration.ofMillis(100))
                    .migration(MigrationSwitchConfig.of("orders")).build();
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                    JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)), switchboard.switchStore()));
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .changeLog(changeLog).resolver(switchboard).recheckDelay(Duration.ZERO).build();
            admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
            // orders 1 and 3 (merchant m-1) and 4 (m-3) were first written in DUAL_WRITE: pinned there
            pins.pinIfAbsent("orders", "1", "m-1", MigrationPhase.DUAL_WRITE);
            pins.pinIfAbsent("orders", "3", "m-1", MigrationPhase.DUAL_WRITE);
            pins.pinIfAbsent("orders", "4", "m-3", MigrationPhase.DUAL_WRITE);
            test.run(new Setup(old, fresh, admin, pins, verifier));
            assertThat(fresh.query(SELECT)).as("the stores, row by row").isEqualTo(old.query(SELECT));
        }
    }

    // Failed before the fix: m-1 verified clean; its pins rolled back to OLD_ONLY, order 1 written there (the old
    // store only, as a write under that pin lands), its pins moved to DUAL_WRITE and on to NEW_PRIMARY: the gate
    // allowed the last move on the run from before the rollback (no switch had changed), while the new store missed
    // the write; under NEW_PRIMARY it is order 1's authority.
    @ParameterizedTest(name = "{0}: a merchant's pins rolled back and forth make its earlier clean run not count")
    @EnumSource(value = Kind.class)
    void aMerchantsPinsRolledBackAfterItsCleanRunMakeTheGateAskForANewRun(Kind kind) throws Exception {
        with(kind, s -> {
            VerificationJob m1 = VerificationJob.builder("orders").table(ORDERS).merchant("m-1").build();
            assertThat(verifyOnceAllowed(s.verifier(), m1).clean()).isTrue();
            s.admin().repinMerchant("orders", "m-1", MigrationPhase.OLD_ONLY, false);
            s.old().execute("UPDATE orders SET qty = 11 WHERE id = 1"); // under the OLD_ONLY pin: the old store only
            s.admin().repinMerchant("orders", "m-1", MigrationPhase.DUAL_WRITE, false);
            assertThatThrownBy(() -> s.admin().repinMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false))
                    .isInstanceOf(PhaseMoveRefusedException.class)
                    .hasMessageContaining("started before its switches last changed").hasMessageContaining("pins");
            s.repair(m1);
            assertThat(s.admin().repinMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false)).isEqualTo(2);
        });
    }

    // Failed before the fix: a whole-table run, then one order's pin rolled back (repinOrder) and written, and its pin
    // either moved back or removed (unpin: the order follows the switches again); the system's move to SHADOW_READ was
    // allowed on the run from before, and so was every pin's move (repinAll) to NEW_PRIMARY.
    @ParameterizedTest(name = "{0}: an order's pin rolled back and then moved back or removed makes the earlier run not count")
    @EnumSource(value = Kind.class)
    void anOrdersPinRolledBackAfterAWholeTableRunMakesTheGateAskForANewRun(Kind kind) throws Exception {
        for (boolean unpin : new boolean[] {false, true}) {
            with(kind, s -> {
                VerificationJob whole = VerificationJob.builder("orders").table(ORDERS).build();
                assertThat(verifyOnceAllowed(s.verifier(), whole).clean()).isTrue();
                s.admin().repinOrder("orders", "4", MigrationPhase.OLD_ONLY, false);
                s.old().execute("UPDATE orders SET qty = 44 WHERE id = 4");
                if (unpin) {
                    s.admin().unpin("orders", "4");
                } else {
                    s.admin().repinOrder("orders", "4", MigrationPhase.DUAL_WRITE, false);
                }
                assertThatThrownBy(() -> s.admin().moveSystem("orders", MigrationPhase.SHADOW_READ, false))
                        .as("unpin %s", unpin).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("started before its switches last changed")
                        .hasMessageContaining("order '4'");
                assertThatThrownBy(() -> s.admin().repinAll("orders", MigrationPhase.NEW_PRIMARY, false))
                        .as("unpin %s", unpin).isInstanceOf(PhaseMoveRefusedException.class);
                s.repair(whole);
                assertThat(s.admin().moveSystem("orders", MigrationPhase.SHADOW_READ, false).allowed()).isTrue();
            });
        }
    }
}
