package io.dualwrite.jdbc.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two syncs of one row at once, one of them stopped between reading the authoritative row and writing it (its
 * key lock held): the two interleavings the random workload of {@link ConvergenceUnderConcurrencyTest} reaches
 * only by chance, forced here. PostgreSQL → PostgreSQL, table {@code orders (id, qty)}, row 5 equal in both.
 */
class ConcurrentSyncsOfOneRowTest {

    private static final TableMapping ORDERS = TableMapping.identity("orders");

    /**
     * The key lock is the key's, not the key text's: one instance binds the id as {@code 5.0} (a BigDecimal,
     * as an ORM or a JSON mapper may), the other as {@code 5}; both name row 5. The first instance's sync has
     * read qty 2 and is held; the second instance's relative update commits qty 3 and its sync must wait for
     * the first one's lock, then copy 3. Were the lock taken on the text, the second sync would copy 3 at once
     * and the held one would then overwrite it with 2: the stores would differ with nothing in the change log.
     */
    @Test
    void syncsOfOneRowExcludeEachOtherHoweverTheKeyWasBound() throws Exception {
        HeldRead held = HeldRead.copierSourceRead();
        MirrorConfig async = MirrorConfig.custom().mode(MirrorMode.ASYNC).timeLimit(Duration.ofSeconds(20)).build();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.postgres()) {
            seed(oldDb, newDb);
            try (AppInstance first = new AppInstance("a", oldDb, newDb, held::wrap, UnaryOperator.identity(), ORDERS,
                    async, event -> { }, Duration.ofSeconds(10));
                 AppInstance second = new AppInstance("b", oldDb, newDb, UnaryOperator.identity(),
                         UnaryOperator.identity(), ORDERS, async, event -> { }, Duration.ofSeconds(10))) {
                held.arm();
                increment(first.dataSource, new BigDecimal("5.0"));
                held.awaitReached(); // instance a's sync holds the lock of row 5 and has read qty 2

                increment(second.dataSource, 5L); // qty 3 committed
                boolean secondRanPastTheLock = second.writer.awaitMirrors(Duration.ofSeconds(2));
                held.release();
                assertThat(first.writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                assertThat(second.writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();

                assertThat(oldDb.query("SELECT qty FROM orders WHERE id = 5")).containsExactly(java.util.Map.of("qty", 3));
                assertThat(StoreRows.differences(StoreRows.read(oldDb, "SELECT id, qty FROM orders"),
                        StoreRows.read(newDb, "SELECT id, qty FROM orders")))
                        .as("rows that differ after both syncs of row 5 ended (the sync of key text '5' %s while the"
                                + " sync of key text '5.0' held the row's lock)",
                                secondRanPastTheLock ? "did NOT wait" : "waited")
                        .isEmpty();
                assertThat(oldDb.count("SELECT COUNT(*) FROM dualwrite_change_log")).as("change-log entries").isZero();
            }
        }
    }

    /**
     * A MariaDB collation calls two spellings one key ({@code 'É'} and {@code 'e'}, {@code 'Œuvre'} and
     * {@code 'oeuvre'} under {@code utf8mb4_unicode_ci}; {@code 'Mädchen'} and {@code 'maedchen'} under
     * {@code utf8mb4_german2_ci}, which no fold of key texts alone can know). A sync asked for the other spelling
     * (a programmatic caller, a change-log entry) reads the row, qty 2, and is held; qty 3 is committed and synced
     * by the row's own spelling. The held sync must not then write 2 over 3: both take the row's lock, the held
     * one at the latest once it has seen the row it read, and it reads the row again under it.
     */
    @ParameterizedTest(name = "{0}: ''{2}'' for row ''{1}''")
    @CsvSource({"utf8mb4_unicode_ci, e, É", "utf8mb4_unicode_ci, oeuvre, Œuvre", "utf8mb4_german2_ci, maedchen, Mädchen"})
    void syncsOfOneRowAskedForUnderTwoSpellingsDoNotLoseAnUpdate(String collation, String stored, String asked)
            throws Exception {
        HeldRead held = HeldRead.copierSourceRead();
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE orders (id VARCHAR(20) COLLATE " + collation + " PRIMARY KEY, qty INT NOT NULL)",
                    "INSERT INTO orders (id, qty) VALUES ('" + stored + "', 2)");
            newDb.execute("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT NOT NULL)",
                    "INSERT INTO orders (id, qty) VALUES ('" + stored + "', 1)");
            RowCopier first = RowCopier.builder().oldDataSource(held.wrap(oldDb.dataSource()))
                    .newDataSource(newDb.dataSource()).build();
            RowCopier second = RowCopier.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).build();
            held.arm();
            CompletableFuture<RowCopier.SyncResult> other = CompletableFuture.supplyAsync(() -> sync(first, asked));
            held.awaitReached(); // the first sync has read qty 2

            oldDb.execute("UPDATE orders SET qty = 3 WHERE id = '" + stored + "'");
            CompletableFuture<RowCopier.SyncResult> own = CompletableFuture.supplyAsync(() -> sync(second, stored));
            boolean ownRanPastTheLock = waitsOrEnds(own);
            held.release();
            other.get(60, TimeUnit.SECONDS);
            own.get(60, TimeUnit.SECONDS);

            assertThat(StoreRows.differences(StoreRows.read(oldDb, "SELECT id, qty FROM orders"),
                    StoreRows.read(newDb, "SELECT id, qty FROM orders")))
                    .as("rows that differ after both syncs ended (the sync of '%s' %s while the one of '%s' was held)",
                            stored, ownRanPastTheLock ? "did NOT wait" : "waited", asked)
                    .isEmpty();
        }
    }

    private static RowCopier.SyncResult sync(RowCopier copier, String key) {
        try {
            return copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(ORDERS, List.of(key), null)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the sync ended within two seconds (it should wait for the held lock instead). */
    private static boolean waitsOrEnds(CompletableFuture<?> sync) {
        try {
            sync.get(2, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A sync that fails (here: it waited for a key lock past the lock timeout) must not fail another sync that
     * is running at the same time on the same copier. The copier forgets its cached table metadata on any
     * failure; a sync that had already read its source rows must still write them.
     */
    @Test
    void aSyncThatFailsDoesNotFailAnotherRunningAtTheSameTime() throws Exception {
        HeldRead held = HeldRead.copierSourceRead();
        MirrorConfig sync = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
        List<MirrorEvent> events = new CopyOnWriteArrayList<>();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.postgres()) {
            seed(oldDb, newDb);
            try (AppInstance instance = new AppInstance("a", oldDb, newDb, held::wrap, UnaryOperator.identity(), ORDERS,
                    sync, events::add, Duration.ofMillis(500))) {
                held.arm();
                CompletableFuture<Void> first = CompletableFuture.runAsync(() -> increment(instance.dataSource, 5L));
                held.awaitReached(); // the first sync holds row 5's lock and has read qty 2

                increment(instance.dataSource, 5L); // qty 3; its sync times out on the lock: failed, recorded
                assertThat(events).extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.FAILED);
                held.release();
                first.get(60, TimeUnit.SECONDS);

                assertThat(events).hasSize(2);
                MirrorEvent firstSync = events.get(1);
                assertThat(firstSync.outcome()).as("the outcome of the first sync, which had read its row and held"
                        + " its lock (error: %s)", String.valueOf(firstSync.error())).isEqualTo(MirrorOutcome.SUCCEEDED);
            }
        }
    }

    private static void seed(TestDatabase oldDb, TestDatabase newDb) {
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL)",
                "INSERT INTO orders (id, qty) VALUES (5, 1)");
        newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL)",
                "INSERT INTO orders (id, qty) VALUES (5, 1)");
    }

    private static void increment(DataSource dataSource, Object id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE id = ?")) {
            update.setObject(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
