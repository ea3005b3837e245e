package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real MyBatis 3.5 (annotated and XML mappers, SIMPLE and BATCH executors) over a DualWriteDataSource, on H2
 * and on real PostgreSQL, with the new table renamed and no merchant column in the mapping: the context the
 * interceptor opens from each call's parameter is what routes it. Every test ends by comparing both stores row
 * by row with plain JDBC.
 */
class MyBatisDualWriteTest {

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void insertsWithGeneratedKeysForeachBatchUpdateAndDeleteGiveTheSameRowsInBothStores(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = stores.sessions();
            Order single = new Order("m-1", "NEW", "10.50");
            List<Order> many = List.of(new Order("m-1", "NEW", "1.00"), new Order("m-1", "NEW", "2.00"),
                    new Order("m-1", "NEW", "3.00"));
            try (SqlSession session = sessions.openSession()) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                OrderXmlMapper xml = session.getMapper(OrderXmlMapper.class);
                assertThat(orders.insert(single)).isEqualTo(1);
                assertThat(xml.insertAll(many)).isEqualTo(3);
                assertThat(orders.updateStatus(single.getId(), "m-1", "PAID")).isEqualTo(1);
                assertThat(xml.changeStatus(new OrderChange(many.get(0).getId(), "m-1", "SHIPPED"))).isEqualTo(1);
                assertThat(orders.delete(many.get(1).getId(), "m-1")).isEqualTo(1);
                session.commit();
            }
            List<Order> batched = List.of(new Order("m-1", "NEW", "7.00"), new Order("m-1", "NEW", "8.00"));
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                batched.forEach(orders::insert);
                orders.updateStatus(many.get(2).getId(), "m-1", "CANCELLED");
                session.commit();
            }
            try (SqlSession session = sessions.openSession(true)) { // auto-commit
                session.getMapper(OrderXmlMapper.class).deleteByStatus("m-1", "CANCELLED");
            }

            // the keys MyBatis set on the parameters are the old store's, and the new rows carry the same keys
            assertThat(single.getId()).isNotNull();
            assertThat(many).allSatisfy(order -> assertThat(order.getId()).isNotNull());
            assertThat(batched).allSatisfy(order -> assertThat(order.getId()).isNotNull());
            Map<Long, String> oldRows = stores.oldRows();
            assertThat(oldRows.keySet()).containsExactlyInAnyOrder(single.getId(), many.get(0).getId(),
                    batched.get(0).getId(), batched.get(1).getId());
            assertThat(oldRows.get(single.getId())).isEqualTo(single.getId() + " m-1 PAID 10.5");
            assertThat(oldRows.get(many.get(0).getId())).isEqualTo(many.get(0).getId() + " m-1 SHIPPED 1");
            assertThat(stores.newRows()).isEqualTo(oldRows);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void twoMerchantsThroughTheSameMapperMethodOnlyTheDualWritingOneReachesTheNewStore(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);

            // control: without the interceptor nothing tells the data source whose rows these are
            try (SqlSession session = stores.sessions(false).openSession(true)) {
                session.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "1.00"));
            }
            assertThat(stores.newRows()).isEmpty();

            SqlSessionFactory sessions = stores.sessions();
            try (SqlSession session = sessions.openSession()) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                Order first = new Order("m-1", "NEW", "5.00");
                Order second = new Order("m-2", "NEW", "6.00");
                orders.insert(first);
                orders.insert(second);
                orders.updateStatus(first.getId(), "m-1", "PAID");
                orders.updateStatus(second.getId(), "m-2", "PAID");
                session.commit();
            }
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).updateStatus(1, "m-1", "REPAIRED"); // the control's row, now with its merchant
            }
            assertThat(MigrationContext.current()).isEmpty();
            assertThat(stores.oldRows()).hasSize(3);
            assertThat(stores.oldRowsOf("m-1")).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void anOpenContextWinsOverTheParameter(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Order order = new Order("m-2", "NEW", "4.00"); // says m-2, which does not mirror
            try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION)
                    .merchantId("m-1").open();
                 SqlSession session = stores.sessions().openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
            }
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aRolledBackSessionLeavesNothingInTheNewStore(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = stores.sessions();
            for (ExecutorType type : List.of(ExecutorType.SIMPLE, ExecutorType.REUSE, ExecutorType.BATCH)) {
                try (SqlSession session = sessions.openSession(type)) {
                    OrderMapper orders = session.getMapper(OrderMapper.class);
                    orders.insert(new Order("m-1", "NEW", "1.00"));
                    if (type != ExecutorType.BATCH) { // MyBatis itself cannot set the keys of a batched <foreach>
                        session.getMapper(OrderXmlMapper.class).insertAll(List.of(new Order("m-1", "NEW", "2.00")));
                    }
                    orders.updateStatus(1, "m-1", "PAID");
                    session.flushStatements();
                    session.rollback(true);
                }
                try (SqlSession session = sessions.openSession(type)) {
                    session.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "3.00"));
                    // closed without commit: MyBatis rolls back
                }
            }
            assertThat(stores.oldRows()).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aFailingNewStoreNeverReachesTheCallerAndOneReconcilerRunConverges(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = stores.sessions();
            Order kept;
            try (SqlSession session = sessions.openSession()) {
                kept = new Order("m-1", "NEW", "1.00");
                session.getMapper(OrderMapper.class).insert(kept);
                session.commit();
            }
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);

            stores.newDb.execute("ALTER TABLE orders_v2 RENAME TO orders_v2_away");
            List<Order> lost = List.of(new Order("m-1", "NEW", "2.00"), new Order("m-1", "NEW", "3.00"));
            try (SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(OrderXmlMapper.class).insertAll(lost)).isEqualTo(2);
                assertThat(session.getMapper(OrderMapper.class).updateStatus(kept.getId(), "m-1", "PAID")).isEqualTo(1);
                session.commit();
            }
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                session.getMapper(OrderMapper.class).delete(lost.get(0).getId(), "m-1");
                session.commit();
            }
            assertThat(stores.changeLogCounts()).isEqualTo(Map.of(
                    kept.getId().toString(), 1L, lost.get(0).getId().toString(), 2L, lost.get(1).getId().toString(), 1L));

            stores.newDb.execute("ALTER TABLE orders_v2_away RENAME TO orders_v2");
            try (Reconciler reconciler = stores.reconciler()) {
                Reconciler.Result result = reconciler.runOnce();
                assertThat(result.failed()).isZero();
            }
            assertThat(stores.changeLogCounts()).isEmpty();
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        }
    }

    /**
     * MariaDB: the same mapper calls as on the old store alone set the same keys on the parameters (its driver
     * returns one generated key for a multi-row insert, with or without dualwrite), and the stores end equal.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"MARIADB"})
    void onMariaDbMapperCallsSetTheKeysTheOldStoreAloneSetsAndTheStoresEndEqual(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind);
             io.dualwrite.jdbc.testing.TestDatabase alone = TestDatabases.create(kind)) {
            alone.execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL,"
                    + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            List<List<Long>> keys = new java.util.ArrayList<>();
            for (SqlSessionFactory sessions : List.of(MyBatisStores.sessions(alone.dataSource(), false), stores.sessions())) {
                Order single = new Order("m-1", "NEW", "10.50");
                List<Order> many = List.of(new Order("m-1", "NEW", "1.00"), new Order("m-1", "NEW", "2.00"));
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(OrderMapper.class).insert(single);
                    session.getMapper(OrderXmlMapper.class).insertAll(many);
                    session.getMapper(OrderMapper.class).updateStatus(single.getId(), "m-1", "PAID");
                    session.commit();
                }
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    session.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "7.00"));
                    session.getMapper(OrderMapper.class).delete(single.getId(), "m-1");
                    session.commit();
                }
                keys.add(java.util.Arrays.asList(single.getId(), many.get(0).getId(), many.get(1).getId()));
            }
            assertThat(keys.get(1)).isEqualTo(keys.get(0));
            assertThat(keys.get(0).get(2)).as("the driver returns the first key of a multi-row insert only").isNull();
            assertThat(stores.oldRows()).hasSize(3);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        }
    }
}
