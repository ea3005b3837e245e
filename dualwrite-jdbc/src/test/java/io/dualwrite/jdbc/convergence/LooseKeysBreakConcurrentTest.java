package io.dualwrite.jdbc.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two syncs of one MariaDB row asked for by two spellings its collation calls equal but the lock id's fold does
 * not: {@code utf8mb4_unicode_ci} matches {@code 'Œuvre'} to row {@code 'oeuvre'} (and MariaDB 11.4's default
 * {@code utf8mb4_uca1400_ai_ci} also {@code 'Æ'}/{@code 'ae'}, {@code 'Ø'}/{@code 'o'}, ignorable characters).
 * The first sync has read qty 2 and is held; qty 3 is committed; the second must wait for the first one's lock,
 * then copy 3. Compared row by row with plain JDBC.
 */
class LooseKeysBreakConcurrentTest {

    private static final TableMapping ORDERS = TableMapping.identity("orders");

    @Test
    void syncsOfOneRowExcludeEachOtherWhenTheCollationExpandsALigature() throws Exception {
        HeldRead held = HeldRead.copierSourceRead();
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE orders (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT NOT NULL)",
                    "INSERT INTO orders (id, qty) VALUES ('oeuvre', 2)");
            newDb.execute("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT NOT NULL)",
                    "INSERT INTO orders (id, qty) VALUES ('oeuvre', 1)");
            RowCopier first = RowCopier.builder().oldDataSource(held.wrap(oldDb.dataSource()))
                    .newDataSource(newDb.dataSource()).build();
            RowCopier second = RowCopier.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).build();
            held.arm();
            CompletableFuture<RowCopier.SyncResult> ligature = CompletableFuture.supplyAsync(() -> sync(first, "Œuvre"));
            held.awaitReached(); // the first sync holds its lock and has read qty 2

            oldDb.execute("UPDATE orders SET qty = 3 WHERE id = 'oeuvre'");
            CompletableFuture<RowCopier.SyncResult> plain = CompletableFuture.supplyAsync(() -> sync(second, "oeuvre"));
            boolean secondRanPastTheLock = endsWithinTwoSeconds(plain);
            held.release();
            ligature.get(20, TimeUnit.SECONDS);
            plain.get(20, TimeUnit.SECONDS);

            assertThat(StoreRows.differences(StoreRows.read(oldDb, "SELECT id, qty FROM orders"),
                    StoreRows.read(newDb, "SELECT id, qty FROM orders")))
                    .as("rows that differ after both syncs ended (the sync of 'oeuvre' %s while the sync of 'Œuvre'"
                            + " held its lock)", secondRanPastTheLock ? "did NOT wait" : "waited")
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
    private static boolean endsWithinTwoSeconds(CompletableFuture<?> sync) {
        try {
            sync.get(2, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
