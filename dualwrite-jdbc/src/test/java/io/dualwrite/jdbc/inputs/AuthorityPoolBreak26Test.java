package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
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
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round 26, the authority check and the pools, what round 25c left: the order pins live in the sync's target pool (a
 * pool of one, holding the switch and pin tables), and the sync's resolution of its rows and its check before the
 * commit read them while the sync holds that pool's only session. Every test ends comparing both stores row by row
 * with plain JDBC.
 */
class AuthorityPoolBreak26Test {

    private static final String MIGRATION = "orders";
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").orderIdColumn("id").merchantIdColumn("merchant_id").build();

    // Round 25c's 6 members left open: order 1 pinned NEW_PRIMARY (system DUAL_WRITE), so the write's sync runs new ->
    // old into the pool of one that holds the switch and pin tables. Before the fix all 6 failed (H2, PostgreSQL,
    // MariaDB; ASYNC and SYNC): every pin read the sync made with its target session held waited out the pool.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("members")
    void aSyncIntoThePoolThatHoldsThePinTableIsNotStarvedByItsOwnPinReads(Kind kind, MirrorMode mode)
            throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        long callerMillis;
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1)");
            HikariConfig config = new HikariConfig();
            config.setDataSource(oldDb.dataSource());
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(2_000);
            config.setPoolName("break26-old");
            try (HikariDataSource oldPool = new HikariDataSource(config)) {
                JdbcOrderPinStore pins = JdbcOrderPinStore.create(oldPool);
                Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(oldPool))
                        .orderPinStore(pins).refreshInterval(Duration.ofSeconds(1))
                        .migration(MigrationSwitchConfig.builder(MIGRATION).pinning(true).build()).build();
                switchboard.switchStore().setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                pins.repin(MIGRATION, "1", MigrationPhase.NEW_PRIMARY);
                MirrorConfig mirror = MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(10))
                        .build();
                try (MirrorExecutor toNew = MirrorExecutors.create("break26-to-new", mirror, changeLog, e -> { });
                     MirrorExecutor toOld = MirrorExecutors.create("break26-to-old", mirror, changeLog, e -> { })) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                            .newDataSource(newDb.dataSource()).migration(MIGRATION).resolver(switchboard)
                            .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                            .changeLog(changeLog).mapping(ORDERS).build();
                    long started = System.nanoTime();
                    try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).merchantId("m-1")
                            .orderId("1").open();
                         Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
                    }
                    callerMillis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
                    assertThat(toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
                }
            }
            assertThat(Rows.of(newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7));
            assertThat(Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id"))
                    .as("old store, change log %s, caller took %d ms", recordedKeys(changeLog), callerMillis)
                    .containsExactly(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7));
            assertThat(recordedKeys(changeLog)).isEmpty();
        }
    }

    // The same kind on the sync's source side: the library's tables in the new store, whose pool of one the sync from
    // new to old holds for its whole run (the direction guard's session, which holds the key's lock in the new store and
    // reads the source inside that transaction); the switch read of the check, and with pinning the pin reads of the
    // resolution and of the check, asked that pool for a second session. Mirror ASYNC (the caller gives its session
    // back first). Before the fix 6 of 6 failed (H2, PostgreSQL, MariaDB; system NEW_PRIMARY, and an order pinned
    // NEW_PRIMARY under system DUAL_WRITE): key 1 recorded, the old store kept qty = 1.
    @ParameterizedTest(name = "{0} pinned={1}")
    @MethodSource("sourceMembers")
    void aSyncFromThePoolThatHoldsTheSwitchAndPinTablesIsNotStarvedByItsOwnReads(Kind kind, boolean pinned)
            throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            DualWriteSchema.create(newDb.dataSource());
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-1', 1)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-1', 1)");
            HikariConfig config = new HikariConfig();
            config.setDataSource(newDb.dataSource());
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(2_000);
            config.setPoolName("break26-new");
            try (HikariDataSource newPool = new HikariDataSource(config)) {
                JdbcOrderPinStore pins = JdbcOrderPinStore.create(newPool);
                Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(newPool))
                        .orderPinStore(pins).refreshInterval(Duration.ofSeconds(1))
                        .migration(MigrationSwitchConfig.builder(MIGRATION).pinning(pinned).build()).build();
                switchboard.switchStore().setSystemPhase(MIGRATION,
                        pinned ? MigrationPhase.DUAL_WRITE : MigrationPhase.NEW_PRIMARY);
                if (pinned) {
                    pins.repin(MIGRATION, "1", MigrationPhase.NEW_PRIMARY);
                }
                MirrorConfig mirror = MirrorConfig.custom().mode(MirrorMode.ASYNC).timeLimit(Duration.ofSeconds(10))
                        .build();
                try (MirrorExecutor toNew = MirrorExecutors.create("break26-to-new", mirror, changeLog, e -> { });
                     MirrorExecutor toOld = MirrorExecutors.create("break26-to-old", mirror, changeLog, e -> { })) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newPool).migration(MIGRATION).resolver(switchboard)
                            .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld)
                            .changeLog(changeLog).mapping(ORDERS).build();
                    try (MigrationContext.Scope scope = MigrationContext.forMigration(MIGRATION).merchantId("m-1")
                            .orderId("1").open();
                         Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
                    }
                    assertThat(toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
                    assertThat(toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
                }
            }
            assertThat(Rows.of(newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7));
            assertThat(Rows.of(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id"))
                    .as("old store, change log %s", recordedKeys(changeLog))
                    .containsExactly(Rows.expected("id", 1, "merchant_id", "m-1", "qty", 7));
            assertThat(recordedKeys(changeLog)).isEmpty();
        }
    }

    static Stream<Arguments> sourceMembers() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (boolean pinned : new boolean[] {false, true}) {
                members.add(Arguments.of(kind, pinned));
            }
        }
        return members.stream();
    }

    static Stream<Arguments> members() {
        List<Arguments> members = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            for (MirrorMode mode : new MirrorMode[] {MirrorMode.ASYNC, MirrorMode.SYNC}) {
                members.add(Arguments.of(kind, mode));
            }
        }
        return members.stream();
    }

    private static Set<String> recordedKeys(InMemoryChangeLog changeLog) {
        return changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
