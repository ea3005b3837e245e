package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The phase gate is fed by the real last verification, recorded in dualwrite_verification. */
class PhaseGateTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aGatedMoveIsRefusedAfterADirtyVerificationAndAllowedAfterACleanOne(Kind kind) throws Exception {
        try (Pair pair = Pair.of(kind, kind)) {
            pair.fill(1, 90);
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                    .migration(MigrationSwitchConfig.of("orders")).build();
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            JdbcVerificationProbe probe = JdbcVerificationProbe.create(pair.oldDb.dataSource());
            SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount, probe));
            Verifier verifier = pair.verifier().build();
            VerificationJob job = Pair.job().chunkRows(30).build();

            assertThat(probe.lastVerification("orders")).isEqualTo(VerificationStatus.NEVER_RUN);
            assertThatThrownBy(() -> admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false))
                    .isInstanceOf(PhaseMoveRefusedException.class).hasMessageContaining("never been verified");

            pair.newDb.execute("UPDATE orders_v2 SET note = 'lost' WHERE id = 4"); // merchant m-1
            VerificationResult dirty = verifier.verify(job);
            assertThat(dirty.clean()).isFalse();
            assertThat(probe.lastVerification("orders")).isEqualTo(VerificationStatus.DIRTY);
            assertThatThrownBy(() -> admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false))
                    .isInstanceOf(PhaseMoveRefusedException.class).hasMessageContaining("found differences");
            assertThat(pair.oldDb.count("SELECT COUNT(*) FROM dualwrite_verification WHERE status = 'DIRTY'"
                    + " AND different = 1 AND scope_key = '*'")).isEqualTo(1);

            // a sample that finds nothing proves nothing: still dirty
            assertThat(verifier.verify(Pair.job().sample(0.01, 7).chunkRows(30).build()).full()).isFalse();
            assertThat(probe.lastVerification("orders")).isEqualTo(VerificationStatus.DIRTY);

            Repairer.of(RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                    .newDataSource(pair.newDb.dataSource()).build(), verifier).repair(job, dirty);
            assertThat(verifier.verify(job).clean()).isTrue();
            assertThat(probe.lastVerification("orders")).isEqualTo(VerificationStatus.CLEAN);
            assertThat(admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false).reason())
                    .contains("last verification was clean");

            // a merchant: its own later verification decides its moves; the migration as a whole is dirty again
            pair.newDb.execute("UPDATE orders_v2 SET note = 'lost' WHERE id = 5"); // merchant m-2
            assertThat(verifier.verify(Pair.job().merchant("m-2").build()).clean()).isFalse();
            assertThat(probe.lastVerification("orders", "m-2")).isEqualTo(VerificationStatus.DIRTY);
            assertThat(probe.lastVerification("orders", "m-1")).isEqualTo(VerificationStatus.CLEAN);
            assertThat(probe.lastVerification("orders")).isEqualTo(VerificationStatus.DIRTY);
            assertThatThrownBy(() -> admin.moveMerchant("orders", "m-2", MigrationPhase.NEW_PRIMARY, false))
                    .isInstanceOf(PhaseMoveRefusedException.class)
                    .hasMessageContaining("rows of merchant 'm-2'").hasMessageContaining("found differences");
            assertThat(admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false).allowed()).isTrue();
            // operators see the run that counts per table and scope: the clean whole-table run, the dirty merchant run
            assertThat(probe.latestRuns("orders")).extracting(run -> run.table().toLowerCase(java.util.Locale.ROOT)
                    + " " + run.scope() + " " + run.status() + " " + run.sampled())
                    .containsExactly("orders * CLEAN false", "orders merchant=m-2 DIRTY false");
            assertThat(probe.latestRuns("payments")).isEmpty();
        }
    }
}
