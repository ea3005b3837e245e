package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_ONLY;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationContext;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.testing.LogCapture;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SwitchAdminTest {

    private final AtomicLong backlog = new AtomicLong();
    private final AtomicReference<VerificationStatus> verification = new AtomicReference<>(VerificationStatus.CLEAN);
    private final AtomicInteger gateCalls = new AtomicInteger();
    private final PhaseGate standard = PhaseGate.standard(migration -> backlog.get(), migration -> verification.get());
    private final PhaseGate counting = (migration, from, to) -> {
        gateCalls.incrementAndGet();
        return standard.check(migration, from, to);
    };

    private final SwitchStore backing = SwitchStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder()
            .switchStore(backing) // cached with the default 1 s interval: admin writes must be seen at once anyway
            .orderPinStore(OrderPinStores.inMemory())
            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
            .migration(MigrationSwitchConfig.builder("payments").defaultPhase(DUAL_WRITE).build())
            .build();
    private final SwitchAdmin admin = SwitchAdmin.of(switchboard, counting);

    @Test
    void gatedMoveIsRefusedWithTheBacklogReasonAndChangesNothing() {
        admin.moveSystem("orders", DUAL_WRITE, false);
        backlog.set(12);

        assertThatThrownBy(() -> admin.moveSystem("orders", SHADOW_READ, false))
                .isInstanceOfSatisfying(PhaseMoveRefusedException.class, refused -> {
                    assertThat(refused.verdict().allowed()).isFalse();
                    assertThat(refused.verdict().reason())
                            .isEqualTo("change-log backlog for 'orders' is 12 entries; it must be empty");
                    assertThat(refused.from()).isEqualTo(DUAL_WRITE);
                    assertThat(refused.to()).isEqualTo(SHADOW_READ);
                    assertThat(refused.migration()).isEqualTo("orders");
                })
                .hasMessageContaining("change-log backlog for 'orders' is 12 entries");
        assertThat(switchboard.systemPhase("orders")).isEqualTo(DUAL_WRITE);
    }

    @Test
    void verificationProbeRefusesWhenDirtyOrNeverRun() {
        verification.set(VerificationStatus.DIRTY);
        assertThatThrownBy(() -> admin.moveMerchant("orders", "m-1", NEW_PRIMARY, false))
                .isInstanceOf(PhaseMoveRefusedException.class)
                .hasMessageContaining("last verification of 'orders' found differences");

        verification.set(VerificationStatus.NEVER_RUN);
        assertThatThrownBy(() -> admin.moveMerchant("orders", "m-1", NEW_PRIMARY, false))
                .isInstanceOf(PhaseMoveRefusedException.class)
                .hasMessageContaining("have never been verified");
        assertThat(switchboard.merchantPhase("orders", "m-1").phase()).isEqualTo(OLD_ONLY);

        verification.set(VerificationStatus.CLEAN);
        GateVerdict verdict = admin.moveMerchant("orders", "m-1", NEW_PRIMARY, false);
        assertThat(verdict.allowed()).isTrue();
        assertThat(switchboard.merchantPhase("orders", "m-1"))
                .isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.MERCHANT_SWITCH));
    }

    @Test
    void probeFailureRefuses() {
        PhaseGate broken = PhaseGate.standard(migration -> {
            throw new IllegalStateException("change log unreachable");
        }, migration -> VerificationStatus.CLEAN);
        GateVerdict verdict = broken.check("orders", DUAL_WRITE, SHADOW_READ);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.reason()).contains("cannot read the change-log backlog of 'orders'", "change log unreachable");
    }

    @Test
    void forcedMoveProceedsAndLogsTheRefusalAtWarn() {
        backlog.set(1);
        try (LogCapture logs = LogCapture.of(SwitchAdmin.class)) {
            GateVerdict verdict = admin.moveSystem("orders", NEW_PRIMARY, true);

            assertThat(verdict.allowed()).isFalse();
            assertThat(switchboard.systemPhase("orders")).isEqualTo(NEW_PRIMARY);
            assertThat(logs.messages(Level.WARN)).singleElement().asString()
                    .contains("FORCED", "'orders'", "OLD_ONLY", "NEW_PRIMARY",
                            "change-log backlog for 'orders' is 1 entry; it must be empty");
        }
    }

    @Test
    void everyVerdictIsLogged() {
        try (LogCapture logs = LogCapture.of(SwitchAdmin.class)) {
            admin.moveSystem("orders", DUAL_WRITE, false);
            admin.moveSystem("orders", SHADOW_READ, false);
            backlog.set(3);
            assertThatThrownBy(() -> admin.moveSystem("orders", NEW_PRIMARY, false))
                    .isInstanceOf(PhaseMoveRefusedException.class);

            assertThat(logs.messages(Level.INFO)).hasSize(3);
            assertThat(logs.messages(Level.INFO).get(0)).contains("not gated");
            assertThat(logs.messages(Level.INFO).get(1)).contains("allowed", "empty and its last verification was clean");
            assertThat(logs.messages(Level.INFO).get(2)).contains("refused", "is 3 entries");
        }
    }

    @Test
    void rollbackMovesAreNeverGated() {
        admin.moveSystem("orders", NEW_ONLY, true);
        backlog.set(99);
        verification.set(VerificationStatus.DIRTY);
        gateCalls.set(0);

        admin.moveSystem("orders", NEW_PRIMARY, false);
        admin.moveSystem("orders", SHADOW_READ, false);
        admin.moveSystem("orders", OLD_ONLY, false);
        admin.moveMerchant("orders", "m-1", OLD_ONLY, false);
        admin.moveOrder("orders", "o-1", OLD_ONLY, false);
        admin.moveSystem("orders", DUAL_WRITE, false);
        admin.moveSystem("orders", DUAL_WRITE, false);

        assertThat(gateCalls).as("the gate is not even asked").hasValue(0);
        assertThat(switchboard.systemPhase("orders")).isEqualTo(DUAL_WRITE);
    }

    @Test
    void standardGateAllowsUngatedMovesWithoutProbing() {
        PhaseGate gate = PhaseGate.standard(migration -> {
            throw new AssertionError("probed");
        }, migration -> {
            throw new AssertionError("probed");
        });
        assertThat(gate.check("orders", NEW_ONLY, OLD_ONLY).allowed()).isTrue();
        assertThat(gate.check("orders", OLD_ONLY, DUAL_WRITE).allowed()).isTrue();
    }

    @Test
    void openGateAllowsEverything() {
        SwitchAdmin open = SwitchAdmin.of(switchboard, PhaseGate.open());
        backlog.set(5);
        assertThat(open.moveSystem("orders", NEW_ONLY, false).allowed()).isTrue();
        assertThat(switchboard.systemPhase("orders")).isEqualTo(NEW_ONLY);
    }

    @Test
    void combinedGateRefusesWhenEitherRefuses() {
        PhaseGate sequences = (migration, from, to) -> GateVerdict.refuse("sequence orders_id_seq is behind");
        PhaseGate both = standard.and(sequences);
        assertThat(both.check("orders", DUAL_WRITE, SHADOW_READ).reason()).isEqualTo("sequence orders_id_seq is behind");
        backlog.set(2);
        assertThat(both.check("orders", DUAL_WRITE, SHADOW_READ).reason()).contains("is 2 entries");
        assertThat(standard.and(PhaseGate.open()).check("orders", OLD_ONLY, NEW_ONLY).allowed()).isFalse();
    }

    @Test
    void merchantMoveStartsFromTheMerchantsEffectivePhase() {
        admin.setRules("orders", List.of(SwitchRule.merchantPercentage(100, SHADOW_READ)), false);
        backlog.set(4);
        // SHADOW_READ (rule) -> DUAL_WRITE is a rollback; the system phase OLD_ONLY would have made it ungated too,
        // but SHADOW_READ -> NEW_PRIMARY is gated because the rule already put the merchant past DUAL_WRITE.
        admin.moveMerchant("orders", "m-1", DUAL_WRITE, false);
        assertThatThrownBy(() -> admin.moveMerchant("orders", "m-2", NEW_PRIMARY, false))
                .isInstanceOfSatisfying(PhaseMoveRefusedException.class,
                        refused -> assertThat(refused.from()).isEqualTo(SHADOW_READ));
        assertThat(switchboard.resolveRead(MigrationContext.forMigration("orders").merchantId("m-1").build()))
                .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.MERCHANT_SWITCH));
    }

    @Test
    void systemMoveStartsFromTheConfiguredDefaultWhenNoneIsStored() {
        backlog.set(1);
        assertThatThrownBy(() -> admin.moveSystem("payments", SHADOW_READ, false))
                .isInstanceOfSatisfying(PhaseMoveRefusedException.class,
                        refused -> assertThat(refused.from()).isEqualTo(DUAL_WRITE));
    }

    @Test
    void rulesThatMoveMerchantsForwardAreGated() {
        backlog.set(7);
        assertThatThrownBy(() -> admin.setRules("orders",
                List.of(SwitchRule.merchantPercentage(10, DUAL_WRITE), SwitchRule.idThreshold(5_000, NEW_PRIMARY)), false))
                .isInstanceOf(PhaseMoveRefusedException.class)
                .hasMessageContaining("is 7 entries");
        assertThat(backing.load("orders").rules()).isEmpty();

        admin.setRules("orders", List.of(SwitchRule.merchantPercentage(10, DUAL_WRITE)), false);
        assertThat(backing.load("orders").rules()).hasSize(1);
    }

    @Test
    void orderMovesAndClearsAreGatedAndSeenAtOnce() {
        backlog.set(1);
        admin.moveOrder("orders", "o-1", "m-1", DUAL_WRITE, false);
        MigrationContext o1 = MigrationContext.forMigration("orders").orderId("o-1").merchantId("m-1").build();
        assertThat(switchboard.resolveWrite(o1)).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.ORDER_SWITCH));
        assertThatThrownBy(() -> admin.moveOrder("orders", "o-1", NEW_PRIMARY, false))
                .isInstanceOf(PhaseMoveRefusedException.class);

        admin.clearOrder("orders", "o-1", "m-1", false);
        assertThat(switchboard.resolveRead(o1)).isEqualTo(new Resolution(OLD_ONLY, SwitchScope.SYSTEM));
    }

    @Test
    void clearingAMerchantSwitchIsAMoveToTheRulesOrSystem() {
        admin.moveSystem("orders", NEW_PRIMARY, true);
        admin.moveMerchant("orders", "m-1", DUAL_WRITE, false);
        backlog.set(1);
        assertThatThrownBy(() -> admin.clearMerchant("orders", "m-1", false))
                .isInstanceOfSatisfying(PhaseMoveRefusedException.class,
                        refused -> assertThat(refused.to()).isEqualTo(NEW_PRIMARY));
        admin.clearMerchant("orders", "m-1", true);
        assertThat(switchboard.merchantPhase("orders", "m-1")).isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.SYSTEM));
    }

    @Test
    void bulkRepinPastDualWriteIsGated() {
        backlog.set(1);
        assertThat(admin.repinAll("orders", DUAL_WRITE, false)).isZero();
        assertThatThrownBy(() -> admin.repinMerchant("orders", "m-1", SHADOW_READ, false))
                .isInstanceOf(PhaseMoveRefusedException.class);
        assertThatThrownBy(() -> admin.repinOrder("orders", "o-1", NEW_PRIMARY, false))
                .isInstanceOf(PhaseMoveRefusedException.class);
    }

    @Test
    void changeLogPendingCountFitsTheBacklogProbe() {
        ChangeLog changeLog = new CountingChangeLog(3);
        PhaseGate gate = PhaseGate.standard(changeLog::pendingCount, migration -> VerificationStatus.CLEAN);
        assertThat(gate.check("orders", DUAL_WRITE, SHADOW_READ).reason())
                .isEqualTo("change-log backlog for 'orders' is 3 entries; it must be empty");
    }

    /** Only {@link ChangeLog#pendingCount} answers. */
    private record CountingChangeLog(long pending) implements ChangeLog {
        @Override
        public long record(io.dualwrite.changelog.ChangeRecord record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<io.dualwrite.changelog.ChangeEntry> claim(int limit, java.time.Instant now, java.time.Duration lease) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete(long id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void retryLater(long id, java.time.Instant dueAt, String error) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long pendingCount(String migration) {
            return pending;
        }
    }
}
