package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.KeyedStore;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What the authority-move tests {@link AuthorityCheckBreak26Test} and {@link AuthorityBreak27Test} share, written
 * once: two application instances on one pair of stores (each its own switch cache, mirrors and data source, a
 * store of either side that can be held mid-sync), the {@code accounts} stores of {@code DualWriter}'s state form,
 * and the keys the change log holds.
 */
final class AuthorityInstances {

    static final String MIGRATION = "orders";
    /** Each instance's switch cache refresh; a held ticker never reaches it unless the test moves it. */
    static final Duration REFRESH = Duration.ofSeconds(1);
    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private AuthorityInstances() {
    }

    /** One application instance: its own switch cache (on its own ticker when held), mirrors and data source. */
    static final class Instance implements AutoCloseable {
        final AtomicLong nanos = new AtomicLong();
        final Switchboard switchboard;
        final MirrorExecutor toNew;
        final MirrorExecutor toOld;
        final DualWriteDataSource dataSource;

        /**
         * @param name        the mirror executors' name prefix
         * @param store       the switches it reads (through its own cache)
         * @param mirrors     its mirrors' configuration (ASYNC)
         * @param heldTicker  whether its switch cache runs on {@link #nanos}, which only the test moves
         * @param heldTarget  the store whose connections {@code hold} intercepts, or none
         */
        Instance(String name, TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog, SwitchStore store,
                 MirrorConfig mirrors, boolean heldTicker, @Nullable Store heldTarget, @Nullable Hold hold) {
            Switchboard.Builder builder = Switchboard.builder().switchStore(store).refreshInterval(REFRESH)
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
            toNew = MirrorExecutors.create(name + "-to-new", mirrors, changeLog, event -> { });
            toOld = MirrorExecutors.create(name + "-to-old", mirrors, changeLog, event -> { });
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

    /** One store of {@code accounts} by key, over plain JDBC; can hold its next read after it read. */
    static final class Accounts implements KeyedStore<Integer> {
        final TestDatabase db;
        final AtomicBoolean holdNext = new AtomicBoolean();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Accounts(TestDatabase db) {
            this.db = db;
        }

        void holdAfterNextRead() {
            holdNext.set(true);
        }

        @Override
        public Optional<Integer> read(String key) throws Exception {
            Optional<Integer> value;
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement read = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                read.setString(1, key);
                try (ResultSet rows = read.executeQuery()) {
                    value = rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
                }
            }
            if (holdNext.compareAndSet(true, false)) {
                held.countDown();
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            }
            return value;
        }

        @Override
        public void upsert(String key, Integer value) throws SQLException {
            String sql = switch (db.kind()) {
                case H2 -> "MERGE INTO accounts (id, balance) KEY (id) VALUES (?, ?)";
                case POSTGRES -> "INSERT INTO accounts (id, balance) VALUES (?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET balance = EXCLUDED.balance";
                case MARIADB -> "INSERT INTO accounts (id, balance) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE balance = VALUES(balance)";
            };
            try (Connection c = db.dataSource().getConnection(); PreparedStatement upsert = c.prepareStatement(sql)) {
                upsert.setString(1, key);
                upsert.setInt(2, value);
                upsert.executeUpdate();
            }
        }

        @Override
        public void delete(String key) throws SQLException {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement delete = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                delete.setString(1, key);
                delete.executeUpdate();
            }
        }
    }

    /** The keys the change log holds, sorted. */
    static Set<String> recordedKeys(InMemoryChangeLog changeLog) {
        return changeLog.entries().stream().map(ChangeEntry::record).map(ChangeRecord::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
