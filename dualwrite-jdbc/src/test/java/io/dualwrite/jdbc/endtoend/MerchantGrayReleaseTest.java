package io.dualwrite.jdbc.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Gray release by merchant with the switches and order pins in the old store (JdbcSwitchStore,
 * JdbcOrderPinStore under a real Switchboard): only the merchant switched to DUAL_WRITE reaches the new
 * store, id-less writes follow their merchant column, and a rollback of the merchant stops its mirrors
 * within the refresh interval while an order pinned during DUAL_WRITE keeps being mirrored.
 */
class MerchantGrayReleaseTest {

    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final String ORDERS = EndToEnd.MIGRATION;

    @Test
    void onlyTheReleasedMerchantIsMirroredAndItsRollbackSparesPinnedOrders() throws Exception {
        try (Deployment deployment = new Deployment(MerchantGrayReleaseTest::switchboard, MirrorMode.SYNC,
                Duration.ofSeconds(10), (builder, self) -> { })) {
            JdbcSwitchStore admin = JdbcSwitchStore.create(deployment.oldDb.dataSource()); // another process
            JdbcOrderPinStore pins = JdbcOrderPinStore.create(deployment.oldDb.dataSource());
            DualWriteDataSource app = deployment.dataSource;

            insert(app, merchant("m-1"), 1, "m-1");
            insert(app, merchant("m-2"), 2, "m-2");
            insert(app, null, 3, "m-1"); // no context: the INSERT's merchant_id decides
            insert(app, null, 4, "m-2");
            insert(app, order(100, "m-1"), 100, "m-1"); // pins order 100 to m-1's phase, DUAL_WRITE
            assertThat(update(app, null, "UPDATE orders SET status = 'BULK' WHERE merchant_id = 'm-1'")).isEqualTo(3);
            assertThat(update(app, null, "UPDATE orders SET status = 'BULK' WHERE merchant_id = 'm-2'")).isEqualTo(2);

            assertThat(EndToEnd.newRows(deployment.newDb)).isEqualTo(mappedOldRows(deployment.oldDb, "m-1"))
                    .containsOnlyKeys("1", "3", "100");
            assertThat(pins.find(ORDERS, "100")).contains(MigrationPhase.DUAL_WRITE);

            // rollback of m-1, by an operator in another process
            admin.setMerchantPhase(ORDERS, "m-1", MigrationPhase.OLD_ONLY);
            AtomicInteger probe = new AtomicInteger();
            // the rollback reaches the application once its cached switches refresh (REFRESH); how long that takes on
            // a busy machine is not what this test asserts, so the wait is generous
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                String status = "probe-" + probe.incrementAndGet();
                update(app, null, "UPDATE orders SET status = '" + status + "' WHERE merchant_id = 'm-1' AND id = 3");
                return !status.equals(newStatus(deployment.newDb, 3));
            });

            insert(app, merchant("m-1"), 5, "m-1");
            insert(app, null, 6, "m-1");
            insert(app, order(101, "m-1"), 101, "m-1"); // a new order now pins to OLD_ONLY
            assertThat(update(app, order(100, "m-1"), "UPDATE orders SET status = 'KEPT' WHERE id = 100")).isOne();

            assertThat(EndToEnd.newRows(deployment.newDb)).containsOnlyKeys("1", "3", "100");
            assertThat(newStatus(deployment.newDb, 100)).isEqualTo("KEPT");
            assertThat(pins.find(ORDERS, "100")).contains(MigrationPhase.DUAL_WRITE);
            assertThat(pins.find(ORDERS, "101")).contains(MigrationPhase.OLD_ONLY);
            assertThat(deployment.oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(8);
            assertThat(deployment.pendingEntries()).isZero(); // nothing failed, nothing to repair
        }
    }

    /** The switchboard of the application; the switches start as an operator set them: m-1 released. */
    private static Switchboard switchboard(TestDatabase oldDb) {
        JdbcSwitchStore switches = JdbcSwitchStore.create(oldDb.dataSource());
        switches.setSystemPhase(ORDERS, MigrationPhase.OLD_ONLY);
        switches.setMerchantPhase(ORDERS, "m-1", MigrationPhase.DUAL_WRITE);
        return Switchboard.builder().switchStore(switches).refreshInterval(REFRESH)
                .orderPinStore(JdbcOrderPinStore.create(oldDb.dataSource()))
                .migration(MigrationSwitchConfig.builder(ORDERS).pinning(true).build())
                .build();
    }

    private static MigrationContext merchant(String merchantId) {
        return MigrationContext.forMigration(ORDERS).merchantId(merchantId).build();
    }

    private static MigrationContext order(long orderId, String merchantId) {
        return MigrationContext.forMigration(ORDERS).orderId(orderId).merchantId(merchantId).build();
    }

    private static void insert(DualWriteDataSource app, @Nullable MigrationContext context, long id, String merchantId)
            throws SQLException {
        try (MigrationContext.Scope scope = context == null ? null : context.open();
             Connection connection = app.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (id, merchant_id, status, amount, created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, merchantId);
            insert.setString(3, "NEW");
            insert.setBigDecimal(4, new BigDecimal(id + ".99"));
            insert.setTimestamp(5, Timestamp.valueOf(LocalDateTime.of(2026, 4, 1, 12, 0, 0, 654_321_000)));
            assertThat(insert.executeUpdate()).isOne();
        }
    }

    private static int update(DualWriteDataSource app, @Nullable MigrationContext context, String sql)
            throws SQLException {
        try (MigrationContext.Scope scope = context == null ? null : context.open();
             Connection connection = app.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            return update.executeUpdate();
        }
    }

    private static @Nullable String newStatus(TestDatabase newDb, long id) {
        return newDb.query("SELECT status FROM orders_v2 WHERE id = ?", id).stream().findFirst()
                .map(row -> (String) row.get("status")).orElse(null);
    }

    private static Map<String, Map<String, String>> mappedOldRows(TestDatabase oldDb, String merchantId) {
        Map<String, Map<String, String>> rows = EndToEnd.oldRowsMapped(oldDb);
        rows.values().removeIf(row -> !merchantId.equals(row.get("merchant_id")));
        return rows;
    }
}
