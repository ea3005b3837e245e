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
 * Round 25: round 24 left {@code SwitchAdmin.unpin} ungated. An order pinned at {@code OLD_ONLY} whose scope has moved
 * on to {@code NEW_PRIMARY} writes to the old store only; removing its pin moves it to {@code NEW_PRIMARY}, where the
 * new store, which never saw those writes, is its authority. Each test ends comparing both stores row by row with
 * plain JDBC.
 */
class GateBreak25Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, qty FROM orders ORDER BY id";

    private static VerificationResult verifyOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationResult[] result = new VerificationResult[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (result[0] = verifier.verify(job)) != null);
        return result[0];
    }

    // Before: both unpins (merchant unknown, and merchant m-3 given) were allowed, and order 4 took NEW_PRIMARY while
    // the new store missed its write under the OLD_ONLY pin.
    @ParameterizedTest(name = "{0}: removing an OLD_ONLY pin under NEW_PRIMARY switches is gated")
    @EnumSource(value = Kind.class)
    void removingAnOrdersPinIsGatedAsTheMoveToItsSwitchesPhase(Kind kind) throws Exception {
        for (boolean merchantGiven : new boolean[] {false, true}) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                for (TestDatabase db : List.of(old, fresh)) {
                    db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                            "INSERT INTO orders VALUES (1, 'm-1', 1), (4, 'm-3', 4)");
                }
                JdbcOrderPinStore pins = JdbcOrderPinStore.create(old.dataSource());
                Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(old.dataSource()))
                        .orderPinStore(pins).refreshInterval(Duration.ofMillis(100))
                        .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();
                InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                        JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)), switchboard.switchStore()));
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).resolver(switchboard)
                        .recheckDelay(Duration.ZERO).build();
                admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                pins.pinIfAbsent("orders", "4", "m-3", MigrationPhase.DUAL_WRITE);
                VerificationJob whole = VerificationJob.builder("orders").table(ORDERS).build();
                VerificationJob m3 = VerificationJob.builder("orders").table(ORDERS).merchant("m-3").build();
                VerificationJob job = merchantGiven ? m3 : whole;
                assertThat(verifyOnceAllowed(verifier, whole).clean()).isTrue();
                admin.repinOrder("orders", "4", MigrationPhase.OLD_ONLY, false); // a rollback: not gated
                old.execute("UPDATE orders SET qty = 44 WHERE id = 4"); // under the OLD_ONLY pin: the old store only
                assertThat(verifyOnceAllowed(verifier, whole).clean()).as("the write is found").isFalse();
                // the system moves on past order 4's pin; moves were verified before the pin's rollback, and the
                // gate asks for a run after it, which finds order 4 missing: the operator forces the move
                admin.moveSystem("orders", MigrationPhase.SHADOW_READ, true);
                admin.moveSystem("orders", MigrationPhase.NEW_PRIMARY, true);

                String merchant = merchantGiven ? "m-3" : null;
                assertThatThrownBy(() -> admin.unpin("orders", "4", merchant, false))
                        .as("merchant given: %s", merchantGiven).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("OLD_ONLY").hasMessageContaining("NEW_PRIMARY");
                if (!merchantGiven) {
                    assertThatThrownBy(() -> admin.unpin("orders", "4"))
                            .isInstanceOf(PhaseMoveRefusedException.class);
                }
                assertThat(pins.find("orders", "4")).as("the pin stays").contains(MigrationPhase.OLD_ONLY);

                VerificationResult dirty = verifyOnceAllowed(verifier, job);
                assertThat(dirty.clean()).isFalse();
                Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .build(), verifier).repair(job, dirty);
                assertThat(verifyOnceAllowed(verifier, job).clean()).isTrue();
                assertThat(admin.unpin("orders", "4", merchant, false).allowed()).isTrue();
                assertThat(pins.find("orders", "4")).isEmpty();
                assertThat(fresh.query(SELECT)).as("the stores, row by row").isEqualTo(old.query(SELECT));
            }
        }
    }
}
