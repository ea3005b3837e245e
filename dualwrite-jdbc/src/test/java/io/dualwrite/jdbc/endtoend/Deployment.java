package io.dualwrite.jdbc.endtoend;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.SwitchableDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseResolver;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One application deployment made only of real parts: old store MariaDB (with dualwrite's tables and the
 * change log), new store PostgreSQL behind a {@link SwitchableDataSource}, real mirror executors, a
 * {@link JdbcChangeLog} and a {@link DualWriteDataSource} over them.
 */
final class Deployment implements AutoCloseable {

    final TestDatabase oldDb = TestDatabases.mariadb();
    final TestDatabase newDb = TestDatabases.postgres();
    final SwitchableDataSource newStore = new SwitchableDataSource(newDb.dataSource());
    final JdbcChangeLog changeLog;
    final MirrorExecutor toNew;
    final MirrorExecutor toOld;
    final DualWriteDataSource dataSource;
    /** A connection to the new store whose open transaction holds a lock, when a test needs one. */
    java.sql.@org.jspecify.annotations.Nullable Connection lockHolder;

    /** A deployment whose system phase is DUAL_WRITE (switches in memory). */
    static Deployment dualWrite(MirrorMode mode, Duration timeLimit, BiConsumer<DualWriteDataSource.Builder, Deployment> customizer)
            throws SQLException {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.builder(EndToEnd.MIGRATION).defaultPhase(MigrationPhase.DUAL_WRITE).build())
                .build();
        return new Deployment(db -> switchboard, mode, timeLimit, customizer);
    }

    /**
     * @param resolver the phase resolver, built once the old store (holding the switch tables) exists
     */
    Deployment(java.util.function.Function<TestDatabase, PhaseResolver> resolver, MirrorMode mode, Duration timeLimit,
               BiConsumer<DualWriteDataSource.Builder, Deployment> customizer) throws SQLException {
        DualWriteSchema.create(oldDb.dataSource());
        oldDb.execute(EndToEnd.OLD_ORDERS);
        newDb.execute(EndToEnd.NEW_ORDERS);
        changeLog = JdbcChangeLog.create(oldDb.dataSource());
        toNew = EndToEnd.executor(Store.NEW, mode, timeLimit, changeLog);
        toOld = EndToEnd.executor(Store.OLD, mode, timeLimit, changeLog);
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newStore)
                .migration(EndToEnd.MIGRATION).mapping(EndToEnd.MAPPING)
                .resolver(resolver.apply(oldDb))
                .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                .changeLog(changeLog);
        customizer.accept(builder, this);
        dataSource = builder.build();
    }

    /** A reconciler as a separate (or restarted) process would build it: its own change-log instance. */
    Reconciler reconciler() {
        return reconciler(java.time.Clock.systemUTC());
    }

    /** A reconciler whose clock reads {@code clock} (e.g. one past the outbox grace period). */
    Reconciler reconciler(java.time.Clock clock) {
        return Reconciler.builder().changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .mapping(EndToEnd.MAPPING).batchSize(1000).clock(clock).build();
    }

    long pendingEntries() {
        return oldDb.count("SELECT COUNT(*) FROM dualwrite_change_log");
    }

    @Override
    public void close() {
        toNew.close();
        toOld.close();
        oldDb.close();
        newDb.close();
    }
}
