package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fourteenth break review of the MyBatis module. Tries the writes a two-session-factory proxy runs that no
 * {@code @DualWrite} marks (a delete by key, an update of many rows, an insert run as a select, and one called from a
 * {@code default} method), and new-schema mappers whose by-key statements declare no parameter type (an XML
 * statement without {@code parameterType}), which the copier fed the key as text. Every test ends comparing both
 * stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak14Test {

    /**
     * Writes of a mapper that {@code DualWriteMappers} proxies and no {@code @DualWrite} (nor
     * {@code Builder.statement}) marks: a delete by key and merchant, an update of all a merchant's rows, an insert run
     * as a MyBatis select (H2's {@code FINAL TABLE}), and the same delete called from a {@code default} method. Each
     * ran on the authoritative store only, and the new store kept m-1's (DUAL_WRITE) rows as they were, with nothing
     * recorded. Now each such call of a merchant whose phase writes the other store records a scoped resync of the
     * table it writes (a refusal would change what the caller sees; its keys are unknown); the calls of m-2 (OLD_ONLY)
     * and the reads record nothing. Syncing every key of the table (what the resolution of the resync does) makes both
     * stores equal.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void anUnmarkedWriteThroughTwoSessionFactoriesRecordsAResyncOfItsTable(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            DualWriteMappers mappers = stores.mappers(Break14TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build()).build();
            Break14TwoStoreMapper orders = mappers.mapper(Break14TwoStoreMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            Order third = new Order("m-1", "NEW", "3.00");
            Order other = new Order("m-2", "NEW", "4.00");
            for (Order order : List.of(first, second, third, other)) {
                orders.insert(order);
            }
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"))
                    .hasSize(3);
            assertThat(stores.changeLogEntries()).isEmpty();

            assertThat(orders.forget(first.getId(), "m-1")).isEqualTo(1);
            assertThat(orders.forgetTwice(second.getId(), "m-1")).isEqualTo(1);
            assertThat(orders.updateAllOf("m-1", "PAID")).isEqualTo(1);
            Long inserted = orders.insertReturningId(new Order("m-1", "NEW", "5.00"));
            assertThat(orders.forget(other.getId(), "m-2")).isEqualTo(1);
            assertThat(orders.countOf("m-1")).isEqualTo(2);

            Map<Long, String> oldRows = MyBatisBreakSupport.rows(stores.oldDb);
            assertThat(oldRows).containsOnlyKeys(third.getId(), inserted);
            assertThat(stores.changeLogEntries()).isNotEmpty().allMatch(entry -> entry.equals("RESYNC NEW *"));
            assertThat(stores.changeLogEntries()).hasSize(5); // forget, twice from forgetTwice, updateAllOf, insertReturningId

            stores.resyncToNew(mappers, "m-1"); // what resolving the resync does
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"))
                    .containsOnlyKeys(third.getId(), inserted);
        }
    }

    private static final String XML_COPIER = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"break14.copier\">\n"
            + "  <select id=\"selectOld\" resultType=\"io.dualwrite.mybatis.Order\">SELECT id, merchant_no AS merchantNo,"
            + " status, amount FROM orders WHERE id = #{id}</select>\n"
            + "  <select id=\"selectNew\" resultType=\"io.dualwrite.mybatis.Order\">SELECT id, merchant_no AS merchantNo,"
            + " status, amount_total AS amount FROM orders_v2 WHERE id = #{id}</select>\n"
            + "  <delete id=\"deleteOld\">DELETE FROM orders WHERE id = #{id}</delete>\n"
            + "  <delete id=\"deleteNew\">DELETE FROM orders_v2 WHERE id = #{id}</delete>\n"
            + "  <insert id=\"insertOld\">INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id},"
            + " #{merchantNo}, #{status}, #{amount})</insert>\n"
            + "  <insert id=\"insertNew\">INSERT INTO orders_v2 (id, merchant_no, status, amount_total) VALUES (#{id},"
            + " #{merchantNo}, #{status}, #{amount})</insert>\n"
            + "</mapper>\n";

    /**
     * A {@code MapperCopier} whose read and delete by key are XML statements without {@code parameterType} (MyBatis
     * then knows no parameter type, and most XML mappers are written so): the copier passed the key as its text, which
     * PostgreSQL refuses against a {@code bigint} key ({@code bigint = character varying}). Every sync of the table
     * failed, inserts, updates and deletes, in both directions (m-1 DUAL_WRITE, m-3 NEW_PRIMARY), and each stayed in the
     * change log for good: no reconciler run could copy it. Such a key is now bound as the key column holds it.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMapperCopierWhoseByKeyStatementsDeclareNoParameterTypeSyncsEveryWrite(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-3", MigrationPhase.NEW_PRIMARY);
            Configuration configuration = new Configuration();
            configuration.addMapper(OrderMapper.class);
            MyBatisBreakSupport.parseXml(configuration, XML_COPIER, "break14-copier.xml");
            MapperCopier copier = MapperCopier.builder(configuration, MyBatisStores.MAPPING)
                    .dataSource(Store.OLD, stores.oldDb.dataSource()).dataSource(Store.NEW, stores.newDb.dataSource())
                    .read(Store.OLD, "break14.copier.selectOld").read(Store.NEW, "break14.copier.selectNew")
                    .upsert(Store.NEW, "break14.copier.deleteNew", "break14.copier.insertNew")
                    .upsert(Store.OLD, "break14.copier.deleteOld", "break14.copier.insertOld")
                    .delete(Store.NEW, "break14.copier.deleteNew").delete(Store.OLD, "break14.copier.deleteOld")
                    .resolver(MyBatisStores.MIGRATION, stores.switchboard, MyBatisStores.RULES_WITHOUT_XML)
                    .build();
            DualWriteDataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(stores.oldDb.dataSource()).newDataSource(stores.newDb.dataSource())
                    .migration(MyBatisStores.MIGRATION).dualWriter(stores.writer).mapping(MyBatisStores.MAPPING)
                    .tableCopier("orders", copier).build();
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(dataSource, MyBatisStores.RULES_WITHOUT_XML,
                    OrderMapper.class);
            Order kept = new Order("m-1", "NEW", "1.00");
            Order gone = new Order("m-1", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(kept);
                orders.insert(gone);
                assertThat(orders.updateStatus(kept.getId(), "m-1", "PAID")).isEqualTo(1);
                assertThat(orders.delete(gone.getId(), "m-1")).isEqualTo(1);
            }
            // m-3's order is written to the new store (which generates no key: its id is given) and synced back
            try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION).merchantId("m-3")
                         .open();
                 java.sql.Connection connection = dataSource.getConnection();
                 java.sql.Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, merchant_no, status, amount) VALUES (500, 'm-3', 'NEW', 3.00)");
                assertThat(statement.executeUpdate("UPDATE orders SET status = 'PAID' WHERE id = 500")).isEqualTo(1);
            }
            assertThat(stores.changeLogCounts()).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).containsOnlyKeys(kept.getId(), 500L);
            assertThat(stores.oldRows().get(500L)).isEqualTo("500 m-3 PAID 3");
        }
    }

    private static final String XML_ROWS = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"break14.rows\">\n"
            + "  <select id=\"selectById\" resultType=\"io.dualwrite.mybatis.Order\">SELECT id, merchant_no AS merchantNo,"
            + " status, amount FROM orders WHERE id = #{id}</select>\n"
            + "  <delete id=\"deleteById\">DELETE FROM orders WHERE id = #{id}</delete>\n"
            + "  <insert id=\"insertWithId\">INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id},"
            + " #{merchantNo}, #{status}, #{amount})</insert>\n"
            + "</mapper>\n";

    /** {@code factory} with the XML statements of {@link #XML_ROWS} added to its configuration. */
    private static SqlSessionFactory withXmlRows(SqlSessionFactory factory) {
        MyBatisBreakSupport.parseXml(factory.getConfiguration(), XML_ROWS, "break14-rows.xml");
        return factory;
    }

    /**
     * The same kind through two session factories: the table's read and delete by key are XML statements without
     * {@code parameterType}, and the sync passed the key as its text, which PostgreSQL refused against the
     * {@code bigint} key. A marked insert and a marked delete of m-1 (DUAL_WRITE) each left a change-log entry that no
     * repair could complete, and the new store never got the row. The key is now bound as the key column holds it.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void twoSessionFactoriesWhoseByKeyStatementsDeclareNoParameterTypeSyncEveryWrite(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            List<String> upsert = List.of("break14.rows.deleteById", "break14.rows.insertWithId");
            List<String> delete = List.of("break14.rows.deleteById");
            DualWriteMappers mappers = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, withXmlRows(MyBatisBreakSupport.twoStoreFactory(stores.oldDb.dataSource(),
                            Break14TwoStoreMapper.class)))
                    .sessions(Store.NEW, withXmlRows(MyBatisBreakSupport.twoStoreFactory(stores.newDb.dataSource(),
                            Break14TwoStoreMapper.class)))
                    .table("orders", Store.OLD, "break14.rows.selectById", upsert, delete)
                    .table("orders", Store.NEW, "break14.rows.selectById", upsert, delete)
                    .statement(Break14TwoStoreMapper.class.getName() + ".forget", "orders", 0, Operation.DELETE)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build()).build();
            Break14TwoStoreMapper orders = mappers.mapper(Break14TwoStoreMapper.class);
            Order kept = new Order("m-1", "NEW", "1.00");
            Order gone = new Order("m-1", "NEW", "2.00");
            orders.insert(kept);
            orders.insert(gone);
            assertThat(orders.forget(gone.getId(), "m-1")).isEqualTo(1);

            assertThat(stores.changeLogEntries()).isEmpty();
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb))
                    .containsOnlyKeys(kept.getId());
        }
    }

    private static final String NESTED = Break14NestedMapper.class.getName() + ".";

    /** Groups of orders of one merchant: two lists, of two and one orders. */
    private static List<List<Order>> groups(String merchant) {
        return new java.util.ArrayList<>(List.of(MyBatisBreakSupport.two(merchant, "1.00", "2.00"),
                new java.util.ArrayList<>(List.of(new Order(merchant, "NEW", "3.00")))));
    }

    /**
     * Orders given in groups (a list of lists, an array of lists: a nested {@code <foreach>}), the merchant read by the
     * statement's path {@code groups.merchantNo}, by the same global path, or by the {@code @MerchantId} field alone.
     * A path through the outer collection met the inner lists, and MyBatis' reflection of a list throws
     * ({@code UnsupportedOperationException}): the caller's insert failed, which MyBatis alone runs. The marked field
     * was not read in the inner lists, so the call was unattributed and only a scoped resync of the table recorded.
     * Collections are now read through at any depth: m-1's (DUAL_WRITE) groups are mirrored, m-2's (OLD_ONLY) are not,
     * and nothing is recorded.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"statement", "global", "annotation"})
    void ordersGivenInNestedCollectionsAreAttributedToTheirMerchant(String rule) throws Exception {
        ContextRules.Builder rules = ContextRules.builder(MyBatisStores.MIGRATION).annotations(rule.equals("annotation"));
        if (rule.equals("statement")) {
            rules.statement(NESTED + "insertGroups", null, "groups.merchantNo")
                    .statement(NESTED + "insertGroupArray", null, "groups.merchantNo");
        } else if (rule.equals("global")) {
            rules.merchantIdPath("groups.merchantNo");
        }
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, rules.build(),
                    Break14NestedMapper.class);
            try (SqlSession session = sessions.openSession(true)) {
                Break14NestedMapper mapper = session.getMapper(Break14NestedMapper.class);
                assertThat(mapper.insertGroups(groups("m-1"))).isEqualTo(3);
                assertThat(mapper.insertGroups(groups("m-2"))).isEqualTo(3);
                @SuppressWarnings("unchecked")
                List<Order>[] m1 = groups("m-1").toArray(new List[0]);
                @SuppressWarnings("unchecked")
                List<Order>[] m2 = groups("m-2").toArray(new List[0]);
                assertThat(mapper.insertGroupArray(m1)).isEqualTo(3);
                assertThat(mapper.insertGroupArray(m2)).isEqualTo(3);
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 12, 6);
        }
    }

    /** An order of {@code merchant} with its id given. */
    private static Order withId(long id, String merchant) {
        Order order = new Order(merchant, "NEW", id + ".00");
        order.setId(id);
        return order;
    }

    /**
     * The same kind through two session factories: a marked insert of orders given in groups (a list of lists, an
     * array of lists), of m-1 (DUAL_WRITE) and m-2 (OLD_ONLY) mixed, the merchant by the statement's path. The keys were
     * read from the inner lists as if they were rows (MyBatis' reflection of a list throws), so no key was known and a
     * scoped resync of the table stood in for the rows; each order is now a row of its own, synced under its own
     * merchant: m-1's reach the new store, m-2's do not, and nothing is recorded.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"list", "array"})
    void aMarkedInsertOfOrdersInGroupsSyncsEachOrderUnderItsOwnMerchant(String shape) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            String id = Break14TwoStoreMapper.class.getName() + ".";
            DualWriteMappers mappers = stores.mappers(Break14TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").statement(id + "insertGroups", null, "groups.merchantNo")
                            .statement(id + "insertGroupArray", null, "groups.merchantNo").build()).build();
            Break14TwoStoreMapper orders = mappers.mapper(Break14TwoStoreMapper.class);
            List<List<Order>> groups = new java.util.ArrayList<>(List.of(
                    new java.util.ArrayList<>(List.of(withId(11, "m-1"), withId(12, "m-2"))),
                    new java.util.ArrayList<>(List.of(withId(13, "m-1")))));
            if (shape.equals("list")) {
                assertThat(orders.insertGroups(groups)).isEqualTo(3);
            } else {
                @SuppressWarnings("unchecked")
                List<Order>[] array = groups.toArray(new List[0]);
                assertThat(orders.insertGroupArray(array)).isEqualTo(3);
            }
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(11L, 12L, 13L);
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"))
                    .containsOnlyKeys(11L, 13L);
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }
}
