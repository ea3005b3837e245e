package io.dualwrite.jdbc.inputs;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;

/**
 * The {@link DualWriter} of migration {@code t} that the keys-by-type and session-settings tests write table
 * {@code t} through ({@link KeysByTypeBreak27Test}, {@link SessionsBreak26bTest}, {@link SessionSettingsBreak27Test},
 * {@link SessionSettingsBreak27bTest}), written once.
 */
final class TableTWriter {

    private TableTWriter() {
    }

    /** {@link #writer(TestDatabase, MirrorMode)} with SYNC mirrors. */
    static DualWriter writer(TestDatabase oldDb) {
        return writer(oldDb, MirrorMode.SYNC);
    }

    /**
     * A writer of migration {@code t} in {@code DUAL_WRITE} (in-memory switches), its change log in the old store, its
     * mirrors given 60 s before a sync times out or counts as slow, so a busy machine records nothing a test did not
     * cause.
     */
    static DualWriter writer(TestDatabase oldDb, MirrorMode mode) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", MigrationPhase.DUAL_WRITE);
        return DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(60))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(60)).build()).build();
    }
}
