package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Input 17: {@code NEW_PRIMARY} with {@link ChangeLogMode#ALWAYS} and the change log in the OLD store
 * ({@code JdbcChangeLog.create(old)}, {@code changeLogStore} left at its default {@link Store#OLD}). A write of a
 * NEW_PRIMARY merchant runs on the new store; its outbox entry goes to the old store's change log (never to a table
 * of the new store, which has a change-log table of its own here, with entries whose ids overlap), is completed
 * only after the sync reached the old store, and completing it deletes no other entry. A crash between the commit
 * and the sync (a mirror executor that drops the task) leaves the entry, and a reconciler run repairs the old store.
 */
class NewPrimaryOutboxTest {

    private static final String MIGRATION = "orders";
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();
    private static final String CHANGE_LOG = "SELECT id, migration, table_name, row_key, operation, reason, target_store,"
            + " merchant_id FROM dualwrite_change_log ORDER BY id";

    // input 17
    @Test
    void h2OutboxEntryGoesToTheOldStoresLogAndIsCompletedAfterTheSyncAlone() throws Exception {
        completedAfterTheSync(Kind.H2);
    }

    // input 17, on PostgreSQL
    @Test
    void postgresOutboxEntryGoesToTheOldStoresLogAndIsCompletedAfterTheSyncAlone() throws Exception {
        completedAfterTheSync(Kind.POSTGRES);
    }

    // input 17, crash between commit and sync
    @Test
    void h2CrashBetweenCommitAndSyncLeavesTheEntryAndTheReconcilerRepairsTheOldStore() throws Exception {
        crashBeforeTheSync(Kind.H2);
    }

    // input 17, crash between commit and sync, on PostgreSQL
    @Test
    void postgresCrashBetweenCommitAndSyncLeavesTheEntryAndTheReconcilerRepairsTheOldStore() throws Exception {
        crashBeforeTheSync(Kind.POSTGRES);
    }

    // input 17, variant: the write in auto-commit (the data source opens a transaction for the outbox)
    @Test
    void postgresAutoCommitWriteOfANewPrimaryMerchantCompletesOnlyItsOwnEntry() throws Exception {
        try (Stores stores = new Stores(Kind.POSTGRES, false)) {
            List<Map<String, String>> unrelated = stores.seedUnrelatedEntries();
            List<Map<String, String>> newStoresLog = Rows.of(stores.newDb, CHANGE_LOG);
            try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).merchantId("m-1").open();
                 Connection connection = stores.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                for (long id = 1; id <= 2; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "m-1");
                    insert.setInt(3, 10 * (int) id);
                    assertThat(insert.executeUpdate()).isOne();
                }
            }
            assertThat(stores.changeLog.recorded).extracting(r -> r.key() + "/" + r.target() + "/" + r.reason())
                    .containsExactly("1/OLD/outbox", "2/OLD/outbox");
            assertThat(stores.changeLog.completions).hasSize(2).allSatisfy(done -> assertThat(done).endsWith("row present"));
            assertThat(Rows.of(stores.oldDb, CHANGE_LOG)).isEqualTo(unrelated);
            assertThat(Rows.of(stores.newDb, CHANGE_LOG)).isEqualTo(newStoresLog);
            stores.assertSameRows();
        }
    }

    private static void completedAfterTheSync(Kind kind) throws Exception {
        try (Stores stores = new Stores(kind, false)) {
            List<Map<String, String>> unrelated = stores.seedUnrelatedEntries();
            List<Map<String, String>> newStoresLog = Rows.of(stores.newDb, CHANGE_LOG);

            stores.writeAsMerchantOne();

            assertThat(stores.events).extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.SUCCEEDED);
            assertThat(stores.events.get(0).task().target()).isEqualTo(Store.OLD);
            // both outbox entries were in the old store's log, and each was completed only once its row was there
            assertThat(stores.changeLog.recorded).extracting(r -> r.table() + "/" + r.key() + "/" + r.target() + "/"
                    + r.merchantId() + "/" + r.reason()).containsExactlyInAnyOrder(
                    "orders/1/OLD/m-1/outbox", "orders/2/OLD/m-1/outbox");
            assertThat(stores.changeLog.completions).hasSize(2).allSatisfy(done -> assertThat(done)
                    .as("the old store held the synced row when its entry was completed").endsWith("row present"));
            assertThat(Rows.of(stores.oldDb, CHANGE_LOG)).as("the old store's log after the sync: only the unrelated entries")
                    .isEqualTo(unrelated);
            assertThat(Rows.of(stores.newDb, CHANGE_LOG)).as("the new store's change-log table is never written")
                    .isEqualTo(newStoresLog);
            stores.assertSameRows();
        }
    }

    private static void crashBeforeTheSync(Kind kind) throws Exception {
        try (Stores stores = new Stores(kind, true)) {
            List<Map<String, String>> unrelated = stores.seedUnrelatedEntries();
            List<Map<String, String>> newStoresLog = Rows.of(stores.newDb, CHANGE_LOG);

            stores.writeAsMerchantOne();

            // "the process died": the task handed to the mirror never ran; the commit on the new store stands
            assertThat(stores.dropped).hasSize(1);
            assertThat(stores.dropped.get(0).outboxEntryIds()).hasSize(2);
            assertThat(stores.oldDb.count("SELECT COUNT(*) FROM orders")).isZero();
            assertThat(stores.newDb.count("SELECT COUNT(*) FROM orders_v2")).isEqualTo(2);
            List<Map<String, String>> pending = Rows.of(stores.oldDb, CHANGE_LOG);
            assertThat(pending).hasSize(unrelated.size() + 2).containsAll(unrelated);
            assertThat(pending.subList(unrelated.size(), pending.size()))
                    .extracting(row -> row.get("migration") + "/" + row.get("table_name") + "/" + row.get("row_key") + "/"
                            + row.get("target_store") + "/" + row.get("merchant_id") + "/" + row.get("reason"))
                    .containsExactlyInAnyOrder("orders/orders/1/OLD/m-1/outbox", "orders/orders/2/OLD/m-1/outbox");
            assertThat(pending.subList(unrelated.size(), pending.size())).extracting(row -> row.get("id"))
                    .containsExactlyInAnyOrderElementsOf(stores.dropped.get(0).outboxEntryIds().stream()
                            .map(String::valueOf).toList());
            assertThat(Rows.of(stores.newDb, CHANGE_LOG)).as("nothing in the new store's change-log table")
                    .isEqualTo(newStoresLog);

            // the restarted process: a fresh change-log instance over the old store and a reconciler (grace is zero)
            JdbcChangeLog restarted = JdbcChangeLog.create(stores.oldDb.dataSource());
            Reconciler reconciler = Reconciler.builder().changeLog(restarted)
                    .oldDataSource(stores.oldDb.dataSource()).newDataSource(stores.newDb.dataSource())
                    .mapping(ORDERS).resolver(MIGRATION, stores.resolver).build();
            Reconciler.Result result = reconciler.runOnce();

            assertThat(result).isEqualTo(new Reconciler.Result(2, 2, 0));
            assertThat(Rows.of(stores.oldDb, CHANGE_LOG)).as("only the unrelated entries are left").isEqualTo(unrelated);
            assertThat(Rows.of(stores.newDb, CHANGE_LOG)).isEqualTo(newStoresLog);
            stores.assertSameRows();
        }
    }

    /** Both stores with dualwrite's tables, the data source in ALWAYS mode, merchant m-1 NEW_PRIMARY. */
    private static final class Stores implements AutoCloseable {
        final TestDatabase oldDb;
        final TestDatabase newDb;
        final ObservedChangeLog changeLog;
        final SwitchStore switches = SwitchStores.inMemory();
        final Switchboard resolver = Switchboard.builder().cachedSwitchStore(switches)
                .migration(MigrationSwitchConfig.of(MIGRATION)).build();
        final List<MirrorEvent> events = new CopyOnWriteArrayList<>();
        final List<MirrorTask> dropped = new CopyOnWriteArrayList<>();
        final MirrorExecutor toOld;
        final MirrorExecutor toNew;
        final DualWriteDataSource dataSource;

        Stores(Kind kind, boolean crash) throws SQLException {
            oldDb = TestDatabases.createWithDualWriteSchema(kind);
            newDb = TestDatabases.createWithDualWriteSchema(kind);
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)");
            changeLog = new ObservedChangeLog(JdbcChangeLog.create(oldDb.dataSource()), oldDb);
            switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
            switches.setMerchantPhase(MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY);
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
            toOld = crash ? new DroppingExecutor(dropped) : MirrorExecutors.create("i17-to-old", config, changeLog, events::add);
            toNew = MirrorExecutors.create("i17-to-new", config, changeLog, events::add);
            dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .migration(MIGRATION).resolver(resolver).mirrorExecutor(Store.OLD, toOld).mirrorExecutor(Store.NEW, toNew)
                    .changeLog(changeLog).changeLogMode(ChangeLogMode.ALWAYS)
                    .outboxWriter(JdbcChangeLog.create(oldDb.dataSource())::record)
                    .outboxGrace(Duration.ZERO).mapping(ORDERS).validateMappings(true).build();
        }

        /**
         * An unrelated pending entry in the old store's log (another migration's, not due for a day, so no
         * reconciler takes it) and one of this migration for a row of merchant m-2 that is due later too; three
         * entries in the new store's own change-log table, whose ids overlap the old store's.
         */
        List<Map<String, String>> seedUnrelatedEntries() {
            Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
            JdbcChangeLog oldLog = JdbcChangeLog.create(oldDb.dataSource());
            oldLog.record(ChangeRecord.of("payments", new RowRef("payments", "77", Operation.UPDATE), "seeded-unrelated",
                    Store.NEW, null).withDueAt(tomorrow));
            oldLog.record(ChangeRecord.of(MIGRATION, new RowRef("orders", "500", Operation.UPDATE), "seeded-m-2",
                    Store.NEW, MigrationContext.forMigration(MIGRATION).merchantId("m-2").build()).withDueAt(tomorrow));
            JdbcChangeLog newLog = JdbcChangeLog.create(newDb.dataSource());
            for (int i = 1; i <= 3; i++) {
                newLog.record(ChangeRecord.of("elsewhere", new RowRef("things", String.valueOf(i), Operation.UPDATE),
                        "seeded-in-new", Store.OLD, null).withDueAt(tomorrow));
            }
            List<Map<String, String>> entries = Rows.of(oldDb, CHANGE_LOG);
            assertThat(entries).hasSize(2);
            return entries;
        }

        /** Merchant m-1 (NEW_PRIMARY) inserts two orders and updates one, in one transaction. */
        void writeAsMerchantOne() throws SQLException {
            try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).merchantId("m-1").open();
                 Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, merchant_id, qty) VALUES (?, ?, ?)")) {
                    for (long id = 1; id <= 2; id++) {
                        insert.setLong(1, id);
                        insert.setString(2, "m-1");
                        insert.setInt(3, (int) id);
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                    update.setInt(1, 10);
                    update.setLong(2, 1);
                    assertThat(update.executeUpdate()).isOne();
                }
                connection.commit();
            }
            assertThat(Rows.of(newDb, "SELECT id, merchant_id, quantity FROM orders_v2 ORDER BY id")).as("written on the new store")
                    .containsExactly(expected("id", 1, "merchant_id", "m-1", "quantity", 10),
                            expected("id", 2, "merchant_id", "m-1", "quantity", 2));
        }

        void assertSameRows() {
            assertThat(Rows.assertSame(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(2);
        }

        @Override
        public void close() {
            toOld.close();
            toNew.close();
            oldDb.close();
            newDb.close();
        }
    }

    /** The JDBC change log, noting what was recorded and whether each completed entry's row was in the old store then. */
    private static final class ObservedChangeLog implements ChangeLog {
        private final JdbcChangeLog delegate;
        private final TestDatabase oldDb;
        final List<ChangeRecord> recorded = new CopyOnWriteArrayList<>();
        final List<String> completions = new CopyOnWriteArrayList<>();
        private final Map<Long, ChangeRecord> byId = new java.util.concurrent.ConcurrentHashMap<>();

        ObservedChangeLog(JdbcChangeLog delegate, TestDatabase oldDb) {
            this.delegate = delegate;
            this.oldDb = oldDb;
        }

        @Override
        public long record(ChangeRecord record) {
            long id = delegate.record(record);
            recorded.add(record);
            byId.put(id, record);
            return id;
        }

        @Override
        public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
            return delegate.claim(limit, now, lease);
        }

        @Override
        public void complete(long id) {
            ChangeRecord record = byId.get(id);
            String state = record == null ? "unknown entry" : oldDb.count("SELECT COUNT(*) FROM orders WHERE id = ?",
                    Long.parseLong(record.key())) == 1 ? "row present" : "row missing";
            completions.add(id + ": " + state);
            delegate.complete(id);
        }

        @Override
        public void retryLater(long id, Instant dueAt, String error) {
            delegate.retryLater(id, dueAt, error);
        }

        @Override
        public long pendingCount(String migration) {
            return delegate.pendingCount(migration);
        }
    }

    /** A mirror executor whose process "dies" before running anything: it keeps the task and records nothing. */
    private static final class DroppingExecutor implements MirrorExecutor {
        private final List<MirrorTask> dropped;

        DroppingExecutor(List<MirrorTask> dropped) {
            this.dropped = dropped;
        }

        @Override
        public void submit(MirrorTask task) {
            dropped.add(task);
        }

        @Override
        public void close() {
        }
    }
}
