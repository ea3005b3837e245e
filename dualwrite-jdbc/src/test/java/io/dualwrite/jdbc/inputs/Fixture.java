package io.dualwrite.jdbc.inputs;

import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.SwitchableDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Two fresh real databases and a {@link DualWriteDataSource} over them, built from real parts only: a
 * {@link Switchboard} over an in-memory switch store (uncached: a flip is seen at once), real mirror executors
 * (SYNC by default, or ASYNC) whose observer keeps every event, an in-memory change log. The new store is
 * reached through a {@link SwitchableDataSource}, so a test can take it down and bring it back.
 */
final class Fixture implements AutoCloseable {

    static final String MIGRATION = "orders";

    /** The common mapping of the inputs: orders → orders_v2, qty renamed quantity. */
    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity").build();

    final TestDatabase oldDb;
    final TestDatabase newDb;
    final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    final SwitchStore switches = SwitchStores.inMemory();
    final Switchboard resolver = Switchboard.builder().cachedSwitchStore(switches)
            .migration(MigrationSwitchConfig.of(MIGRATION)).build();
    final List<MirrorEvent> events = new CopyOnWriteArrayList<>();
    final MirrorExecutor toNew;
    final MirrorExecutor toOld;
    /** What the data source sees as the new store; {@link #newStoreDown()} and {@link #newStoreBack()} flip it. */
    final SwitchableDataSource newStore;
    /** The old store as the data source sees it (the raw pool unless a test wrapped it). */
    final DataSource oldStore;
    /** The new store as the data source sees it under the switchable one (the raw pool unless wrapped). */
    final DataSource newStoreUp;
    final List<TableMapping> mappings;
    final DualWriteDataSource dataSource;
    /** How the mirrors run: SYNC leaves nothing in flight once a statement has returned. */
    final MirrorMode mode;

    /** Whether the databases were created for this fixture (and are closed with it), not handed in by {@link Builder#on}. */
    private final boolean ownDatabases;

    private Fixture(Builder builder) {
        ownDatabases = builder.oldDb == null;
        oldDb = ownDatabases ? TestDatabases.create(builder.oldKind) : builder.oldDb;
        newDb = ownDatabases ? TestDatabases.create(builder.newKind) : builder.newDb;
        switches.setSystemPhase(MIGRATION, builder.phase);
        mode = builder.mode;
        MirrorConfig config = MirrorConfig.custom().mode(builder.mode).timeLimit(builder.timeLimit).build();
        toNew = MirrorExecutors.create("inputs-to-new", config, changeLog, events::add);
        toOld = MirrorExecutors.create("inputs-to-old", config, changeLog, events::add);
        oldStore = builder.oldWrapper.apply(oldDb.dataSource());
        newStoreUp = builder.newWrapper.apply(newDb.dataSource());
        newStore = new SwitchableDataSource(newStoreUp);
        mappings = List.copyOf(builder.mappings);
        DualWriteDataSource.Builder dataSourceBuilder = DualWriteDataSource.builder()
                .oldDataSource(oldStore).newDataSource(newStore)
                .migration(MIGRATION).resolver(resolver)
                .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                .changeLog(changeLog).mappings(mappings);
        builder.customizer.accept(dataSourceBuilder);
        dataSource = dataSourceBuilder.build();
    }

    /**
     * A wrapper of the old MariaDB pool ({@link Builder#wrapOld}): a pool of two sessions on the same database that
     * take several statements in one text ({@code allowMultiQueries}). {@code opened} receives it; the test closes it.
     */
    static java.util.function.UnaryOperator<DataSource> multiQueries(
            java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource> opened) {
        return withDriverOption("allowMultiQueries=true", opened);
    }

    /**
     * A wrapper of the old MariaDB pool ({@link Builder#wrapOld}): a pool of two sessions on the same database whose
     * driver runs with {@code option} added to its URL ({@code useBulkStmts=true}). {@code opened} receives it; the
     * test closes it.
     */
    static java.util.function.UnaryOperator<DataSource> withDriverOption(String option,
            java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource> opened) {
        return pool -> {
            com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
            config.setJdbcUrl(((com.zaxxer.hikari.HikariDataSource) pool).getJdbcUrl() + "&" + option);
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            opened.set(new com.zaxxer.hikari.HikariDataSource(config));
            return opened.get();
        };
    }

    static Builder builder(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) {
        return new Builder(oldKind, newKind);
    }

    /** Both stores of one kind, SYNC, DUAL_WRITE, the common orders mapping. */
    static Fixture of(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) {
        return builder(oldKind, newKind).build();
    }

    static final class Builder {
        private final TestDatabases.Kind oldKind;
        private final TestDatabases.Kind newKind;
        private MigrationPhase phase = MigrationPhase.DUAL_WRITE;
        private MirrorMode mode = MirrorMode.SYNC;
        private Duration timeLimit = Duration.ofSeconds(20);
        private List<TableMapping> mappings = List.of(ORDERS);
        private UnaryOperator<DataSource> oldWrapper = UnaryOperator.identity();
        private UnaryOperator<DataSource> newWrapper = UnaryOperator.identity();
        private Consumer<DualWriteDataSource.Builder> customizer = any -> { };
        private TestDatabase oldDb;
        private TestDatabase newDb;

        private Builder(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) {
            this.oldKind = oldKind;
            this.newKind = newKind;
        }

        Builder phase(MigrationPhase phase) {
            this.phase = phase;
            return this;
        }

        Builder mode(MirrorMode mode) {
            this.mode = mode;
            return this;
        }

        Builder timeLimit(Duration timeLimit) {
            this.timeLimit = timeLimit;
            return this;
        }

        Builder mappings(TableMapping... mappings) {
            this.mappings = List.of(mappings);
            return this;
        }

        Builder wrapOld(UnaryOperator<DataSource> wrapper) {
            this.oldWrapper = wrapper;
            return this;
        }

        Builder wrapNew(UnaryOperator<DataSource> wrapper) {
            this.newWrapper = wrapper;
            return this;
        }

        Builder customize(Consumer<DualWriteDataSource.Builder> customizer) {
            this.customizer = customizer;
            return this;
        }

        /**
         * Builds the fixture on these databases, of the builder's kinds, instead of fresh ones; they stay open when
         * the fixture closes. The caller hands them in empty ({@link TestDatabase#reset}).
         */
        Builder on(TestDatabase oldDb, TestDatabase newDb) {
            if (oldDb.kind() != oldKind || newDb.kind() != newKind) {
                throw new IllegalArgumentException("databases " + oldDb + " and " + newDb + " are not of the kinds "
                        + oldKind + " and " + newKind);
            }
            this.oldDb = oldDb;
            this.newDb = newDb;
            return this;
        }

        Fixture build() {
            return new Fixture(this);
        }
    }

    /** Runs statements on the old store with plain JDBC. */
    void onOld(String... sql) {
        oldDb.execute(sql);
    }

    /** Runs statements on the new store with plain JDBC. */
    void onNew(String... sql) {
        newDb.execute(sql);
    }

    void newStoreDown() {
        newStore.switchTo(SwitchableDataSource.down());
    }

    void newStoreBack() {
        newStore.switchTo(newStoreUp);
    }

    /** The change-log records not yet completed, in the order they were recorded. */
    List<ChangeRecord> records() {
        return changeLog.entries().stream().map(ChangeEntry::record).toList();
    }

    /** The pending scoped resyncs ({@link Operation#RESYNC}). */
    List<ChangeRecord> scopedResyncs() {
        return records().stream().filter(ChangeRecord::isScoped).toList();
    }

    /**
     * Waits until the mirrors that ended (any outcome) carried {@code rows} row writes in all, and returns their
     * outcomes: a lane may take several syncs into one run, which ends as one event carrying all their rows.
     */
    List<MirrorOutcome> awaitMirroredRows(int rows) {
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> events.stream().mapToInt(event -> event.task().rows().size()).sum() >= rows);
        } catch (org.awaitility.core.ConditionTimeoutException late) {
            throw new AssertionError("expected mirror ends carrying " + rows + " row writes within 60 s, saw "
                    + events + "; recorded: " + records(), late);
        }
        return events.stream().map(MirrorEvent::outcome).toList();
    }

    /** Waits until {@code count} mirror tasks have ended (any outcome) and returns their outcomes. */
    List<MirrorOutcome> awaitMirrors(int count) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> events.size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException late) {
            // what did end, and what was recorded, says which sync is missing when this fails under load
            throw new AssertionError("expected " + count + " mirror ends within 60 s, saw " + events + "; recorded: "
                    + records(), late);
        }
        return events.stream().map(MirrorEvent::outcome).toList();
    }

    /** A reconciler as a separate process would build it, scoped by the phase of each row. */
    Reconciler reconciler() {
        return reconcilerBuilder().resolver(MIGRATION, resolver).build();
    }

    /** The reconciler's builder with the change log, both raw stores and the mappings set. */
    Reconciler.Builder reconcilerBuilder() {
        return Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                .newDataSource(newDb.dataSource()).mappings(mappings).batchSize(1000);
    }

    /**
     * What the verification tools do with a pending whole-table scoped resync of {@code mapping}: copy every
     * key either store holds (old wins: keys only in the new store are deleted there), then complete the
     * table's scoped resyncs. Keys are read with plain JDBC; the copy goes through the one copier.
     */
    void resolveScopedResyncs(TableMapping mapping) throws SQLException {
        resolveScopedResyncs(mapping, Store.OLD);
    }

    /**
     * {@link #resolveScopedResyncs(TableMapping)} with {@code authoritative} as the source: the new store's rows win
     * over the old one's ({@code NEW_PRIMARY}) when it is {@link Store#NEW}.
     */
    void resolveScopedResyncs(TableMapping mapping, Store authoritative) throws SQLException {
        TreeSet<String> keys = new TreeSet<>();
        oldDb.query("SELECT " + String.join(", ", mapping.primaryKey()) + " FROM " + mapping.oldTable())
                .forEach(row -> keys.add(io.dualwrite.jdbc.KeyCodec.encode(new ArrayList<>(row.values()))));
        newDb.query("SELECT " + String.join(", ", mapping.newPrimaryKey()) + " FROM " + mapping.newTable())
                .forEach(row -> keys.add(io.dualwrite.jdbc.KeyCodec.encode(new ArrayList<>(row.values()))));
        if (!keys.isEmpty()) {
            RowCopier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).build()
                    .sync(authoritative, List.of(new RowCopier.TableKeys(mapping, new ArrayList<>(keys), null)));
        }
        changeLog.entries().stream()
                .filter(entry -> entry.record().isScoped()
                        && entry.record().table().toLowerCase(Locale.ROOT).equals(mapping.oldTable().toLowerCase(Locale.ROOT)))
                .forEach(entry -> changeLog.complete(entry.id()));
    }

    /** {@link #verifierOf} the raw stores. */
    Verifier verifier() {
        return verifierOf(oldDb.dataSource(), newDb.dataSource());
    }

    /**
     * A verifier of {@code old} and {@code fresh} as the resolving tools build it, with this fixture's change log.
     * Under SYNC mirrors no write is in flight once the test's statements have returned, so a row found different
     * is read again at once instead of after the delay meant for live traffic (three re-reads 200 ms apart, in the
     * verification and again in the repair's re-verification: over a second of waiting per resolve), and without
     * waiting for the change log's pending entries of its key to complete ({@code settleTimeout} zero): only the
     * test's own reconciler run completes them, after the verification ({@link #resolveRecords}), so each re-read
     * waited the whole 10 s default for nothing and read the same rows (40 s of a resolve that found a key recorded
     * while the new store was down). The re-reads and what they find are unchanged.
     */
    Verifier verifierOf(DataSource old, DataSource fresh) {
        boolean sync = mode == MirrorMode.SYNC;
        return Verifier.builder().oldDataSource(old).newDataSource(fresh).changeLog(changeLog)
                .recheckDelay(sync ? Duration.ZERO : Verifier.Builder.DEFAULT_RECHECK_DELAY)
                .settleTimeout(sync ? Duration.ZERO : Verifier.Builder.DEFAULT_SETTLE_TIMEOUT).build();
    }

    /**
     * Resolves what the writes recorded with the library's own tools: scoped resyncs by verification and repair of
     * the scope (the first mapping's), key records by one reconciler run.
     *
     * @return what each tool reported, for the test's output
     */
    String resolveRecords() throws java.sql.SQLException {
        StringBuilder done = new StringBuilder();
        if (!scopedResyncs().isEmpty()) {
            io.dualwrite.jdbc.schema.DualWriteSchema.create(oldDb.dataSource());
            var verifier = verifier();
            var copier = io.dualwrite.jdbc.copy.RowCopier.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).build();
            done.append("resolver ").append(io.dualwrite.jdbc.verify.ScopedResyncResolver.builder()
                    .migration(MIGRATION).changeLog(changeLog).verifier(verifier)
                    .repairer(io.dualwrite.jdbc.verify.Repairer.of(copier, verifier)).mapping(mappings.get(0))
                    .build().resolveOnce()).append(' ');
        }
        if (!records().isEmpty()) {
            done.append("reconciler ").append(reconciler().runOnce());
        }
        return done.toString();
    }

    /** The pending records as "table/key/operation" strings. */
    List<String> recordKeys() {
        return records().stream().map(r -> r.table() + "/" + r.key() + "/" + r.operation()).toList();
    }

    static Map<String, Object> row(Object... columnThenValue) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < columnThenValue.length; i += 2) {
            row.put((String) columnThenValue[i], columnThenValue[i + 1]);
        }
        return row;
    }

    @Override
    public void close() {
        toNew.close();
        toOld.close();
        if (ownDatabases) {
            oldDb.close();
            newDb.close();
        }
    }
}
