package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
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
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
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
 * Round 27, authority moves, what round 26 left: the authority moves and moves back while one sync of a stale
 * instance runs (ABA), so that its check before the commit sees the phase it resolved at both ends. Two
 * {@link DualWriteDataSource}s over one switch table, instance B's cache on a ticker the test holds still, a latch on
 * B's copy into the other store. Every test ends comparing both stores row by row with plain JDBC: a member holds when
 * both stores hold the latest write of the key, or the key is recorded in the change log.
 */
class AuthorityBreak27Test {

    private static final String MIGRATION = "orders";
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

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
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, false, null, null);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, true, aba.target(), hold)) {
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

    /** One application instance: its own switch cache (on its own ticker when held), mirrors and data source. */
    private static final class Instance implements AutoCloseable {
        final AtomicLong nanos = new AtomicLong();
        final Switchboard switchboard;
        final MirrorExecutor toNew;
        final MirrorExecutor toOld;
        final DualWriteDataSource dataSource;

        Instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog,
                 boolean heldTicker, @Nullable Store heldTarget, @Nullable Hold hold) {
            Switchboard.Builder builder = Switchboard.builder()
                    .switchStore(JdbcSwitchStore.create(oldDb.dataSource())).refreshInterval(REFRESH)
                    .migration(MigrationSwitchConfig.of(MIGRATION));
            if (heldTicker) {
                builder.ticker((Ticker) nanos::get);
            }
            switchboard = builder.build();
            DataSource oldDataSource = oldDb.dataSource();
            DataSource newDataSource = newDb.dataSource();
            if (heldTarget == Store.OLD) {
                oldDataSource = Intercepting.dataSource(oldDataSource, hold);
            } else if (heldTarget == Store.NEW) {
                newDataSource = Intercepting.dataSource(newDataSource, hold);
            }
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.ASYNC).build();
            toNew = MirrorExecutors.create("break27-" + name + "-to-new", config, changeLog, event -> { });
            toOld = MirrorExecutors.create("break27-" + name + "-to-old", config, changeLog, event -> { });
            dataSource = DualWriteDataSource.builder().oldDataSource(oldDataSource).newDataSource(newDataSource)
                    .migration(MIGRATION).resolver(switchboard)
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                    .changeLog(changeLog).mapping(ORDERS).build();
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

    private static Set<String> recordedKeys(InMemoryChangeLog changeLog) {
        return changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
