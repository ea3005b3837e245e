package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.ReadStoreOverride;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twenty-seventh break review of the MyBatis module. Each test ends reading both stores row by row with plain JDBC in
 * the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}, the change log's rows).
 */
class MyBatisBreak27Test {

    private static SqlSessionFactory providerSessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break27p", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(Break27ProviderMapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static List<String> changeLog(MyBatisStores stores) {
        return stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log").stream()
                .map(row -> row.get("operation") + " " + row.get("reason")).toList();
    }

    /**
     * The member holds: the new store holds exactly {@code merchant}'s old rows with nothing recorded, or the write
     * the interceptor could not attribute is recorded as a scoped resync of the table for the reconciler.
     */
    private static void assertMirroredOrRecorded(MyBatisStores stores, String merchant) {
        List<String> recorded = changeLog(stores);
        if (recorded.isEmpty()) {
            assertThat(stores.newRows()).as("nothing recorded, so the new store must hold %s's rows", merchant)
                    .isEqualTo(stores.oldRowsOf(merchant));
        } else {
            assertThat(recorded).containsOnly("RESYNC rows-not-attributable");
        }
    }

    // A provider that makes ANOTHER value from the merchant id before writing it into its SQL (left by round 26): a
    // prefix ("'m-' + merchantNo", called with "1"), a zero-padded format ("M%03d" of "7"), a reformatted number
    // ("'m-' + Integer.parseInt(merchantNo)" of "007"). The column receives m-1, M007, m-7, whom the switches name
    // (DUAL_WRITE); the interceptor took the property's "1", "7", "007", whom no switch names (the system's OLD_ONLY):
    // the rows never reached the new store and nothing was recorded. Expected: mirrored, or recorded.
    @ParameterizedTest
    @CsvSource({"H2,prefixed", "H2,padded", "H2,unpadded", "POSTGRES,prefixed", "POSTGRES,padded",
            "POSTGRES,unpadded", "MARIADB,prefixed", "MARIADB,padded", "MARIADB,unpadded"})
    void aProviderWritingAValueDerivedFromTheMerchantIdIsMirroredOrRecorded(Kind kind, String member) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            String merchant = switch (member) {
                case "prefixed" -> "m-1";
                case "padded" -> "M007";
                default -> "m-7";
            };
            stores.merchantPhase(merchant, MigrationPhase.DUAL_WRITE);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                Break27ProviderMapper mapper = session.getMapper(Break27ProviderMapper.class);
                switch (member) {
                    case "prefixed" -> mapper.insertPrefixed(new Order("1", "NEW", "1.00"));
                    case "padded" -> mapper.insertPadded(new Order("7", "NEW", "1.00"));
                    default -> mapper.insertUnpadded(new Order("007", "NEW", "1.00"));
                }
            }
            assertThat(stores.oldRowsOf(merchant)).as(member).hasSize(1);
            assertMirroredOrRecorded(stores, merchant);
        }
    }

    // The same through an @UpdateProvider whose WHERE names the merchant as 'm-' + merchantNo, m-1 in NEW_PRIMARY:
    // under the property's "1" (OLD_ONLY) the update ran on the old store alone and the new store, m-1's authority,
    // kept NEW, unrecorded. Expected: both stores PAID, or the write recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void anUpdateProviderNamingADerivedMerchantIsMirroredOrRecorded(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                assertThat(session.getMapper(Break27ProviderMapper.class).updatePrefixed(1, "1", "PAID")).isEqualTo(1);
            }
            List<String> recorded = changeLog(stores);
            if (recorded.isEmpty()) {
                assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
                assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            } else {
                assertThat(recorded).containsOnly("RESYNC rows-not-attributable");
            }
        }
    }

    // Guards: a provider whose SQL does not write the merchant at all (an update by key, the merchant passed for the
    // routing only; once with a status literal that does not hold the id) keeps the property's id, the application's
    // word: m-1's update runs under its phase (NEW_PRIMARY) and both stores end PAID, nothing recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aProviderNotWritingTheMerchantKeepsThePropertysId(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00),"
                    + " (2, 'm-1', 'NEW', 2.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00), (2, 'm-1', 'NEW', 2.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                Break27ProviderMapper mapper = session.getMapper(Break27ProviderMapper.class);
                assertThat(mapper.updateById(1, "m-1", "PAID")).isEqualTo(1);
                assertThat(mapper.payById(2, "m-1")).isEqualTo(1);
            }
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1", 2L, "2 m-1 PAID 2"));
            assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    // An application's own type handler for every String (registered in place of MyBatis' own, before the mappers),
    // binding text stripped and lowered: OrderMapper.insert binds #{merchantNo} " M-1 ", "M-1" or "m-1 " as m-1, whom
    // the switches name (DUAL_WRITE). The interceptor read text ids as they are, not as the registered handler binds
    // them (round 8 read other types through their handler), so the id was a merchant no switch names (the system's
    // OLD_ONLY): m-1's row never reached the new store, nothing recorded. Expected: mirrored, or recorded.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"H2|' M-1 '", "H2|M-1", "H2|'m-1 '", "POSTGRES|' M-1 '",
            "POSTGRES|M-1", "POSTGRES|'m-1 '", "MARIADB|' M-1 '", "MARIADB|M-1", "MARIADB|'m-1 '"})
    void aTextIdBoundThroughTheApplicationsOwnStringHandlerIsTheValueItBinds(Kind kind, String given) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = new Configuration(
                    new Environment("break27h", new JdbcTransactionFactory(), stores.dataSource));
            configuration.getTypeHandlerRegistry().register(String.class, new Break27NormalisingStringHandler());
            configuration.addMapper(OrderMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
            try (SqlSession session = new SqlSessionFactoryBuilder().build(configuration).openSession(true)) {
                session.getMapper(OrderMapper.class).insert(new Order(given, "NEW", "1.00"));
                session.getMapper(OrderMapper.class).insert(new Order("m-2", "NEW", "2.00"));
            }
            assertThat(stores.oldRowsOf("m-1")).as("the column holds the handler's value").hasSize(1);
            assertMirroredOrRecorded(stores, "m-1");
        }
    }

    // A lazy association of a read routed to the other store for one call (ReadStoreOverride: the starter's @DualRead
    // shadow and merged reads), loaded after the override closed: by its getter or hashCode (a lazy-load trigger) once
    // the session closed, or on another thread (the override is the caller thread's). LazyLoads ran the load under the
    // read's MigrationContext but not under its override, so it read the phase's store: the new store's order carried
    // the old store's association (a shadow read compared the old store with itself where the stores differ, and a
    // merged read took the association from the store it had not chosen). Expected: the association is read from the
    // store the read was routed to, as the order itself.
    @ParameterizedTest
    @CsvSource({"H2,DUAL_WRITE,getter", "H2,NEW_PRIMARY,getter", "H2,DUAL_WRITE,hashCode", "H2,NEW_PRIMARY,hashCode",
            "H2,DUAL_WRITE,otherThread", "H2,NEW_PRIMARY,otherThread", "POSTGRES,DUAL_WRITE,getter",
            "POSTGRES,NEW_PRIMARY,getter", "MARIADB,DUAL_WRITE,getter", "MARIADB,NEW_PRIMARY,getter"})
    void aLazyAssociationOfARoutedReadIsLoadedFromTheStoreTheReadWasRoutedTo(Kind kind, MigrationPhase phase,
                                                                           String load) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'PAID', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", phase);
            Store routedTo = phase.authoritative().other();
            String expected = routedTo == Store.NEW ? "NEW" : "PAID";
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, MyBatisStores.RULES_WITHOUT_XML,
                    Break13LazyMapper.class);
            Break13LazyOrder order;
            String loadedElsewhere = null;
            try (ReadStoreOverride.Scope routed = ReadStoreOverride.open(MyBatisStores.MIGRATION, routedTo);
                 SqlSession session = sessions.openSession()) {
                order = session.getMapper(Break13LazyMapper.class).selectLazy(1, "m-1");
                if (load.equals("otherThread")) {
                    Break13LazyOrder read = order;
                    loadedElsewhere = CompletableFuture.supplyAsync(() -> read.getAgain().getStatus())
                            .get(60, TimeUnit.SECONDS);
                }
            }
            if (load.equals("hashCode")) {
                order.hashCode(); // one of MyBatis' lazyLoadTriggerMethods: loads every lazy property
            }
            assertThat(order.getStatus()).isEqualTo(expected);
            if (loadedElsewhere != null) {
                assertThat(loadedElsewhere).as("loaded on another thread").isEqualTo(expected);
            }
            assertThat(order.getAgain().getStatus()).as("the lazy association").isEqualTo(expected);
            assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 NEW 1"));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    // BATCH executor through mybatis-spring (SqlSessionTemplate, SpringManagedTransaction) with mixed statements of two
    // merchants in different phases (m-1 DUAL_WRITE, m-2 OLD_ONLY) and flushStatements() inside the transaction: one
    // transaction then fails and rolls back (nothing may reach either store), one commits (m-1's rows only mirrored).
    // Held: kept as a guard.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aFlushedBatchOfTwoMerchantsInASpringTransactionIsMirroredOnlyWhenItCommits(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = new Configuration(new Environment("break27b",
                    new org.mybatis.spring.transaction.SpringManagedTransactionFactory(), stores.dataSource));
            configuration.addMapper(OrderMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
            org.mybatis.spring.SqlSessionTemplate batch = new org.mybatis.spring.SqlSessionTemplate(
                    new SqlSessionFactoryBuilder().build(configuration), org.apache.ibatis.session.ExecutorType.BATCH);
            org.springframework.transaction.support.TransactionTemplate transactions =
                    new org.springframework.transaction.support.TransactionTemplate(
                            new org.springframework.jdbc.datasource.DataSourceTransactionManager(stores.dataSource));
            OrderMapper mapper = batch.getMapper(OrderMapper.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                mapper.insert(new Order("m-1", "NEW", "1.00"));
                mapper.insert(new Order("m-2", "NEW", "2.00"));
                batch.flushStatements();
                mapper.insert(new Order("m-1", "NEW", "3.00"));
                batch.flushStatements();
                throw new IllegalStateException("the service fails after its flushes");
            })).hasMessage("the service fails after its flushes");
            assertThat(stores.oldRows()).as("rolled back").isEmpty();
            transactions.executeWithoutResult(status -> {
                mapper.insert(new Order("m-1", "NEW", "4.00"));
                mapper.insert(new Order("m-2", "NEW", "5.00"));
                batch.flushStatements();
                mapper.insert(new Order("m-1", "NEW", "6.00"));
                mapper.insert(new Order("m-2", "NEW", "7.00"));
            });
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 4, 2);
        }
    }

    // The same through a Cursor: a read routed to the new store (DUAL_WRITE) whose cursor the caller iterates after the
    // override closed (the session still open), each row's lazy association loaded after the session closed. MyBatis
    // maps a cursor's rows while the caller iterates, so the proxies were made outside the override and their loads
    // read the phase's store. Expected: the association from the store the read was routed to.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aLazyAssociationOfACursorRowOfARoutedReadIsLoadedFromTheStoreTheReadWasRoutedTo(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'PAID', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, MyBatisStores.RULES_WITHOUT_XML,
                    Break13LazyMapper.class);
            List<Break13LazyOrder> orders = new java.util.ArrayList<>();
            try (SqlSession session = sessions.openSession()) {
                org.apache.ibatis.cursor.Cursor<Break13LazyOrder> cursor;
                try (ReadStoreOverride.Scope routed = ReadStoreOverride.open(MyBatisStores.MIGRATION, Store.NEW)) {
                    cursor = session.getMapper(Break13LazyMapper.class).cursorLazy("m-1");
                }
                try (cursor) {
                    cursor.forEach(orders::add);
                }
            }
            assertThat(orders).hasSize(1);
            assertThat(orders.get(0).getStatus()).isEqualTo("NEW");
            assertThat(orders.get(0).getAgain().getStatus()).as("the lazy association").isEqualTo("NEW");
            assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 NEW 1"));
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }
}
