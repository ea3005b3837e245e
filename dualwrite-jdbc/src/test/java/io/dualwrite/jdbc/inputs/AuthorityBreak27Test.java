package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.AuthorityInstances.recordedKeys;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.DualWriter;
import io.dualwrite.KeyedStore;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.inputs.AuthorityInstances.Accounts;
import io.dualwrite.jdbc.inputs.AuthorityInstances.Instance;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round 27, authority moves, what round 26 left: the authority moves and moves back while one sync of a stale
 * instance runs (ABA), so that its check before the commit sees the phase it resolved at both ends. Two
 * {@link DualWriteDataSource}s over one switch table, instance B's cache on a ticker the test holds still, a latch on
 * B's copy into the other store. Every test ends comparing both stores row by row with plain JDBC: a member holds when
 * both stores hold the latest write of the key, or the key is recorded in the change log.
 */
class AuthorityBreak27Test {

    private static final String MIGRATION = AuthorityInstances.MIGRATION;
    private static final Duration REFRESH = AuthorityInstances.REFRESH;
    /** This class's instances' mirrors. */
    private static final MirrorConfig MIRRORS = MirrorConfig.custom().mode(MirrorMode.ASYNC).lanes(1).build();

    /**
     * A move across the authority and back while B's sync runs. B writes under {@code before}; the operator moves the
     * system switch (or sets merchant m-1's own switch) to {@code middle}, where A writes the key in the store then
     * authoritative, and moves it back (or clears the merchant switch). A middle phase that mirrors nothing leaves no
     * sync of A's to notice the move back.
     */
    enum Aba {
        SYSTEM_THROUGH_NEW_ONLY(MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_ONLY, false),
        SYSTEM_THROUGH_OLD_ONLY(MigrationPhase.NEW_PRIMARY, MigrationPhase.OLD_ONLY, false),
        MERCHANT_SET_AND_CLEARED_NEW_ONLY(MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_ONLY, true),
        MERCHANT_SET_AND_CLEARED_NEW_PRIMARY(MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_PRIMARY, true);

        final MigrationPhase before;
        final MigrationPhase middle;
        final boolean merchant;

        Aba(MigrationPhase before, MigrationPhase middle, boolean merchant) {
            this.before = before;
            this.middle = middle;
            this.merchant = merchant;
        }

        /** The store B's sync writes, authoritative in the middle phase. */
        Store target() {
            return middle.authoritative();
        }

        void moveThere(SwitchStore switches) {
            if (merchant) {
                switches.setMerchantPhase(MIGRATION, "m-1", middle);
            } else {
                switches.setSystemPhase(MIGRATION, middle);
            }
        }

        void moveBack(SwitchStore switches) {
            if (merchant) {
                switches.setMerchantPhase(MIGRATION, "m-1", null);
            } else {
                switches.setSystemPhase(MIGRATION, before);
            }
        }
    }

    static Stream<Arguments> abas() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (Aba aba : Aba.values()) {
                members.add(Arguments.of(kind, aba));
            }
        }
        return members.stream();
    }

    // (1) ABA inside one sync. B (stale, its cache in the phase before) updates key 1 in the store authoritative before
    // the move; its sync has read the row and is held just before it writes the other store; the operator moves the
    // authority to the other store, A (past the move) updates key 1 there, the operator moves it back; B's sync goes
    // on. Its check compares the phase it resolved with the switches as stored now: the same at both ends.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("abas")
    void aMoveAndItsReturnDuringOneSyncNeverLoseTheWriteMadeBetweenUnrecorded(Kind kind, Aba aba) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            String table = aba.target() == Store.NEW ? "orders_v2" : "orders";
            Hold hold = Hold.onPrepare(sql -> {
                String text = sql.trim().toLowerCase(Locale.ROOT);
                return (text.startsWith("insert") || text.startsWith("merge"))
                        && text.replace("\"", "").replace("`", "").matches("(?s).*\\b" + table + "\\b.*");
            });
            try (Instance a = instance("a", oldDb, newDb, changeLog, false, null, null);
                 Instance b = instance("b", oldDb, newDb, changeLog, true, aba.target(), hold)) {
                SwitchStore switches = a.switchboard.switchStore();
                switches.setSystemPhase(MIGRATION, aba.before);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3"); // B reads the switches: the phase before
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                aba.moveThere(switches);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.awaitIdle();
                aba.moveBack(switches);
                hold.release();
                b.awaitIdle();
                a.awaitIdle();
            }
            assertLatestWriteOrRecorded(oldDb, newDb, changeLog);
        }
    }

    // (1c) ABA while B's mirror waits in its queue: B's sync of key 3 is held before its upsert into the new store and
    // B's update of key 1 queues behind it on the one lane; the operator moves the system switch DUAL_WRITE -> NEW_ONLY,
    // A updates key 1 in the new store (nothing mirrored), the operator moves it back; the queue goes on. Key 1's sync
    // starts after the return and resolves from B's cache, which never saw the move: its check before the commit sees
    // the phase it resolved. Key 3's sync spans the moves too: recorded or copied, both stores must end equal for it.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMoveAndItsReturnWhileTheMirrorIsQueuedNeverLoseTheWriteMadeBetweenUnrecorded(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            Hold hold = Hold.onPrepare(sql -> {
                String text = sql.trim().toLowerCase(Locale.ROOT);
                return (text.startsWith("insert") || text.startsWith("merge"))
                        && text.replace("\"", "").replace("`", "").matches("(?s).*\\borders_v2\\b.*");
            });
            try (Instance a = instance("a", oldDb, newDb, changeLog, false, null, null);
                 Instance b = instance("b", oldDb, newDb, changeLog, true, Store.NEW, hold)) {
                SwitchStore switches = a.switchboard.switchStore();
                switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3");
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 4 WHERE id = 3");
                hold.awaitReached();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1"); // its mirror waits behind key 3's
                switches.setSystemPhase(MIGRATION, MigrationPhase.NEW_ONLY);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.awaitIdle();
                switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                hold.release();
                b.awaitIdle();
                a.awaitIdle();
            }
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
    }

    // (2) ABA in the state form: B (stale, DUAL_WRITE) writeStates key a-1 in the old store; its async sync has read the
    // key and waits (a latch in the test's KeyedStore read); the operator moves the system switch to NEW_ONLY, A
    // writeStates a-1 in the new store (nothing mirrored), the operator moves it back; B's sync goes on. Its last look
    // (round 26) reads the switches as stored now: the phase it wrote under.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aStateSyncAcrossAMoveAndItsReturnNeverLosesTheWriteMadeBetweenUnrecorded(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE accounts (id VARCHAR(20) PRIMARY KEY, balance INT)",
                        "INSERT INTO accounts (id, balance) VALUES ('a-1', 1)");
            }
            AtomicLong bNanos = new AtomicLong();
            Switchboard aBoard = Switchboard.builder().switchStore(JdbcSwitchStore.create(oldDb.dataSource()))
                    .refreshInterval(REFRESH).migration(MigrationSwitchConfig.of(MIGRATION)).build();
            Switchboard bBoard = Switchboard.builder().switchStore(JdbcSwitchStore.create(oldDb.dataSource()))
                    .refreshInterval(REFRESH).ticker((Ticker) bNanos::get)
                    .migration(MigrationSwitchConfig.of(MIGRATION)).build();
            Accounts aOld = new Accounts(oldDb);
            Accounts aNew = new Accounts(newDb);
            Accounts bOld = new Accounts(oldDb);
            Accounts bNew = new Accounts(newDb);
            MirrorConfig async = MirrorConfig.custom().mode(MirrorMode.ASYNC).build();
            MigrationContext context = MigrationContext.forMigration(MIGRATION).merchantId("m-1").build();
            RowRef row = new RowRef("accounts", "a-1", Operation.UPSERT);
            try (DualWriter a = DualWriter.builder().resolver(aBoard).changeLog(changeLog).mirrorConfig(async).build();
                 DualWriter b = DualWriter.builder().resolver(bBoard).changeLog(changeLog).mirrorConfig(async)
                         .build()) {
                aBoard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                assertThat(b.phaseOf(context)).isEqualTo(MigrationPhase.DUAL_WRITE);

                bOld.holdAfterNextRead();
                b.writeState(context, row, store -> {
                    (store == Store.OLD ? bOld : bNew).upsert("a-1", 2);
                    return null;
                }, StateSync.of(bOld, bNew));
                assertThat(bOld.held.await(60, TimeUnit.SECONDS)).isTrue();
                aBoard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.NEW_ONLY);
                a.writeState(context, row, store -> {
                    (store == Store.OLD ? aOld : aNew).upsert("a-1", 7);
                    return null;
                }, StateSync.of(aOld, aNew));
                assertThat(a.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                aBoard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                bOld.release.countDown();
                assertThat(b.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, balance FROM accounts ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb, "SELECT id, balance FROM accounts ORDER BY id");
            if (!recordedKeys(changeLog).contains("a-1")) {
                assertThat(news).as("new store, a-1 not recorded").containsExactly(
                        Rows.expected("id", "a-1", "balance", 7));
                assertThat(olds).as("old store, a-1 not recorded").isEqualTo(news);
            }
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB);
    }

    // (1b) What the count must not flag: a move that keeps the authority (DUAL_WRITE -> SHADOW_READ, the system switch
    // set again to its phase, and a merchant switch of another merchant set and cleared) while B's sync is held. B's
    // value is copied as before, nothing recorded: the count grows only with a change that may move a scope's
    // authority, and per merchant.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMoveThatKeepsTheAuthorityDuringOneSyncIsCopiedAsBeforeAndNotRecorded(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            Hold hold = Hold.onPrepare(sql -> {
                String text = sql.trim().toLowerCase(Locale.ROOT);
                return (text.startsWith("insert") || text.startsWith("merge"))
                        && text.replace("\"", "").replace("`", "").matches("(?s).*\\borders_v2\\b.*");
            });
            try (Instance b = instance("b", oldDb, newDb, changeLog, true, Store.NEW, hold)) {
                SwitchStore switches = JdbcSwitchStore.create(oldDb.dataSource());
                switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 4 WHERE id = 3");
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                switches.setSystemPhase(MIGRATION, MigrationPhase.SHADOW_READ);
                switches.setSystemPhase(MIGRATION, MigrationPhase.SHADOW_READ);
                switches.setMerchantPhase(MIGRATION, "m-2", MigrationPhase.NEW_ONLY);
                switches.setMerchantPhase(MIGRATION, "m-2", null);
                hold.release();
                b.awaitIdle();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(olds).containsExactly(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 2),
                    Rows.expected("id", 3, "merchant_id", "m-2", "qty", 4));
            assertThat(news).isEqualTo(olds);
            assertThat(recordedKeys(changeLog)).isEmpty();
        }
    }

    /** Both stores hold A's write (qty 7, the latest of key 1), or key 1 is recorded; key 3 is equal in both. */
    private static void assertLatestWriteOrRecorded(TestDatabase oldDb, TestDatabase newDb,
                                                    InMemoryChangeLog changeLog) {
        List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
        List<Map<String, String>> news = Rows.of(newDb,
                "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
        Set<String> recorded = recordedKeys(changeLog);
        if (!recorded.contains(KeyCodec.encode(List.of(1L)))) {
            assertThat(olds).as("old store, key 1 not recorded (change log %s)", recorded).containsExactly(
                    Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7),
                    Rows.expected("id", 3, "merchant_id", "m-2", "qty", 3));
            assertThat(news).as("new store, key 1 not recorded (change log %s)", recorded).isEqualTo(olds);
        } else {
            assertThat(news.get(1)).as("key 3, new store").isEqualTo(olds.get(1));
        }
    }

    /** An application instance of this class (its own switch cache, mirrors and data source). */
    private static Instance instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog,
                                     boolean heldTicker, @Nullable Store heldTarget, @Nullable Hold hold) {
        return new Instance("break27-" + name, oldDb, newDb, changeLog, JdbcSwitchStore.create(oldDb.dataSource()), MIRRORS,
                heldTicker, heldTarget, hold);
    }
}
