package io.dualwrite.examples;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Plain JDBC: an application that only swaps its {@link DataSource} for a {@link DualWriteDataSource}.
 * One merchant is switched to {@code DUAL_WRITE}, the application writes as it always did, the new store
 * breaks (its table disappears), the writes still succeed and the lost mirrors are recorded; once the
 * table is back, one reconciler run makes both stores identical. {@code PlainJdbcQuickStartTest} runs it.
 */
public final class PlainJdbcQuickStart {

    /** What the run saw. Rows are "id merchant status amount" strings, in id order. */
    public record Outcome(List<String> oldRows, List<String> newRowsBeforeRepair, long backlogBeforeRepair,
                          Reconciler.Result repair, List<String> newRowsAfterRepair) {
    }

    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    private PlainJdbcQuickStart() {
    }

    public static Outcome run() throws SQLException {
        // Two stores: the old table, and the new one with a renamed column.
        String run = Long.toString(RUNS.incrementAndGet());
        DataSource oldStore = h2("quickstart_old_" + run);
        DataSource newStore = h2("quickstart_new_" + run);
        execute(oldStore, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_id VARCHAR(20),"
                + " status VARCHAR(20), amount DECIMAL(12,2))");
        execute(newStore, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20),"
                + " status VARCHAR(20), amount_total DECIMAL(12,2))");
        DualWriteSchema.create(oldStore); // switches, pins and the change log live in the authoritative store

        // The library's parts.
        TableMapping orders = TableMapping.builder("orders")
                .newTable("orders_v2")
                .rename("amount", "amount_total")
                .merchantIdColumn("merchant_id")
                .build();
        JdbcSwitchStore switches = JdbcSwitchStore.create(oldStore);
        Switchboard switchboard = Switchboard.builder()
                .switchStore(switches)
                .migration(MigrationSwitchConfig.of("orders")) // everyone else: OLD_ONLY
                .build();
        JdbcChangeLog changeLog = JdbcChangeLog.create(oldStore);
        try (DualWriter writer = DualWriter.builder()
                .resolver(switchboard)
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()) // ASYNC is the default
                .build()) {
            DataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(oldStore)
                    .newDataSource(newStore)
                    .migration("orders")
                    .dualWriter(writer)          // its switchboard, change log and mirror executors
                    .mapping(orders)
                    .validateMappings(true)      // both schemas are checked now, not at the first write
                    .build();

            // 1. Merchant m-1 starts double-writing; m-2 stays on the old store.
            switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);

            // 2. The application writes exactly as before (the merchant column picks the switch).
            long first = insertOrder(dataSource, "m-1", "NEW", "100.00");
            insertOrder(dataSource, "m-2", "NEW", "50.00");
            try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId("m-1").open()) {
                updateStatus(dataSource, first, "PAID");
            }

            // 3. The new store breaks: its table is gone. Writes still succeed; the mirror is recorded.
            execute(newStore, "ALTER TABLE orders_v2 RENAME TO orders_v2_away");
            insertOrder(dataSource, "m-1", "NEW", "70.00");
            long backlog = changeLog.pendingCount("orders");
            execute(newStore, "ALTER TABLE orders_v2_away RENAME TO orders_v2");
            List<String> newBefore = rows(newStore, "SELECT id, merchant_id, status, amount_total FROM orders_v2");

            // 4. The new store is back: one reconciler run copies what it missed (old wins).
            Reconciler reconciler = Reconciler.builder()
                    .changeLog(changeLog)
                    .oldDataSource(oldStore)
                    .newDataSource(newStore)
                    .mapping(orders)
                    .resolver("orders", switchboard)   // a repair lands only where the row's own phase writes
                    .build();
            Reconciler.Result repair = reconciler.runOnce();

            return new Outcome(
                    rows(oldStore, "SELECT id, merchant_id, status, amount FROM orders"),
                    newBefore, backlog, repair,
                    rows(newStore, "SELECT id, merchant_id, status, amount_total FROM orders_v2"));
        }
    }

    private static long insertOrder(DataSource dataSource, String merchant, String status, String amount)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (merchant_id, status, amount) VALUES (?, ?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, merchant);
            insert.setString(2, status);
            insert.setBigDecimal(3, new BigDecimal(amount));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void updateStatus(DataSource dataSource, long id, String status) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
            update.setString(1, status);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    private static DataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        return h2;
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> rows(DataSource dataSource, String select) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(select + " ORDER BY 1")) {
            while (result.next()) {
                rows.add(result.getLong(1) + " " + result.getString(2) + " " + result.getString(3) + " "
                        + result.getBigDecimal(4));
            }
        }
        return rows;
    }

    public static void main(String[] args) throws SQLException {
        Outcome outcome = run();
        System.out.println("old store rows:                 " + outcome.oldRows());
        System.out.println("new store rows before repair:   " + outcome.newRowsBeforeRepair());
        System.out.println("change-log backlog:             " + outcome.backlogBeforeRepair());
        System.out.println("reconciler run:                 " + outcome.repair());
        System.out.println("new store rows after repair:    " + outcome.newRowsAfterRepair());
    }
}
