package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mybatis.spring.transaction.SpringManagedTransactionFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Twentieth break review of the MyBatis module: {@link DualWriteMappers} over two session factories whose sessions
 * join a Spring transaction (mybatis-spring's {@code SpringManagedTransactionFactory}, as every mybatis-spring
 * application has), so that a session's commit does not commit. Tests of mirroring end comparing both stores row by
 * row with plain JDBC, and the change log.
 */
class MyBatisBreak20Test {

    private static final String MAPPER = TwoStoreOrderMapper.class.getName() + ".";

    /** A session factory over one store whose sessions join the Spring transaction of that store's DataSource. */
    private static SqlSessionFactory springFactory(DataSource dataSource) {
        Configuration configuration = new Configuration(
                new Environment("spring", new SpringManagedTransactionFactory(), dataSource));
        configuration.addMapper(TwoStoreOrderMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** Both stores' Spring-managed factories, the rows synced through the mapper's by-key statements. */
    private static DualWriteMappers.Builder springMappers(MyBatisBreakSupport.TwoStores stores) {
        List<String> upsert = List.of(MAPPER + "deleteById", MAPPER + "insertWithId");
        List<String> delete = List.of(MAPPER + "deleteById");
        return DualWriteMappers.builder(stores.writer, "orders")
                .sessions(Store.OLD, springFactory(stores.oldDb.dataSource()))
                .sessions(Store.NEW, springFactory(stores.newDb.dataSource()))
                .table("orders", Store.OLD, MAPPER + "selectById", upsert, delete)
                .table("orders", Store.NEW, MAPPER + "selectById", upsert, delete)
                .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build());
    }

    static Stream<Arguments> kindsAndPhases() {
        return Stream.of(TestDatabases.Kind.H2, TestDatabases.Kind.POSTGRES, TestDatabases.Kind.MARIADB)
                .flatMap(kind -> Stream.of(MigrationPhase.DUAL_WRITE, MigrationPhase.NEW_PRIMARY)
                        .map(phase -> Arguments.of(kind, phase)));
    }

    /**
     * Marked writes of m-1 through two Spring-managed session factories, inside Spring transactions of the store m-1's
     * phase makes authoritative (the old one in {@code DUAL_WRITE}, the new one in {@code NEW_PRIMARY}). The proxy
     * synced each key as soon as the call returned, while the transaction was still open: the sync read the row on
     * another connection, which saw the last committed state. An update and a delete of committed rows were copied as
     * they were before (the other store kept the old status and the deleted row, nothing recorded), an insert was not
     * found (a scoped resync instead of a sync), and a rolled-back transaction left scoped resyncs behind. Now the keys
     * are synced once the transaction has committed, and nothing is synced or recorded after a rollback.
     */
    @ParameterizedTest
    @MethodSource("kindsAndPhases")
    void markedWritesInsideASpringTransactionAreSyncedAfterItsCommitAndNotAfterItsRollback(TestDatabases.Kind kind,
            MigrationPhase phase) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            stores.switchboard.switchStore().setMerchantPhase("orders", "m-1", phase);
            if (phase == MigrationPhase.NEW_PRIMARY) { // the new store generates the keys of its inserts now
                stores.newDb.execute("DROP TABLE orders");
                stores.newDb.execute("CREATE TABLE orders (" + (kind == TestDatabases.Kind.POSTGRES
                        ? "id BIGSERIAL PRIMARY KEY" : "id BIGINT AUTO_INCREMENT PRIMARY KEY")
                        + ", merchant_no VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
            }
            DualWriteMappers mappers = springMappers(stores)
                    .statement(MAPPER + "delete", "orders", 0, Operation.DELETE).build();
            TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);
            TestDatabase authoritative = phase == MigrationPhase.DUAL_WRITE ? stores.oldDb : stores.newDb;
            TestDatabase other = phase == MigrationPhase.DUAL_WRITE ? stores.newDb : stores.oldDb;
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(authoritative.dataSource()));

            Order paid = new Order("m-1", "NEW", "1.00");
            Order deleted = new Order("m-1", "NEW", "2.00");
            orders.insert(paid);     // outside any transaction: synced at once, as before
            orders.insert(deleted);
            Order inserted = new Order("m-1", "NEW", "3.00");
            transactions.executeWithoutResult(status -> {
                orders.updateStatus(paid.getId(), "m-1", "PAID");
                orders.delete(deleted.getId(), "m-1");
                orders.insert(inserted);
                assertThat(MyBatisBreakSupport.rows(other)).as("nothing synced before the commit").hasSize(2);
            });
            transactions.executeWithoutResult(status -> {
                orders.insert(new Order("m-1", "NEW", "4.00"));
                orders.updateStatus(paid.getId(), "m-1", "LOST");
                orders.delete(inserted.getId(), "m-1");
                status.setRollbackOnly();
            });

            Map<Long, String> rows = MyBatisBreakSupport.rows(authoritative);
            assertThat(rows).containsOnlyKeys(paid.getId(), inserted.getId());
            assertThat(rows.get(paid.getId())).contains(" PAID ");
            assertThat(MyBatisBreakSupport.rows(other)).isEqualTo(rows);
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * The same through factories over a {@code TransactionAwareDataSourceProxy} of each store (a DataSource that hands
     * out the Spring transaction's connection): a marked update and delete inside a transaction of the old store that
     * commits are synced after its commit, and an insert inside one that rolls back leaves nothing.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void markedWritesThroughATransactionAwareProxyAreSyncedAfterTheCommit(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            List<String> upsert = List.of(MAPPER + "deleteById", MAPPER + "insertWithId");
            List<String> delete = List.of(MAPPER + "deleteById");
            TwoStoreOrderMapper orders = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, springFactory(new org.springframework.jdbc.datasource
                            .TransactionAwareDataSourceProxy(stores.oldDb.dataSource())))
                    .sessions(Store.NEW, springFactory(new org.springframework.jdbc.datasource
                            .TransactionAwareDataSourceProxy(stores.newDb.dataSource())))
                    .table("orders", Store.OLD, MAPPER + "selectById", upsert, delete)
                    .table("orders", Store.NEW, MAPPER + "selectById", upsert, delete)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                    .statement(MAPPER + "delete", "orders", 0, Operation.DELETE).build()
                    .mapper(TwoStoreOrderMapper.class);
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(stores.oldDb.dataSource()));
            Order paid = new Order("m-1", "NEW", "1.00");
            Order deleted = new Order("m-1", "NEW", "2.00");
            orders.insert(paid);
            orders.insert(deleted);
            transactions.executeWithoutResult(status -> {
                orders.updateStatus(paid.getId(), "m-1", "PAID");
                orders.delete(deleted.getId(), "m-1");
            });
            transactions.executeWithoutResult(status -> {
                orders.insert(new Order("m-1", "NEW", "3.00"));
                status.setRollbackOnly();
            });
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(paid.getId());
            assertThat(MyBatisBreakSupport.rows(stores.oldDb).get(paid.getId())).contains(" PAID ");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * The same inside a transaction that another one suspends ({@code REQUIRES_NEW} inside the outer): the inner
     * transaction's rows are synced at its own commit, the outer's at the outer's, and an outer rollback does not
     * undo the inner's sync (its rows stay committed in both stores).
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void anInnerRequiresNewTransactionIsSyncedAtItsOwnCommit(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            TwoStoreOrderMapper orders = springMappers(stores).build().mapper(TwoStoreOrderMapper.class);
            DataSourceTransactionManager manager = new DataSourceTransactionManager(stores.oldDb.dataSource());
            TransactionTemplate outer = new TransactionTemplate(manager);
            TransactionTemplate inner = new TransactionTemplate(manager);
            inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            orders.insert(first);
            outer.executeWithoutResult(status -> {
                orders.updateStatus(first.getId(), "m-1", "OUTER");
                inner.executeWithoutResult(nested -> orders.insert(second));
                assertThat(MyBatisBreakSupport.rows(stores.newDb)).as("the inner transaction's row, at its commit")
                        .containsOnlyKeys(first.getId(), second.getId());
                status.setRollbackOnly();
            });
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId(), second.getId());
            assertThat(MyBatisBreakSupport.rows(stores.oldDb).get(first.getId())).contains(" NEW ");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * A nested transaction (a savepoint) rolled back inside one that commits: its rows are gone at the commit, when
     * the deferred syncs run. The update's key is synced as the row stands (the status before the savepoint); the
     * insert's row, not found under its key, was recorded as a scoped resync of the table until round 21 told a row
     * a savepoint removed from one under another key ({@code MyBatisBreak21Test}): now nothing is recorded.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void writesOfANestedTransactionRolledBackToItsSavepointAreNotSynced(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            DualWriteMappers mappers = springMappers(stores).build();
            TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);
            DataSourceTransactionManager manager = new DataSourceTransactionManager(stores.oldDb.dataSource());
            TransactionTemplate outer = new TransactionTemplate(manager);
            TransactionTemplate nested = new TransactionTemplate(manager);
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            Order first = new Order("m-1", "NEW", "1.00");
            orders.insert(first);
            outer.executeWithoutResult(status -> {
                orders.updateStatus(first.getId(), "m-1", "PAID");
                nested.executeWithoutResult(savepoint -> {
                    orders.insert(new Order("m-1", "NEW", "2.00"));
                    orders.updateStatus(first.getId(), "m-1", "UNDONE");
                    savepoint.setRollbackOnly();
                });
            });
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId());
            assertThat(MyBatisBreakSupport.rows(stores.oldDb).get(first.getId())).contains(" PAID ");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * Marked writes inside a Spring transaction of another DataSource than the authoritative store's (here the new
     * store's, while m-1 double-writes on the old one) that rolls back: the old store's session runs on a connection
     * of its own in auto-commit, so its rows stay; they are synced at once, as outside any transaction, and not
     * dropped with the transaction they never took part in.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void markedWritesInsideATransactionOfAnotherDataSourceAreSyncedAtOnce(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            TwoStoreOrderMapper orders = springMappers(stores).build().mapper(TwoStoreOrderMapper.class);
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(stores.newDb.dataSource()));
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            transactions.executeWithoutResult(status -> {
                orders.insert(first);
                orders.insert(second);
                orders.updateStatus(first.getId(), "m-1", "PAID");
                status.setRollbackOnly();
            });
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId(), second.getId());
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * Marked writes through factories of MyBatis' own JDBC transactions inside a Spring transaction of the old store
     * that rolls back (held): each session takes a connection of its own and commits it, so the rows stay and are
     * synced at once, as outside any transaction.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void markedWritesOfJdbcTransactionSessionsInsideASpringTransactionAreSyncedAtOnce(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            TwoStoreOrderMapper orders = stores.mappers(TwoStoreOrderMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build()).build()
                    .mapper(TwoStoreOrderMapper.class);
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(stores.oldDb.dataSource()));
            Order first = new Order("m-1", "NEW", "1.00");
            transactions.executeWithoutResult(status -> {
                orders.insert(first);
                orders.updateStatus(first.getId(), "m-1", "PAID");
                assertThat(MyBatisBreakSupport.rows(stores.newDb)).as("synced at once").containsOnlyKeys(first.getId());
                status.setRollbackOnly();
            });
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId());
            assertThat(MyBatisBreakSupport.rows(stores.oldDb).get(first.getId())).contains(" PAID ");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * A write nothing marks inside a Spring transaction: its scoped resync was recorded while the transaction was
     * open, so a reconciler resolving it before the commit copied the state from before, and the entry was gone when
     * the transaction committed. It is now recorded once the transaction has committed, and not after a rollback.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void anUnmarkedWriteInsideASpringTransactionIsRecordedAfterItsCommitOnly(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            DualWriteMappers mappers = springMappers(stores).build();
            TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(stores.oldDb.dataSource()));
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            orders.insert(first);
            orders.insert(second);
            transactions.executeWithoutResult(status -> {
                orders.delete(first.getId(), "m-1");
                status.setRollbackOnly();
            });
            assertThat(stores.changeLogEntries()).as("nothing recorded for a rolled-back write").isEmpty();
            transactions.executeWithoutResult(status -> {
                orders.delete(second.getId(), "m-1");
                assertThat(stores.changeLogEntries()).as("nothing recorded before the commit").isEmpty();
            });
            assertThat(stores.changeLogEntries()).containsExactly("RESYNC NEW *");
            stores.resyncToNew(mappers, "m-1");
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId());
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
        }
    }

    enum SessionEnd { COMMIT, CLOSE_WITHOUT_COMMIT, ROLLBACK }

    /**
     * An insert MyBatis runs as a select ({@code INSERT … RETURNING}, H2's {@code FINAL TABLE}) is the session's only
     * write, so the session is not dirty: {@code commit()} and {@code rollback()} leave the transaction open, and
     * MyBatis' close ends it by restoring auto-commit, which commits it. Whichever way the session ends, the old store
     * keeps the rows, and the new store must hold m-1's (held: the data source sees the commit that restoring
     * auto-commit makes). H2's {@code FINAL TABLE} form is a scoped resync of the JDBC path, as documented there.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"POSTGRES, COMMIT", "POSTGRES, CLOSE_WITHOUT_COMMIT",
            "POSTGRES, ROLLBACK", "MARIADB, COMMIT", "MARIADB, CLOSE_WITHOUT_COMMIT", "MARIADB, ROLLBACK"})
    void anInsertRunAsASelectIsMirroredHoweverTheSessionEnds(TestDatabases.Kind kind, SessionEnd end)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource,
                    MyBatisStores.RULES_WITHOUT_XML, Break20SelectWriteMapper.class);
            try (org.apache.ibatis.session.SqlSession session = sessions.openSession()) {
                Break20SelectWriteMapper mapper = session.getMapper(Break20SelectWriteMapper.class);
                for (Order order : List.of(new Order("m-1", "NEW", "1.00"), new Order("m-2", "NEW", "2.00"))) {
                    assertThat(mapper.insertReturning(order)).isNotNull();
                }
                switch (end) {
                    case COMMIT -> session.commit();
                    case ROLLBACK -> session.rollback();
                    case CLOSE_WITHOUT_COMMIT -> { }
                }
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 2, 1);
        }
    }

    /**
     * Two session factories whose default executor is {@code BATCH} or {@code REUSE}: a marked insert's statement is
     * queued until the proxy commits the session, so MyBatis sets the generated key at that flush and the call returns
     * MyBatis' batch marker instead of a count; the key synced must still be the row's, and the update and delete
     * after it too.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"H2, BATCH", "H2, REUSE", "POSTGRES, BATCH", "POSTGRES, REUSE",
            "MARIADB, BATCH"})
    void markedWritesThroughFactoriesOfABatchOrReuseExecutorSyncTheRowsKeys(TestDatabases.Kind kind,
            org.apache.ibatis.session.ExecutorType executor) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            SqlSessionFactory oldSessions = MyBatisBreakSupport.twoStoreFactory(stores.oldDb.dataSource(),
                    TwoStoreOrderMapper.class);
            SqlSessionFactory newSessions = MyBatisBreakSupport.twoStoreFactory(stores.newDb.dataSource(),
                    TwoStoreOrderMapper.class);
            oldSessions.getConfiguration().setDefaultExecutorType(executor);
            newSessions.getConfiguration().setDefaultExecutorType(executor);
            List<String> upsert = List.of(MAPPER + "deleteById", MAPPER + "insertWithId");
            List<String> delete = List.of(MAPPER + "deleteById");
            TwoStoreOrderMapper orders = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, oldSessions).sessions(Store.NEW, newSessions)
                    .table("orders", Store.OLD, MAPPER + "selectById", upsert, delete)
                    .table("orders", Store.NEW, MAPPER + "selectById", upsert, delete)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                    .statement(MAPPER + "delete", "orders", 0, Operation.DELETE).build()
                    .mapper(TwoStoreOrderMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            Order other = new Order("m-2", "NEW", "3.00");
            orders.insert(first);
            orders.insert(second);
            orders.insert(other);
            assertThat(first.getId()).isNotNull();
            orders.updateStatus(first.getId(), "m-1", "PAID");
            orders.delete(second.getId(), "m-1");
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(first.getId(), other.getId());
            assertThat(MyBatisBreakSupport.rows(stores.newDb))
                    .isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1")).hasSize(1);
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    /**
     * The interceptor over the dual-write data source with mybatis-spring's {@code SqlSessionTemplate} of each
     * executor, inside Spring transactions: an inner {@code REQUIRES_NEW} that commits inside an outer one that rolls
     * back, and a savepoint ({@code NESTED}) rolled back inside an outer one that commits. Whatever the old store keeps
     * (a {@code BATCH} session sends the entries it queued before a savepoint's rollback at the outer commit, as
     * MyBatis alone does), the new store holds exactly m-1's rows of it and nothing is recorded (held).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"H2, SIMPLE", "H2, REUSE", "H2, BATCH", "POSTGRES, SIMPLE",
            "POSTGRES, REUSE", "POSTGRES, BATCH"})
    void templateWritesUnderSpringPropagationMirrorWhatTheOldStoreKeeps(TestDatabases.Kind kind,
            org.apache.ibatis.session.ExecutorType executor) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = new Configuration(
                    new Environment("spring", new SpringManagedTransactionFactory(), stores.dataSource));
            configuration.addMapper(OrderMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
            org.mybatis.spring.SqlSessionTemplate template = new org.mybatis.spring.SqlSessionTemplate(
                    new SqlSessionFactoryBuilder().build(configuration), executor);
            OrderMapper orders = template.getMapper(OrderMapper.class);
            DataSourceTransactionManager manager = new DataSourceTransactionManager(stores.dataSource);
            TransactionTemplate outer = new TransactionTemplate(manager);
            TransactionTemplate inner = new TransactionTemplate(manager);
            inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            TransactionTemplate nested = new TransactionTemplate(manager);
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);

            outer.executeWithoutResult(status -> {
                orders.insert(new Order("m-1", "NEW", "1.00"));
                inner.executeWithoutResult(requiresNew -> {
                    orders.insert(new Order("m-1", "NEW", "2.00"));
                    orders.insert(new Order("m-2", "NEW", "3.00"));
                });
                status.setRollbackOnly();
            });
            outer.executeWithoutResult(status -> {
                orders.insert(new Order("m-1", "NEW", "4.00"));
                nested.executeWithoutResult(savepoint -> {
                    orders.insert(new Order("m-1", "NEW", "5.00"));
                    savepoint.setRollbackOnly();
                });
                orders.insert(new Order("m-2", "NEW", "6.00"));
            });

            assertThat(stores.oldRowsOf("m-1").values()).extracting(row -> row.split(" ")[3])
                    .contains("2", "4").doesNotContain("1");
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1"));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }
}
