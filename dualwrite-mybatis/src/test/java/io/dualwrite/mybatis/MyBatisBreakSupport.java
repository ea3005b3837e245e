package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.jspecify.annotations.Nullable;

/**
 * The shapes the break reviews of the MyBatis module share: MyBatis over a data source with some mappers, a BATCH run
 * of a mapper committed, the order lists they insert, and two stores of one kind (same {@code orders} table, no data
 * source in between) for {@link DualWriteMappers}, compared row by row with plain JDBC.
 */
final class MyBatisBreakSupport {

    private MyBatisBreakSupport() {
    }

    /** MyBatis over {@code dataSource} knowing {@code mappers}, the interceptor installed by {@code rules} when given. */
    static SqlSessionFactory sessions(DataSource dataSource, @Nullable ContextRules rules, Class<?>... mappers) {
        Configuration configuration = new Configuration(new Environment("break", new JdbcTransactionFactory(), dataSource));
        for (Class<?> mapper : mappers) {
            configuration.addMapper(mapper);
        }
        if (rules != null) {
            MigrationContextInterceptor.install(configuration, rules);
        }
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** The head of an XML mapper given as text: the declaration and the DTD. */
    static final String XML_MAPPER_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE mapper PUBLIC"
            + " \"-//mybatis.org//DTD Mapper 3.0//EN\" \"https://mybatis.org/dtd/mybatis-3-mapper.dtd\">\n";

    /** Adds the statements of an XML mapper given as text ({@code resource} names it in MyBatis' messages). */
    static Configuration parseXml(Configuration configuration, String xml, String resource) {
        new org.apache.ibatis.builder.xml.XMLMapperBuilder(new java.io.ByteArrayInputStream(
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)), configuration, resource,
                configuration.getSqlFragments()).parse();
        return configuration;
    }

    /** Runs {@code calls} on a mapper of one BATCH session and commits it. */
    static <M> void inBatch(SqlSessionFactory sessions, Class<M> type, Consumer<M> calls) {
        try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
            calls.accept(session.getMapper(type));
            session.commit();
        }
    }

    /** Two new orders of one merchant, in a list MyBatis may set keys on. */
    static List<Order> two(String merchant, String first, String second) {
        return new ArrayList<>(List.of(new Order(merchant, "NEW", first), new Order(merchant, "NEW", second)));
    }

    /**
     * The old store holds {@code oldRows} rows, {@code merchantRows} of them the merchant's, the new store exactly the
     * merchant's rows, and nothing is recorded.
     */
    static void assertOnlyTheMerchantMirrored(MyBatisStores stores, String merchant, int oldRows, int merchantRows) {
        assertThat(stores.oldRows()).hasSize(oldRows);
        assertThat(stores.oldRowsOf(merchant)).hasSize(merchantRows);
        assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf(merchant));
        assertThat(stores.changeLogCounts()).isEmpty();
    }

    /** MyBatis over one store's data source knowing {@code mappers}, no interceptor: one of two session factories. */
    static SqlSessionFactory twoStoreFactory(DataSource dataSource, Class<?>... mappers) {
        return sessions(dataSource, null, mappers);
    }

    /** A store's orders, read with plain JDBC: "id merchant status amount" by id. */
    static Map<Long, String> rows(TestDatabase db) {
        Map<Long, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, merchant_no, status, amount FROM orders")) {
            List<String> values = new ArrayList<>();
            row.values().forEach(v -> values.add(v instanceof BigDecimal n ? n.stripTrailingZeros().toPlainString() : String.valueOf(v)));
            rows.put(((Number) row.get("id")).longValue(), String.join(" ", values));
        }
        return rows;
    }

    /** A store's orders of one merchant, in the form of {@link #rows(TestDatabase)}. */
    static Map<Long, String> rowsOf(TestDatabase db, String merchant) {
        Map<Long, String> rows = rows(db);
        rows.values().removeIf(row -> !row.split(" ")[1].equals(merchant));
        return rows;
    }

    /**
     * Creates {@code orders} in the old store (id generated) and its copy {@code newTable} in the new one (id given,
     * the amount named {@code newAmount}), and dualwrite's tables in the old store.
     */
    static void createOrders(TestDatabases.Kind kind, TestDatabase oldDb, TestDatabase newDb, String newTable,
            String newAmount) throws SQLException {
        String key = kind == TestDatabases.Kind.POSTGRES ? "id BIGSERIAL PRIMARY KEY" : "id BIGINT AUTO_INCREMENT PRIMARY KEY";
        oldDb.execute("CREATE TABLE orders (" + key + ", merchant_no VARCHAR(20) NOT NULL,"
                + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
        newDb.execute("CREATE TABLE " + newTable + " (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL,"
                + " status VARCHAR(20) NOT NULL, " + newAmount + " DECIMAL(12,2) NOT NULL)");
        DualWriteSchema.create(oldDb.dataSource());
    }

    /**
     * Two databases of one kind with the same {@code orders} table (the old one's id generated), dualwrite's tables and
     * change log in the old one, in-memory switches (system OLD_ONLY, m-1 DUAL_WRITE) and a SYNC writer: what
     * {@link DualWriteMappers} over two session factories needs.
     */
    static final class TwoStores implements AutoCloseable {
        final TestDatabase oldDb;
        final TestDatabase newDb;
        final Switchboard switchboard;
        final JdbcChangeLog changeLog;
        final DualWriter writer;

        TwoStores(TestDatabases.Kind kind) throws SQLException {
            oldDb = TestDatabases.create(kind);
            newDb = TestDatabases.create(kind);
            createOrders(kind, oldDb, newDb, "orders", "amount");
            switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("orders")).build();
            switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            changeLog = JdbcChangeLog.create(oldDb.dataSource());
            writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build())
                    .build();
        }

        /**
         * A builder with both stores' session factories knowing {@code mapper}, and the table synced through its
         * {@code selectById}, {@code deleteById} and {@code insertWithId} on either side.
         */
        DualWriteMappers.Builder mappers(Class<?> mapper) {
            String name = mapper.getName() + ".";
            List<String> upsert = List.of(name + "deleteById", name + "insertWithId");
            List<String> delete = List.of(name + "deleteById");
            return DualWriteMappers.builder(writer, "orders")
                    .sessions(Store.OLD, twoStoreFactory(oldDb.dataSource(), mapper))
                    .sessions(Store.NEW, twoStoreFactory(newDb.dataSource(), mapper))
                    .table("orders", Store.OLD, name + "selectById", upsert, delete)
                    .table("orders", Store.NEW, name + "selectById", upsert, delete);
        }

        /** The change-log entries of {@code orders} in the old database: "operation target key" each. */
        List<String> changeLogEntries() {
            return oldDb.query("SELECT operation, target_store, row_key FROM dualwrite_change_log"
                    + " WHERE table_name = 'orders'").stream()
                    .map(row -> String.join(" ", row.values().stream().map(String::valueOf).toList())).toList();
        }

        /**
         * What resolving a scoped resync of {@code orders} for the new store does for {@code merchant}, the one merchant
         * whose phase writes it: every key of its rows in the old store, and of every row in the new one, synced by
         * state through {@code mappers}' copier.
         */
        void resyncToNew(DualWriteMappers mappers, String merchant) throws Exception {
            io.dualwrite.StateSync<Object> sync = mappers.stateSync("orders");
            java.util.TreeSet<Long> keys = new java.util.TreeSet<>(rowsOf(oldDb, merchant).keySet());
            keys.addAll(rows(newDb).keySet());
            for (Long key : keys) {
                writer.syncKey("orders", new io.dualwrite.changelog.RowRef("orders", String.valueOf(key),
                        io.dualwrite.changelog.Operation.UPSERT), Store.NEW, sync);
            }
        }

        @Override
        public void close() {
            writer.close();
            oldDb.close();
            newDb.close();
        }
    }
}
