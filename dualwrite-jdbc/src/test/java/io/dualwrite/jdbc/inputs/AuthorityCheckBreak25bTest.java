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
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
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
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round 25b, the authority check attacked: the check a sync makes before its commit (round 25) reads the switches as
 * stored now and resolves its rows' phases from them with the order pins. Here the move across the authority is an
 * order's pin (an operator's repin), and the check's read of the pin store fails (the pin store's connection is lost
 * while B's sync is held). Every test ends comparing both stores row by row with plain JDBC.
 */
class AuthorityCheckBreak25bTest {

    private static final String MIGRATION = "orders";
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").orderIdColumn("id").merchantIdColumn("merchant_id").build();

    /** A move of an order's pin across the authority: B resolved under {@code before}, A writes under {@code after}. */
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

    /** How the operator moves the pin of order k: the order's own, or every pin of its merchant m-1. */
    enum Repin {
        ORDER, MERCHANT
    }

    /** What B does to key k (order k) in its store; A then writes k in the other store. */
    enum Op {
        UPDATE("UPDATE orders SET qty = 2 WHERE id = 1", "UPDATE orders SET qty = 3 WHERE id = 1", 1, 3),
        INSERT("INSERT INTO orders (id, merchant_id, qty) VALUES (4, 'm-1', 40)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (4, 'm-1', 41)", 4, 41),
        DELETE("DELETE FROM orders WHERE id = 1", "UPDATE orders SET qty = 3 WHERE id = 1", 1, 3);

        final String byB;
        final String byA;
        final long key;
        final int aValue;

        Op(String byB, String byA, long key, int aValue) {
            this.byB = byB;
            this.byA = byA;
            this.key = key;
            this.aValue = aValue;
        }
    }

    /** A pin store's connection that can be lost: every new connection fails while {@link #lost} is set. */
    private static final class Outage implements Intercepting.Hooks {
        final AtomicBoolean lost = new AtomicBoolean();

        @Override
        public void beforeGetConnection() throws SQLException {
            if (lost.get()) {
                throw new SQLTransientConnectionException("the pin store's database cannot be reached (test)");
            }
        }
    }

    /** One application instance with order pinning: its own switch cache (B's on a held ticker) and pin store. */
    private static final class Instance implements AutoCloseable {
        final AtomicLong nanos = new AtomicLong();
        final Switchboard switchboard;
        final OrderPinStore pins;
        final MirrorExecutor toNew;
        final MirrorExecutor toOld;
        final DualWriteDataSource dataSource;

        Instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog, boolean heldTicker,
                 @Nullable Store heldTarget, @Nullable Hold hold, @Nullable Outage pinOutage) {
            DataSource pinSource = pinOutage == null ? oldDb.dataSource()
                    : Intercepting.dataSource(oldDb.dataSource(), pinOutage);
            pins = JdbcOrderPinStore.create(pinSource);
            Switchboard.Builder builder = Switchboard.builder()
                    .switchStore(JdbcSwitchStore.create(oldDb.dataSource())).refreshInterval(REFRESH)
                    .orderPinStore(pins)
                    .migration(MigrationSwitchConfig.builder(MIGRATION).pinning(true).build());
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
            toNew = MirrorExecutors.create("break25b-" + name + "-to-new", config, changeLog, event -> { });
            toOld = MirrorExecutors.create("break25b-" + name + "-to-old", config, changeLog, event -> { });
            dataSource = DualWriteDataSource.builder().oldDataSource(oldDataSource).newDataSource(newDataSource)
                    .migration(MIGRATION).resolver(switchboard)
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                    .changeLog(changeLog).mapping(ORDERS).build();
        }

        /** The statement in one transaction, in a context naming {@code order}, so that its pin decides the phase. */
        void write(String order, String sql) throws Exception {
            try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).orderId(order).open();
                 Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate(sql);
                }
                connection.commit();
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

    private static void prepare(TestDatabase oldDb, TestDatabase newDb) throws Exception {
        DualWriteSchema.create(oldDb.dataSource());
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1), (2, 'm-1', 2), (3, 'm-2', 3)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1), (2, 'm-1', 2),"
                        + " (3, 'm-2', 3)");
    }

    private static Hold holdTheCopyInto(Store target) {
        String table = target == Store.NEW ? "orders_v2" : "orders";
        return Hold.onPrepare(sql -> {
            String text = sql.trim().toLowerCase(Locale.ROOT);
            return (text.startsWith("insert") || text.startsWith("merge") || text.startsWith("delete"))
                    && text.replace("\"", "").replace("`", "").matches("(?s).*\\b" + table + "\\b.*");
        });
    }

    private static List<Map<String, String>> oldRows(TestDatabase oldDb) {
        return Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id");
    }

    private static List<Map<String, String>> newRows(TestDatabase newDb) {
        return Rows.of(newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id");
    }

    private static Set<String> recordedKeys(InMemoryChangeLog changeLog) {
        return changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String key(long id) {
        return KeyCodec.encode(List.of(id));
    }

    static Stream<Arguments> movesAndWrites() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (Repin repin : Repin.values()) {
                for (Move move : Move.values()) {
                    for (Op op : Op.values()) {
                        members.add(Arguments.of(kind, repin, move, op));
                    }
                }
            }
        }
        return members.stream();
    }

    // The system switch stays where B's cache has it; order k is pinned to the phase before the move. B writes k in the
    // store that phase makes authoritative; its sync resolves k by its pin and is held just before it writes the other
    // store. The operator repins order k (or every order of its merchant) across the authority, A writes k (in its order's context) in the store now
    // authoritative, and B's pin store loses its connection; B's sync goes on, and its check before the commit reads
    // the switches (readable) and the pin (not readable). The check must not take the order's phase from the scopes
    // below its pin (the system switch, which did not move): it cannot tell whether the pin moved, so the sync fails
    // and its key is recorded, as when the switch store cannot be read. Before the fix (all 36 members failed: H2,
    // PostgreSQL, MariaDB; order and merchant repins; forward and rollback; update, insert, delete) the check resolved
    // k below its pin (the system switch, unmoved) and committed: both stores held B's value or lacked the row A
    // updated, nothing recorded but a scoped resync of the table for the deletes. Since: B's sync fails and records its
    // key, and A's sync copies A's write.
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("movesAndWrites")
    void aCheckThatCannotReadTheOrderPinsFailsTheSyncInsteadOfResolvingBelowThePin(Kind kind, Repin repin, Move move,
                                                                                  Op op)
            throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            prepare(oldDb, newDb);
            Hold hold = holdTheCopyInto(move.target());
            Outage outage = new Outage();
            try (Instance a = new Instance("a", oldDb, newDb, changeLog, false, null, null, null);
                 Instance b = new Instance("b", oldDb, newDb, changeLog, true, move.target(), hold, outage)) {
                a.switchboard.switchStore().setSystemPhase(MIGRATION, move.before);
                a.pins.pinIfAbsent(MIGRATION, String.valueOf(op.key), "m-1", move.before);
                b.write("3", "UPDATE orders SET qty = 3 WHERE id = 3"); // B reads the switches: the phase before
                b.awaitIdle();

                hold.arm();
                b.write(String.valueOf(op.key), op.byB);
                hold.awaitReached();
                if (repin == Repin.ORDER) {
                    a.pins.repin(MIGRATION, String.valueOf(op.key), move.after);
                } else {
                    assertThat(a.pins.repinMerchant(MIGRATION, "m-1", move.after)).isPositive();
                }
                a.write(String.valueOf(op.key), op.byA);
                outage.lost.set(true);
                hold.release();
                b.awaitIdle();
                outage.lost.set(false);
                a.awaitIdle();

                String where = " WHERE id = " + op.key;
                assertThat(Rows.of(oldDb, "SELECT qty FROM orders" + where)).as("old store, change log %s",
                        recordedKeys(changeLog)).containsExactly(Rows.expected("qty", op.aValue));
                assertThat(Rows.of(newDb, "SELECT quantity AS qty FROM orders_v2" + where)).as(
                        "new store, change log %s", recordedKeys(changeLog))
                        .containsExactly(Rows.expected("qty", op.aValue));
                assertThat(newRows(newDb)).as("change log %s", recordedKeys(changeLog)).isEqualTo(oldRows(oldDb));
                assertThat(recordedKeys(changeLog)).as("B's key, which its sync did not copy").contains(key(op.key));
            }
        }
    }
}
