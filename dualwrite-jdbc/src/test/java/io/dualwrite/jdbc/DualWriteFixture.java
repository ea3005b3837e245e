package io.dualwrite.jdbc;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Two real databases and a DualWriteDataSource over the real parts: a {@link Switchboard} over an in-memory
 * switch store (read uncached, so a flip is seen at once), SYNC mirror executors (the caller waits for the
 * mirror, so assertions right after a write hold) and an in-memory change log. The executors' observers
 * keep every mirror event, which is how tests see the tasks handed over.
 */
final class DualWriteFixture implements AutoCloseable {

    /** Long enough that only the data source's own statement timeout, when set, ever cuts a mirror short. */
    private static final MirrorConfig SYNC = MirrorConfig.custom().mode(MirrorMode.SYNC)
            .timeLimit(Duration.ofSeconds(30)).build();

    final TestDatabase oldDb;
    final TestDatabase newDb;
    final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    final SwitchStore switches = SwitchStores.inMemory();
    final Switchboard resolver = switchboard(switches);
    final List<MirrorEvent> toNewEvents = new CopyOnWriteArrayList<>();
    final List<MirrorEvent> toOldEvents = new CopyOnWriteArrayList<>();
    final MirrorExecutor toNew;
    final MirrorExecutor toOld;
    final DualWriteDataSource dataSource;

    DualWriteFixture(TestDatabases.Kind oldKind, TestDatabases.Kind newKind, MigrationPhase phase,
                     List<TableMapping> mappings, Consumer<DualWriteDataSource.Builder> customizer) {
        oldDb = TestDatabases.create(oldKind);
        newDb = TestDatabases.create(newKind);
        systemPhase(phase);
        toNew = MirrorExecutors.create("orders-to-new", SYNC, changeLog, toNewEvents::add);
        toOld = MirrorExecutors.create("orders-to-old", SYNC, changeLog, toOldEvents::add);
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration("orders").resolver(resolver)
                .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                .changeLog(changeLog).mappings(mappings);
        customizer.accept(builder);
        dataSource = builder.build();
    }

    DualWriteFixture(TestDatabases.Kind oldKind, TestDatabases.Kind newKind, MigrationPhase phase,
                     List<TableMapping> mappings) {
        this(oldKind, newKind, phase, mappings, builder -> { });
    }

    /** A switchboard for migration "orders" reading {@code store} uncached (changes are seen at once). */
    static Switchboard switchboard(SwitchStore store) {
        return Switchboard.builder().cachedSwitchStore(store).migration(MigrationSwitchConfig.of("orders")).build();
    }

    /** A real SYNC executor recording into {@code changeLog}, for tests that build their own data source. */
    static MirrorExecutor syncExecutor(String name, io.dualwrite.changelog.ChangeLog changeLog) {
        return MirrorExecutors.create(name, SYNC, changeLog, io.dualwrite.mirror.MirrorObserver.NOOP);
    }

    /** Flips the system switch of the migration. */
    void systemPhase(MigrationPhase phase) {
        switches.setSystemPhase("orders", phase);
    }

    /** Sets (or, with {@code null}, clears) a merchant's switch. */
    void merchantPhase(String merchantId, MigrationPhase phase) {
        switches.setMerchantPhase("orders", merchantId, phase);
    }

    /** The change-log records not yet completed, in the order they were recorded. */
    List<ChangeRecord> records() {
        return changeLog.entries().stream().map(ChangeEntry::record).toList();
    }

    /** Completes every change-log entry (what the reconciler does once it has repaired the rows). */
    void clearRecords() {
        changeLog.entries().forEach(entry -> changeLog.complete(entry.id()));
    }

    /** The tasks handed to the executor for {@code events} (toNewEvents or toOldEvents), in order. */
    static List<MirrorTask> tasks(List<MirrorEvent> events) {
        return events.stream().map(MirrorEvent::task).toList();
    }

    /** Runs the same DDL on both stores. */
    void bothStores(String... sql) {
        oldDb.execute(sql);
        newDb.execute(sql);
    }

    @Override
    public void close() {
        toNew.close();
        toOld.close();
        oldDb.close();
        newDb.close();
    }
}
