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
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ninth break review of the MyBatis module. Most tests run on {@link MyBatisStores}' fixture (orders renamed to
 * orders_v2 with amount → amount_total on the new store, no merchant column in the mapping: only the context tells
 * a row's merchant); m-1 double-writes, m-2 does not. Every test ends comparing both stores row by row with plain
 * JDBC, and the change log where nothing should be recorded.
 */
class MyBatisBreak9Test {

    /** Inserts an order whose marked key is a primitive {@code long}. */
    public interface Break9PlacedMapper {
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insert(Break9PlacedOrder order);

        @org.apache.ibatis.annotations.Update("UPDATE orders SET status = #{status} WHERE id = #{id}")
        int updateStatusOf(Order order);
    }

    /** The old store's tickets, keyed by a UUID. */
    public interface Break9TicketMapper {
        @Insert("INSERT INTO tickets (id, merchant_no, note) VALUES (#{id}, #{merchantNo}, #{note})")
        int insert(Break9Ticket ticket);

        @org.apache.ibatis.annotations.Update("UPDATE tickets SET note = #{note} WHERE id = #{id}")
        int updateNote(@org.apache.ibatis.annotations.Param("id") java.util.UUID id,
                       @org.apache.ibatis.annotations.Param("merchantNo") String merchantNo,
                       @org.apache.ibatis.annotations.Param("note") String note);

        @org.apache.ibatis.annotations.Select("SELECT id, merchant_no AS merchantNo, note FROM tickets WHERE id = #{id}")
        Break9Ticket selectById(java.util.UUID id);

        @org.apache.ibatis.annotations.Delete("DELETE FROM tickets WHERE id = #{id}")
        int deleteById(java.util.UUID id);
    }

    /** The new store's tickets_v2: the copier's new side, read and written by the UUID key. */
    public interface Break9NewTicketMapper {
        @org.apache.ibatis.annotations.Select("SELECT id, merchant_no AS merchantNo, note FROM tickets_v2 WHERE id = #{id}")
        Break9Ticket selectById(java.util.UUID id);

        @Insert("INSERT INTO tickets_v2 (id, merchant_no, note) VALUES (#{id}, #{merchantNo}, #{note})")
        int insert(Break9Ticket ticket);

        @org.apache.ibatis.annotations.Delete("DELETE FROM tickets_v2 WHERE id = #{id}")
        int deleteById(java.util.UUID id);
    }

    /**
     * A {@link MapperCopier} whose read and delete statements take the table's {@code UUID} key (PostgreSQL
     * {@code uuid}): the copier passed the key's text, which MyBatis binds as a {@code varchar} ({@code uuid =
     * character varying} fails), so every sync of the table failed and stayed recorded. The key is passed as the
     * statement's parameter type, and m-1's rows reach the new store, m-2's do not.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRES", "H2"})
    void aMapperCopierPassesAUuidKeyAsTheUuidItsStatementsTake(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE tickets (id UUID PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL, note VARCHAR(40))");
            newDb.execute("CREATE TABLE tickets_v2 (id UUID PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL, note VARCHAR(40))");
            DualWriteSchema.create(oldDb.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("tickets")).build();
            switchboard.switchStore().setMerchantPhase("tickets", "m-1", MigrationPhase.DUAL_WRITE);
            switchboard.switchStore().setMerchantPhase("tickets", "m-2", MigrationPhase.OLD_ONLY);
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            io.dualwrite.mapping.TableMapping mapping = io.dualwrite.mapping.TableMapping.builder("tickets")
                    .newTable("tickets_v2").build();
            String oldMapper = Break9TicketMapper.class.getName();
            String newMapper = Break9NewTicketMapper.class.getName();
            ContextRules rules = ContextRules.builder("tickets").merchantIdPath("merchantNo").build();
            try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build()) {
                Configuration configuration = new Configuration();
                configuration.getTypeHandlerRegistry().register(java.util.UUID.class, new Break9UuidTypeHandler());
                configuration.addMapper(Break9TicketMapper.class);
                configuration.addMapper(Break9NewTicketMapper.class);
                MapperCopier copier = MapperCopier.builder(configuration, mapping)
                        .dataSource(Store.OLD, oldDb.dataSource()).dataSource(Store.NEW, newDb.dataSource())
                        .read(Store.OLD, oldMapper + ".selectById").read(Store.NEW, newMapper + ".selectById")
                        .upsert(Store.NEW, newMapper + ".deleteById", newMapper + ".insert")
                        .delete(Store.NEW, newMapper + ".deleteById")
                        .resolver("tickets", switchboard, rules).build();
                io.dualwrite.jdbc.DualWriteDataSource dataSource = io.dualwrite.jdbc.DualWriteDataSource.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).migration("tickets")
                        .dualWriter(writer).mapping(mapping).tableCopier("tickets", copier).build();
                configuration.setEnvironment(new Environment("tickets", new JdbcTransactionFactory(), dataSource));
                MigrationContextInterceptor.install(configuration, rules);
                SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
                java.util.UUID first = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000a");
                java.util.UUID second = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000b");
                java.util.UUID gone = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000c");
                try (SqlSession session = sessions.openSession(true)) {
                    Break9TicketMapper tickets = session.getMapper(Break9TicketMapper.class);
                    tickets.insert(new Break9Ticket(first, "m-1", "new"));
                    tickets.insert(new Break9Ticket(second, "m-2", "new"));
                    tickets.insert(new Break9Ticket(gone, "m-1", "new"));
                    tickets.updateNote(first, "m-1", "paid");
                    try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext
                            .forMigration("tickets").merchantId("m-1").open()) {
                        tickets.deleteById(gone);
                    }
                }
                String rows = "SELECT id, merchant_no, note FROM %s ORDER BY id";
                assertThat(oldDb.query(rows.formatted("tickets"))).hasSize(2);
                List<Map<String, Object>> m1 = new ArrayList<>(oldDb.query(rows.formatted("tickets")));
                m1.removeIf(row -> !"m-1".equals(row.get("merchant_no")));
                assertThat(m1).hasSize(1);
                assertThat(newDb.query(rows.formatted("tickets_v2")).toString()).isEqualTo(m1.toString());
                assertThat(changeLog.pendingCount("tickets")).isZero();
            }
        }
    }

    /**
     * Two session factories syncing a UUID-keyed table: the sync's read and delete by key got the key's text, which
     * the statement's {@code UUID} type handler cannot bind, so every sync failed and was recorded. The key is
     * passed as the statement's parameter type.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRES", "H2"})
    void twoSessionFactoriesPassAUuidKeyAsTheUuidTheirStatementsTake(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE tickets (id UUID PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL, note VARCHAR(40))");
            }
            DualWriteSchema.create(oldDb.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("tickets")).build();
            switchboard.switchStore().setMerchantPhase("tickets", "m-1", MigrationPhase.DUAL_WRITE);
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            String mapper = Break9TicketMapper.class.getName();
            try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build()) {
                DualWriteMappers mappers = DualWriteMappers.builder(writer, "tickets")
                        .sessions(Store.OLD, ticketFactory(oldDb.dataSource()))
                        .sessions(Store.NEW, ticketFactory(newDb.dataSource()))
                        .rules(ContextRules.builder("tickets").merchantIdPath("merchantNo").build())
                        .table("tickets", Store.OLD, mapper + ".selectById",
                                List.of(mapper + ".deleteById", mapper + ".insert"), List.of(mapper + ".deleteById"))
                        .table("tickets", Store.NEW, mapper + ".selectById",
                                List.of(mapper + ".deleteById", mapper + ".insert"), List.of(mapper + ".deleteById"))
                        .statement(mapper + ".insert", "tickets", 0, io.dualwrite.changelog.Operation.INSERT)
                        .statement(mapper + ".updateNote", "tickets", 0, io.dualwrite.changelog.Operation.UPDATE)
                        .build();
                Break9TicketMapper tickets = mappers.mapper(Break9TicketMapper.class);
                java.util.UUID first = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000a");
                java.util.UUID second = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000b");
                tickets.insert(new Break9Ticket(first, "m-1", "new"));
                tickets.insert(new Break9Ticket(second, "m-2", "new"));
                tickets.updateNote(first, "m-1", "paid");
                String rows = "SELECT id, merchant_no, note FROM tickets ORDER BY id";
                assertThat(oldDb.query(rows)).hasSize(2);
                List<Map<String, Object>> m1 = new ArrayList<>(oldDb.query(rows));
                m1.removeIf(row -> !"m-1".equals(row.get("merchant_no")));
                assertThat(newDb.query(rows).toString()).isEqualTo(m1.toString()).contains("paid");
                assertThat(changeLog.pendingCount("tickets")).isZero();
            }
        }
    }

    private static SqlSessionFactory ticketFactory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.getTypeHandlerRegistry().register(java.util.UUID.class, new Break9UuidTypeHandler());
        configuration.addMapper(Break9TicketMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static SqlSessionFactory sessions(MyBatisStores stores, ContextRules rules) {
        Configuration configuration = new Configuration(
                new Environment("break9", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(Break9PlacedMapper.class);
        MigrationContextInterceptor.install(configuration, rules);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static MyBatisStores stores(TestDatabases.Kind kind, OrderPinStore pins) throws Exception {
        MyBatisStores stores = new MyBatisStores(kind, MyBatisStores.MAPPING, pins);
        stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
        return stores;
    }

    /**
     * A primitive {@code long} marked {@link OrderId} holds 0 until MyBatis sets the generated key: 0 is no order
     * yet. Read as order "0", every insert carried one order id, and with order pinning on the first insert pinned
     * order "0" to its merchant's phase, which every later insert of any merchant then took: m-1's insert decided
     * by m-2's OLD_ONLY pin (its row reached the new store only through its key), and, the other way round, m-2's
     * row copied to the new store under m-1's DUAL_WRITE pin.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aPrimitiveOrderIdOfZeroBeforeItsKeyIsGeneratedIsNoOrderAndPinsNothing(TestDatabases.Kind kind)
            throws Exception {
        OrderPinStore pins = OrderPinStores.inMemory();
        try (MyBatisStores stores = stores(kind, pins)) {
            SqlSessionFactory sessions = sessions(stores, ContextRules.builder(MyBatisStores.MIGRATION).build());
            Break9PlacedOrder first = new Break9PlacedOrder("m-1", "NEW", "1.00");
            Break9PlacedOrder second = new Break9PlacedOrder("m-2", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                Break9PlacedMapper mapper = session.getMapper(Break9PlacedMapper.class);
                mapper.insert(first);
                mapper.insert(second);
            }
            assertThat(first.getId()).isPositive();
            assertThat(second.getId()).isPositive();
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(first.getId());
            assertThat(stores.changeLogCounts()).isEmpty();
            assertThat(pins.find(MyBatisStores.MIGRATION, "0")).isEmpty();
        }
    }

    /**
     * A subclass proxy (Hibernate, CGLIB) of a bean with a marked field: the proxy's own copy of the field is null
     * and its getter gives the target's value, which is what MyBatis binds. The marked id is read as MyBatis reads
     * the property, so each merchant's row follows its own phase.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aMarkedFieldOfASubclassProxyIsReadThroughItsGetterAsMyBatisBindsIt(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            SqlSessionFactory sessions = sessions(stores, ContextRules.builder(MyBatisStores.MIGRATION).build());
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-2", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                OrderMapper mapper = session.getMapper(OrderMapper.class);
                mapper.insert(new Break9LazyOrder(first));
                mapper.insert(new Break9LazyOrder(second));
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(first.getId());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /** An order whose merchant getter fails (a lazy proxy whose session is gone) while its marked field is set. */
    public static class Break9FailingGetterOrder extends Order {
        Break9FailingGetterOrder(String merchantNo) {
            super(merchantNo, "NEW", "1.00");
        }

        @Override
        public String getMerchantNo() {
            throw new IllegalStateException("could not initialize proxy - no Session");
        }
    }

    /**
     * A marked field whose getter throws is read directly: finding the call's ids never fails it (the statement may
     * not bind that property), and the id is still found. Record components and subclass proxies read by getter.
     */
    @org.junit.jupiter.api.Test
    void aMarkedFieldWhoseGetterThrowsIsReadDirectlyAndNeverFailsTheCall() {
        ContextExtractor extractor = new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION).build(),
                new org.apache.ibatis.type.TypeHandlerRegistry());
        assertThat(extractor.idsOf("any", new Break9FailingGetterOrder("m-1")).merchantId()).isEqualTo("m-1");
        assertThat(extractor.idsOf("any", new Break9LazyOrder(new Order("m-2", "NEW", "1.00"))).merchantId())
                .isEqualTo("m-2");
        Break9PlacedOrder placed = new Break9PlacedOrder("m-3", "NEW", "1.00");
        assertThat(extractor.idsOf("any", placed).orderId()).isNull();
        placed.setId(42);
        assertThat(extractor.idsOf("any", placed).orderId()).isEqualTo("42");
    }

    /**
     * A global path whose getter throws (a lazy proxy whose session is gone) on a statement that never binds that
     * property: MyBatis alone runs it, so finding ids must not fail it. The path gives no id, the marked field gives
     * the merchant, and m-1's update reaches the new store. The interceptor threw the getter's exception before.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aPathWhoseGetterThrowsGivesNoIdAndNeverFailsTheCall(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            SqlSessionFactory sessions = sessions(stores, MyBatisStores.RULES_WITHOUT_XML);
            Order order = new Order("m-1", "NEW", "1.00");
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(order);
                Break9FailingGetterOrder update = new Break9FailingGetterOrder("m-1");
                update.setId(order.getId());
                update.setStatus("PAID");
                assertThat(session.getMapper(Break9PlacedMapper.class).updateStatusOf(update)).isEqualTo(1);
            }
            assertThat(stores.oldRows().get(order.getId())).contains(" PAID ");
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * A BATCH session updates two orders of m-1 and one of m-2, with a global order id path: the entries' contexts
     * differ by order, so the flush runs without one, and each entry must still follow the merchant it was queued
     * for.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void batchEntriesOfDifferentOrdersEachFollowTheirOwnMerchant(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            SqlSessionFactory sessions = sessions(stores, ContextRules.builder(MyBatisStores.MIGRATION)
                    .orderIdPath("id").merchantIdPath("merchantNo").build());
            Order a = new Order("m-1", "NEW", "1.00");
            Order b = new Order("m-1", "NEW", "2.00");
            Order c = new Order("m-2", "NEW", "3.00");
            try (SqlSession session = sessions.openSession(true)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(a);
                orders.insert(b);
                orders.insert(c);
            }
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.updateStatus(a.getId(), "m-1", "PAID");
                orders.updateStatus(c.getId(), "m-2", "PAID");
                orders.updateStatus(b.getId(), "m-1", "PAID");
                session.commit();
            }
            assertThat(stores.oldRows()).hasSize(3);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(2)
                    .allSatisfy((id, row) -> assertThat(row).contains(" PAID "));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * A BATCH session sends m-1's first insert with {@code flushStatements()}, queues a second, and is rolled back
     * with {@code rollback(true)}: the flushed row was inside the transaction, so neither store keeps a row and
     * nothing is recorded (held).
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void aBatchRolledBackAfterAFlushLeavesNoRowInEitherStore(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            SqlSessionFactory sessions = stores.sessions();
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(new Order("m-1", "NEW", "1.00"));
                session.flushStatements();
                orders.insert(new Order("m-1", "NEW", "2.00"));
                session.rollback(true);
            }
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                session.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "3.00"));
                session.flushStatements();
            } // closed without commit
            assertThat(stores.oldRows()).isEmpty();
            assertThat(stores.newRows()).isEmpty();
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * An open context wins over the parameter's merchant, also when it names another merchant (held): m-1's order
     * written inside m-2's scope follows m-2 (OLD_ONLY), m-2's order inside m-1's scope follows m-1. A session opened
     * inside another session's unit of work keeps its own calls apart from the outer BATCH's queued entry.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void anOpenContextOfAnotherMerchantWinsAndNestedSessionsKeepTheirOwnContexts(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            SqlSessionFactory sessions = stores.sessions();
            Order underM2 = new Order("m-1", "NEW", "1.00");
            Order underM1 = new Order("m-2", "NEW", "2.00");
            Order queued = new Order("m-1", "NEW", "3.00");
            Order inner = new Order("m-2", "NEW", "4.00");
            try (SqlSession outer = sessions.openSession(ExecutorType.BATCH)) {
                outer.getMapper(OrderMapper.class).insert(queued);
                try (SqlSession nested = sessions.openSession(true)) {
                    OrderMapper orders = nested.getMapper(OrderMapper.class);
                    orders.insert(inner);
                    try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext
                            .forMigration(MyBatisStores.MIGRATION).merchantId("m-2").open()) {
                        orders.insert(underM2);
                    }
                    try (io.dualwrite.MigrationContext.Scope scope = io.dualwrite.MigrationContext
                            .forMigration(MyBatisStores.MIGRATION).merchantId("m-1").open()) {
                        orders.insert(underM1);
                    }
                }
                outer.commit();
            }
            assertThat(stores.oldRows()).hasSize(4);
            Map<Long, String> expected = new TreeMap<>(stores.oldRows());
            expected.keySet().retainAll(List.of(queued.getId(), underM1.getId()));
            assertThat(stores.newRows()).isEqualTo(expected).hasSize(2);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * As above on PostgreSQL with {@code ON CONFLICT DO NOTHING} skipping one entry (count 0, no key reported for
     * it): the keys still belong to the entries that stored a row, in order, so only m-1's rows reach the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRES"})
    void aBatchOfGeneratedKeyInsertsSkippingARowCopiesOnlyTheDualWritingMerchantsRows(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            stores.oldDb.execute("CREATE UNIQUE INDEX orders_amount ON orders (amount)");
            Configuration configuration = new Configuration(
                    new Environment("break9", new JdbcTransactionFactory(), stores.dataSource));
            configuration.addMapper(Break9ProviderMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            List<Order> orders = List.of(new Order("m-2", "NEW", "1.00"), new Order("m-1", "NEW", "2.00"),
                    new Order("m-2", "NEW", "1.00"), new Order("m-2", "NEW", "3.00"), new Order("m-1", "NEW", "4.00"));
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                Break9ProviderMapper mapper = session.getMapper(Break9ProviderMapper.class);
                for (Order order : orders) {
                    mapper.insertUnlessTaken(order);
                }
                session.commit();
            }
            assertThat(stores.oldRows()).hasSize(4);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(2);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * Provider statements whose SQL text differs per call (a literal status or a bound one), under the SIMPLE and
     * BATCH executors (a BATCH of two texts is two JDBC statements), for m-1 and m-2 interleaved; and on PostgreSQL
     * an insert that names {@code RETURNING id} itself with {@code useGeneratedKeys}. Each row follows its own
     * merchant and the key MyBatis sets is the row's in both stores (held).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"H2, SIMPLE", "H2, BATCH", "POSTGRES, BATCH", "POSTGRES, SIMPLE"})
    void providerStatementsOfSeveralSqlTextsAndAnExplicitReturningFollowEachRowsMerchant(TestDatabases.Kind kind,
                                                                                       ExecutorType executor)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            Configuration configuration = new Configuration(
                    new Environment("break9", new JdbcTransactionFactory(), stores.dataSource));
            configuration.addMapper(Break9ProviderMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            List<Order> orders = List.of(new Order("m-1", null, "1.00"), new Order("m-2", "HELD", "2.00"),
                    new Order("m-1", "HELD", "3.00"), new Order("m-2", null, "4.00"));
            try (SqlSession session = sessions.openSession(executor)) {
                Break9ProviderMapper mapper = session.getMapper(Break9ProviderMapper.class);
                for (Order order : orders) {
                    mapper.insert(order);
                }
                session.flushStatements();
                mapper.updateStatus(orders.get(0).getId(), "m-1", null);
                mapper.updateStatus(orders.get(1).getId(), "m-2", "PAID");
                mapper.updateStatus(orders.get(2).getId(), "m-1", "PAID");
                if (kind == TestDatabases.Kind.POSTGRES && executor == ExecutorType.SIMPLE) {
                    Order returning = new Order("m-1", "NEW", "5.00");
                    mapper.insertReturning(returning);
                    assertThat(returning.getId()).isNotNull();
                    Order other = new Order("m-2", "NEW", "6.00");
                    mapper.insertReturning(other);
                    assertThat(other.getId()).isNotNull();
                }
                session.commit();
            }
            assertThat(orders).extracting(Order::getId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(stores.oldRows()).hasSize(kind == TestDatabases.Kind.POSTGRES && executor == ExecutorType.SIMPLE ? 6 : 4);
            assertThat(stores.oldRows().get(orders.get(0).getId())).contains(" NONE ");
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1"));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * The BATCH executor with generated keys, m-1 (DUAL_WRITE) and m-2 (OLD_ONLY) interleaved in one JDBC batch, with
     * a mapping naming no merchant column. Each entry is added under its own merchant's context, but the data source
     * handed every key the driver reported to the first mirroring entry, so m-2's rows were copied to the new store
     * under m-1's context, nothing recorded. One key per entry and one row per entry: each entry syncs its own.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aBatchOfGeneratedKeyInsertsOfTwoMerchantsCopiesOnlyTheDualWritingMerchantsRows(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = stores(kind, null)) {
            List<Order> orders = List.of(new Order("m-2", "NEW", "1.00"), new Order("m-1", "NEW", "2.00"),
                    new Order("m-2", "NEW", "3.00"), new Order("m-1", "NEW", "4.00"));
            try (SqlSession session = stores.sessions().openSession(ExecutorType.BATCH)) {
                OrderMapper mapper = session.getMapper(OrderMapper.class);
                for (Order order : orders) {
                    mapper.insert(order);
                }
                session.commit();
            }
            assertThat(orders).extracting(Order::getId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(stores.oldRows()).hasSize(4);
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).hasSize(2);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * Start-up checks on provider statements and on a nested path through a {@code @Param} bean (held): a statement
     * id, a statement path and a nested path with a typo each fail the install naming the path or id and the mapper.
     */
    @org.junit.jupiter.api.Test
    void typosInProviderStatementIdsAndNestedPathsFailTheInstallNamingThem() {
        String mapper = Break9ProviderMapper.class.getName();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(providerMappers(),
                        ContextRules.builder(MyBatisStores.MIGRATION).statement(mapper + ".insrt", null, "merchantNo").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("statement '" + mapper + ".insrt' does not exist in mapper " + mapper)
                .hasMessageContaining("insertReturning");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(providerMappers(),
                        ContextRules.builder(MyBatisStores.MIGRATION).statement(mapper + ".insert", null, "merchantNum").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'merchantNum' of statement '" + mapper + ".insert' (mapper " + mapper + ")");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(providerMappers(),
                        ContextRules.builder(MyBatisStores.MIGRATION)
                                .statement(mapper + ".updateStatus", "id.value", "merchantNo").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'id.value' of statement '" + mapper + ".updateStatus'");
        Configuration configuration = providerMappers();
        MigrationContextInterceptor.install(configuration, ContextRules.builder(MyBatisStores.MIGRATION)
                .statement(mapper + ".insert", null, "merchantNo").build());
        assertThat(configuration.getInterceptors()).hasSize(1);
    }

    private static Configuration providerMappers() {
        Configuration configuration = new Configuration();
        configuration.addMapper(Break9ProviderMapper.class);
        return configuration;
    }

    /**
     * Two session factories: a mapper method returning a {@code Cursor} ran in a session the proxy closed before it
     * returned, so the caller got a closed cursor. The cursor stays readable until the caller closes it.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aCursorReadThroughTwoSessionFactoriesStaysOpenUntilTheCallerClosesIt(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            String mapper = Break9TwoStoreMapper.class.getName();
            DualWriteMappers mappers = stores.mappers(Break9TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo")
                            .statement(mapper + ".cursorOf", null, "merchantNo").build())
                    .build();
            Break9TwoStoreMapper orders = mappers.mapper(Break9TwoStoreMapper.class);
            orders.insert(new Order("m-1", "NEW", "1.00"));
            orders.insert(new Order("m-1", "NEW", "2.00"));
            orders.insert(new Order("m-2", "NEW", "3.00"));
            List<String> read = new ArrayList<>();
            try (Cursor<Order> cursor = orders.cursorOf("m-1")) {
                cursor.forEach(order -> read.add(order.getMerchantNo() + " " + order.getAmount().stripTrailingZeros().toPlainString()));
                assertThat(cursor.isConsumed()).isTrue();
            }
            assertThat(read).containsExactly("m-1 1", "m-1 2");
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).hasSize(3);
            assertThat(MyBatisBreakSupport.rows(stores.newDb))
                    .isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1")).hasSize(2);
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }
}
