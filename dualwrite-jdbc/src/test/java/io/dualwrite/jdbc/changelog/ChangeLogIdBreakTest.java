package io.dualwrite.jdbc.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.switches.GateVerdict;
import io.dualwrite.switches.PhaseGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A null or blank migration (or merchant) asked of the change log, the verification probe or the gate is refused
 * naming the argument. Before, the backlog of migration {@code null} or {@code " "} was 0, so a gate asked about
 * a misspelt or missing name let a move past DUAL_WRITE through while the real backlog was not empty.
 */
class ChangeLogIdBreakTest {

    @Test
    void everyChangeLogQueryRefusesABlankOrNullMigrationNamingIt() throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.H2)) {
            for (ChangeLog log : List.of(JdbcChangeLog.create(db.dataSource()), ChangeLogs.inMemory())) {
                for (String bad : new String[] {null, "", " ", "\t"}) {
                    List<Consumer<ChangeLog>> queries = new ArrayList<>(List.of(
                            l -> l.pendingCount(bad),
                            l -> l.pendingCountByReason(bad),
                            l -> l.claim(bad, 10, Instant.now(), Duration.ofSeconds(1)),
                            l -> l.claimScoped(bad, 10, Instant.now(), Duration.ofSeconds(1)),
                            l -> l.pendingKeys(bad, "orders", Set.of("1"))));
                    for (Consumer<ChangeLog> query : queries) {
                        assertThatThrownBy(() -> query.accept(log))
                                .as("%s with migration [%s]", log.getClass().getSimpleName(), bad)
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageStartingWith("migration must be a non-blank id, but was");
                    }
                }
                assertThatThrownBy(() -> log.pendingKeys("orders", " ", Set.of("1")))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("table must be");
            }
        }
    }

    @Test
    void theGateAndTheProbeRefuseABlankMigrationOrMerchantInsteadOfSeeingNoBacklog() throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.H2)) {
            JdbcChangeLog changeLog = JdbcChangeLog.create(db.dataSource());
            changeLog.record("orders", "orders", "1", Operation.UPSERT, "mirror failed");
            JdbcVerificationProbe probe = JdbcVerificationProbe.create(db.dataSource());
            PhaseGate gate = PhaseGate.standard(changeLog::pendingCount, probe);

            assertThatThrownBy(() -> gate.check(" ", MigrationPhase.DUAL_WRITE, MigrationPhase.SHADOW_READ))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("migration must be a non-blank id, but was ' '");
            assertThatThrownBy(() -> gate.check("orders", " ", MigrationPhase.DUAL_WRITE, MigrationPhase.SHADOW_READ))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("merchantId must be a non-blank id, but was ' '");
            assertThatThrownBy(() -> probe.lastVerification("orders", null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("merchantId must be a non-blank id, but was null");
            assertThatThrownBy(() -> probe.latestRuns(""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("migration must be a non-blank id, but was ''");

            GateVerdict verdict = gate.check("orders", "m-1", MigrationPhase.DUAL_WRITE, MigrationPhase.SHADOW_READ);
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason()).contains("backlog for 'orders' is 1 entry");
        }
    }
}
