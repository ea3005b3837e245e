package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.AuthorityInstances.recordedKeys;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
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
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round 26, the authority check, what round 25 left: a custom switch store whose read by ids answers {@code null}, and
 * the state form of {@link DualWriter}, whose copy asked its cached resolver whether the key's authority moved. Two
 * instances over one switch table, instance B's cache on a ticker the test holds still, latches on B's copy. Every test
 * ends comparing both stores row by row with plain JDBC.
 */
class AuthorityCheckBreak26Test {

    private static final String MIGRATION = AuthorityInstances.MIGRATION;
    private static final Duration REFRESH = AuthorityInstances.REFRESH;
    /** This class's instances' mirrors. */
    private static final MirrorConfig MIRRORS = MirrorConfig.custom().mode(MirrorMode.ASYNC).build();

    /** A move across the authority: B stays in {@code before}, A is in {@code after}. */
    enum Move {
        FORWARD(MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_PRIMARY),
        ROLLBACK(MigrationPhase.NEW_PRIMARY, MigrationPhase.DUAL_WRITE);

        final MigrationPhase before;
        final MigrationPhase after;

        Move(MigrationPhase before, MigrationPhase after) {
            this.before = before;
            this.after = after;
        }

        Store target() {
            return after.authoritative();
        }
    }

    static Stream<Arguments> moves() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (Move move : Move.values()) {
                for (boolean delete : new boolean[] {false, true}) {
                    members.add(Arguments.of(kind, move, delete));
                }
            }
        }
        return members.stream();
    }

    // (4) B's switch store is the JDBC store wrapped by the application, and its read by ids (what the check reads)
    // answers null. B (stale) writes key 1 in the store authoritative before the move, its sync is held before it writes
    // the other store, A moves the system switch across the authority and writes key 1, B's sync goes on. Before the fix
    // the check read null as "no switches" (the configured default, OLD_ONLY) and so saw no move where the default's
    // authority is B's (6 of 12 members failed: the forward move on every database, update and delete; A's write lost in
    // both stores, nothing recorded); since, null fails the check like a store that cannot be read.
    @ParameterizedTest(name = "{0} {1} delete={2}")
    @MethodSource("moves")
    void aSwitchStoreWhoseReadByIdsAnswersNullFailsTheCheckInsteadOfAnsweringTheDefault(Kind kind, Move move,
            boolean delete) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            String table = move.target() == Store.NEW ? "orders_v2" : "orders";
            Hold hold = Hold.onPrepare(sql -> {
                String text = sql.trim().toLowerCase(Locale.ROOT);
                return (text.startsWith("insert") || text.startsWith("merge") || text.startsWith("delete"))
                        && text.replace("\"", "").replace("`", "").matches("(?s).*\\b" + table + "\\b.*");
            });
            SwitchStore nullById = new NullByIds(JdbcSwitchStore.create(oldDb.dataSource()), () -> true, () -> false);
            try (Instance a = instance("a", oldDb, newDb, changeLog, JdbcSwitchStore.create(oldDb.dataSource()),
                    false, null, null);
                 Instance b = instance("b", oldDb, newDb, changeLog, nullById, true, move.target(), hold)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, move.before);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3"); // B reads the switches: the phase before
                b.awaitIdle();

                hold.arm();
                b.write(delete ? "DELETE FROM orders WHERE id = 1" : "UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                a.switchboard.switchStore().setSystemPhase(MIGRATION, move.after);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                hold.release();
                b.awaitIdle();
                a.awaitIdle();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(olds).as("old store, change log %s", recordedKeys(changeLog)).containsExactly(
                    Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7),
                    Rows.expected("id", 3, "merchant_id", "m-2", "qty", 3));
            assertThat(news).as("new store, change log %s", recordedKeys(changeLog)).isEqualTo(olds);
            assertThat(recordedKeys(changeLog)).as("B's key, which its sync did not copy")
                    .contains(KeyCodec.encode(List.of(1L)));
        }
    }

    // (3) The state form: B (stale) writes key a-1 with writeState in the store authoritative before the move; its sync
    // has read the key and is held before it writes the other store; A moves the system switch across the authority and
    // writes a-1 with writeState (its own sync copies it); B's sync goes on. Before the fix B's copy asked its cache
    // (the phase before) whether the key's authority moved and replaced A's value (12 of 12 members failed: H2,
    // PostgreSQL, MariaDB; forward and rollback; B's upsert and delete; the stores ended different, nothing recorded);
    // since, it asks the switches as stored now, refuses, and records the key.
    @ParameterizedTest(name = "{0} {1} delete={2}")
    @MethodSource("moves")
    void aStateSyncOfAStaleInstanceAsksTheStoredSwitchesBeforeItWrites(Kind kind, Move move, boolean delete)
            throws Exception {
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
            StateSync<Integer> aSync = StateSync.of(aOld, aNew);
            StateSync<Integer> bSync = StateSync.of(bOld, bNew);
            MirrorConfig async = MirrorConfig.custom().mode(MirrorMode.ASYNC).build();
            MigrationContext context = MigrationContext.forMigration(MIGRATION).merchantId("m-1").build();
            RowRef row = new RowRef("accounts", "a-1", Operation.UPSERT);
            try (DualWriter a = DualWriter.builder().resolver(aBoard).changeLog(changeLog).mirrorConfig(async).build();
                 DualWriter b = DualWriter.builder().resolver(bBoard).changeLog(changeLog).mirrorConfig(async)
                         .build()) {
                aBoard.switchStore().setSystemPhase(MIGRATION, move.before);
                assertThat(b.phaseOf(context)).isEqualTo(move.before); // B reads the switches: the phase before

                Accounts bSource = move.before.authoritative() == Store.OLD ? bOld : bNew;
                bSource.holdAfterNextRead();
                b.writeState(context, row, store -> {
                    Accounts in = store == Store.OLD ? bOld : bNew;
                    if (delete) {
                        in.delete("a-1");
                    } else {
                        in.upsert("a-1", 2);
                    }
                    return null;
                }, bSync);
                assertThat(bSource.held.await(60, TimeUnit.SECONDS)).isTrue();
                aBoard.switchStore().setSystemPhase(MIGRATION, move.after);
                a.writeState(context, row, store -> {
                    (store == Store.OLD ? aOld : aNew).upsert("a-1", 7);
                    return null;
                }, aSync);
                assertThat(a.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                bSource.release.countDown();
                assertThat(b.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, balance FROM accounts ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb, "SELECT id, balance FROM accounts ORDER BY id");
            assertThat(olds).as("old store, change log %s", recordedKeys(changeLog))
                    .containsExactly(Rows.expected("id", "a-1", "balance", 7));
            assertThat(news).as("new store, change log %s", recordedKeys(changeLog)).isEqualTo(olds);
            assertThat(recordedKeys(changeLog)).as("B's key, which its sync did not copy").contains("a-1");
        }
    }

    // (2) The phase moves across the authority and back while B's sync runs (DUAL_WRITE -> NEW_PRIMARY -> DUAL_WRITE).
    // Round 26 left it open: B's check compared equal authorities and committed B's value over A's write made in
    // between (both stores ended holding B's value, the key recorded by A's own sync). Since round 27 B's check also
    // compares the count of authority moves, refuses, and records the key; A's write stays in the new store (A's own
    // sync, after the move back, refuses too): the stores differ on key 1, recorded, and key 3 is equal.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMoveAndItsRollbackDuringOneSyncLeaveTheKeyRecorded(Kind kind) throws Exception {
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
            try (Instance a = instance("a", oldDb, newDb, changeLog, JdbcSwitchStore.create(oldDb.dataSource()),
                    false, null, null);
                 Instance b = instance("b", oldDb, newDb, changeLog, JdbcSwitchStore.create(oldDb.dataSource()),
                         true, Store.NEW, hold)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                b.write("UPDATE orders SET qty = 3 WHERE id = 3");
                b.awaitIdle();

                hold.arm();
                b.write("UPDATE orders SET qty = 2 WHERE id = 1");
                hold.awaitReached();
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.NEW_PRIMARY);
                a.write("UPDATE orders SET qty = 7 WHERE id = 1");
                a.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                hold.release();
                b.awaitIdle();
                a.awaitIdle();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(recordedKeys(changeLog)).as("old %s, new %s", olds, news)
                    .contains(KeyCodec.encode(List.of(1L)));
            assertThat(news).as("new store: A's write kept, change log %s", recordedKeys(changeLog)).containsExactly(
                    Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7),
                    Rows.expected("id", 3, "merchant_id", "m-2", "qty", 3));
            assertThat(olds.get(1)).as("key 3, old store").isEqualTo(news.get(1));
        }
    }

    // (4) on the cached path: the application's switch store answers null from load(migration) once its cache refreshes
    // (system NEW_PRIMARY stored). Before the fix the cache read null as "no switches", so the instance fell to the
    // configured default OLD_ONLY and wrote the old store alone, unmirrored, nothing recorded (3 of 3 failed: H2,
    // PostgreSQL, MariaDB); since, null is a failed read and the cache keeps NEW_PRIMARY.
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aSwitchStoreWhoseLoadAnswersNullKeepsTheLastKnownSwitches(Kind kind) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (3, 'm-2', 3)");
            AtomicBoolean answerNull = new AtomicBoolean();
            SwitchStore store = new NullByIds(JdbcSwitchStore.create(oldDb.dataSource()), () -> false, answerNull::get);
            try (Instance b = instance("b", oldDb, newDb, changeLog, store, true, null, null)) {
                b.switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.NEW_PRIMARY);
                b.write("UPDATE orders SET qty = 4 WHERE id = 3"); // the cache holds NEW_PRIMARY
                b.awaitIdle();
                answerNull.set(true);
                b.nanos.addAndGet(REFRESH.toNanos() * 2);
                b.write("UPDATE orders SET qty = 7 WHERE id = 1");
                b.awaitIdle();
            }
            List<Map<String, String>> olds = Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
            List<Map<String, String>> news = Rows.of(newDb,
                    "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(news).as("new store, change log %s", recordedKeys(changeLog)).containsExactly(
                    Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7),
                    Rows.expected("id", 3, "merchant_id", "m-2", "qty", 4));
            assertThat(olds).as("old store, change log %s", recordedKeys(changeLog)).isEqualTo(news);
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB);
    }

    /** The application's wrapper of the JDBC store, whose reads (by ids, or every switch) answer null when told. */
    private static final class NullByIds implements SwitchStore {
        private final SwitchStore store;
        private final java.util.function.BooleanSupplier byIdsNull;
        private final java.util.function.BooleanSupplier allNull;

        NullByIds(SwitchStore store, java.util.function.BooleanSupplier byIdsNull,
                  java.util.function.BooleanSupplier allNull) {
            this.store = store;
            this.byIdsNull = byIdsNull;
            this.allNull = allNull;
        }

        @Override
        public @Nullable SwitchSettings load(String migration) {
            return allNull.getAsBoolean() ? null : store.load(migration);
        }

        @Override
        public @Nullable SwitchSettings load(String migration, Set<String> merchantIds, Set<String> orderIds) {
            return byIdsNull.getAsBoolean() ? null : store.load(migration, merchantIds, orderIds);
        }

        @Override
        public void setSystemPhase(String migration, MigrationPhase phase) {
            store.setSystemPhase(migration, phase);
        }

        @Override
        public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
            store.setMerchantPhase(migration, merchantId, phase);
        }

        @Override
        public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
            store.setOrderPhase(migration, orderId, phase);
        }

        @Override
        public void setRules(String migration, List<SwitchRule> rules) {
            store.setRules(migration, rules);
        }
    }

    /** An application instance of this class (its own switch cache, mirrors and data source). */
    private static Instance instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog,
                                     SwitchStore store, boolean heldTicker, @Nullable Store heldTarget,
                                     @Nullable Hold hold) {
        return new Instance("break26-" + name, oldDb, newDb, changeLog, store, MIRRORS, heldTicker, heldTarget, hold);
    }
}
