package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round 27b: round 27's count of authority moves, attacked. Round 27 made the copier compare, per context, a count of
 * the moves across the authority its switches made ({@code rule_value} of the switch rows), so that a move and its
 * return while one sync runs is seen. These members move the authority and back by writers the count does not come
 * from (an instance of an older version of the library, an operator's statement, the in-memory store) and across a
 * cache refresh between a write and its sync. Two {@link DualWriteDataSource}s over one switch table, each cache on a
 * ticker the test moves, a latch on B's copy. Every test ends reading both stores row by row with plain JDBC: a member
 * holds when both stores hold the latest write of key 1, or key 1 is recorded in the change log.
 */
class AuthorityBreak27bTest {

    private static final String MIGRATION = "orders";
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();
    private static final TableMapping PINNED_ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").orderIdColumn("id").build();

    /** Who moves the system switch across the authority and back while B's sync is held. */
    enum Mover {
        /** An instance of the library as it was before round 27: its upsert leaves {@code rule_value} as it was. */
        OLDER_VERSION,
        /** An operator's own statement, stamping the time as the library does and leaving the other columns. */
        OPERATOR_UPDATE;

        void move(TestDatabase db, MigrationPhase phase) {
            String now = switch (db.kind()) {
                case POSTGRES -> "CAST(clock_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP(6))";
                case MARIADB -> "UTC_TIMESTAMP(6)";
                case H2 -> "DATEADD(MINUTE, -(EXTRACT(TIMEZONE_HOUR FROM CURRENT_TIMESTAMP) * 60"
                        + " + EXTRACT(TIMEZONE_MINUTE FROM CURRENT_TIMESTAMP)), LOCALTIMESTAMP)";
            };
            String values = "('" + MIGRATION + "', 'SYSTEM', '', '" + phase.name() + "', " + now + ")";
            String sql = this == OPERATOR_UPDATE
                    ? "UPDATE dualwrite_switch SET phase = '" + phase.name() + "', updated_at = " + now
                    + " WHERE migration = '" + MIGRATION + "' AND scope_kind = 'SYSTEM' AND subject_id = ''"
                    : switch (db.kind()) {
                        // the upsert of the version before round 27, as it wrote it (rule_value not named)
                        case POSTGRES -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase,"
                                + " updated_at) VALUES " + values + " ON CONFLICT (migration, scope_kind, subject_id)"
                                + " DO UPDATE SET phase = EXCLUDED.phase, updated_at = EXCLUDED.updated_at";
                        case MARIADB -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase,"
                                + " updated_at) VALUES " + values + " ON DUPLICATE KEY UPDATE phase = VALUES(phase),"
                                + " updated_at = VALUES(updated_at)";
                        case H2 -> "MERGE INTO dualwrite_switch (migration, scope_kind, subject_id, phase, updated_at)"
                                + " KEY (migration, scope_kind, subject_id) VALUES " + values;
                    };
            db.execute(sql);
        }
    }

    static Stream<Arguments> movers() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (Mover mover : Mover.values()) {
                members.add(Arguments.of(kind, mover));
            }
        }
        return members.stream();
    }

    static Stream<Kind> kinds() {
        return Stream.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB);
    }

    // (1) Rolling upgrade: B (this version, stale) updates key 1 in the old store under DUAL_WRITE; its sync has read
    // the row and is held before it writes the new store; an instance of the version before round 27 (or an operator's
    // statement) moves the system switch to NEW_ONLY, A (this version, its cache refreshed) updates key 1 in the new
    // store, the older writer moves it back to DUAL_WRITE; B's sync goes on. The count of the system row never moved.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("movers")
    void aMoveAndItsReturnByAWriterThatKeepsNoCountAreSeenBySyncsOfThisVersion(Kind kind, Mover mover)
            throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            createTables(oldDb, newDb);
            Hold hold = holdUpsertInto("orders_v2");
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, jdbc(oldDb), null);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, jdbc(oldDb), hold)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3"); // B reads the switches: DUAL_WRITE
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                mover.move(oldDb, MigrationPhase.NEW_ONLY);
                a.refresh();
                assertThat(a.switchboard.systemPhase(MIGRATION)).isEqualTo(MigrationPhase.NEW_ONLY);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.awaitIdle();
                mover.move(oldDb, MigrationPhase.DUAL_WRITE);
                hold.release();
                b.awaitIdle();
            }
            assertLatestWriteOrRecorded(oldDb, newDb, changeLog);
        }
    }

    // (2) The in-memory switch store (one JVM, two data sources sharing it): the same move and return made through the
    // store while B's sync is held. The store keeps no count.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMoveAndItsReturnInTheInMemorySwitchStoreAreSeen(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            createTables(oldDb, newDb);
            SwitchStore shared = SwitchStores.inMemory();
            Hold hold = holdUpsertInto("orders_v2");
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, shared, null);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, shared, hold)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3");
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.NEW_ONLY);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.awaitIdle();
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                hold.release();
                b.awaitIdle();
            }
            assertLatestWriteOrRecorded(oldDb, newDb, changeLog);
        }
    }

    // (3) Round 27's left (a): B's cache refreshes between B's write and its sync. B's sync of key 3 is held before its
    // upsert into the new store, B's update of key 1 queues behind it (one lane); the operator moves the system switch
    // DUAL_WRITE -> NEW_ONLY, A updates key 1 in the new store, the operator moves it back; B's refresh interval passes
    // (its cache reads the return and the new count); the queue goes on. Key 1's sync takes its count after the return.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMoveAndItsReturnBeforeTheWritersCacheRefreshesAreSeenByTheQueuedSync(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            createTables(oldDb, newDb);
            Hold hold = holdUpsertInto("orders_v2");
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, jdbc(oldDb), null);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, jdbc(oldDb), hold)) {
                SwitchStore switches = a.switchboard.switchStore();
                switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3");
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 4 WHERE id = 3");
                hold.awaitReached();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1"); // its sync waits behind key 3's
                switches.setSystemPhase(MIGRATION, MigrationPhase.NEW_ONLY);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.awaitIdle();
                switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.refresh();
                assertThat(b.switchboard.systemPhase(MIGRATION)).isEqualTo(MigrationPhase.DUAL_WRITE);
                hold.release();
                b.awaitIdle();
            }
            assertLatestWriteOrRecorded(oldDb, newDb, changeLog);
        }
    }

    // (4) An order's pin moved across the authority and back through SwitchAdmin while B's sync is held (pinning on):
    // order 1 pinned DUAL_WRITE, B updates it in the old store, its sync held before the new store; the operator repins
    // order 1 to NEW_ONLY, A updates it in the new store, the operator repins it to DUAL_WRITE; B's sync goes on. The
    // pin reads the same at both ends, and pins kept no count.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anOrdersRepinAcrossTheAuthorityAndBackDuringOneSyncIsSeen(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            createTables(oldDb, newDb);
            JdbcOrderPinStore pins = JdbcOrderPinStore.create(oldDb.dataSource());
            Hold hold = holdUpsertInto("orders_v2");
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, jdbc(oldDb), null, pins);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, jdbc(oldDb), hold, pins)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                pins.pinIfAbsent(MIGRATION, "1", "m-1", MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3");
                b.awaitIdle();
                SwitchAdmin admin = SwitchAdmin.of(a.switchboard, PhaseGate.open());

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                admin.repinOrder(MIGRATION, "1", MigrationPhase.NEW_ONLY, true);
                try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).merchantId("m-1")
                        .orderId("1").open()) {
                    a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                }
                a.awaitIdle();
                admin.repinOrder(MIGRATION, "1", MigrationPhase.DUAL_WRITE, true);
                hold.release();
                b.awaitIdle();
            }
            assertLatestWriteOrRecorded(oldDb, newDb, changeLog);
        }
    }

    private static SwitchStore jdbc(TestDatabase db) {
        return JdbcSwitchStore.create(db.dataSource());
    }

    private static void createTables(TestDatabase oldDb, TestDatabase newDb) throws SQLException {
        DualWriteSchema.create(oldDb.dataSource());
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
    }

    private static Hold holdUpsertInto(String table) {
        return Hold.onPrepare(sql -> {
            String text = sql.trim().toLowerCase(Locale.ROOT);
            return (text.startsWith("insert") || text.startsWith("merge"))
                    && text.replace("\"", "").replace("`", "").matches("(?s).*\\b" + table + "\\b.*");
        });
    }

    /** Both stores hold A's write (qty 7, the latest of key 1), or key 1 is recorded; key 3 is equal or recorded. */
    private static void assertLatestWriteOrRecorded(TestDatabase oldDb, TestDatabase newDb,
                                                    InMemoryChangeLog changeLog) {
        List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
        List<Map<String, String>> news = Rows.of(newDb,
                "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
        Set<String> recorded = recordedKeys(changeLog);
        if (!recorded.contains(KeyCodec.encode(List.of(1L)))) {
            assertThat(olds.get(0)).as("key 1, old store, not recorded (change log %s)", recorded)
                    .isEqualTo(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7));
            assertThat(news.get(0)).as("key 1, new store, not recorded (change log %s)", recorded)
                    .isEqualTo(olds.get(0));
        }
        if (!recorded.contains(KeyCodec.encode(List.of(3L)))) {
            assertThat(news.get(1)).as("key 3, not recorded (change log %s)", recorded).isEqualTo(olds.get(1));
        }
    }

    private static Set<String> recordedKeys(InMemoryChangeLog changeLog) {
        return changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** One application instance: its own switch cache on a ticker the test moves, its mirrors and data source. */
    private static final class Instance implements AutoCloseable {
        final AtomicLong nanos = new AtomicLong();
        final Switchboard switchboard;
        final MirrorExecutor toNew;
        final MirrorExecutor toOld;
        final DualWriteDataSource dataSource;

        Instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog,
                 SwitchStore switches, @Nullable Hold holdOnNew) {
            this(name, oldDb, newDb, changeLog, switches, holdOnNew, null);
        }

        /** With {@code pins}, pinning on and the order id in column {@code id}. */
        Instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog,
                 SwitchStore switches, @Nullable Hold holdOnNew, @Nullable OrderPinStore pins) {
            Switchboard.Builder builder = Switchboard.builder().switchStore(switches).refreshInterval(REFRESH)
                    .ticker((Ticker) nanos::get);
            if (pins == null) {
                builder.migration(MigrationSwitchConfig.of(MIGRATION));
            } else {
                builder.orderPinStore(pins).migration(MigrationSwitchConfig.builder(MIGRATION).pinning(true).build());
            }
            switchboard = builder.build();
            DataSource newDataSource = holdOnNew == null ? newDb.dataSource()
                    : Intercepting.dataSource(newDb.dataSource(), holdOnNew);
            // a time limit no member reaches: a sync timed out is recorded, and the member would hold by it
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.ASYNC).lanes(1).timeLimit(Duration.ofSeconds(60))
                    .build();
            toNew = MirrorExecutors.create("break27b-" + name + "-to-new", config, changeLog, event -> { });
            toOld = MirrorExecutors.create("break27b-" + name + "-to-old", config, changeLog, event -> { });
            dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDataSource)
                    .migration(MIGRATION).resolver(switchboard)
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                    .changeLog(changeLog).mapping(pins == null ? ORDERS : PINNED_ORDERS).build();
        }

        /** Moves this instance's ticker past its refresh interval: its next read of the switches loads them. */
        void refresh() {
            nanos.addAndGet(REFRESH.multipliedBy(2).toNanos());
        }

        void write(String sql) throws Exception {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate(sql);
            }
        }

        void awaitIdle() throws InterruptedException {
            assertThat(toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
        }

        @Override
        public void close() {
            toNew.close();
            toOld.close();
        }
    }
}
