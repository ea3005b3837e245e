package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The job tests' application: an old store with {@code orders} and {@code items} (and dualwrite's tables), a new
 * store with {@code orders_v2} ({@code status} renamed to {@code state}) and {@code items}, the switchboard (every
 * merchant double-writes by default), the JDBC change log, a {@link DualWriter} and the {@link DualWriteDataSource}
 * over them; rows seeded with batched inserts, and both stores read back with plain JDBC.
 */
final class JobStores implements AutoCloseable {

    static final String MIGRATION = "orders";
    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("status", "state").merchantIdColumn("merchant_id").build();
    static final TableMapping ITEMS = TableMapping.builder("items").merchantIdColumn("merchant_id").build();

    static final String OLD_ORDERS = "SELECT id, merchant_id, amount, status FROM orders";
    static final String NEW_ORDERS = "SELECT id, merchant_id, amount, state FROM orders_v2";
    static final String OLD_ITEMS = "SELECT id, order_id, merchant_id, sku, qty FROM items";
    static final String NEW_ITEMS = "SELECT id, order_id, merchant_id, sku, qty FROM items";

    final TestDatabase old;
    final TestDatabase fresh;
    final Switchboard switchboard;
    final JdbcChangeLog changeLog;
    final DualWriter writer;
    final DualWriteDataSource dataSource;

    private JobStores(TestDatabase old, TestDatabase fresh, DataSource oldPool) {
        this.old = old;
        this.fresh = fresh;
        this.switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(oldPool))
                .migration(MigrationSwitchConfig.builder(MIGRATION).defaultPhase(MigrationPhase.DUAL_WRITE).build())
                .build();
        this.changeLog = JdbcChangeLog.create(oldPool);
        this.writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
        this.dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                .newDataSource(fresh.dataSource()).migration(MIGRATION).dualWriter(writer)
                .mapping(ORDERS).mapping(ITEMS).build();
    }

    static JobStores create(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) throws SQLException {
        return create(TestDatabases.create(oldKind), TestDatabases.create(newKind));
    }

    /** Both stores' tables (and dualwrite's in the old one) in the given databases. */
    static JobStores create(TestDatabase old, TestDatabase fresh) throws SQLException {
        return create(old, fresh, old.dataSource());
    }

    /** As {@link #create(TestDatabase, TestDatabase)}, the application reaching the old store through {@code oldPool}. */
    static JobStores create(TestDatabase old, TestDatabase fresh, DataSource oldPool) throws SQLException {
        DualWriteSchema.create(old.dataSource());
        old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                        + " status VARCHAR(20))",
                "CREATE TABLE items (id BIGINT PRIMARY KEY, order_id BIGINT, merchant_id VARCHAR(20), sku VARCHAR(20),"
                        + " qty INT)");
        fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                        + " state VARCHAR(20))",
                "CREATE TABLE items (id BIGINT PRIMARY KEY, order_id BIGINT, merchant_id VARCHAR(20), sku VARCHAR(20),"
                        + " qty INT)");
        return new JobStores(old, fresh, oldPool);
    }

    /** The beans the job configuration is given, as the application would declare them. */
    Function<ApplicationContextRunner, ApplicationContextRunner> beans() {
        return beans(dataSource);
    }

    /** The beans the job configuration is given, with another data source bean. */
    Function<ApplicationContextRunner, ApplicationContextRunner> beans(DataSource application) {
        return runner -> runner
                .withBean("dataSource", DataSource.class, () -> application)
                .withBean(ChangeLog.class, () -> changeLog)
                .withBean(Switchboard.class, () -> switchboard)
                .withBean(DualWriter.class, () -> writer);
    }

    /**
     * Runs {@code dualwrite.job=<job>} with {@code options} (and {@code dualwrite.job.exit=false}) in a context of its
     * own holding the job configuration and these stores' beans, the change log being {@code changeLog}; returns the
     * runner's exit code. The context must start.
     */
    int runJob(ChangeLog jobChangeLog, String job, String... options) {
        java.util.List<String> properties = new java.util.ArrayList<>(
                java.util.List.of("dualwrite.job=" + job, "dualwrite.job.exit=false"));
        properties.addAll(java.util.List.of(options));
        int[] code = {-1};
        new ApplicationContextRunner().withUserConfiguration(DualWriteJobConfiguration.class)
                .withBean("dataSource", DataSource.class, () -> dataSource)
                .withBean(ChangeLog.class, () -> jobChangeLog)
                .withBean(Switchboard.class, () -> switchboard)
                .withBean(DualWriter.class, () -> writer)
                .withPropertyValues(properties.toArray(String[]::new)).run(context -> {
                    org.assertj.core.api.Assertions.assertThat(context).hasNotFailed();
                    io.dualwrite.spring.jobs.DualWriteJobRunner runner =
                            context.getBean(io.dualwrite.spring.jobs.DualWriteJobRunner.class);
                    runner.run(new org.springframework.boot.DefaultApplicationArguments());
                    code[0] = runner.getExitCode();
                });
        return code[0];
    }

    /** {@link #runJob(ChangeLog, String, String...)} with these stores' change log. */
    int runJob(String job, String... options) {
        return runJob(changeLog, job, options);
    }

    /**
     * Orders {@code 1..orders} in the old store (merchant {@code m-<id % 3>}, amount {@code id × 1.25}) and two
     * items per order, inserted in batches.
     */
    JobStores seed(int orders) throws SQLException {
        insert(old.dataSource(), "orders", orders);
        return this;
    }

    /** The same rows as {@link #seed} in both stores, as if they had been backfilled. */
    JobStores seedBoth(int orders) throws SQLException {
        insert(old.dataSource(), "orders", orders);
        insert(fresh.dataSource(), "orders_v2", orders);
        return this;
    }

    private static void insert(DataSource store, String ordersTable, int orders) throws SQLException {
        try (Connection connection = store.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement order = connection.prepareStatement("INSERT INTO " + ordersTable + " VALUES (?, ?, ?, ?)");
                 PreparedStatement item = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?, ?)")) {
                for (long id = 1; id <= orders; id++) {
                    String merchant = "m-" + id % 3;
                    order.setLong(1, id);
                    order.setString(2, merchant);
                    order.setBigDecimal(3, BigDecimal.valueOf(id * 125, 2));
                    order.setString(4, id % 2 == 0 ? "paid" : "new");
                    order.addBatch();
                    for (long line = 2 * id - 1; line <= 2 * id; line++) {
                        item.setLong(1, line);
                        item.setLong(2, id);
                        item.setString(3, merchant);
                        item.setString(4, "sku-" + line);
                        item.setInt(5, (int) (line % 5));
                        item.addBatch();
                    }
                    if (id % 1_000 == 0) {
                        order.executeBatch();
                        item.executeBatch();
                    }
                }
                order.executeBatch();
                item.executeBatch();
            }
            connection.commit();
        }
    }

    /** The rows of a query by the text of their first column, each as its values' texts (numbers by value). */
    static Map<String, List<String>> rows(TestDatabase db, String sql) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(text(value)));
            rows.put(values.get(0), values);
        }
        return rows;
    }

    private static String text(Object value) {
        if (value == null) {
            return "<null>";
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    Map<String, List<String>> oldOrders() {
        return rows(old, OLD_ORDERS);
    }

    Map<String, List<String>> newOrders() {
        return rows(fresh, NEW_ORDERS);
    }

    Map<String, List<String>> oldItems() {
        return rows(old, OLD_ITEMS);
    }

    Map<String, List<String>> newItems() {
        return rows(fresh, NEW_ITEMS);
    }

    @Override
    public void close() {
        writer.close();
        old.close();
        fresh.close();
    }
}
