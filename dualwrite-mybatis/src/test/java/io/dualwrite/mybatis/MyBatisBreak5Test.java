package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import org.apache.ibatis.session.ExecutorType;
import java.util.List;
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

    /**
     * One BATCH session queues inserts, updates and a delete of a DUAL_WRITE merchant and of an OLD_ONLY one; the
     * flush runs without a context (the entries' contexts differ) and each entry follows the merchant column the
     * mapping names. Only the dual-writing merchant's rows reach the new store, nothing is recorded.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aBatchOfTwoMerchantsInDifferentPhasesMirrorsTheDualWritingOnesRowsOnly(TestDatabases.Kind kind)
            throws Exception {
        TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").rename("amount", "amount_total")
                .merchantIdColumn("merchant_no").build();
        try (MyBatisStores stores = new MyBatisStores(kind, mapping)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
            List<Order> orders = List.of(new Order("m-1", "NEW", "1.00"), new Order("m-2", "NEW", "2.00"),
                    new Order("m-1", "NEW", "3.00"), new Order("m-2", "NEW", "4.00"));
            try (SqlSession session = stores.sessions().openSession(ExecutorType.BATCH)) {
                OrderMapper mapper = session.getMapper(OrderMapper.class);
                orders.forEach(mapper::insert);
                session.flushStatements();
                for (Order order : orders) {
                    mapper.updateStatus(order.getId(), order.getMerchantNo(), "PAID");
                }
                mapper.delete(orders.get(2).getId(), "m-1");
                mapper.delete(orders.get(3).getId(), "m-2");
                session.commit();
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
            assertThat(stores.oldDb.count("SELECT COUNT(*) FROM dualwrite_change_log")).isZero();
        }
    }

    /**
     * A MapperCopier with statements for one direction only (old read, new upsert and delete) cannot copy a
     * NEW_PRIMARY write back to the old store: start-up says so at WARN, naming the table, what is missing and the
     * phase it concerns. One with both directions says nothing.
     */
    @org.junit.jupiter.api.Test
    void aOneWayMapperCopierWarnsAtBuildThatNewPrimaryWritesCannotBeCopiedBack() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(MapperCopier.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration();
            configuration.addMapper(Break5OrderMapper.class);
            configuration.addMapper(SplitOrderMapper.class);
            configuration.addMapper(OrderMapper.class);
            String old = Break5OrderMapper.class.getName() + ".";
            String split = SplitOrderMapper.class.getName() + ".";
            MapperCopier.Builder oneWay = MapperCopier.builder(configuration, stores.dataSource.mappings().get(0))
                    .dataSource(io.dualwrite.Store.OLD, stores.oldDb.dataSource())
                    .dataSource(io.dualwrite.Store.NEW, stores.newDb.dataSource())
                    .read(io.dualwrite.Store.OLD, OrderMapper.class.getName() + ".selectById")
                    .upsert(io.dualwrite.Store.NEW, split + "deleteAmount", split + "deleteHead", split + "insertHead",
                            split + "insertAmount")
                    .delete(io.dualwrite.Store.NEW, split + "deleteAmount", split + "deleteHead");
            oneWay.build();
            assertThat(appender.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(event.getFormattedMessage()).contains("MapperCopier of table orders")
                        .contains("copies only from the old store to the new one")
                        .contains("read(NEW, …), upsert(OLD, …), delete(OLD, …)").contains("NEW_PRIMARY");
            });
            appender.list.clear();
            oneWay.read(io.dualwrite.Store.NEW, split + "selectById")
                    .upsert(io.dualwrite.Store.OLD, old + "deleteById", old + "insertWithId")
                    .delete(io.dualwrite.Store.OLD, old + "deleteById").build();
            assertThat(appender.list).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).isEmpty();
        } finally {
            logger.detachAppender(appender);
        }
    }

    /**
     * Keys read by {@code <selectKey>}, before the insert (the key is then bound in it) and after it (read from the
     * session's sequence or LAST_INSERT_ID), with the SIMPLE, REUSE and BATCH executors, on PostgreSQL and MariaDB:
     * the key MyBatis sets on the parameter is the old store's, and the new store has the same rows.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"POSTGRES, SIMPLE", "POSTGRES, REUSE", "POSTGRES, BATCH",
            "MARIADB, SIMPLE", "MARIADB, REUSE", "MARIADB, BATCH"})
    void selectKeyInsertsBeforeAndAfterLeaveTheSameRowsUnderTheKeysMyBatisSet(TestDatabases.Kind kind,
                                                                             ExecutorType executor) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
            Configuration configuration = new Configuration(
                    new Environment("break5", new JdbcTransactionFactory(), stores.dataSource));
            Class<?> type = kind == TestDatabases.Kind.POSTGRES ? Break5PgSelectKeyMapper.class
                    : Break5MariaSelectKeyMapper.class;
            configuration.addMapper(type);
            MigrationContextInterceptor.install(configuration, RULES);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            List<Order> orders = List.of(new Order("m-1", "NEW", "1.00"), new Order("m-2", "NEW", "2.00"),
                    new Order("m-1", "NEW", "3.00"), new Order("m-1", "NEW", "4.00"));
            try (SqlSession session = sessions.openSession(executor)) {
                for (int i = 0; i < orders.size(); i++) {
                    session.insert(type.getName() + (i % 2 == 0 ? ".insertKeyBefore" : ".insertKeyAfter"), orders.get(i));
                    session.flushStatements(); // one merchant per flush: the batch entries share a context
                }
                session.commit();
            }
            assertThat(orders).extracting(Order::getId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(stores.oldRows().keySet()).containsExactlyInAnyOrderElementsOf(
                    orders.stream().map(Order::getId).toList());
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(3);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * MyBatis answers to a statement's name without its namespace when one mapper alone has it, so a rule keyed
     * by {@code updateStatus} passed the start-up check, while calls carry the full id and the rule never applied.
     * A short name, unique or shared by several mappers, is refused at install, naming the full id.
     */
    @org.junit.jupiter.api.Test
    void aContextRuleNamingAStatementWithoutItsNamespaceIsRefusedAtInstallNamingTheFullId() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration(
                    new Environment("break5", new JdbcTransactionFactory(), stores.dataSource));
            configuration.addMapper(Break5OrderMapper.class);
            configuration.addMapper(Break5CachedOrderMapper.class);
            configuration.addMapper(TwoStoreOrderMapper.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration,
                            ContextRules.builder("orders").statement("selectById", null, "merchantNo").build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement 'selectById' is not a full statement id")
                    .hasMessageContaining("'" + TwoStoreOrderMapper.class.getName() + ".selectById'");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration,
                            ContextRules.builder("orders").statement("updateStatus", null, "merchantNo").build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement 'updateStatus' is not a full statement id")
                    .hasMessageContaining("several mappers").hasMessageContaining("'" + TwoStoreOrderMapper.class.getName()
                            + ".updateStatus'").hasMessageContaining("'" + Break5OrderMapper.class.getName() + ".updateStatus'");
            assertThat(configuration.getInterceptors()).isEmpty();
            // the full id is accepted and attributes the call: only the dual-writing merchant's row is mirrored
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            MigrationContextInterceptor.install(configuration, ContextRules.builder("orders")
                    .statement(Break5OrderMapper.class.getName() + ".insertWithId", null, "merchantNo").build());
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            try (SqlSession session = sessions.openSession(true)) {
                Order mirrored = new Order("m-1", "NEW", "1.00");
                mirrored.setId(7L);
                Order kept = new Order("m-2", "NEW", "2.00");
                kept.setId(8L);
                session.getMapper(Break5OrderMapper.class).insertWithId(mirrored);
                session.getMapper(Break5OrderMapper.class).insertWithId(kept);
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(7L);
        }
    }

    /**
     * A write named to {@link DualWriteMappers} by its short name ({@code delete}) passed the build, while the proxy
     * looks writes up by the full id: the call ran on the old store and its row was never synced, nothing recorded.
     */
    @org.junit.jupiter.api.Test
    void aDualWriteMappersWriteNamedWithoutItsNamespaceIsRefusedAtBuild() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration old = new Configuration(new Environment("old", new JdbcTransactionFactory(), stores.oldDb.dataSource()));
            old.addMapper(TwoStoreOrderMapper.class);
            Configuration now = new Configuration(new Environment("new", new JdbcTransactionFactory(), stores.newDb.dataSource()));
            now.addMapper(TwoStoreOrderMapper.class);
            String m = TwoStoreOrderMapper.class.getName() + ".";
            DualWriteMappers.Builder builder = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(io.dualwrite.Store.OLD, new SqlSessionFactoryBuilder().build(old))
                    .sessions(io.dualwrite.Store.NEW, new SqlSessionFactoryBuilder().build(now))
                    .rules(RULES)
                    .table("orders", io.dualwrite.Store.OLD, m + "selectById", List.of(m + "deleteById", m + "insertWithId"),
                            List.of(m + "deleteById"))
                    .table("orders", io.dualwrite.Store.NEW, m + "selectById", List.of(m + "deleteById", m + "insertWithId"),
                            List.of(m + "deleteById"))
                    .statement("delete", "orders", 0, io.dualwrite.changelog.Operation.DELETE);
            org.assertj.core.api.Assertions.assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement 'delete' is not a full statement id")
                    .hasMessageContaining("'" + m + "delete'")
                    .hasMessageContaining("never synced");
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).isEmpty();
        }
    }

    /**
     * In a Spring transaction whose connection a plain JDBC statement of one merchant already put on its store, a
     * mapper read of a merchant in the other phase runs on that connection: it must run as the statement for that
     * store (MyBatis' SpringManagedTransaction has not fetched the connection yet; Spring holds it). It ran as the
     * statement of its own phase, and failed on the other store's tables. (The reverse, a NEW_PRIMARY write first,
     * needs the context open before the transaction begins, which then wins over the read's own ids.)
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"m-2, m-1", "m-2, m-2"})
    void aRoutedReadInASpringTransactionFollowsTheStoreItsBoundConnectionIsOn(String written, String read)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.DUAL_WRITE);
            Order first = new Order("m-1", "NEW", "1.00");
            Order other = new Order("m-2", "NEW", "2.00");
            try (SqlSession session = stores.sessions().openSession(true)) {
                session.getMapper(OrderMapper.class).insert(first);
                session.getMapper(OrderMapper.class).insert(other);
            }
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            Configuration configuration = new Configuration(new Environment("spring",
                    new org.mybatis.spring.transaction.SpringManagedTransactionFactory(), stores.dataSource));
            configuration.addMapper(Break5OrderMapper.class);
            configuration.addMapper(Break5NewOrderMapper.class);
            MigrationContextInterceptor.install(configuration, RULES, NewStoreReads.builder(stores.switchboard)
                    .mapper(Break5OrderMapper.class, Break5NewOrderMapper.class).build());
            org.mybatis.spring.SqlSessionTemplate template =
                    new org.mybatis.spring.SqlSessionTemplate(new SqlSessionFactoryBuilder().build(configuration));
            org.springframework.transaction.support.TransactionTemplate transactions =
                    new org.springframework.transaction.support.TransactionTemplate(
                            new org.springframework.jdbc.datasource.DataSourceTransactionManager(stores.dataSource));
            Order readOrder = read.equals("m-1") ? first : other;
            Order writtenOrder = written.equals("m-1") ? first : other;
            List<String> statuses = new java.util.ArrayList<>();
            transactions.executeWithoutResult(status -> {
                try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext
                        .forMigration(MyBatisStores.MIGRATION).merchantId(written).open()) {
                    new org.springframework.jdbc.core.JdbcTemplate(stores.dataSource)
                            .update("UPDATE orders SET status = 'PAID' WHERE id = ?", writtenOrder.getId());
                }
                Order found = template.getMapper(Break5OrderMapper.class).selectByMerchant(readOrder.getId(), read);
                statuses.add(found.getStatus() + " " + found.getAmount().stripTrailingZeros().toPlainString());
            });
            // the transaction's own write is seen by its read
            assertThat(statuses).containsExactly((read.equals(written) ? "PAID " : "NEW ") + (read.equals("m-1") ? "1" : "2"));
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(2);
            assertThat(stores.oldRows().get(writtenOrder.getId())).contains(" PAID ");
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }
}
