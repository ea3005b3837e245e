package io.dualwrite.jdbc;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.function.Consumer;

/** Two real databases, the test doubles, and a DualWriteDataSource over them. */
final class DualWriteFixture implements AutoCloseable {

    final TestDatabase oldDb;
    final TestDatabase newDb;
    final ListChangeLog changeLog = new ListChangeLog();
    final InlineMirrorExecutor toNew = new InlineMirrorExecutor(changeLog);
    final InlineMirrorExecutor toOld = new InlineMirrorExecutor(changeLog);
    final FixedPhaseResolver resolver;
    final DualWriteDataSource dataSource;

    DualWriteFixture(TestDatabases.Kind oldKind, TestDatabases.Kind newKind, MigrationPhase phase,
                     List<TableMapping> mappings, Consumer<DualWriteDataSource.Builder> customizer) {
        oldDb = TestDatabases.create(oldKind);
        newDb = TestDatabases.create(newKind);
        resolver = new FixedPhaseResolver(phase);
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration("orders").phaseResolver(resolver)
                .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                .changeLog(changeLog).mappings(mappings);
        customizer.accept(builder);
        dataSource = builder.build();
    }

    DualWriteFixture(TestDatabases.Kind oldKind, TestDatabases.Kind newKind, MigrationPhase phase,
                     List<TableMapping> mappings) {
        this(oldKind, newKind, phase, mappings, builder -> { });
    }

    /** Runs the same DDL on both stores. */
    void bothStores(String... sql) {
        oldDb.execute(sql);
        newDb.execute(sql);
    }

    @Override
    public void close() {
        oldDb.close();
        newDb.close();
    }
}
