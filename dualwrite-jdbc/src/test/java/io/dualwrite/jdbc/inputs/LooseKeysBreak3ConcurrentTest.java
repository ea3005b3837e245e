package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two syncs of one row whose keys are spelt differently but that the copier reads as the same key: they must
 * exclude each other (one lock), or the later-read state can be overwritten by the earlier one. The interleaving
 * is forced with latches (no sleeps): the first sync is held just after its source read until the second sync
 * has committed. Ends comparing both stores row by row with plain JDBC.
 */
class LooseKeysBreak3ConcurrentTest {

    // a timestamp key synced as "2024-01-01 10:00:00.0" (a preselected Timestamp) and as "2024-01-01 10:00:00"
    // (a text literal PostgreSQL casts): the copier reads both as the same row, yet their lock ids differ
    @Test
    void twoSyncsOfOneTimestampKeySpeltTwoWaysDoNotLoseTheLaterUpdate() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(false);
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String sql) throws SQLException {
                String lower = sql.toLowerCase(Locale.ROOT);
                boolean copierRead = lower.startsWith("select") && lower.contains("orders") && !lower.contains("for update")
                        && !lower.contains("pg_");
                if (copierRead && armed.compareAndSet(true, false)) {
                    firstRead.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).timeLimit(Duration.ofSeconds(30))
                .wrapOld(real -> Intercepting.dataSource(real, hooks)).build()) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('2024-01-01 10:00:00', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('2024-01-01 10:00:00', 1)");
            armed.set(true);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = fixture.dataSource.getConnection();
                     PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                    update.setInt(1, 2);
                    update.setTimestamp(2, Timestamp.valueOf("2024-01-01 10:00:00"));
                    return update.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(firstRead.await(60, TimeUnit.SECONDS)).as("the first sync read the source").isTrue();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 3 WHERE id = '2024-01-01 10:00:00'")).isEqualTo(1);
            } finally {
                release.countDown();
            }
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            Map<String, String> old = rows(fixture.oldDb, "SELECT to_char(id, 'YYYY-MM-DD HH24:MI:SS') AS id, qty FROM orders");
            Map<String, String> now = rows(fixture.newDb,
                    "SELECT to_char(id, 'YYYY-MM-DD HH24:MI:SS') AS id, quantity AS qty FROM orders_v2");
            assertThat(old).containsEntry("2024-01-01 10:00:00", "3");
            if (!now.equals(old)) {
                assertThat(fixture.recordKeys()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                        .isNotEmpty();
            }
        }
    }

    private static Map<String, String> rows(io.dualwrite.jdbc.testing.TestDatabase db, String sql) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            rows.put(String.valueOf(row.get("id")), String.valueOf(row.get("qty")));
        }
        return rows;
    }
}
