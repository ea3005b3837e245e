package io.dualwrite.mybatis;

import static io.dualwrite.mybatis.MyBatisBreakSupport.assertOnlyTheMerchantMirrored;
import static io.dualwrite.mybatis.MyBatisBreakSupport.inBatch;
import static io.dualwrite.mybatis.MyBatisBreakSupport.two;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tenth break review of the MyBatis module, on {@link MyBatisStores}' fixture (orders renamed to orders_v2, no
 * merchant column in the mapping: only the context tells a row's merchant); m-1 double-writes, m-2 does not. Every
 * test ends comparing both stores row by row with plain JDBC.
 */
class MyBatisBreak10Test {

    /** Statements whose entries in one JDBC batch store several rows, or none, each. */
    public interface Break10BatchMapper {
        /** Copies a source merchant's orders of one status as the merchant's own: 0, 1 or more rows per call. */
        @Insert("INSERT INTO orders (merchant_no, status, amount) SELECT #{merchantNo}, status, amount FROM orders"
                + " WHERE merchant_no = #{from} AND status = #{status}")
        @Options(useGeneratedKeys = true)
        int copyOrders(@Param("merchantNo") String merchantNo, @Param("from") String from, @Param("status") String status);

        /**
         * A {@code <foreach>} insert asking for generated keys. MyBatis cannot set the keys of a BATCH run of such
         * inserts on the list's elements (its collection wrapper refuses), so none is named: the keys still come back
         * to the data source, which pairs them with the entries.
         */
        @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='orders' item='o'"
                + " separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})</foreach></script>")
        @Options(useGeneratedKeys = true)
        int insertAll(@Param("orders") List<Order> orders);
    }

    /** Primitive arguments of 0, the way callers pass "none". */
    public interface Break10PrimitiveMapper {
        @Delete("DELETE FROM orders WHERE id = #{id}")
        int deleteById(long id);

        /** id 0: every order of the merchant. */
        @Update("UPDATE orders SET status = #{status} WHERE merchant_no = #{merchantNo} AND (#{id} = 0 OR id = #{id})")
        int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);
    }

    /** The global merchant path, and the {@code <foreach>} inserts' merchant through their list. */
    private static final ContextRules RULES = ContextRules.builder(MyBatisStores.MIGRATION).merchantIdPath("merchantNo")
            .statement(Break10BatchMapper.class.getName() + ".insertAll", null, "orders.merchantNo")
            .statement("io.dualwrite.mybatis.OrderXmlMapper.insertAll", null, "orders.merchantNo")
            .statement("io.dualwrite.mybatis.OrderXmlMapper.deleteByStatus", null, "shop").build();

    private static MyBatisStores stores(TestDatabases.Kind kind, OrderPinStore pins) throws Exception {
        MyBatisStores stores = new MyBatisStores(kind, MyBatisStores.MAPPING, pins);
        stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
        return stores;
    }

    private static SqlSessionFactory sessions(DataSource dataSource, ContextRules rules) {
        return MyBatisBreakSupport.sessions(dataSource, rules, OrderMapper.class, OrderXmlMapper.class,
                Break10BatchMapper.class, Break10PrimitiveMapper.class);
    }

    /**
     * A BATCH run of {@code <foreach>} inserts of two rows each, m-2 (OLD_ONLY) and m-1 (DUAL_WRITE) alternating in one
     * JDBC batch, generated keys, no merchant column mapped. The data source paired keys with entries only when each
     * entry stored one row: otherwise every key went to the first mirroring entry, so m-2's rows were copied under
     * m-1's context (H2, PostgreSQL: a key per row), or, with a key per entry (MariaDB), m-2's first row was copied
     * and m-1's second rows missed. Keys are now paired by each entry's update count.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void aBatchOfMultiRowInsertsOfTwoMerchantsPairsKeysByEachEntrysCount(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            inBatch(sessions(stores.dataSource, RULES), Break10BatchMapper.class, mapper -> {
                mapper.insertAll(two("m-2", "1.00", "2.00"));
                mapper.insertAll(two("m-1", "3.00", "4.00"));
                mapper.insertAll(two("m-2", "5.00", "6.00"));
                mapper.insertAll(two("m-1", "7.00", "8.00"));
            });
            assertOnlyTheMerchantMirrored(stores, "m-1", 8, 4);
        }
    }

    /**
     * A BATCH run of one {@code INSERT … SELECT} with generated keys whose entries store 2, 1, 0 and 2 rows, for m-2,
     * m-1, m-2 and m-1: every key went to the first mirroring entry (m-2's copies reached the new store); paired by
     * the counts, each m-1 entry syncs exactly its own rows.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aBatchWhoseEntriesStoreDifferentRowCountsSyncsEachMirroringEntrysOwnRows(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            stores.oldDb.execute("INSERT INTO orders (merchant_no, status, amount) VALUES ('m-0', 'A', 1.00),"
                    + " ('m-0', 'A', 2.00), ('m-0', 'B', 3.00)");
            inBatch(sessions(stores.dataSource, RULES), Break10BatchMapper.class, mapper -> {
                mapper.copyOrders("m-2", "m-0", "A");
                mapper.copyOrders("m-1", "m-0", "B");
                mapper.copyOrders("m-2", "m-0", "C");
                mapper.copyOrders("m-1", "m-0", "A");
            });
            assertOnlyTheMerchantMirrored(stores, "m-1", 8, 3);
        }
    }

    /**
     * A driver that answers a batch with {@code SUCCESS_NO_INFO} (Oracle, rewritten batches): which keys are whose
     * cannot be told. The first mirroring entry took every key and m-2's rows were copied; now each mirroring entry
     * records a scoped resync, nothing is guessed, and no m-2 row reaches the new store.
     */
    @org.junit.jupiter.api.Test
    void aBatchAnsweredWithoutCountsRecordsAResyncInsteadOfGuessingWhoseKeysTheyAre() throws Exception {
        try (MyBatisStores stores = stores(TestDatabases.Kind.H2, null)) {
            DualWriteDataSource noInfo = DualWriteDataSource.builder()
                    .oldDataSource(withoutCounts(stores.oldDb.dataSource())).newDataSource(stores.newDb.dataSource())
                    .migration(MyBatisStores.MIGRATION).dualWriter(stores.writer).mapping(MyBatisStores.MAPPING).build();
            inBatch(sessions(noInfo, RULES), Break10BatchMapper.class, mapper -> {
                mapper.insertAll(two("m-2", "1.00", "2.00"));
                mapper.insertAll(two("m-1", "3.00", "4.00"));
                mapper.insertAll(two("m-2", "5.00", "6.00"));
            });
            assertThat(stores.oldRows()).hasSize(6);
            assertThat(stores.oldRowsOf("m-1")).containsAllEntriesOf(stores.newRows());
            assertThat(stores.newRows().keySet()).doesNotContainAnyElementsOf(stores.oldRowsOf("m-2").keySet());
            assertThat(stores.oldDb.query("SELECT COUNT(*) AS n FROM dualwrite_change_log WHERE table_name = 'orders'"))
                    .extracting(row -> ((Number) row.get("n")).longValue()).containsExactly(1L);
        }
    }

    /**
     * A lone primitive argument of 0 named as the statement's order id ({@code deleteById(long id)}, path to the
     * argument itself) was order "0": with order pinning, the call pinned order "0" to the phase it ran in, which every
     * later call carrying a primitive 0 then took. Like a primitive property of 0, it is no id.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aLonePrimitiveArgumentOfZeroIsNoOrderId(TestDatabases.Kind kind) throws Exception {
        OrderPinStore pins = OrderPinStores.inMemory();
        try (MyBatisStores stores = stores(kind, pins)) {
            String mapper = Break10PrimitiveMapper.class.getName();
            SqlSessionFactory sessions = sessions(stores.dataSource, ContextRules.builder(MyBatisStores.MIGRATION)
                    .merchantIdPath("merchantNo").statement(mapper + ".deleteById", "id", null)
                    .statement("io.dualwrite.mybatis.OrderXmlMapper.insertAll", null, "orders.merchantNo")
                    .statement("io.dualwrite.mybatis.OrderXmlMapper.deleteByStatus", null, "shop").build());
            Order order = new Order("m-1", "NEW", "1.00");
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
                assertThat(session.getMapper(Break10PrimitiveMapper.class).deleteById(0L)).isZero();
            }
            assertThat(pins.find(MyBatisStores.MIGRATION, "0")).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).containsOnlyKeys(order.getId());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * A primitive {@code @Param("id") long id} of 0 (meaning every order of the merchant) read by a global order id
     * path was order "0": m-2's call pinned it to OLD_ONLY, so m-1's same call after it was decided OLD_ONLY and its
     * update never reached the new store. It is no id, as a primitive property of 0 is.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void aPrimitiveParamArgumentOfZeroIsNoOrderIdAndPinsNothing(TestDatabases.Kind kind) throws Exception {
        OrderPinStore pins = OrderPinStores.inMemory();
        try (MyBatisStores stores = stores(kind, pins)) {
            SqlSessionFactory sessions = sessions(stores.dataSource, ContextRules.builder(MyBatisStores.MIGRATION)
                    .orderIdPath("id").merchantIdPath("merchantNo")
                    .statement("io.dualwrite.mybatis.OrderXmlMapper.insertAll", null, "orders.merchantNo")
                    .statement("io.dualwrite.mybatis.OrderXmlMapper.deleteByStatus", null, "shop").build());
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-2", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderXmlMapper.class).insertAll(List.of(first));
                session.getMapper(OrderXmlMapper.class).insertAll(List.of(second));
                Break10PrimitiveMapper mapper = session.getMapper(Break10PrimitiveMapper.class);
                assertThat(mapper.updateStatus(0, "m-2", "PAID")).isEqualTo(1);
                assertThat(mapper.updateStatus(0, "m-1", "PAID")).isEqualTo(1);
            }
            assertThat(stores.oldRows().get(first.getId())).contains(" PAID ");
            assertThat(pins.find(MyBatisStores.MIGRATION, "0")).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(first.getId());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /** The old store as a driver that reports {@code SUCCESS_NO_INFO} for every entry of a batch. */
    static DataSource withoutCounts(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(MyBatisBreak10Test.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = KeyFormsStores.invoke(target, method, args);
                    return result instanceof Connection connection ? wrap(connection, Connection.class) : result;
                });
    }

    private static <T> T wrap(T target, Class<T> type) {
        return type.cast(Proxy.newProxyInstance(MyBatisBreak10Test.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                        return KeyFormsStores.invoke(target, method, args);
                    }
                    Object result = KeyFormsStores.invoke(target, method, args);
                    if (result instanceof PreparedStatement statement) {
                        return wrap(statement, PreparedStatement.class);
                    }
                    if (method.getName().equals("executeBatch") && result instanceof int[] counts) {
                        int[] none = new int[counts.length];
                        Arrays.fill(none, Statement.SUCCESS_NO_INFO);
                        return none;
                    }
                    return result;
                }));
    }
}
