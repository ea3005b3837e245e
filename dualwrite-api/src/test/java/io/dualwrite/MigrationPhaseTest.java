package io.dualwrite;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_ONLY;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MigrationPhaseTest {

    @Test
    void phasesFollowTheLifecycleTable() {
        assertThat(OLD_ONLY.authoritative()).isEqualTo(Store.OLD);
        assertThat(OLD_ONLY.mirrors()).isFalse();
        assertThat(OLD_ONLY.mirrorTarget()).isEmpty();
        assertThat(DUAL_WRITE.mirrorTarget()).contains(Store.NEW);
        assertThat(DUAL_WRITE.readsFrom()).isEqualTo(Store.OLD);
        assertThat(DUAL_WRITE.shadowReads()).isFalse();
        assertThat(SHADOW_READ.shadowReads()).isTrue();
        assertThat(SHADOW_READ.authoritative()).isEqualTo(Store.OLD);
        assertThat(NEW_PRIMARY.authoritative()).isEqualTo(Store.NEW);
        assertThat(NEW_PRIMARY.readsFrom()).isEqualTo(Store.NEW);
        assertThat(NEW_PRIMARY.mirrorTarget()).contains(Store.OLD);
        assertThat(NEW_ONLY.writes(Store.OLD)).isFalse();
        assertThat(NEW_ONLY.writes(Store.NEW)).isTrue();
        assertThat(DUAL_WRITE.writes(Store.OLD)).isTrue();
        assertThat(DUAL_WRITE.writes(Store.NEW)).isTrue();
        assertThat(OLD_ONLY.writes(Store.NEW)).isFalse();
    }

    @Test
    void onlyForwardMovesPastDualWriteAreGated() {
        assertThat(OLD_ONLY.isGatedMoveTo(DUAL_WRITE)).isFalse();
        assertThat(OLD_ONLY.isGatedMoveTo(SHADOW_READ)).isTrue();
        assertThat(DUAL_WRITE.isGatedMoveTo(SHADOW_READ)).isTrue();
        assertThat(SHADOW_READ.isGatedMoveTo(NEW_PRIMARY)).isTrue();
        assertThat(NEW_PRIMARY.isGatedMoveTo(NEW_ONLY)).isTrue();
        for (MigrationPhase from : MigrationPhase.values()) {
            assertThat(from.isGatedMoveTo(from)).as("staying in %s", from).isFalse();
            for (MigrationPhase to : MigrationPhase.values()) {
                if (to.ordinal() < from.ordinal()) {
                    assertThat(from.isGatedMoveTo(to)).as("rollback %s -> %s", from, to).isFalse();
                }
            }
        }
    }

    @Test
    void parseAcceptsAnyCaseAndDashes() {
        assertThat(MigrationPhase.parse("p", "new-primary")).isEqualTo(NEW_PRIMARY);
        assertThat(MigrationPhase.parse("p", " Dual_Write ")).isEqualTo(DUAL_WRITE);
    }

    @Test
    void parseRejectsUnknownNamesNamingPropertyValueAndAllowedNames() {
        assertThatThrownBy(() -> MigrationPhase.parse("dualwrite.migrations.orders.phase", "NEW"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dualwrite.migrations.orders.phase must be one of "
                        + "[OLD_ONLY, DUAL_WRITE, SHADOW_READ, NEW_PRIMARY, NEW_ONLY], but was 'NEW'");
        assertThatThrownBy(() -> MigrationPhase.parse("phase", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("but was 'null'");
    }
}
