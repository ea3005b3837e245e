package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eighth break review of the MyBatis module, on {@link MyBatisStores}' fixture (orders renamed to orders_v2 with
 * amount → amount_total on the new store, no merchant column in the mapping: only the context tells a row's
 * merchant). Merchant m-1 double-writes, m-2 does not. Every test ends comparing both stores row by row with plain
 * JDBC.
 */
class MyBatisBreak8Test {

    /** A request wrapping an order, as service layers pass them to mappers. */
    public static class Request {
        private Order order;
        private String status;

        public Request(Order order, String status) {
            this.order = order;
            this.status = status;
        }

        public Order getOrder() {
            return order;
        }

        public String getStatus() {
            return status;
        }
    }

    /** Statements taking a plain {@code Map} and a {@code @Param} bean whose nested order may be missing. */
    public interface Break8Mapper {
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insertMap(Map<String, Object> row);

        @Update("UPDATE orders SET status = #{req.status} WHERE id = #{id}")
        int updateByRequest(@Param("id") long id, @Param("req") Request request);

        @Update("UPDATE orders SET status = #{req.status} WHERE id = #{id}")
        int updateByMap(@Param("id") long id, @Param("req") Map<String, Object> request);
    }

    private static final String UPDATE_BY_REQUEST = Break8Mapper.class.getName() + ".updateByRequest";

    private static SqlSessionFactory sessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break8", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(Break8Mapper.class);
        MigrationContextInterceptor.install(configuration, ContextRules.builder(MyBatisStores.MIGRATION)
                .merchantIdPath("merchantNo")
                .statement(UPDATE_BY_REQUEST, null, "req.order.merchantNo")
                .build());
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static MyBatisStores stores(TestDatabases.Kind kind) throws Exception {
        MyBatisStores stores = new MyBatisStores(kind);
        stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
        return stores;
    }

    /**
     * A BATCH session queues a write of m-1 (its merchant read from the parameter) and is committed (or flushed)
     * inside a scope the application opened for m-2, e.g. a service call of m-2 that ends the unit of work. The
     * entry is m-1's: its row must reach the new store. The flush ran under the scope open at flush time, so the
     * entry was routed as m-2's (OLD_ONLY) and the new store never got the row, with nothing recorded.
     */
    @ParameterizedTest
    @CsvSource({"H2, true", "H2, false", "POSTGRES, true"})
    void aBatchEntryQueuedForOneMerchantIsMirroredByItsOwnMerchantWhenFlushedInsideAnotherMerchantsScope(
            TestDatabases.Kind kind, boolean commit) throws Exception {
        try (MyBatisStores stores = stores(kind)) {
            SqlSessionFactory sessions = sessions(stores);
            Order order = new Order("m-1", "NEW", "7.00");
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                session.getMapper(OrderMapper.class).insert(order);
                try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION)
                        .merchantId("m-2").open()) {
                    if (commit) {
                        session.commit();
                    } else {
                        session.flushStatements();
                    }
                }
                session.commit(true);
            }
            assertThat(stores.oldRows()).hasSize(1);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * A plain {@code Map} as the parameter (not {@code @Param}), with a generated key: the merchant is read from the
     * map's key, the key MyBatis puts into the map is the old store's, and only m-1's row reaches the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aPlainMapParameterGivesTheMerchantAndItsGeneratedKeyNamesTheSameRowInBothStores(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind)) {
            SqlSessionFactory sessions = sessions(stores);
            Map<String, Object> first = new HashMap<>(Map.of("merchantNo", "m-1", "status", "NEW", "amount", new java.math.BigDecimal("3.50")));
            Map<String, Object> second = new HashMap<>(Map.of("merchantNo", "m-2", "status", "NEW", "amount", new java.math.BigDecimal("4.50")));
            try (SqlSession session = sessions.openSession()) {
                Break8Mapper mapper = session.getMapper(Break8Mapper.class);
                mapper.insertMap(first);
                mapper.insertMap(second);
                session.commit();
            }
            assertThat(first.get("id")).isNotNull();
            long id = ((Number) first.get("id")).longValue();
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(id);
        }
    }

    /**
     * A statement path {@code req.order.merchantNo} through a {@code @Param} bean whose order is null: no id, so the
     * unattributed rule (system phase OLD_ONLY) applies and the call neither fails nor mirrors; with the order
     * present, the write of m-1 reaches the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aNestedPathWithANullParentGivesNoIdAndTheFullPathGivesTheMerchant(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind)) {
            SqlSessionFactory sessions = sessions(stores);
            Order order = new Order("m-1", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
            }
            try (SqlSession session = sessions.openSession(true)) {
                Break8Mapper mapper = session.getMapper(Break8Mapper.class);
                assertThat(mapper.updateByRequest(order.getId(), new Request(null, "HELD"))).isEqualTo(1);
            }
            assertThat(stores.newRows().get(order.getId())).isEqualTo(order.getId() + " m-1 NEW 2");
            try (SqlSession session = sessions.openSession(true)) {
                Break8Mapper mapper = session.getMapper(Break8Mapper.class);
                assertThat(mapper.updateByRequest(order.getId(), new Request(order, "PAID"))).isEqualTo(1);
            }
            assertThat(stores.oldRows().get(order.getId())).isEqualTo(order.getId() + " m-1 PAID 2");
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        }
    }

    /**
     * The REUSE executor keeps one prepared statement per SQL for the session: writes of m-1 and m-2 interleaved
     * through the same reused statements must each follow their own merchant's phase.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void interleavedMerchantsOnReusedStatementsEachFollowTheirOwnPhase(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind)) {
            SqlSessionFactory sessions = sessions(stores);
            try (SqlSession session = sessions.openSession(ExecutorType.REUSE)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                Order a = new Order("m-1", "NEW", "1.00");
                Order b = new Order("m-2", "NEW", "2.00");
                Order c = new Order("m-1", "NEW", "3.00");
                orders.insert(a);
                orders.insert(b);
                orders.insert(c);
                orders.updateStatus(b.getId(), "m-2", "PAID");
                orders.updateStatus(a.getId(), "m-1", "PAID");
                orders.delete(c.getId(), "m-1");
                orders.delete(b.getId(), "m-2");
                session.commit();
            }
            assertThat(stores.oldRows()).hasSize(1);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
        }
    }
    /**
     * The query path of the same mechanism: a BATCH session queues a write of m-1, then reads inside a scope opened
     * for m-2; the read sends the queued entry first. It went under the read's scope (m-2, OLD_ONLY), so the row
     * never reached the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aBatchEntrySentByAReadInsideAnotherMerchantsScopeIsMirroredByItsOwnMerchant(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind)) {
            SqlSessionFactory sessions = sessions(stores);
            Order order = new Order("m-1", "NEW", "8.00");
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(order);
                try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION)
                        .merchantId("m-2").open()) {
                    assertThat(orders.selectByMerchant(1, "m-2")).isNull();
                }
                session.commit();
            }
            assertThat(stores.oldRows()).hasSize(1);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * With the merchant column named in the mapping, a BATCH of m-1 and m-2 writes (contexts differ) runs without a
     * context and each entry follows its own merchant column; committed inside a scope opened for m-2, the m-1 row
     * must still reach the new store and the m-2 row must not.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aMixedBatchCommittedInsideAScopeFollowsEachEntrysMerchantColumn(TestDatabases.Kind kind) throws Exception {
        io.dualwrite.mapping.TableMapping byColumn = io.dualwrite.mapping.TableMapping.builder("orders")
                .newTable("orders_v2").rename("amount", "amount_total").merchantIdColumn("merchant_no").build();
        try (MyBatisStores stores = new MyBatisStores(kind, byColumn)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
            SqlSessionFactory sessions = sessions(stores);
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(new Order("m-1", "NEW", "1.00"));
                orders.insert(new Order("m-2", "NEW", "2.00"));
                try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION)
                        .merchantId("m-2").open()) {
                    session.commit();
                }
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
        }
    }
    /**
     * A statement path that names a bean ({@code req.order}, an {@link Order}) exists but can never give an id: the
     * interceptor takes no bean for an id, so every call of the statement would silently follow the unattributed
     * rule. It is refused at install, naming the path, the mapper and the bean's properties; a path through a
     * {@code Map} {@code @Param} (any key may be there) is accepted, and a wrong nested name is refused.
     */
    @org.junit.jupiter.api.Test
    void aStatementPathEndingAtABeanIsRefusedAtInstallNamingItsProperties() {
        ContextRules beanPath = ContextRules.builder(MyBatisStores.MIGRATION)
                .statement(UPDATE_BY_REQUEST, null, "req.order").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(mappers(), beanPath))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'req.order' of statement '" + UPDATE_BY_REQUEST + "'")
                .hasMessageContaining("(mapper " + Break8Mapper.class.getName() + ")")
                .hasMessageContaining("merchantNo")
                .hasMessageContaining("fix the path");
        ContextRules typo = ContextRules.builder(MyBatisStores.MIGRATION)
                .statement(UPDATE_BY_REQUEST, null, "req.order.merchantNumber").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(mappers(), typo))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'req.order.merchantNumber'")
                .hasMessageContaining("Order has no readable property 'merchantNumber'");
        Configuration configuration = mappers();
        MigrationContextInterceptor.install(configuration, ContextRules.builder(MyBatisStores.MIGRATION)
                .statement(Break8Mapper.class.getName() + ".updateByMap", null, "req.merchantNo").build());
        assertThat(configuration.getInterceptors()).hasSize(1);
    }

    private static Configuration mappers() {
        Configuration configuration = new Configuration();
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(Break8Mapper.class);
        return configuration;
    }
}
