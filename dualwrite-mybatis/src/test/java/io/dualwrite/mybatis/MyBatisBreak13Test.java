package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thirteenth break review of the MyBatis module. Tries the statements MyBatis runs on a mapper call's behalf (a
 * {@code selectKey} BEFORE whose merchant only the insert's own property path names, for a merchant whose phase makes
 * the new store authoritative, under every executor), the names MyBatis gives a lone collection or array argument
 * (start-up checks of paths through them), and {@code <foreach>} elements without an id beside elements with one.
 * Every test of mirroring ends comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak13Test {

    private static final String KEYED = Break13SelectKeyMapper.class.getName() + ".";

    static Stream<Arguments> kindsExecutorsAndStatements() {
        return Stream.of(
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.SIMPLE, "insertRow"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.REUSE, "insertFor"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.BATCH, "insertRow"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.BATCH, "insertFor"),
                Arguments.of(TestDatabases.Kind.POSTGRES, ExecutorType.SIMPLE, "insertFor"));
    }

    /**
     * A {@code selectKey} BEFORE of an insert whose merchant (m-3, NEW_PRIMARY; the system OLD_ONLY) only the insert's
     * own path names ({@code shop}): the interceptor ran the key's query before opening the insert's context, and
     * MyBatis names that query {@code insert!selectKey}, which no rule names, so it ran without a context, acquired
     * the session's connection from the old store, and the insert was then refused there ("authoritative store"
     * mismatch): the caller got an exception MyBatis alone would not have thrown. The key's query now runs under the
     * ids of the statement it serves: the row is written to the new store and synced to the old one.
     */
    @ParameterizedTest
    @MethodSource("kindsExecutorsAndStatements")
    void aSelectKeyBeforeRunsUnderTheIdsOfTheInsertItServes(TestDatabases.Kind kind, ExecutorType executor,
                                                            String statement) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-3", MigrationPhase.NEW_PRIMARY);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).annotations(false)
                    .statement(KEYED + "insertRow", null, "shop")
                    .statement(KEYED + "insertFor", null, "shop").build(), Break13SelectKeyMapper.class);
            Object key;
            try (SqlSession session = sessions.openSession(executor)) {
                Break13SelectKeyMapper mapper = session.getMapper(Break13SelectKeyMapper.class);
                if (statement.equals("insertRow")) {
                    Map<String, Object> row = new HashMap<>(Map.of("shop", "m-3", "status", "NEW",
                            "amount", new java.math.BigDecimal("1.00")));
                    mapper.insertRow(row);
                    session.commit();
                    key = row.get("id");
                } else {
                    Order order = new Order(null, "NEW", "1.00");
                    mapper.insertFor("m-3", order);
                    session.commit();
                    key = order.getId();
                }
            }
            assertThat(key).isEqualTo(100L);
            assertThat(stores.newRows()).containsOnlyKeys(100L);
            assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    private static final String LONE = Break13LoneCollectionMapper.class.getName();

    private static org.apache.ibatis.session.Configuration loneCollections() {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:mybatis_break13_startup;DB_CLOSE_DELAY=-1");
        org.apache.ibatis.session.Configuration configuration = new org.apache.ibatis.session.Configuration(
                new org.apache.ibatis.mapping.Environment("startup",
                        new org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory(), h2));
        configuration.addMapper(Break13LoneCollectionMapper.class);
        return configuration;
    }

    /**
     * Statement paths through a lone collection or array argument by a name MyBatis does not give it: {@code list} for
     * a set or an array, {@code array} for a list, {@code collection} for an array, or the element's own property
     * with no name of the argument at all. MyBatis passes such an argument as a map of {@code collection} (any
     * collection), {@code list} (a list), {@code array} (an array) and the argument's own name; each path was
     * accepted (read as if the argument's elements were the parameter) and every call then found no id and followed
     * the unattributed rule. Each is refused at install, naming the path, the statement, the mapper and the names.
     */
    @org.junit.jupiter.api.Test
    void pathsThroughALoneCollectionByANameMyBatisDoesNotGiveItAreRefusedAtInstall() {
        org.apache.ibatis.session.Configuration configuration = loneCollections();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration,
                        ContextRules.builder("orders")
                                .statement(LONE + ".insertSet", null, "list.merchantNo")
                                .statement(LONE + ".insertArray", null, "collection.merchantNo")
                                .statement(LONE + ".insertList", null, "merchantNo").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'list.merchantNo' of statement '" + LONE + ".insertSet' (mapper "
                        + LONE + ") does not exist: MyBatis passes the lone Set argument as a map of [collection,"
                        + " orders]")
                .hasMessageContaining("property path 'collection.merchantNo' of statement '" + LONE + ".insertArray'"
                        + " (mapper " + LONE + ") does not exist: MyBatis passes the lone Order[] argument as a map of"
                        + " [array, orders]")
                .hasMessageContaining("property path 'merchantNo' of statement '" + LONE + ".insertList' (mapper "
                        + LONE + ") does not exist: MyBatis passes the lone List argument as a map of [collection, list,"
                        + " orders]");
        assertThat(configuration.getInterceptors()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(loneCollections(),
                        ContextRules.builder("orders").statement(LONE + ".insertArray", null, "list.merchantNo")
                                .statement(LONE + ".insertList", null, "array.merchantNo").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'list.merchantNo' of statement '" + LONE + ".insertArray'")
                .hasMessageContaining("'array.merchantNo' of statement '" + LONE + ".insertList'");
    }

    /**
     * A lone list argument named by its own name ({@code orders.merchantNo}, as its {@code <foreach collection>} names
     * it; the build compiles with {@code -parameters}) was refused at install ("Order has no readable property
     * 'orders'"), though MyBatis passes that name. It installs, with the names MyBatis gives each kind, and a call of
     * m-1 (DUAL_WRITE) and one of m-2 (OLD_ONLY) through it, annotations off, mirror only m-1's rows.
     */
    @org.junit.jupiter.api.Test
    void aLoneListNamedByItsOwnNameInstallsAndAttributesItsCalls() throws Exception {
        MigrationContextInterceptor.install(loneCollections(), ContextRules.builder("orders")
                .statement(LONE + ".insertSet", null, "collection.merchantNo")
                .statement(LONE + ".insertArray", null, "array.merchantNo")
                .statement(LONE + ".insertList", null, "list.merchantNo").build());
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).annotations(false)
                    .statement(LONE + ".insertList", null, "orders.merchantNo")
                    .statement(LONE + ".insertSet", null, "orders.merchantNo")
                    .statement(LONE + ".insertArray", null, "orders.merchantNo").build(),
                    Break13LoneCollectionMapper.class);
            try (SqlSession session = sessions.openSession(true)) {
                Break13LoneCollectionMapper mapper = session.getMapper(Break13LoneCollectionMapper.class);
                mapper.insertList(MyBatisBreakSupport.two("m-1", "1.00", "2.00"));
                mapper.insertSet(new java.util.LinkedHashSet<>(MyBatisBreakSupport.two("m-2", "3.00", "4.00")));
                mapper.insertArray(MyBatisBreakSupport.two("m-1", "5.00", "6.00").toArray(new Order[0]));
                mapper.insertArray(MyBatisBreakSupport.two("m-2", "7.00", "8.00").toArray(new Order[0]));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 8, 4);
        }
    }

    /**
     * A {@code <foreach>} insert (XML, {@code orders.merchantNo}) of an order of m-1 (DUAL_WRITE) and an order whose
     * merchant is blank (no merchant: system OLD_ONLY): elements whose path gave no id were skipped, so the call
     * carried m-1 and the blank merchant's row was copied to the new store as m-1's, unrecorded, though the same order
     * inserted alone follows the unattributed rule. An element without an id now leaves the call without that id:
     * the blank merchant's row is not copied, and the call's scoped resync of the table is recorded (which the
     * reconciler runs by each row's own phase).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", " "})
    void aForeachInsertWithAnElementOfNoMerchantDoesNotTakeTheOtherElementsMerchant(String blank) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = stores.sessions().openSession(true)) {
                session.getMapper(OrderXmlMapper.class).insertAll(new java.util.ArrayList<>(java.util.List.of(
                        new Order("m-1", "NEW", "1.00"), new Order(blank, "NEW", "2.00"))));
            }
            assertThat(stores.oldRows()).hasSize(2);
            Map<Long, String> blankRows = new java.util.TreeMap<>(stores.oldRows());
            blankRows.keySet().removeAll(stores.oldRowsOf("m-1").keySet());
            assertThat(stores.newRows()).doesNotContainKeys(blankRows.keySet().toArray(new Long[0]));
            // m-1's row cannot be told from the other by key under the unattributed rule: the table's scoped resync
            assertThat(stores.newRows()).isEmpty();
            assertThat(stores.changeLogCounts()).isEqualTo(Map.of("*", 1L));
        }
    }

    /**
     * A lazily loaded association of m-3's order (NEW_ONLY; the old store holds a stale copy) loaded after the session
     * closed, as mybatis-spring's template closes it after each call (by its getter, or all at once by a trigger method
     * such as {@code hashCode}), or on another thread while the session is open: MyBatis loads it by a statement that
     * takes the id alone, on a new executor and connection, outside any context, so it ran by the unattributed rule on
     * the old store and the caller got the stale row. It now loads under the context of the read that made it.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"getter", "hashCode", "otherThread"})
    void aLazyAssociationLoadedOutsideItsReadIsReadUnderThatReadsContext(String load) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-3", MigrationPhase.NEW_ONLY);
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (7, 'm-3', 'STALE', 5)");
            stores.newDb.execute("INSERT INTO orders_v2 (id, merchant_no, status, amount_total) VALUES (7, 'm-3', 'PAID', 5)");
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).merchantIdPath("merchantNo").build(), Break13LazyMapper.class);
            Break13LazyOrder order;
            try (SqlSession session = sessions.openSession()) {
                order = session.getMapper(Break13LazyMapper.class).selectLazy(7, "m-3");
                if (load.equals("otherThread")) {
                    Break13LazyOrder read = order;
                    assertThat(java.util.concurrent.CompletableFuture.supplyAsync(() -> read.getAgain().getStatus())
                            .get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("PAID");
                }
            }
            if (load.equals("hashCode")) {
                order.hashCode(); // one of MyBatis' lazyLoadTriggerMethods: loads every lazy property
            }
            assertThat(order.getStatus()).isEqualTo("PAID");
            assertThat(order.getAgain().getStatus()).isEqualTo("PAID");
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    private static final String XML_ONLY = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"break13.xmlonly\">\n"
            + "  <insert id=\"insertAll\" parameterType=\"java.util.List\">INSERT INTO orders (merchant_no, status, amount)"
            + " VALUES <foreach collection=\"list\" item=\"o\" separator=\",\">(#{o.merchantNo}, #{o.status},"
            + " #{o.amount})</foreach></insert>\n</mapper>\n";

    private static org.apache.ibatis.session.Configuration xmlOnly() {
        return MyBatisBreakSupport.parseXml(loneCollections(), XML_ONLY, "break13-xmlonly.xml");
    }

    /**
     * The same kind for a statement of no mapper method (XML only, {@code parameterType="java.util.List"}), which
     * {@code SqlSession.insert(id, list)} gives the list wrapped as {@code collection} and {@code list}: a path by the
     * elements' property ({@code merchantNo}) or by {@code array} was accepted and never matched. Refused at install;
     * {@code list.merchantNo} installs.
     */
    @org.junit.jupiter.api.Test
    void pathsThroughTheListOfAnXmlOnlyStatementMustStartWithANameMyBatisGivesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(xmlOnly(),
                        ContextRules.builder("orders").statement("break13.xmlonly.insertAll", null, "merchantNo")
                                .build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("property path 'merchantNo' of statement 'break13.xmlonly.insertAll' (mapper"
                        + " break13.xmlonly) does not exist: MyBatis passes the lone List argument as a map of"
                        + " [collection, list]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(xmlOnly(),
                        ContextRules.builder("orders").statement("break13.xmlonly.insertAll", null, "array.merchantNo")
                                .build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'array.merchantNo' of statement 'break13.xmlonly.insertAll'");
        org.apache.ibatis.session.Configuration right = xmlOnly();
        MigrationContextInterceptor.install(right, ContextRules.builder("orders")
                .statement("break13.xmlonly.insertAll", null, "list.merchantNo").build());
        assertThat(right.getInterceptors()).hasSize(1);
    }

    /**
     * The same through a {@code Cursor}: MyBatis maps its rows while the caller iterates, after the read's scope
     * closed, so the proxies were made outside any context and their association, loaded after the session closed,
     * came from the stale old store. The cursor's rows are now mapped under the read's context.
     */
    @org.junit.jupiter.api.Test
    void aLazyAssociationOfACursorsRowIsReadUnderTheCursorsContext() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-3", MigrationPhase.NEW_ONLY);
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (7, 'm-3', 'STALE', 5)");
            stores.newDb.execute("INSERT INTO orders_v2 (id, merchant_no, status, amount_total) VALUES (7, 'm-3', 'PAID', 5)");
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).merchantIdPath("merchantNo").build(), Break13LazyMapper.class);
            java.util.List<Break13LazyOrder> orders = new java.util.ArrayList<>();
            try (SqlSession session = sessions.openSession();
                 org.apache.ibatis.cursor.Cursor<Break13LazyOrder> cursor = session.getMapper(Break13LazyMapper.class)
                         .cursorLazy("m-3")) {
                cursor.forEach(orders::add);
            }
            assertThat(orders).hasSize(1);
            assertThat(orders.get(0).getStatus()).isEqualTo("PAID");
            assertThat(orders.get(0).getAgain().getStatus()).isEqualTo("PAID");
        }
    }
}
