package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twelfth break review of the MyBatis module. Tries keys MyBatis sets during the call: generated keys that come back
 * as several columns ({@code keyProperty="merchantNo,id"}), order ids a {@code selectKey} BEFORE or the database
 * generates (over the data source under every executor, and through two session factories, also as the
 * {@code DualWrite.ORDER_ID} key), with orders switched apart from their merchants; and start-up checks: property
 * paths through type variables (a generic base mapper, a method's own type variable, a generic holder or base class),
 * read routes whose counterpart binds parameters the replaced read does not pass, upserts and key properties the read
 * row does not have, and marked writes whose key argument lacks its key property. Every test of mirroring ends
 * comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak12Test {

    /** An insert taking back two generated columns, neither of them the table's key. */
    public interface Break12NoKeyMapper {
        @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        @Options(useGeneratedKeys = true, keyProperty = "merchantNo,status", keyColumn = "merchant_no,status")
        int insert(Order order);
    }

    /**
     * A marked insert taking back two generated columns, the table's key second ({@code keyProperty="merchantNo,id"},
     * alone, through {@code @Param} and for each element of a {@code <foreach>} insert): the sync took the first
     * property's value ("m-1", "NEW") for the row's key, read no row by it, and the rows never reached the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMarkedInsertTakingBackSeveralGeneratedColumnsSyncsTheRowByItsKeyProperty(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            Break12TwoStoreMapper orders = stores.mappers(Break12TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo")
                            .statement(Break12TwoStoreMapper.class.getName() + ".insertRow", null, "row.merchantNo")
                            .statement(Break12TwoStoreMapper.class.getName() + ".insertAll", null, "orders.merchantNo")
                            .build())
                    .build().mapper(Break12TwoStoreMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            orders.insert(first);
            orders.insertRow(new Order("m-1", "NEW", "2.00"));
            orders.insertAll(new ArrayList<>(List.of(new Order("m-1", "NEW", "3.00"), new Order("m-1", "NEW", "4.00"))));
            assertThat(first.getId()).isNotNull();
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).hasSize(4);
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }

    /**
     * Several key properties none of which is the table's key ({@code keyProperty="merchantNo,status"}): every call
     * synced by the merchant, found no row and recorded a key no repair could sync. Refused when the mapper is made.
     */
    @Test
    void aMarkedInsertTakingBackSeveralColumnsNoneOfThemTheKeyIsRefusedWhenItsMapperIsMade() throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            String mapper = Break12TwoStoreMapper.class.getName() + ".";
            List<String> upsert = List.of(mapper + "deleteById", mapper + "insertWithId");
            DualWriteMappers mappers = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, MyBatisBreakSupport.twoStoreFactory(stores.oldDb.dataSource(),
                            Break12TwoStoreMapper.class, Break12NoKeyMapper.class))
                    .sessions(Store.NEW, MyBatisBreakSupport.twoStoreFactory(stores.newDb.dataSource(),
                            Break12TwoStoreMapper.class, Break12NoKeyMapper.class))
                    .table("orders", Store.OLD, mapper + "selectById", upsert, List.of(mapper + "deleteById"))
                    .table("orders", Store.NEW, mapper + "selectById", upsert, List.of(mapper + "deleteById"))
                    .build();
            assertThatThrownBy(() -> mappers.mapper(Break12NoKeyMapper.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(Break12NoKeyMapper.class.getName() + ".insert takes back several keys"
                            + " (keyProperty \"merchantNo,status\") and none of them is the key of table 'orders'");
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).isEmpty();
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEmpty();
        }
    }

    private static Configuration genericMappers() {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:mybatis_break12_startup;DB_CLOSE_DELAY=-1");
        Configuration configuration = new Configuration(new Environment("startup", new JdbcTransactionFactory(), h2));
        configuration.addMapper(Break12GenericMappers.OrderBaseMapper.class);
        configuration.addMapper(Break12GenericMappers.GenericMethodMapper.class);
        return configuration;
    }

    private static final String GENERIC = Break12GenericMappers.GenericMethodMapper.class.getName() + ".";

    /**
     * Misspelt property paths through a type variable whose type is known: the parameter of a base mapper's method
     * ({@code BaseMapper<E>.insert(E)} as {@code OrderBaseMapper extends BaseMapper<Order>}), a method's own type
     * variable ({@code <T extends Order>}), a field of a generic holder ({@code Envelope<Order>.payload}) and a field
     * of a generic base class ({@code Payment extends Owned<Merchant>}, {@code M merchant}) were
     * accepted unchecked, and every call then followed the unattributed rule. Each is refused at install, naming the
     * path, the statement and the mapper; the right spellings install.
     */
    @Test
    void misspeltPathsThroughTypeVariablesOfKnownTypeAreRefusedAtInstall() {
        String base = Break12GenericMappers.OrderBaseMapper.class.getName();
        Configuration misspelt = genericMappers();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(misspelt, ContextRules.builder("orders")
                .statement(base + ".insert", null, "merchantNoo")
                .statement(GENERIC + "insertAny", null, "merchantNoo")
                .statement(GENERIC + "insertEnvelope", null, "e.payload.merchantNoo")
                .statement(GENERIC + "insertPayment", null, "merchant.noo").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'merchantNoo' of statement '" + base + ".insert' (mapper " + base
                        + ") does not exist: Order has no readable property 'merchantNoo'")
                .hasMessageContaining("property path 'merchantNoo' of statement '" + GENERIC + "insertAny' (mapper "
                        + GENERIC.substring(0, GENERIC.length() - 1) + ") does not exist: Order has no readable property")
                .hasMessageContaining("property path 'e.payload.merchantNoo' of statement '" + GENERIC + "insertEnvelope'"
                        + " (mapper " + GENERIC.substring(0, GENERIC.length() - 1) + ") does not exist: Order has no"
                        + " readable property 'merchantNoo'")
                .hasMessageContaining("property path 'merchant.noo' of statement '" + GENERIC + "insertPayment'"
                        + " (mapper " + GENERIC.substring(0, GENERIC.length() - 1) + ") does not exist: Merchant has no"
                        + " readable property 'noo'");
        assertThat(misspelt.getInterceptors()).isEmpty();

        Configuration right = genericMappers();
        MigrationContextInterceptor.install(right, ContextRules.builder("orders")
                .statement(base + ".insert", null, "merchantNo")
                .statement(GENERIC + "insertAny", null, "merchantNo")
                .statement(GENERIC + "insertEnvelope", null, "e.payload.merchantNo")
                .statement(GENERIC + "insertPayment", null, "merchant.no").build());
        assertThat(right.getInterceptors()).hasSize(1);
    }

    /**
     * A path through a type variable or wildcard bound by nothing but {@code Object} ({@code Envelope<?>}, the generic
     * base mapper's own {@code insert(E)}) cannot be checked: it installed silently, so a misspelling there went
     * unnoticed. It still installs, and says at WARN that it cannot be checked, naming the path, statement and mapper.
     */
    @Test
    void pathsThroughUnboundTypeVariablesSayAtStartUpThatTheyCannotBeChecked() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(StartupCheck.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Configuration configuration = genericMappers();
            configuration.addMapper(Break12GenericMappers.BaseMapper.class);
            String base = Break12GenericMappers.BaseMapper.class.getName();
            MigrationContextInterceptor.install(configuration, ContextRules.builder("orders")
                    .statement(GENERIC + "insertAnyEnvelope", null, "e.payload.merchantNo")
                    .statement(base + ".insert", null, "merchantNo")
                    .statement(GENERIC + "insertEnvelope", null, "e.payload.merchantNo").build());
            assertThat(configuration.getInterceptors()).hasSize(1);
            assertThat(appender.list).filteredOn(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .hasSize(2)
                    .anySatisfy(line -> assertThat(line).contains("property path 'e.payload.merchantNo' of statement '"
                            + GENERIC + "insertAnyEnvelope' (mapper " + GENERIC.substring(0, GENERIC.length() - 1)
                            + ") cannot be checked at start-up: it goes through a wildcard (?)"))
                    .anySatisfy(line -> assertThat(line).contains("property path 'merchantNo' of statement '" + base
                            + ".insert' (mapper " + base + ") cannot be checked at start-up: it goes through type"
                            + " variable E of interface " + base + ", bound by nothing but Object"));
        } finally {
            logger.detachAppender(appender);
        }
    }

    /**
     * A read route whose counterpart binds a parameter the replaced read does not pass
     * ({@code #{merchant}} for {@code @Param("merchantNo")}): installed, and every read of it failed with MyBatis'
     * binding error once the merchant's phase read the new store. Refused at install, naming both statements.
     */
    @Test
    void aReadRouteWhoseCounterpartBindsAParameterTheReadDoesNotPassIsRefusedAtInstall() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration(new Environment("break12", new JdbcTransactionFactory(),
                    stores.dataSource));
            configuration.addMapper(OrderMapper.class);
            configuration.addMapper(Break12NewOrderMapper.class);
            NewStoreReads reads = NewStoreReads.builder(stores.switchboard)
                    .mapper(OrderMapper.class, Break12NewOrderMapper.class).build();
            assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML,
                    reads))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement '" + Break12NewOrderMapper.class.getName() + ".selectByMerchant' (mapper "
                            + Break12NewOrderMapper.class.getName() + ") binds #{merchant}, which the parameter of '"
                            + OrderMapper.class.getName() + ".selectByMerchant' does not have: the mapper method"
                            + " selectByMerchant has no parameter named 'merchant'")
                    .hasMessageContaining("name its parameters as that read does");
            assertThat(configuration.getInterceptors()).isEmpty();
        }
    }

    /**
     * Inserts whose order id a {@code selectKey} BEFORE takes from a sequence (PostgreSQL {@code nextval}, H2
     * {@code MAX(id) + 100}), of merchant m-2 (no switch), the first order switched DUAL_WRITE by id, and the mapping
     * without an order column: the ids were read before MyBatis ran the {@code selectKey}, so the call carried no order
     * id, the row could not be attributed and a scoped resync of the whole table was recorded instead of a sync. The
     * interceptor now runs the {@code selectKey} first: the switched order's row is synced, the other stays out,
     * nothing is recorded, under the SIMPLE, REUSE and BATCH executors.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("kindsAndExecutors")
    void anOrderIdASelectKeyBeforeSetsDecidesTheInsertsPhase(TestDatabases.Kind kind,
                                                            org.apache.ibatis.session.ExecutorType executor)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            Class<?> type = kind == TestDatabases.Kind.POSTGRES ? Break5PgSelectKeyMapper.class : Break5MariaSelectKeyMapper.class;
            String first = kind == TestDatabases.Kind.POSTGRES ? "1" : "100";
            stores.switchboard.switchStore().setOrderPhase(MyBatisStores.MIGRATION, first, MigrationPhase.DUAL_WRITE);
            ContextRules rules = ContextRules.builder(MyBatisStores.MIGRATION).orderIdPath("id")
                    .merchantIdPath("merchantNo").build();
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, rules, type);
            Order switched = new Order("m-2", "NEW", "1.00");
            Order other = new Order("m-2", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(executor)) {
                session.insert(type.getName() + ".insertKeyBefore", switched);
                if (executor == org.apache.ibatis.session.ExecutorType.BATCH) {
                    session.flushStatements(); // the next MAX(id) + 100 must see the first row
                }
                session.insert(type.getName() + ".insertKeyBefore", other);
                session.commit();
            }
            assertThat(String.valueOf(switched.getId())).isEqualTo(first);
            assertThat(stores.oldRows()).hasSize(2).containsKeys(switched.getId(), other.getId());
            Map<Long, String> expected = new java.util.TreeMap<>(stores.oldRows());
            expected.keySet().retainAll(List.of(switched.getId()));
            assertThat(stores.newRows()).isEqualTo(expected).hasSize(1);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> kindsAndExecutors() {
        return java.util.stream.Stream.of(TestDatabases.Kind.H2, TestDatabases.Kind.POSTGRES).flatMap(kind ->
                java.util.stream.Stream.of(org.apache.ibatis.session.ExecutorType.values())
                        .map(executor -> org.junit.jupiter.params.provider.Arguments.of(kind, executor)));
    }

    /**
     * Marked inserts through two session factories whose order id is the generated key, orders switched apart from
     * their merchants (m-1 DUAL_WRITE, m-2 the system's OLD_ONLY): the context was read before the call, without the
     * order id, so order 1 (DUAL_WRITE) of m-2 and order 4 of a two-row {@code <foreach>} never reached the new store,
     * order 2 (OLD_ONLY) of m-1 was copied, and order 5 (NEW_PRIMARY), written to the old store, went unrecorded.
     * The ids are read again after the call: 1 and 4 are synced, 2 is not, 5 records the table's resync.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMarkedInsertsGeneratedOrderIdDecidesItsSyncThroughTwoSessionFactories(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            stores.switchboard.switchStore().setOrderPhase("orders", "1", MigrationPhase.DUAL_WRITE);
            stores.switchboard.switchStore().setOrderPhase("orders", "2", MigrationPhase.OLD_ONLY);
            stores.switchboard.switchStore().setOrderPhase("orders", "4", MigrationPhase.DUAL_WRITE);
            stores.switchboard.switchStore().setOrderPhase("orders", "5", MigrationPhase.NEW_PRIMARY);
            String mapper = Break12TwoStoreMapper.class.getName();
            Break12TwoStoreMapper orders = stores.mappers(Break12TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").orderIdPath("id").merchantIdPath("merchantNo")
                            .statement(mapper + ".insertAll", "orders.id", "orders.merchantNo").build())
                    .build().mapper(Break12TwoStoreMapper.class);
            orders.insert(new Order("m-2", "NEW", "1.00"));
            orders.insert(new Order("m-1", "NEW", "2.00"));
            orders.insertAll(MyBatisBreakSupport.two("m-2", "3.00", "4.00"));
            orders.insert(new Order("m-2", "NEW", "5.00"));

            Map<Long, String> expected = MyBatisBreakSupport.rows(stores.oldDb);
            assertThat(expected).hasSize(5);
            expected.keySet().retainAll(List.of(1L, 4L));
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(expected).hasSize(2);
            assertThat(stores.oldDb.query("SELECT operation || ' ' || target_store || ' ' || order_id AS entry"
                    + " FROM dualwrite_change_log")).extracting(row -> String.valueOf(row.values().iterator().next()))
                    .containsExactly("RESYNC NEW 5");
        }
    }

    /**
     * Upserts that bind a property the row they are given does not have: the new store's {@code insertWithId} of a
     * {@link MapperCopier} binding {@code #{amountTotal}} (the new column's name) for the {@link Order} the old read
     * returns, and through two session factories an upsert binding {@code #{merchant}}. Both were built, and every
     * sync then failed on the missing property and stayed in the change log; no repair could converge. Refused when
     * built, naming the statement, the property and the read whose row it takes.
     */
    @Test
    void upsertsBindingAPropertyTheReadRowDoesNotHaveAreRefusedWhenBuilt() throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration();
            configuration.addMapper(OrderMapper.class);
            configuration.addMapper(Break12NewOrderMapper.class);
            String newMapper = Break12NewOrderMapper.class.getName();
            assertThatThrownBy(() -> MapperCopier.builder(configuration, MyBatisStores.MAPPING)
                    .dataSource(Store.OLD, stores.oldDb.dataSource()).dataSource(Store.NEW, stores.newDb.dataSource())
                    .read(Store.OLD, OrderMapper.class.getName() + ".selectById")
                    .upsert(Store.NEW, newMapper + ".deleteById", newMapper + ".insertWithId")
                    .delete(Store.NEW, newMapper + ".deleteById").build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement '" + newMapper + ".insertWithId' (mapper " + newMapper + ") binds"
                            + " #{amountTotal}, which the row '" + OrderMapper.class.getName() + ".selectById' returns"
                            + " does not have: Order has no readable property 'amountTotal'");

            String mapper = Break12TwoStoreMapper.class.getName();
            assertThatThrownBy(() -> DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, MyBatisBreakSupport.twoStoreFactory(stores.oldDb.dataSource(), Break12TwoStoreMapper.class))
                    .sessions(Store.NEW, MyBatisBreakSupport.twoStoreFactory(stores.newDb.dataSource(), Break12TwoStoreMapper.class))
                    .table("orders", Store.OLD, mapper + ".selectById", List.of(mapper + ".deleteById",
                            mapper + ".insertWithId"), List.of(mapper + ".deleteById"))
                    .table("orders", Store.NEW, mapper + ".selectById", List.of(mapper + ".deleteById",
                            mapper + ".insertWithMerchant"), List.of(mapper + ".deleteById")).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("statement '" + mapper + ".insertWithMerchant' (mapper " + mapper + ") binds"
                            + " #{merchant}, which the row '" + mapper + ".selectById' returns does not have: Order has"
                            + " no readable property 'merchant'");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb)).isEmpty();
        }
    }

    /**
     * A {@link MapperCopier} whose key property names nothing on the old read's row ({@code keyProperty("orderId")} for
     * an {@link Order}, or by default a key column {@code order_no} that is no property of it): built, and the check
     * that the row a read returned is the key's own (a loose match under another key) counted every row as its own,
     * silently. Refused when built, naming the property and the read.
     */
    @Test
    void aMapperCopierWhoseKeyPropertyTheReadRowDoesNotHaveIsRefusedWhenBuilt() throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration();
            configuration.addMapper(OrderMapper.class);
            configuration.addMapper(SplitOrderMapper.class);
            String split = SplitOrderMapper.class.getName();
            java.util.function.Function<TableMapping, MapperCopier.Builder> copier = mapping -> MapperCopier
                    .builder(configuration, mapping)
                    .dataSource(Store.OLD, stores.oldDb.dataSource()).dataSource(Store.NEW, stores.newDb.dataSource())
                    .read(Store.OLD, OrderMapper.class.getName() + ".selectById")
                    .upsert(Store.NEW, split + ".deleteAmount", split + ".deleteHead", split + ".insertHead",
                            split + ".insertAmount")
                    .delete(Store.NEW, split + ".deleteAmount", split + ".deleteHead");
            TableMapping byId = TableMapping.builder("orders").newTable("order_heads").build();
            assertThatThrownBy(() -> copier.apply(byId).keyProperty("orderId").build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("MapperCopier of table orders: key property 'orderId' of the row '"
                            + OrderMapper.class.getName() + ".selectById' returns does not exist: Order has no readable"
                            + " property 'orderId' (its properties: [amount, id, merchantNo, status]); fix"
                            + " Builder.keyProperty(…)");
            TableMapping byOrderNo = TableMapping.builder("orders").newTable("order_heads").primaryKey("order_no").build();
            assertThatThrownBy(() -> copier.apply(byOrderNo).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("key property 'order_no' of the row")
                    .hasMessageEndingWith("name the row's key property with Builder.keyProperty(…)");
            assertThat(copier.apply(byId).build()).isNotNull();
        }
    }

    /**
     * A marked insert synced by the context's order id ({@code key = DualWrite.ORDER_ID}) whose order id is the key
     * the database generates: the context read before the call had no order id, so the key was unknown and a scoped
     * resync of the whole table was recorded instead of a sync, for m-1 (DUAL_WRITE) and for order 2 of m-2 (switched
     * DUAL_WRITE). The order id read after the call is synced; m-2's order 3 (OLD_ONLY) stays out.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMarkedInsertSyncedByTheContextsOrderIdSyncsTheGeneratedOrderId(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            stores.switchboard.switchStore().setOrderPhase("orders", "2", MigrationPhase.DUAL_WRITE);
            Break12TwoStoreMapper orders = stores.mappers(Break12TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").orderIdPath("id").merchantIdPath("merchantNo").build())
                    .build().mapper(Break12TwoStoreMapper.class);
            orders.insertByOrderId(new Order("m-1", "NEW", "1.00"));
            orders.insertByOrderId(new Order("m-2", "NEW", "2.00"));
            orders.insertByOrderId(new Order("m-2", "NEW", "3.00"));

            Map<Long, String> expected = MyBatisBreakSupport.rows(stores.oldDb);
            assertThat(expected).hasSize(3);
            expected.keySet().retainAll(List.of(1L, 2L));
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(expected).hasSize(2);
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }

    /**
     * The same kind through {@code @Param} names: the {@code selectKey} BEFORE sets {@code order.id}, which the
     * statement's order path reads. m-2's order 100 is switched DUAL_WRITE, its order 200 is not: before, neither
     * call carried its order id and a scoped resync of the table was recorded; now only order 100 is synced.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void anOrderIdASelectKeyBeforeSetsThroughAParamNameDecidesTheInsertsPhase(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.switchboard.switchStore().setOrderPhase(MyBatisStores.MIGRATION, "100", MigrationPhase.DUAL_WRITE);
            String insert = Break12SelectKeyMapper.class.getName() + ".insertNamed";
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).statement(insert, "order.id", "order.merchantNo").build(),
                    Break12SelectKeyMapper.class);
            try (SqlSession session = sessions.openSession(true)) {
                Break12SelectKeyMapper mapper = session.getMapper(Break12SelectKeyMapper.class);
                mapper.insertNamed(new Order("m-2", "NEW", "1.00"), "web");
                mapper.insertNamed(new Order("m-2", "NEW", "2.00"), "web");
            }
            assertThat(stores.oldRows()).containsOnlyKeys(100L, 200L);
            Map<Long, String> expected = new java.util.TreeMap<>(stores.oldRows());
            expected.keySet().retainAll(List.of(100L));
            assertThat(stores.newRows()).isEqualTo(expected).hasSize(1);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /** A status change by a bean whose key property is {@code orderId}, which no {@code keyProperty} names. */
    public interface Break12BeanKeyMapper extends TwoStoreRowStatements {
        @DualWrite(table = "orders", key = 0, operation = Operation.UPDATE)
        @org.apache.ibatis.annotations.Update("UPDATE orders SET status = #{status} WHERE id = #{orderId}")
        int changeStatus(OrderChange change);
    }

    /** The same change with its key property named. */
    public interface Break12NamedBeanKeyMapper extends TwoStoreRowStatements {
        @DualWrite(table = "orders", key = 0, operation = Operation.UPDATE)
        @org.apache.ibatis.annotations.Update("UPDATE orders SET status = #{status} WHERE id = #{orderId}")
        @Options(keyProperty = "orderId")
        int changeStatus(OrderChange change);
    }

    /**
     * A marked write whose key argument is a bean without the key property it is read by ({@code id} by default, an
     * {@link OrderChange} has {@code orderId}): the mapper was made, and every call found no key and recorded a
     * scoped resync of the whole table instead of a sync. Refused when the mapper is made, naming the property and
     * the fix; with {@code keyProperty = "orderId"} the change is synced.
     */
    @Test
    void aMarkedWriteWhoseKeyArgumentLacksItsKeyPropertyIsRefusedWhenItsMapperIsMade() throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            for (var db : List.of(stores.oldDb, stores.newDb)) {
                db.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
            }
            ContextRules rules = ContextRules.builder("orders").build();
            DualWriteMappers unnamed = stores.mappers(Break12BeanKeyMapper.class).rules(rules).build();
            assertThatThrownBy(() -> unnamed.mapper(Break12BeanKeyMapper.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(Break12BeanKeyMapper.class.getName() + ".changeStatus names argument 0 as its"
                            + " key, whose key property 'id' cannot be read: OrderChange has no readable property 'id'")
                    .hasMessageEndingWith("name the property with the statement's keyProperty, or pass the key itself");

            Break12NamedBeanKeyMapper named = stores.mappers(Break12NamedBeanKeyMapper.class).rules(rules).build()
                    .mapper(Break12NamedBeanKeyMapper.class);
            try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId("m-1").open()) {
                assertThat(named.changeStatus(new OrderChange(1L, "m-1", "PAID"))).isEqualTo(1);
            }
            assertThat(MyBatisBreakSupport.rows(stores.oldDb).get(1L)).isEqualTo("1 m-1 PAID 1");
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }
}
