package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

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
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.FastPolls;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round 22, second instances and the switch-refresh window: two application instances (two
 * {@link DualWriteDataSource}s, each with its own switchboard and switch cache) on one pair of stores and one
 * {@code dualwrite_switch} table. Instance A moves a switch so that mirroring starts; instance B has not refreshed its
 * cache yet (its cache runs on a ticker the test holds still, as a cache inside its refresh interval is), so its
 * writes are neither mirrored nor recorded. A backfill (or a verification) started in that window may read a row
 * before B's write lands, and B's write is then in the old store only, with nothing in the change log. Each test ends
 * comparing both stores row by row with plain JDBC.
 */
class SwitchWindowBreak22Test {

    private static final String MIGRATION = "orders";
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    /** One application instance: its own switch cache (on its own ticker), mirrors and data source. */
    private static final class Instance implements AutoCloseable {
        final AtomicLong nanos = new AtomicLong();
        final Switchboard switchboard;
        final MirrorExecutor toNew;
        final MirrorExecutor toOld;
        final DualWriteDataSource dataSource;

        Instance(TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog, boolean heldTicker) {
            Switchboard.Builder builder = Switchboard.builder()
                    .switchStore(JdbcSwitchStore.create(oldDb.dataSource())).refreshInterval(REFRESH)
                    .migration(MigrationSwitchConfig.of(MIGRATION));
            if (heldTicker) {
                builder.ticker((Ticker) nanos::get);
            }
            switchboard = builder.build();
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).build();
            toNew = MirrorExecutors.create("break22-to-new", config, changeLog, event -> { });
            toOld = MirrorExecutors.create("break22-to-old", config, changeLog, event -> { });
            dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).migration(MIGRATION).resolver(switchboard)
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                    .changeLog(changeLog).mapping(ORDERS).build();
        }

        /** This instance's cache reaches its refresh interval: its next read loads the switches again. */
        void refresh() {
            nanos.addAndGet(REFRESH.toNanos() * 2);
        }

        void write(@Nullable String merchant, String sql) throws Exception {
            MigrationContext.Builder context = MigrationContext.forMigration(MIGRATION);
            if (merchant != null) {
                context.merchantId(merchant);
            }
            try (MigrationContext.Scope scope = context.open(); Connection connection = dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate(sql);
            }
        }

        @Override
        public void close() {
            toNew.close();
            toOld.close();
        }
    }

    /** Two stores, the library's tables in the old one, three rows of merchant m-1 and one of m-2. */
    private static void prepare(TestDatabase oldDb, TestDatabase newDb) throws Exception {
        DualWriteSchema.create(oldDb.dataSource());
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (2, 'm-1', 2), (3, 'm-2', 3)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)");
    }

    /** Moves every switch change made so far an hour into the past, as if the switches were set long ago. */
    private static void ageSwitches(TestDatabase oldDb) throws Exception {
        try (Connection connection = oldDb.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE dualwrite_switch SET updated_at = ?")) {
            update.setObject(1, LocalDateTime.of(2020, 1, 1, 0, 0));
            update.executeUpdate();
        }
    }

    private static BackfillJob backfill(Instance instance, BackfillScope scope) {
        return BackfillJob.builder().migration(MIGRATION).oldDataSource(instance.dataSource.dataSource(Store.OLD))
                .newDataSource(instance.dataSource.dataSource(Store.NEW)).mapping(ORDERS).scope(scope)
                .rowCopier(instance.dataSource.rowCopier()).build();
    }

    /** Runs the backfill once it is allowed to start (at most 10 s), as an operator retrying it would. */
    private static void backfillOnceAllowed(Instance instance, BackfillScope scope) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptionsInstanceOf(
                IllegalStateException.class).until(() -> backfill(instance, scope).run().complete());
    }

    private static void assertStoresEqual(TestDatabase oldDb, TestDatabase newDb, String where,
                                          InMemoryChangeLog changeLog) {
        List<Map<String, String>> oldRows = Rows.of(oldDb,
                "SELECT id, merchant_id, qty FROM orders" + where + " ORDER BY id");
        List<Map<String, String>> newRows = Rows.of(newDb,
                "SELECT id, merchant_id, quantity AS qty FROM orders_v2" + where + " ORDER BY id");
        assertThat(newRows).as("new store against old store; change log %s",
                changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::toString).toList())
                .isEqualTo(oldRows);
    }

    /**
     * Runs a backfill inside the window and returns what it threw: before the fix it ran, and the stale instance's
     * writes after its read were lost (the comparison at the end fails); since, it is refused.
     */
    private static @Nullable Throwable backfillInTheWindow(Instance a, BackfillScope scope) {
        return catchThrowable(() -> backfill(a, scope).run());
    }

    private static void assertRefusedNaming(@Nullable Throwable refusal, String switchNamed) {
        assertThat(refusal).isInstanceOf(IllegalStateException.class).hasMessageContaining(switchNamed)
                .hasMessageContaining("changed at").hasMessageContaining("may start at")
                .hasMessageContaining("refresh interval");
    }

    // System OLD_ONLY -> DUAL_WRITE made by A; a whole-table backfill at once; B (stale) updates a row and inserts one
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void backfillRightAfterASystemFlipNeverLosesAStaleInstancesWrite(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.OLD_ONLY);
                ageSwitches(oldDb);
                b.write(null, "UPDATE orders SET qty = 10 WHERE id = 2"); // B reads the switches: OLD_ONLY
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);

                Throwable refused = backfillInTheWindow(a, BackfillScope.wholeTable());
                b.write(null, "UPDATE orders SET qty = 11 WHERE id = 1");
                b.write(null, "INSERT INTO orders (id, merchant_id, qty) VALUES (4, 'm-2', 4)");
                b.refresh();
                b.write(null, "UPDATE orders SET qty = 12 WHERE id = 3"); // mirrored now
                backfillOnceAllowed(a, BackfillScope.wholeTable());

                assertStoresEqual(oldDb, newDb, "", changeLog);
                assertRefusedNaming(refused, "SYSTEM");
            }
        }
    }

    // Merchant m-1 OLD_ONLY -> DUAL_WRITE by A; the merchant's backfill at once; B updates m-1's row
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void backfillRightAfterAMerchantFlipNeverLosesAStaleInstancesWrite(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.OLD_ONLY);
                ageSwitches(oldDb);
                b.write("m-1", "UPDATE orders SET qty = 10 WHERE id = 2");
                a.switchboard.switchStore().setMerchantPhase(MIGRATION, "m-1", MigrationPhase.DUAL_WRITE);

                // another merchant's backfill is not held by m-1's move (held: the wait is by scope)
                assertThat(backfill(a, BackfillScope.merchant("m-2")).run().complete()).isTrue();
                Throwable refused = backfillInTheWindow(a, BackfillScope.merchant("m-1"));
                Throwable refused2 = backfillInTheWindow(a, BackfillScope.wholeTable());
                b.write("m-1", "UPDATE orders SET qty = 11 WHERE id = 1");
                b.refresh();
                backfillOnceAllowed(a, BackfillScope.merchant("m-1"));

                assertStoresEqual(oldDb, newDb, " WHERE merchant_id = 'm-1'", changeLog);
                assertRefusedNaming(refused, "MERCHANT switch 'm-1'");
                assertRefusedNaming(refused2, "MERCHANT switch 'm-1'");
            }
        }
    }

    // m-1 held at OLD_ONLY by its own switch under a system DUAL_WRITE, both set long ago; A clears m-1's switch,
    // which starts its mirroring without a row left to carry the change's time
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void backfillRightAfterAMerchantSwitchIsClearedNeverLosesAStaleInstancesWrite(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                a.switchboard.switchStore().setMerchantPhase(MIGRATION, "m-1", MigrationPhase.OLD_ONLY);
                ageSwitches(oldDb);
                b.write("m-1", "UPDATE orders SET qty = 10 WHERE id = 2");
                a.switchboard.switchStore().setMerchantPhase(MIGRATION, "m-1", null);

                Throwable refused = backfillInTheWindow(a, BackfillScope.merchant("m-1"));
                b.write("m-1", "UPDATE orders SET qty = 11 WHERE id = 1");
                b.refresh();
                backfillOnceAllowed(a, BackfillScope.merchant("m-1"));

                assertStoresEqual(oldDb, newDb, " WHERE merchant_id = 'm-1'", changeLog);
                assertRefusedNaming(refused, "MERCHANT switch 'm-1'");
            }
        }
    }

    // system DUAL_WRITE under a rule sending every merchant to OLD_ONLY, both long ago; A replaces the rules with none
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void backfillRightAfterTheRulesAreRemovedNeverLosesAStaleInstancesWrite(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                a.switchboard.switchStore().setRules(MIGRATION,
                        List.of(SwitchRule.merchantPercentage(100, MigrationPhase.OLD_ONLY)));
                ageSwitches(oldDb);
                b.write("m-1", "UPDATE orders SET qty = 10 WHERE id = 2");
                a.switchboard.switchStore().setRules(MIGRATION, List.of());

                Throwable refused = backfillInTheWindow(a, BackfillScope.merchant("m-1"));
                b.write("m-1", "UPDATE orders SET qty = 11 WHERE id = 1");
                b.refresh();
                backfillOnceAllowed(a, BackfillScope.merchant("m-1"));

                assertStoresEqual(oldDb, newDb, " WHERE merchant_id = 'm-1'", changeLog);
                assertRefusedNaming(refused, "rules");
            }
        }
    }

    // a verification used as the phase gate, started in the window: the new table is empty and so is the old one's
    // merchant m-3, so it found nothing; B's insert after it was then in the old store only
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void verificationRightAfterAFlipIsRefusedUntilEveryInstanceSawIt(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.OLD_ONLY);
                ageSwitches(oldDb);
                b.write("m-3", "UPDATE orders SET qty = 10 WHERE id = 2");
                a.switchboard.switchStore().setMerchantPhase(MIGRATION, "m-3", MigrationPhase.DUAL_WRITE);

                Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).changeLog(changeLog).resolver(a.switchboard).build();
                VerificationJob job = VerificationJob.builder(MIGRATION).table(ORDERS).merchant("m-3").build();
                assertThatThrownBy(() -> verifier.verify(job)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("MERCHANT switch 'm-3'").hasMessageContaining("may start at");
                b.write("m-3", "INSERT INTO orders (id, merchant_id, qty) VALUES (5, 'm-3', 5)");
                b.refresh();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .ignoreExceptionsInstanceOf(IllegalStateException.class)
                        .until(() -> verifier.verify(job) != null);
                assertThat(verifier.verify(job).clean()).as("the verification finds B's insert").isFalse();
                backfillOnceAllowed(a, BackfillScope.merchant("m-3"));

                assertStoresEqual(oldDb, newDb, " WHERE merchant_id = 'm-3'", changeLog);
            }
        }
    }
    /** How many sessions of {@code db} wait for a row lock now. */
    private static long lockWaits(TestDatabase db) {
        return db.kind() == Kind.POSTGRES
                ? db.count("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                : db.count("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'");
    }

    /**
     * What an operator does with the entries left: copies every key either store holds from {@code from} through the
     * data source's own copier (a whole-table resync), then completes the entries.
     */
    private static void resolveRecorded(Instance instance, Store from, TestDatabase oldDb, TestDatabase newDb,
                                        InMemoryChangeLog changeLog) throws Exception {
        TreeSet<String> keys = new TreeSet<>();
        oldDb.query("SELECT id FROM orders").forEach(row -> keys.add(KeyCodec.encode(new ArrayList<>(row.values()))));
        newDb.query("SELECT id FROM orders_v2").forEach(row -> keys.add(KeyCodec.encode(new ArrayList<>(row.values()))));
        instance.dataSource.rowCopier().sync(from, List.of(new RowCopier.TableKeys(ORDERS, new ArrayList<>(keys),
                null)));
        changeLog.entries().forEach(entry -> changeLog.complete(entry.id()));
    }

    // B resolves an auto-commit update under OLD_ONLY, then waits for a row lock; A flips the system to DUAL_WRITE, B
    // refreshes, the backfill starts once allowed and reads the row; then the lock goes and B's update commits. Before
    // the fix its phase was never asked again in auto-commit: the new store kept the old row, nothing recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void anAutoCommitWriteResolvedBeforeAFlipThatLandsAfterTheBackfillReadIsRecorded(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                 Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.OLD_ONLY);
                ageSwitches(oldDb);
                b.write(null, "UPDATE orders SET qty = 10 WHERE id = 2");
                Future<?> late;
                try (Connection lock = oldDb.dataSource().getConnection()) {
                    lock.setAutoCommit(false);
                    try (Statement statement = lock.createStatement()) {
                        statement.executeUpdate("UPDATE orders SET qty = qty WHERE id = 1");
                    }
                    late = writer.submit(() -> {
                        b.write(null, "UPDATE orders SET qty = 11 WHERE id = 1");
                        return null;
                    });
                    await().atMost(Duration.ofSeconds(60)).pollDelay(FastPolls.INNODB_TRX_POLL).pollInterval(FastPolls.INNODB_TRX_POLL)
                            .until(() -> lockWaits(oldDb) > 0);
                    a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                    b.refresh();
                    backfillOnceAllowed(a, BackfillScope.wholeTable());
                    lock.commit();
                }
                late.get(60, TimeUnit.SECONDS);

                List<Map<String, String>> oldRows = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
                List<Map<String, String>> newRows = Rows.of(newDb,
                        "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
                if (!newRows.equals(oldRows)) {
                    assertThat(changeLog.entries()).as("the stores differ (old %s, new %s): the change log names it",
                            oldRows, newRows).extracting(entry -> entry.record().table() + " " + entry.record().reason())
                            .contains("orders phase-moved");
                }
                resolveRecorded(a, Store.OLD, oldDb, newDb, changeLog);
                assertStoresEqual(oldDb, newDb, "", changeLog);
            }
        } finally {
            writer.shutdownNow();
        }
    }
    // A moves the system across the authority (or back, or out of mirroring) while B, stale, writes under the phase
    // before: each writes keys of its own (an update, an insert, a delete). Held: every write reached both stores or
    // is in the change log; after B's refresh and the operator's resync of what was recorded, the stores are equal.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void writesOfBothInstancesAcrossEveryFlipOfTheAuthorityReachBothStoresOrTheChangeLog(Kind kind) throws Exception {
        List<MigrationPhase[]> moves = List.of(
                new MigrationPhase[] {MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_PRIMARY},
                new MigrationPhase[] {MigrationPhase.NEW_PRIMARY, MigrationPhase.DUAL_WRITE},
                new MigrationPhase[] {MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY});
        for (MigrationPhase[] move : moves) {
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
                prepare(oldDb, newDb);
                newDb.execute("INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (2, 'm-1', 2),"
                        + " (3, 'm-2', 3)");
                oldDb.execute("INSERT INTO orders (id, merchant_id, qty) VALUES (4, 'm-2', 4), (5, 'm-2', 5)");
                newDb.execute("INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (4, 'm-2', 4), (5, 'm-2', 5)");
                try (Instance a = new Instance(oldDb, newDb, changeLog, false);
                     Instance b = new Instance(oldDb, newDb, changeLog, true)) {
                    a.switchboard.switchStore().setSystemPhase(MIGRATION, move[0]);
                    b.write(null, "UPDATE orders SET qty = 20 WHERE id = 2"); // B reads the switches: move[0]
                    a.switchboard.switchStore().setSystemPhase(MIGRATION, move[1]);

                    a.write(null, "UPDATE orders SET qty = 10 WHERE id = 1");
                    b.write(null, "UPDATE orders SET qty = 30 WHERE id = 3");
                    a.write(null, "INSERT INTO orders (id, merchant_id, qty) VALUES (6, 'm-1', 6)");
                    b.write(null, "INSERT INTO orders (id, merchant_id, qty) VALUES (7, 'm-2', 7)");
                    a.write(null, "DELETE FROM orders WHERE id = 4");
                    b.write(null, "DELETE FROM orders WHERE id = 5");
                    b.refresh();
                    b.write(null, "UPDATE orders SET qty = 21 WHERE id = 2");

                    if (move[1] == MigrationPhase.OLD_ONLY) {
                        // the new store is not kept in OLD_ONLY: the way back is DUAL_WRITE, then a backfill
                        a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                        assertThat(backfillInTheWindow(a, BackfillScope.wholeTable()))
                                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SYSTEM switch");
                        backfillOnceAllowed(a, BackfillScope.wholeTable());
                        // a backfill walks the old table: a delete made in OLD_ONLY leaves the new store's copy, which
                        // the verification (the gate's condition) reports and the repair deletes
                        Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource())
                                .newDataSource(newDb.dataSource()).changeLog(changeLog).resolver(a.switchboard).build();
                        VerificationJob job = VerificationJob.builder(MIGRATION).table(ORDERS).build();
                        VerificationResult found = verifier.verify(job);
                        assertThat(found.clean()).as("the OLD_ONLY delete of key 4 is found").isFalse();
                        Repairer.of(a.dataSource.rowCopier(), verifier).repair(job, found);
                    } else if (!changeLog.entries().isEmpty()) {
                        resolveRecorded(a, move[1] == MigrationPhase.NEW_PRIMARY ? Store.NEW : Store.OLD, oldDb, newDb,
                                changeLog);
                    }
                    assertStoresEqual(oldDb, newDb, "", changeLog);
                }
            }
        }
    }
}
