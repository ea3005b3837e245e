package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fifth break review of the MyBatis module, on {@link MyBatisStores}' fixture (orders renamed to orders_v2 with
 * amount → amount_total on the new store). Every test ends comparing both stores row by row with plain JDBC.
 */
class MyBatisBreak5Test {

    private static final ContextRules RULES = ContextRules.builder(MyBatisStores.MIGRATION).merchantIdPath("merchantNo").build();

    private static SqlSessionFactory routedSessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break5", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(Break5OrderMapper.class);
        configuration.addMapper(Break5NewOrderMapper.class);
        configuration.addMapper(Break5CachedOrderMapper.class);
        MigrationContextInterceptor.install(configuration, RULES, NewStoreReads.builder(stores.switchboard)
                .mapper(Break5OrderMapper.class, Break5NewOrderMapper.class)
                .statement(Break5CachedOrderMapper.class.getName() + ".selectByMerchant",
                        Break5NewOrderMapper.class.getName() + ".selectByMerchant").build());
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /**
     * A read routed to a new-store counterpart whose mapper has a second-level cache: the writes the application
     * makes go through its own mapper, whose namespace they flush, never the counterpart's. The routed read answered
     * from the counterpart's cache the row as it was before the write.
     */
    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"NEW_PRIMARY", "NEW_ONLY"})
    void aRoutedReadFromACachedCounterpartSeesTheApplicationsLaterWrite(MigrationPhase phase) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Order order = new Order("m-1", "NEW", "10.00");
            try (SqlSession session = stores.sessions().openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
            }
            stores.merchantPhase("m-1", phase);
            SqlSessionFactory sessions = routedSessions(stores);
            try (SqlSession session = sessions.openSession(true)) {
                assertThat(session.getMapper(Break5OrderMapper.class).selectByMerchant(order.getId(), "m-1").getStatus())
                        .isEqualTo("NEW");
            }
            try (SqlSession session = sessions.openSession(true)) {
                assertThat(session.getMapper(Break5OrderMapper.class).updateStatus(order.getId(), "m-1", "PAID"))
                        .isEqualTo(1);
            }
            try (SqlSession session = sessions.openSession(true)) {
                assertThat(session.getMapper(Break5OrderMapper.class).selectByMerchant(order.getId(), "m-1").getStatus())
                        .isEqualTo("PAID");
            }
            if (phase == MigrationPhase.NEW_PRIMARY) {
                assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);
                assertThat(stores.changeLogCounts()).isEmpty();
            } else {
                assertThat(stores.newRows().get(order.getId())).isEqualTo(order.getId() + " m-1 PAID 10");
            }
        }
    }

    /**
     * Both mappers cached, a BATCH session: the update queued through the application's mapper clears its cache for
     * the session, so the routed read that follows reaches the database (sending the queued entry first) and sees
     * the write; from the counterpart's own cache it saw the row as it was.
     */
    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"NEW_PRIMARY", "NEW_ONLY"})
    void aRoutedReadOnABatchSessionSeesTheWriteQueuedBeforeIt(MigrationPhase phase) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Order order = new Order("m-1", "NEW", "10.00");
            try (SqlSession session = stores.sessions().openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
            }
            stores.merchantPhase("m-1", phase);
            SqlSessionFactory sessions = routedSessions(stores);
            try (SqlSession session = sessions.openSession(true)) {
                assertThat(session.getMapper(Break5CachedOrderMapper.class).selectByMerchant(order.getId(), "m-1")
                        .getStatus()).isEqualTo("NEW");
            }
            try (SqlSession session = sessions.openSession(org.apache.ibatis.session.ExecutorType.BATCH)) {
                Break5CachedOrderMapper orders = session.getMapper(Break5CachedOrderMapper.class);
                orders.updateStatus(order.getId(), "m-1", "QUEUED");
                assertThat(orders.selectByMerchant(order.getId(), "m-1").getStatus()).isEqualTo("QUEUED");
                session.commit();
            }
            try (SqlSession session = sessions.openSession(true)) {
                assertThat(session.getMapper(Break5CachedOrderMapper.class).selectByMerchant(order.getId(), "m-1")
                        .getStatus()).isEqualTo("QUEUED");
            }
            if (phase == MigrationPhase.NEW_PRIMARY) {
                assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);
                assertThat(stores.changeLogCounts()).isEmpty();
            } else {
                assertThat(stores.newRows().get(order.getId())).isEqualTo(order.getId() + " m-1 QUEUED 10");
            }
        }
    }
}
