package io.dualwrite.mybatis;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * Real parts only: an old and a new database of one kind, dualwrite's tables and change log in the old one,
 * in-memory switches (system phase OLD_ONLY), SYNC mirrors, a {@link DualWriteDataSource} whose mapping renames
 * the table ({@code orders} → {@code orders_v2}) and a column ({@code amount} → {@code amount_total}) and names
 * NO merchant column, so that only the context the interceptor opens tells a row's merchant, and MyBatis over it
 * with both test mappers. Rows are compared with plain JDBC selects.
 */
final class MyBatisStores implements AutoCloseable {

    static final String MIGRATION = "orders";
    static final TableMapping MAPPING = TableMapping.builder("orders").newTable("orders_v2")
            .rename("amount", "amount_total").build();

    /** The rules the tests install: a global path, two statement paths, and the annotations. */
    static final ContextRules RULES = ContextRules.builder(MIGRATION)
            .merchantIdPath("merchantNo")
            .statement("io.dualwrite.mybatis.OrderXmlMapper.insertAll", null, "orders.merchantNo")
            .statement("io.dualwrite.mybatis.OrderXmlMapper.deleteByStatus", null, "shop")
            .build();

    /** {@link #RULES} without the statements of {@code OrderXmlMapper}, for configurations without that mapper. */
    static final ContextRules RULES_WITHOUT_XML = ContextRules.builder(MIGRATION).merchantIdPath("merchantNo").build();

    /** How long a write waits for its SYNC mirror before recording its keys instead: far beyond a loaded machine's. */
    static final java.time.Duration MIRROR_TIME_LIMIT = java.time.Duration.ofSeconds(60);

    final TestDatabase oldDb;
    final TestDatabase newDb;
    final Switchboard switchboard;
    final JdbcChangeLog changeLog;
    final DualWriter writer;
    final DualWriteDataSource dataSource;

    MyBatisStores(TestDatabases.Kind kind) throws SQLException {
        this(kind, MAPPING);
    }

    /** As {@link #MyBatisStores(TestDatabases.Kind)} with another mapping of the same two tables. */
    MyBatisStores(TestDatabases.Kind kind, TableMapping mapping) throws SQLException {
        this(kind, mapping, null);
    }

    /** As {@link #MyBatisStores(TestDatabases.Kind, TableMapping)}, with order pinning on {@code pins} when given. */
    MyBatisStores(TestDatabases.Kind kind, TableMapping mapping, io.dualwrite.switches.@org.jspecify.annotations.Nullable OrderPinStore pins)
            throws SQLException {
        this(created(kind), mapping, pins, true);
    }

    /** Whether the databases were created for these stores (and are closed with them), not taken from {@link Shared}. */
    private final boolean ownDatabases;

    private record Databases(TestDatabase oldDb, TestDatabase newDb) {
    }

    private static Databases created(TestDatabases.Kind kind) throws SQLException {
        TestDatabase oldDb = TestDatabases.create(kind);
        TestDatabase newDb = TestDatabases.create(kind);
        MyBatisBreakSupport.createOrders(kind, oldDb, newDb, "orders_v2", "amount_total");
        return new Databases(oldDb, newDb);
    }

    private MyBatisStores(Databases databases, TableMapping mapping,
            io.dualwrite.switches.@org.jspecify.annotations.Nullable OrderPinStore pins, boolean ownDatabases) {
        this.ownDatabases = ownDatabases;
        oldDb = databases.oldDb();
        newDb = databases.newDb();
        Switchboard.Builder switches = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.builder(MIGRATION).pinning(pins != null).build());
        switchboard = (pins == null ? switches : switches.orderPinStore(pins)).build();
        changeLog = JdbcChangeLog.create(oldDb.dataSource());
        // a SYNC mirror waits for the new store up to its time limit, then records the key and returns: the default
        // limit (one second) was shorter than a first mirror on a loaded machine (MyBatisBreak24Test's NEW_PRIMARY
        // bind member once ended with key 1 recorded, its member taking 12 s), and the tests mean "the mirror ran",
        // not "within a second": they wait for it, as long as a loaded machine needs
        writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(MIRROR_TIME_LIMIT).build()).build();
        dataSource = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration(MIGRATION).dualWriter(writer).mapping(mapping).validateMappings(true)
                .build();
    }

    void merchantPhase(String merchant, MigrationPhase phase) {
        switchboard.switchStore().setMerchantPhase(MIGRATION, merchant, phase);
    }

    /** MyBatis over the double-writing data source, with the interceptor installed by {@link #RULES}. */
    SqlSessionFactory sessions() {
        return sessions(true);
    }

    SqlSessionFactory sessions(boolean interceptor) {
        return sessions(dataSource, interceptor);
    }

    static SqlSessionFactory sessions(DataSource dataSource, boolean interceptor) {
        Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        if (interceptor) {
            MigrationContextInterceptor.install(configuration, RULES);
        }
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    Reconciler reconciler() {
        return Reconciler.builder().changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .mapping(MAPPING).resolver(MIGRATION, switchboard).build();
    }

    /** The old store's orders, read with plain JDBC: "id merchant status amount" by id. */
    Map<Long, String> oldRows() {
        return rows(oldDb, "SELECT id, merchant_no, status, amount FROM orders");
    }

    /** The new store's orders_v2, read with plain JDBC, in the same form. */
    Map<Long, String> newRows() {
        return rows(newDb, "SELECT id, merchant_no, status, amount_total FROM orders_v2");
    }

    /** The old store's rows of one merchant. */
    Map<Long, String> oldRowsOf(String merchant) {
        Map<Long, String> rows = new TreeMap<>(oldRows());
        rows.values().removeIf(row -> !row.split(" ")[1].equals(merchant));
        return rows;
    }

    /** Change-log entries of the orders table, by key: how many each. */
    Map<String, Long> changeLogCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, Object> row : oldDb.query("SELECT row_key, COUNT(*) AS n FROM dualwrite_change_log"
                + " WHERE table_name = 'orders' GROUP BY row_key")) {
            counts.put(String.valueOf(row.get("row_key")), ((Number) row.get("n")).longValue());
        }
        return counts;
    }

    private static Map<Long, String> rows(TestDatabase db, String sql) {
        Map<Long, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            for (Object value : row.values()) {
                values.add(value instanceof BigDecimal number ? number.stripTrailingZeros().toPlainString()
                        : String.valueOf(value));
            }
            rows.put(((Number) row.values().iterator().next()).longValue(), String.join(" ", values));
        }
        return rows;
    }

    @Override
    public void close() {
        writer.close();
        if (ownDatabases) {
            oldDb.close();
            newDb.close();
        }
    }

    /**
     * One old and one new database per kind, with the tables every {@link MyBatisStores} has (the old {@code orders}
     * with its generated id and dualwrite's tables, the new {@code orders_v2}), shared by the members of a class that
     * would otherwise create two databases and dualwrite's six tables each. A member {@linkplain #take takes} them
     * emptied: both tables truncated, the old one's id generator restarted (the members' rows are numbered from 1)
     * and dualwrite's tables emptied, which is what fresh stores hold. The tables are never dropped or changed, so no
     * server-prepared statement outlives them. Its switches, writer and data source are the member's own, as with
     * {@link #MyBatisStores(TestDatabases.Kind)}. The class closes it in its {@code @AfterAll}.
     */
    static final class Shared implements AutoCloseable {
        private static final String[] OWN_TABLES = {"dualwrite_change_log", "dualwrite_switch", "dualwrite_order_pin",
                "dualwrite_verification", "dualwrite_backfill_checkpoint", "dualwrite_verification_checkpoint"};
        private final Map<TestDatabases.Kind, Databases> byKind = new java.util.EnumMap<>(TestDatabases.Kind.class);

        /** Stores as {@code new MyBatisStores(kind)} gives them, on the kind's shared databases. */
        synchronized MyBatisStores take(TestDatabases.Kind kind) throws SQLException {
            Databases databases = byKind.get(kind);
            if (databases == null) {
                databases = created(kind);
                byKind.put(kind, databases);
            } else {
                databases.oldDb().execute(kind == TestDatabases.Kind.MARIADB ? "TRUNCATE TABLE orders"
                        : "TRUNCATE TABLE orders RESTART IDENTITY");
                for (String table : OWN_TABLES) {
                    databases.oldDb().execute("DELETE FROM " + table);
                }
                databases.newDb().execute("TRUNCATE TABLE orders_v2");
            }
            return new MyBatisStores(databases, MAPPING, null, false);
        }

        @Override
        public synchronized void close() {
            byKind.values().forEach(databases -> {
                databases.oldDb().close();
                databases.newDb().close();
            });
            byKind.clear();
        }
    }
}
