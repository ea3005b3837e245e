package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Break review of the MyBatis module: calls that plain MyBatis answers one way and the interceptor another. The
 * fixture is {@link SplitTableTest}'s (orders split in two on the new store, new-store reads by
 * {@code SplitOrderMapper}); every test ends comparing both stores row by row with plain JDBC.
 */
class MyBatisBreakReviewTest {

    private static final String SELECT_BY_MERCHANT = "io.dualwrite.mybatis.OrderMapper.selectByMerchant";

    /** Writes one order of m-1 (then switched to {@code phase}) and one of m-2 (DUAL_WRITE); marks m-1's on the new store. */
    private static Order[] twoOrders(SplitTableTest.Split split, MigrationPhase phase) {
        split.switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
        split.switchboard.switchStore().setMerchantPhase("orders", "m-2", MigrationPhase.DUAL_WRITE);
        Order first = new Order("m-1", "NEW", "10.00");
        Order other = new Order("m-2", "NEW", "20.00");
        try (SqlSession session = split.sessions.openSession(true)) {
            session.getMapper(OrderMapper.class).insert(first);
            session.getMapper(OrderMapper.class).insert(other);
        }
        split.switchboard.switchStore().setMerchantPhase("orders", "m-1", phase);
        split.newDb.execute("UPDATE order_heads SET status = 'ON-NEW' WHERE merchant_no = 'm-1'");
        return new Order[] {first, other};
    }

    private static void assertStoresAgreeBesidesTheNewStoreMark(SplitTableTest.Split split, Order first) {
        Map<Long, String> expected = new java.util.TreeMap<>(split.oldRowsOf("m-1"));
        expected.putAll(split.oldRowsOf("m-2"));
        expected.computeIfPresent(first.getId(), (id, row) -> row.replace(" NEW ", " ON-NEW "));
        assertThat(split.newRows()).isEqualTo(expected).hasSize(2);
        assertThat(split.changeLogEntries()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"NEW_PRIMARY", "NEW_ONLY"})
    void aCursorReadRunsAsItsNewStoreCounterpartOnceTheNewStoreIsAuthoritative(MigrationPhase phase) throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order first = twoOrders(split, phase)[0];
            List<String> statuses = new ArrayList<>();
            try (SqlSession session = split.sessions.openSession(true);
                 Cursor<Order> cursor = session.selectCursor(SELECT_BY_MERCHANT,
                         Map.of("id", first.getId(), "merchantNo", "m-1"))) {
                cursor.forEach(order -> statuses.add(order.getStatus() + " " + order.getAmount().stripTrailingZeros().toPlainString()));
            }
            assertThat(statuses).containsExactly("ON-NEW 10");
            assertStoresAgreeBesidesTheNewStoreMark(split, first);
        }
    }

    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"NEW_PRIMARY", "NEW_ONLY"})
    void aResultHandlerReadRunsAsItsNewStoreCounterpartOnceTheNewStoreIsAuthoritative(MigrationPhase phase)
            throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order first = twoOrders(split, phase)[0];
            List<String> statuses = new ArrayList<>();
            try (SqlSession session = split.sessions.openSession(true)) {
                session.select(SELECT_BY_MERCHANT, Map.of("id", first.getId(), "merchantNo", "m-1"),
                        context -> statuses.add(((Order) context.getResultObject()).getStatus()));
            }
            assertThat(statuses).containsExactly("ON-NEW");
            assertStoresAgreeBesidesTheNewStoreMark(split, first);
        }
    }

    /**
     * A query on a BATCH session first sends the queued entries (MyBatis flushes before it reads); the query itself
     * must run under its own ids, not the queued entries': here routed to its new-store counterpart.
     */
    /** How a read reaches the executor: {@code query} with and without a result handler, {@code queryCursor}. */
    enum ReadKind { LIST, HANDLER, CURSOR }

    private static List<String> statusesRead(SqlSession session, ReadKind kind, long id) throws Exception {
        Map<String, Object> parameter = Map.of("id", id, "merchantNo", "m-1");
        List<String> statuses = new ArrayList<>();
        switch (kind) {
            case LIST -> session.<Order>selectList(SELECT_BY_MERCHANT, parameter).forEach(o -> statuses.add(o.getStatus()));
            case HANDLER -> session.select(SELECT_BY_MERCHANT, parameter,
                    context -> statuses.add(((Order) context.getResultObject()).getStatus()));
            case CURSOR -> {
                try (Cursor<Order> cursor = session.selectCursor(SELECT_BY_MERCHANT, parameter)) {
                    cursor.forEach(o -> statuses.add(o.getStatus()));
                }
            }
        }
        return statuses;
    }

    /**
     * A query on a BATCH session first sends the queued entries (MyBatis flushes before it reads); the query itself
     * must run under its own ids, not the queued entries': here routed to its new-store counterpart. It ran the old
     * statement on the new store and failed ("Column AMOUNT not found").
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"NEW_PRIMARY, LIST", "NEW_ONLY, LIST", "NEW_ONLY, HANDLER",
            "NEW_ONLY, CURSOR"})
    void aQueryAfterQueuedBatchEntriesRunsUnderItsOwnContext(MigrationPhase phase, ReadKind kind) throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order first = twoOrders(split, phase)[0];
            try (SqlSession session = split.sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.updateStatus(first.getId(), "m-1", "QUEUED");
                assertThat(statusesRead(session, kind, first.getId())).containsExactly("QUEUED");
                orders.updateStatus(first.getId(), "m-1", "SECOND");
                session.commit(); // sends the second update, queued after the read
            }
            Map<Long, String> expected = new java.util.TreeMap<>(split.oldRowsOf("m-1"));
            expected.putAll(split.oldRowsOf("m-2"));
            expected.put(first.getId(), first.getId() + " m-1 SECOND 10");
            assertThat(split.newRows()).isEqualTo(expected).hasSize(2);
            // the fixture's copier writes the new store only: NEW_ONLY leaves the old row alone with nothing to
            // record; NEW_PRIMARY's syncs to the old store fail and are recorded under the row's key
            assertThat(split.oldRowsOf("m-1").get(first.getId())).endsWith("NEW 10");
            assertThat(split.oldDb.query("SELECT DISTINCT row_key, target_store FROM dualwrite_change_log"))
                    .map(row -> row.values().toString())
                    .isEqualTo(phase == MigrationPhase.NEW_ONLY ? List.of() : List.of("[" + first.getId() + ", OLD]"));
        }
    }

    /**
     * The minimal MapperCopier (old read, new upsert and delete) is handed the keys of NEW_ONLY writes too; it failed
     * for want of old-side statements, and each write left a change-log entry for the old store that no run could
     * complete. NEW_ONLY copies nothing to the old store: nothing to record.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ExecutorType.class, names = {"SIMPLE", "REUSE", "BATCH"})
    void newOnlyWritesThroughAOneWayMapperCopierRecordNothing(ExecutorType type) throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order[] orders = twoOrders(split, MigrationPhase.NEW_ONLY);
            try (SqlSession session = split.sessions.openSession(type)) {
                OrderMapper mapper = session.getMapper(OrderMapper.class);
                mapper.updateStatus(orders[0].getId(), "m-1", "PAID");
                mapper.updateStatus(orders[0].getId(), "m-1", "SHIPPED");
                session.commit();
            }
            Map<Long, String> expected = new java.util.TreeMap<>(split.oldRowsOf("m-1"));
            expected.putAll(split.oldRowsOf("m-2"));
            expected.put(orders[0].getId(), orders[0].getId() + " m-1 SHIPPED 10");
            assertThat(split.newRows()).isEqualTo(expected).hasSize(2);
            assertThat(split.oldRowsOf("m-1").get(orders[0].getId())).endsWith("NEW 10");
            assertThat(split.changeLogEntries()).isZero();
        }
    }

    /**
     * A {@code <foreach>} insert of several merchants' orders with no context (the elements disagree, so the
     * interceptor opens none), on a mapping that names the merchant column: the data source took the first row's
     * merchant for the whole statement, so when it was an OLD_ONLY merchant the DUAL_WRITE merchant's rows never
     * reached the new store, and nothing was recorded. Each row must go by its own merchant.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"H2, m-2 m-1", "H2, m-1 m-2 m-1", "H2, m-2 m-2 m-1",
            "POSTGRES, m-2 m-1 m-3"})
    void aForeachInsertOfSeveralMerchantsMirrorsEachRowByItsOwnMerchant(TestDatabases.Kind kind, String merchants)
            throws Exception {
        io.dualwrite.mapping.TableMapping withColumn = io.dualwrite.mapping.TableMapping.builder("orders")
                .newTable("orders_v2").rename("amount", "amount_total").merchantIdColumn("merchant_no").build();
        try (MyBatisStores stores = new MyBatisStores(kind, withColumn)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-3", MigrationPhase.DUAL_WRITE);
            List<Order> orders = new ArrayList<>();
            for (String merchant : merchants.split(" ")) {
                orders.add(new Order(merchant, "NEW", "3.00"));
            }
            try (SqlSession session = stores.sessions().openSession()) {
                assertThat(session.getMapper(OrderXmlMapper.class).insertAll(orders)).isEqualTo(orders.size());
                session.commit();
            }
            Map<Long, String> mirrored = new java.util.TreeMap<>(stores.oldRowsOf("m-1"));
            mirrored.putAll(stores.oldRowsOf("m-3"));
            assertThat(mirrored).isNotEmpty();
            assertThat(stores.newRows()).isEqualTo(mirrored);
            assertThat(stores.oldRows()).hasSize(orders.size());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * A session's connection stays on the store its first statement chose. A read of another merchant afterwards
     * runs on that store, so it must run as written on the old store and as its counterpart on the new one,
     * whatever its own phase: routed by its phase alone, it ran the new-store query on the old store (or the old
     * one on the new store) and failed where plain MyBatis returns the row.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"m-2, m-1, NEW", "m-1, m-2, NEW", "m-1, m-1, ON-NEW"})
    void aReadRunsAsTheStoreItsSessionsConnectionIsOnReads(String firstMerchant, String thenMerchant, String status)
            throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order[] orders = twoOrders(split, MigrationPhase.NEW_PRIMARY); // m-1 NEW_PRIMARY, m-2 DUAL_WRITE
            Map<String, Order> byMerchant = Map.of("m-1", orders[0], "m-2", orders[1]);
            try (SqlSession session = split.sessions.openSession(true)) {
                OrderMapper mapper = session.getMapper(OrderMapper.class);
                assertThat(mapper.selectByMerchant(byMerchant.get(firstMerchant).getId(), firstMerchant)).isNotNull();
                Order read = mapper.selectByMerchant(byMerchant.get(thenMerchant).getId(), thenMerchant);
                // on the old store m-1's row says NEW; the new store says ON-NEW for m-1 and NEW for m-2
                String expected = thenMerchant.equals("m-2") ? "NEW"
                        : firstMerchant.equals("m-2") ? "NEW" : "ON-NEW";
                assertThat(read.getStatus()).isEqualTo(expected).isEqualTo(status);
                assertThat(read.getAmount()).isEqualByComparingTo(thenMerchant.equals("m-1") ? "10" : "20");
            }
            assertStoresAgreeBesidesTheNewStoreMark(split, orders[0]);
        }
    }

    private static final String REVIEW = "io.dualwrite.mybatis.BreakReviewMapper.";

    /** MyBatisStores' factory plus {@link BreakReviewMapper}, with statement paths on its parameter shapes. */
    private static SqlSessionFactory positionalSessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(),
                stores.dataSource));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(BreakReviewMapper.class);
        MigrationContextInterceptor.install(configuration, ContextRules.builder(MyBatisStores.MIGRATION)
                .statement(REVIEW + "deleteOfMerchant", null, "merchantNo")
                .statement(REVIEW + "closeOfMerchant", null, "value")
                .statement(REVIEW + "updateStatusPositional", "param1", "param2")
                .statement(REVIEW + "updateStatusOfMerchants", null, "param1")
                .statement(REVIEW + "updateShopStatus", null, "merchantNo")
                .build());
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /**
     * A statement path may name a lone simple parameter (bound by any name) or MyBatis' generic {@code param1}
     * names; both were refused at start-up ("long has no readable property", "no parameter named 'param2'"),
     * leaving no way to attribute such statements by path. Here they open the right merchant's context.
     */
    @Test
    void statementPathsNamingALoneSimpleParameterOrParamNNamesAttributeTheCallToItsMerchant() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = positionalSessions(stores);
            List<Order> orders = new ArrayList<>();
            try (SqlSession session = sessions.openSession(true)) {
                for (String merchant : List.of("m-1", "m-1", "m-2", "m-2", "m-3")) {
                    Order order = new Order(merchant, "NEW", "1.00");
                    session.getMapper(OrderMapper.class).insert(order);
                    orders.add(order);
                }
                BreakReviewMapper review = session.getMapper(BreakReviewMapper.class);
                assertThat(review.updateStatusPositional(orders.get(0).getId(), "m-1", "PAID")).isEqualTo(1);
                assertThat(review.updateStatusPositional(orders.get(2).getId(), "m-2", "PAID")).isEqualTo(1);
                assertThat(review.closeOfMerchant("m-1")).isEqualTo(2);
                assertThat(review.updateStatusOfMerchants(List.of("m-1"), "SHIPPED")).isEqualTo(2);
                assertThat(review.updateStatusOfMerchants(List.of("m-2", "m-3"), "SHIPPED")).isEqualTo(3);
                assertThat(review.deleteOfMerchant("m-2")).isEqualTo(2);
            }
            assertThat(stores.oldRowsOf("m-1")).hasSize(2).allSatisfy((id, row) -> assertThat(row).contains("SHIPPED"));
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1"));
            // the update of m-2's and m-3's rows names no single merchant, and the mapping no merchant column: its
            // rows cannot be told from m-1's, so the table gets a scoped resync (rows-not-attributable), not a guess
            assertThat(stores.changeLogCounts()).containsExactly(Map.entry("*", 1L));
        }
    }

    @Test
    void aParamNPathBeyondTheMethodsParametersIsRefusedAtStartUpNamingTheAllowedNames() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(),
                    stores.dataSource));
            configuration.addMapper(BreakReviewMapper.class);
            ContextRules rules = ContextRules.builder(MyBatisStores.MIGRATION)
                    .statement(REVIEW + "updateStatusPositional", null, "param4").build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, rules))
                    .hasMessageContaining("property path 'param4' of statement '" + REVIEW + "updateStatusPositional'")
                    .hasMessageContaining("[id, merchantNo, status]")
                    .hasMessageContaining("param1..param3");
            ContextRules global = ContextRules.builder(MyBatisStores.MIGRATION).merchantIdPath("value").build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, global))
                    .as("a global path never reads a lone simple parameter").hasMessageContaining("global property path 'value'");
        }
    }

    /**
     * An enum merchant id is the text MyBatis binds for it ({@code name()}, or what its type handler binds), read by
     * a path or from a marked field: its {@code toString()} ("shop m1") named a merchant no switch knows, so the
     * dual-writing merchant's rows were never mirrored, with nothing recorded.
     */
    @Test
    void anEnumMerchantIdIsTheValueMyBatisBindsNotItsToString() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("M1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("shop m2", MigrationPhase.DUAL_WRITE); // M2's toString: must not mirror M2
            SqlSessionFactory sessions = positionalSessions(stores);
            try (SqlSession session = sessions.openSession()) {
                BreakReviewMapper review = session.getMapper(BreakReviewMapper.class);
                for (BreakReviewMapper.Shop shop : BreakReviewMapper.Shop.values()) {
                    review.insertShopOrder(new BreakReviewMapper.ShopOrder(shop, "NEW")); // by the marked field
                    review.insertShopOrder(new BreakReviewMapper.ShopOrder(shop, "NEW"));
                }
                assertThat(review.updateShopStatus(new BreakReviewMapper.ShopOrder(BreakReviewMapper.Shop.M1, "PAID")))
                        .isEqualTo(2); // by the statement's path
                session.commit();
            }
            assertThat(stores.oldRowsOf("M1")).hasSize(2).allSatisfy((id, row) -> assertThat(row).contains("PAID"));
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("M1"));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    @Test
    void aMarkedIdIsReadAsAPathReadsIt() {
        org.apache.ibatis.type.TypeHandlerRegistry handlers = new org.apache.ibatis.type.TypeHandlerRegistry();
        handlers.register(BreakReviewMapper.Shop.class, new org.apache.ibatis.type.EnumOrdinalTypeHandler<>(
                BreakReviewMapper.Shop.class));
        ContextExtractor extractor = new ContextExtractor(ContextRules.builder("orders").build(), handlers);
        assertThat(extractor.idsOf("x.M.a", new BreakReviewMapper.ShopOrder(BreakReviewMapper.Shop.M2, "NEW"))
                .merchantId()).as("the ordinal its handler binds").isEqualTo("1");
        assertThat(extractor.idsOf("x.M.b", new OptionalMerchant(java.util.Optional.of("m-7"))).merchantId())
                .isEqualTo("m-7");
        assertThat(extractor.idsOf("x.M.c", new OptionalMerchant(java.util.Optional.empty())).merchantId()).isNull();
    }

    /** A marked merchant id held in an Optional. */
    static final class OptionalMerchant {
        @MerchantId
        private final java.util.Optional<String> merchant;

        OptionalMerchant(java.util.Optional<String> merchant) {
            this.merchant = merchant;
        }
    }

    private static final String TWO = "io.dualwrite.mybatis.TwoStoreOrderMapper.";

    private static SqlSessionFactory twoStoreFactory(javax.sql.DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(TwoStoreOrderMapper.class);
        configuration.addMapper(DefaultBodyOrderMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /**
     * Two session factories: a {@code default} mapper method whose body calls marked writes ran the body on MyBatis'
     * own mapper, so those writes never reached the new store and nothing was recorded. Merchant m-2 stays OLD_ONLY.
     */
    @Test
    void defaultMapperMethodsCallingMarkedWritesSyncEachOfThem() throws Exception {
        try (io.dualwrite.jdbc.testing.TestDatabase oldDb = TestDatabases.create(TestDatabases.Kind.H2);
             io.dualwrite.jdbc.testing.TestDatabase newDb = TestDatabases.create(TestDatabases.Kind.H2)) {
            io.dualwrite.switches.Switchboard switchboard = ordersInBothStores(oldDb, newDb);
            switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            io.dualwrite.jdbc.changelog.JdbcChangeLog changeLog =
                    io.dualwrite.jdbc.changelog.JdbcChangeLog.create(oldDb.dataSource());
            try (io.dualwrite.DualWriter writer = io.dualwrite.DualWriter.builder().resolver(switchboard)
                    .changeLog(changeLog).mirrorConfig(io.dualwrite.mirror.MirrorConfig.custom()
                            .mode(io.dualwrite.mirror.MirrorMode.SYNC).build()).build()) {
                List<String> upsert = List.of(TWO + "deleteById", TWO + "insertWithId");
                DualWriteMappers mappers = DualWriteMappers.builder(writer, "orders")
                        .sessions(io.dualwrite.Store.OLD, twoStoreFactory(oldDb.dataSource()))
                        .sessions(io.dualwrite.Store.NEW, twoStoreFactory(newDb.dataSource()))
                        .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                        .table("orders", io.dualwrite.Store.OLD, TWO + "selectById", upsert, List.of(TWO + "deleteById"))
                        .table("orders", io.dualwrite.Store.NEW, TWO + "selectById", upsert, List.of(TWO + "deleteById"))
                        .build();
                DefaultBodyOrderMapper orders = mappers.mapper(DefaultBodyOrderMapper.class);
                List<Long> ids = new ArrayList<>();
                for (String merchant : List.of("m-1", "m-1", "m-2")) {
                    Order order = new Order(merchant, "NEW", "5.00");
                    assertThat(orders.insertPaid(order)).isEqualTo(1);
                    ids.add(order.getId());
                }
                Order marked = new Order("m-1", "NEW", "6.00");
                assertThat(orders.insertMarked(marked)).isEqualTo(1);
                assertThat(marked.getId()).isNotNull();
                assertThat(orders.closeAll(ids.subList(0, 2), "m-1")).isEqualTo(2);
                assertThat(orders.closeAll(ids.subList(2, 3), "m-2")).isEqualTo(1);

                Map<Long, String> oldRows = rowsOf(oldDb);
                assertThat(oldRows).hasSize(4);
                oldRows.values().removeIf(row -> !row.contains(" m-1 "));
                assertThat(oldRows).hasSize(3);
                assertThat(rowsOf(newDb)).isEqualTo(oldRows);
                assertThat(changeLog.pendingCount("orders")).isZero();
            }
        }
    }

    /**
     * A {@code default} method listed with {@code Builder.statement} (instead of marked with {@code @DualWrite}) was
     * refused as a statement that does not exist: it has none of its own, its body runs. Now it is a write like a
     * marked one; a misspelt name is still refused.
     */
    @Test
    void aDefaultMethodListedAsAWriteIsSyncedLikeAMarkedOne() throws Exception {
        try (io.dualwrite.jdbc.testing.TestDatabase oldDb = TestDatabases.create(TestDatabases.Kind.H2);
             io.dualwrite.jdbc.testing.TestDatabase newDb = TestDatabases.create(TestDatabases.Kind.H2)) {
            io.dualwrite.switches.Switchboard switchboard = ordersInBothStores(oldDb, newDb);
            switchboard.switchStore().setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            io.dualwrite.jdbc.changelog.JdbcChangeLog changeLog =
                    io.dualwrite.jdbc.changelog.JdbcChangeLog.create(oldDb.dataSource());
            String defaults = DefaultBodyOrderMapper.class.getName() + ".";
            try (io.dualwrite.DualWriter writer = io.dualwrite.DualWriter.builder().resolver(switchboard)
                    .changeLog(changeLog).mirrorConfig(io.dualwrite.mirror.MirrorConfig.custom()
                            .mode(io.dualwrite.mirror.MirrorMode.SYNC).build()).build()) {
                List<String> upsert = List.of(TWO + "deleteById", TWO + "insertWithId");
                java.util.function.Function<String, DualWriteMappers.Builder> builder = listed ->
                        DualWriteMappers.builder(writer, "orders")
                        .sessions(io.dualwrite.Store.OLD, twoStoreFactory(oldDb.dataSource()))
                        .sessions(io.dualwrite.Store.NEW, twoStoreFactory(newDb.dataSource()))
                        .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                        .table("orders", io.dualwrite.Store.OLD, TWO + "selectById", upsert, List.of(TWO + "deleteById"))
                        .table("orders", io.dualwrite.Store.NEW, TWO + "selectById", upsert, List.of(TWO + "deleteById"))
                        .statement(listed, "orders", 0, io.dualwrite.changelog.Operation.INSERT);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.apply(defaults + "insertPayd").build())
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining(defaults + "insertPayd");

                DefaultBodyOrderMapper orders = builder.apply(defaults + "insertPaid").build()
                        .mapper(DefaultBodyOrderMapper.class);
                Order order = new Order("m-1", "NEW", "5.00");
                assertThat(orders.insertPaid(order)).isEqualTo(1);

                assertThat(rowsOf(oldDb)).hasSize(1).containsKey(order.getId());
                assertThat(rowsOf(newDb)).isEqualTo(rowsOf(oldDb));
                assertThat(changeLog.pendingCount("orders")).isZero();
            }
        }
    }

    /** {@code orders} in both stores (the old one generating ids), the library's tables on the old, and switches. */
    private static io.dualwrite.switches.Switchboard ordersInBothStores(io.dualwrite.jdbc.testing.TestDatabase oldDb,
            io.dualwrite.jdbc.testing.TestDatabase newDb) throws java.sql.SQLException {
        oldDb.execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL,"
                + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
        newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL,"
                + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
        io.dualwrite.jdbc.schema.DualWriteSchema.create(oldDb.dataSource());
        return io.dualwrite.switches.Switchboard.builder().switchStore(io.dualwrite.switches.SwitchStores.inMemory())
                .migration(io.dualwrite.switches.MigrationSwitchConfig.of("orders")).build();
    }

    private static Map<Long, String> rowsOf(io.dualwrite.jdbc.testing.TestDatabase db) {
        Map<Long, String> rows = new java.util.TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, merchant_no, status, amount FROM orders")) {
            List<Object> values = new ArrayList<>(row.values()); // id, merchant_no, status, amount
            rows.put(((Number) values.get(0)).longValue(), values.get(0) + " " + values.get(1) + " " + values.get(2)
                    + " " + ((java.math.BigDecimal) values.get(3)).stripTrailingZeros().toPlainString());
        }
        return rows;
    }
}
