package io.dualwrite.mybatis;

import static io.dualwrite.mybatis.MyBatisBreakSupport.assertOnlyTheMerchantMirrored;
import static io.dualwrite.mybatis.MyBatisBreakSupport.inBatch;
import static io.dualwrite.mybatis.MyBatisBreakSupport.two;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eleventh break review of the MyBatis module, mostly on {@link MyBatisStores}' fixture (orders renamed to orders_v2,
 * no merchant column in the mapping). Tries generated keys that decide a row's phase by themselves (the order id is
 * the generated key, a rule mirrors orders by id while a merchant switch keeps one merchant on the old store) in BATCH
 * runs of multi-row {@code <foreach>} inserts and {@code INSERT … SELECT}s, alone and beside entries that mirror by
 * their context; {@code <foreach>} inserts and id-less updates whose rows only a switch of the system's phase keeps
 * on the old store; marked list arguments of several merchants or orders through two session factories; and start-up
 * checks of read routes by mapper and of marked writes' key arguments. Every test of mirroring ends comparing both
 * stores row by row with plain JDBC, and the change log where the claim is "recorded".
 */
class MyBatisBreak11Test {

    /** The fixture's mapping with the order id named: it is the table's generated key. */
    private static final TableMapping BY_ORDER_KEY = TableMapping.builder("orders").newTable("orders_v2")
            .rename("amount", "amount_total").orderIdColumn("id").build();

    private static final ContextRules RULES = ContextRules.builder(MyBatisStores.MIGRATION).merchantIdPath("merchantNo")
            .statement(Break11OrderMapper.class.getName() + ".insertAll", null, "orders.merchantNo").build();

    /**
     * System OLD_ONLY, every order id from 1 on DUAL_WRITE by rule, m-2 kept OLD_ONLY by its merchant switch: m-1's
     * orders double-write by their generated id alone, m-2's never.
     */
    private static MyBatisStores byOrderKey(TestDatabases.Kind kind) throws Exception {
        MyBatisStores stores = new MyBatisStores(kind, BY_ORDER_KEY, null);
        stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
        stores.switchboard.switchStore().setRules(MyBatisStores.MIGRATION,
                List.of(SwitchRule.idThreshold(1, MigrationPhase.DUAL_WRITE)));
        return stores;
    }

    private static SqlSessionFactory sessions(DataSource dataSource) {
        return MyBatisBreakSupport.sessions(dataSource, RULES, OrderMapper.class, Break11OrderMapper.class);
    }

    /**
     * A BATCH run of two-row {@code <foreach>} inserts of m-2 and m-1 alternating, whose order id is the generated
     * key: no entry mirrors by its context (no order id yet), so each key is decided by its own id under its entry's
     * merchant. Every key of a batch of multi-row entries was decided under the first entry's context (m-2's merchant
     * switch): m-1's rows never reached the new store and nothing was recorded.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aBatchOfMultiRowInsertsDecidesEachGeneratedOrderIdUnderItsOwnEntrysMerchant(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = byOrderKey(kind)) {
            inBatch(sessions(stores.dataSource), Break11OrderMapper.class, mapper -> {
                mapper.insertAll(two("m-2", "1.00", "2.00"));
                mapper.insertAll(two("m-1", "3.00", "4.00"));
                mapper.insertAll(two("m-2", "5.00", "6.00"));
                mapper.insertAll(two("m-1", "7.00", "8.00"));
            });
            assertOnlyTheMerchantMirrored(stores, "m-1", 8, 4);
        }
    }

    /**
     * A BATCH run of one {@code INSERT … SELECT} whose entries store 2, 1, 0 and 2 rows for m-2, m-1, m-2 and m-1, the
     * order id being the generated key: the keys are paired with the entries by their counts, so only m-1's copies
     * reach the new store (all were decided under m-2's merchant switch before).
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aBatchOfInsertSelectsDecidesEachGeneratedOrderIdByItsEntrysCount(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = byOrderKey(kind)) {
            stores.oldDb.execute("INSERT INTO orders (merchant_no, status, amount) VALUES ('m-0', 'A', 1.00),"
                    + " ('m-0', 'A', 2.00), ('m-0', 'B', 3.00)");
            inBatch(sessions(stores.dataSource), Break11OrderMapper.class, mapper -> {
                mapper.copyOrders("m-2", "m-0", "A");
                mapper.copyOrders("m-1", "m-0", "B");
                mapper.copyOrders("m-2", "m-0", "C");
                mapper.copyOrders("m-1", "m-0", "A");
            });
            assertOnlyTheMerchantMirrored(stores, "m-1", 8, 3);
        }
    }

    /** The same batch with m-1 first: every key went under m-1's context, so m-2's rows reached the new store. */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aBatchOfMultiRowInsertsLeavesTheOldOnlyMerchantsGeneratedOrderIdsOut(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = byOrderKey(kind)) {
            inBatch(sessions(stores.dataSource), Break11OrderMapper.class, mapper -> {
                mapper.insertAll(two("m-1", "1.00", "2.00"));
                mapper.insertAll(two("m-2", "3.00", "4.00"));
                mapper.insertAll(List.of(new Order("m-2", "NEW", "5.00")));
                mapper.insertAll(two("m-1", "7.00", "8.00"));
            });
            assertOnlyTheMerchantMirrored(stores, "m-1", 7, 4);
        }
    }

    /**
     * The same batch answered with {@code SUCCESS_NO_INFO} for every entry ({@link MyBatisBreak10Test#withoutCounts}):
     * which key is whose cannot be told. Every key was decided under the first entry's context (m-2, OLD_ONLY), so
     * m-1's rows were missed and nothing was recorded; now the table's resync is recorded and no m-2 row is copied.
     */
    @org.junit.jupiter.api.Test
    void aBatchOfMultiRowInsertsAnsweredWithoutCountsRecordsAResyncInsteadOfDecidingUnderOneMerchant()
            throws Exception {
        try (MyBatisStores stores = byOrderKey(TestDatabases.Kind.H2)) {
            DualWriteDataSource noInfo = DualWriteDataSource.builder()
                    .oldDataSource(MyBatisBreak10Test.withoutCounts(stores.oldDb.dataSource()))
                    .newDataSource(stores.newDb.dataSource()).migration(MyBatisStores.MIGRATION)
                    .dualWriter(stores.writer).mapping(BY_ORDER_KEY).build();
            inBatch(sessions(noInfo), Break11OrderMapper.class, mapper -> {
                mapper.insertAll(two("m-2", "1.00", "2.00"));
                mapper.insertAll(two("m-1", "3.00", "4.00"));
            });
            assertThat(stores.oldRows()).hasSize(4);
            assertThat(stores.newRows().keySet()).doesNotContainAnyElementsOf(stores.oldRowsOf("m-2").keySet());
            assertThat(stores.oldDb.query("SELECT COUNT(*) AS n FROM dualwrite_change_log WHERE table_name = 'orders'"
                    + " AND operation = 'RESYNC'"))
                    .extracting(row -> ((Number) row.get("n")).longValue()).containsExactly(1L);
        }
    }

    /**
     * One BATCH run of m-1 (DUAL_WRITE by its merchant switch), m-3 (no switch: its orders DUAL_WRITE by the id rule)
     * and m-2 (OLD_ONLY) two-row inserts: m-1's entries mirror by their context, m-3's only by their generated ids.
     * Only the entries mirroring by context were given keys; m-3's keys were left out with m-2's, so its rows never
     * reached the new store and nothing was recorded.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aBatchMixingEntriesMirroredByContextAndByGeneratedOrderIdSyncsBoth(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = byOrderKey(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            inBatch(sessions(stores.dataSource), Break11OrderMapper.class, mapper -> {
                mapper.insertAll(two("m-1", "1.00", "2.00"));
                mapper.insertAll(two("m-3", "3.00", "4.00"));
                mapper.insertAll(two("m-2", "5.00", "6.00"));
                mapper.insertAll(List.of(new Order("m-3", "NEW", "7.00")));
            });
            assertThat(stores.oldRows()).hasSize(7);
            java.util.Map<Long, String> expected = new java.util.TreeMap<>(stores.oldRowsOf("m-1"));
            expected.putAll(stores.oldRowsOf("m-3"));
            assertThat(expected).hasSize(5);
            assertThat(stores.newRows()).isEqualTo(expected);
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    /**
     * One {@code <foreach>} insert of m-1 and m-2 orders: the merchant path gives no id (the elements disagree), the
     * generated order ids mirror by the id rule, and the mapping names no merchant column. m-2's merchant switch names
     * the system's phase (OLD_ONLY), so the switches were taken not to vary by merchant and the copier copied each row
     * by its order id: m-2's row reached the new store, unrecorded. A merchant switch overrides the rules, so it varies
     * by merchant: the rows cannot be attributed and the table's resync is recorded instead of copying m-2's row.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aForeachInsertOfTwoMerchantsNeverCopiesTheRowOfAMerchantKeptOldOnlyAgainstAnIdRule(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisStores stores = byOrderKey(kind)) {
            try (SqlSession session = sessions(stores.dataSource).openSession(true)) {
                session.getMapper(Break11OrderMapper.class).insertAll(new ArrayList<>(List.of(new Order("m-1", "NEW", "1.00"),
                        new Order("m-2", "NEW", "2.00"), new Order("m-1", "NEW", "3.00"))));
            }
            assertThat(stores.oldRows()).hasSize(3);
            assertThat(stores.oldRowsOf("m-1")).containsAllEntriesOf(stores.newRows());
            assertThat(stores.newRows().keySet()).doesNotContainAnyElementsOf(stores.oldRowsOf("m-2").keySet());
            assertThat(stores.oldDb.query("SELECT COUNT(*) AS n FROM dualwrite_change_log WHERE table_name = 'orders'"
                    + " AND operation = 'RESYNC'")).extracting(row -> ((Number) row.get("n")).longValue()).containsExactly(1L);
        }
    }

    /**
     * The same kind for orders: the mapping names the merchant column but no order column, m-1 double-writes, and
     * order 1 is switched OLD_ONLY, the system's phase. A mapper update carrying no id mirrors by the unattributed
     * rule; the switches were taken not to vary by order, so the copier copied order 1's row by its merchant. An
     * order switch overrides the merchant's, so the table's resync is recorded instead.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void anUpdateWithoutIdsNeverCopiesAnOrderSwitchedOldOnlyInsideAMirroredMerchant(TestDatabases.Kind kind)
            throws Exception {
        TableMapping byMerchant = TableMapping.builder("orders").newTable("orders_v2")
                .rename("amount", "amount_total").merchantIdColumn("merchant_no").build();
        try (MyBatisStores stores = new MyBatisStores(kind, byMerchant, null)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.switchboard.switchStore().setOrderPhase(MyBatisStores.MIGRATION, "1", MigrationPhase.OLD_ONLY);
            stores.oldDb.execute("INSERT INTO orders (merchant_no, status, amount) VALUES ('m-1', 'NEW', 1.00),"
                    + " ('m-1', 'NEW', 2.00), ('m-2', 'NEW', 3.00)");
            stores.newDb.execute("INSERT INTO orders_v2 (id, merchant_no, status, amount_total) VALUES (2, 'm-1', 'NEW', 2.00)");
            try (SqlSession session = sessions(stores.dataSource).openSession(true)) {
                assertThat(session.getMapper(Break11OrderMapper.class).moveStatus("NEW", "PAID")).isEqualTo(3);
            }
            assertThat(stores.oldRows().values()).allMatch(row -> row.contains(" PAID "));
            assertThat(stores.newRows()).doesNotContainKeys(1L, 3L);
            assertThat(stores.oldDb.query("SELECT COUNT(*) AS n FROM dualwrite_change_log WHERE table_name = 'orders'"
                    + " AND operation = 'RESYNC'")).extracting(row -> ((Number) row.get("n")).longValue()).containsExactly(1L);
        }
    }

    private static final String TWO_STORE = Break11TwoStoreMapper.class.getName() + ".";

    /**
     * A marked {@code <foreach>} insert through two session factories (no data source in between) of one m-1
     * (DUAL_WRITE) and one m-2 (OLD_ONLY) order, and of m-1 and m-3 (NEW_PRIMARY): the merchant path gives the call
     * no merchant, so every key was synced under a context without ids, the system's OLD_ONLY: m-1's row never
     * reached the new store, and m-3's row, written to the old store though its phase reads the new one, was not
     * recorded either. Each element's key now syncs under the element's own ids, and an element of another store's
     * phase than the one the call wrote records the table's resync instead of a sync that would remove its row.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMarkedForeachInsertOfSeveralMerchantsSyncsEachElementsKeyUnderItsOwnMerchant(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            stores.switchboard.switchStore().setMerchantPhase("orders", "m-3", MigrationPhase.NEW_PRIMARY);
            DualWriteMappers mappers = stores.mappers(Break11TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").statement(TWO_STORE + "insertAll", null, "orders.merchantNo").build())
                    .build();
            Break11TwoStoreMapper orders = mappers.mapper(Break11TwoStoreMapper.class);

            orders.insertAll(new ArrayList<>(List.of(new Order("m-1", "NEW", "1.00"), new Order("m-2", "NEW", "2.00"))));
            orders.insertAll(new ArrayList<>(List.of(new Order("m-1", "NEW", "3.00"), new Order("m-3", "NEW", "4.00"))));

            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).hasSize(4);
            assertThat(MyBatisBreakSupport.rows(stores.newDb))
                    .isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1")).hasSize(2);
            assertThat(stores.oldDb.query("SELECT operation || ' ' || target_store || ' ' || merchant_id AS entry"
                    + " FROM dualwrite_change_log")).extracting(row -> String.valueOf(row.values().iterator().next()))
                    .containsExactly("RESYNC NEW m-3");
        }
    }

    /**
     * The same kind for order ids: a marked delete of orders 1 (switched DUAL_WRITE) and 2 (OLD_ONLY, the system's)
     * by a list of ids, the statement's order path on the list. The ids disagree, so the call has no order id and its
     * keys were synced under the system's OLD_ONLY: order 1 stayed in the new store, unrecorded. Each id now syncs
     * under its own order.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void aMarkedDeleteOfSeveralOrdersSyncsEachIdUnderItsOwnOrder(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            stores.switchboard.switchStore().setMerchantPhase("orders", "m-1", null);
            for (TestDatabase db : List.of(stores.oldDb, stores.newDb)) {
                db.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00),"
                        + " (2, 'm-1', 'NEW', 2.00), (3, 'm-1', 'NEW', 3.00)");
            }
            stores.switchboard.switchStore().setOrderPhase("orders", "1", MigrationPhase.DUAL_WRITE);
            DualWriteMappers mappers = stores.mappers(Break11TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").statement(TWO_STORE + "deleteAll", "ids", null).build())
                    .build();

            assertThat(mappers.mapper(Break11TwoStoreMapper.class).deleteAll(new ArrayList<>(List.of(1L, 2L))))
                    .isEqualTo(2);

            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).hasSize(1);
            assertThat(MyBatisBreakSupport.rows(stores.newDb).keySet()).as("order 2 (OLD_ONLY) is not synced")
                    .containsExactly(2L, 3L);
            Map<Long, String> third = MyBatisBreakSupport.rows(stores.newDb);
            third.keySet().retainAll(List.of(3L));
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).isEqualTo(third);
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }

    /**
     * {@code NewStoreReads.mapper(OrderMapper.class, SplitOrderMapper.class)} with the new-store mapper left out of the
     * Configuration, or paired with a mapper that has no read of the same name, routed nothing and installed: once
     * the new store was authoritative every read ran as written there, and nothing said so. Both are refused at
     * install, naming the mappers.
     */
    @org.junit.jupiter.api.Test
    void readRoutesByMapperThatRouteNothingAreRefusedAtInstall() {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of(MyBatisStores.MIGRATION)).build();
        Configuration withoutNewMapper = startupConfiguration();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(withoutNewMapper,
                        MyBatisStores.RULES, NewStoreReads.builder(switchboard).mapper(OrderMapper.class, SplitOrderMapper.class).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mapper io.dualwrite.mybatis.SplitOrderMapper of NewStoreReads.mapper(OrderMapper.class,"
                        + " SplitOrderMapper.class) has no statement in the Configuration")
                .hasMessageContaining("add the mapper");
        assertThat(withoutNewMapper.getInterceptors()).isEmpty();

        Configuration noSameName = startupConfiguration();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationContextInterceptor.install(noSameName,
                        MyBatisStores.RULES, NewStoreReads.builder(switchboard).mapper(OrderMapper.class, OrderXmlMapper.class).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no read of mapper io.dualwrite.mybatis.OrderMapper has a statement of the same name"
                        + " in mapper io.dualwrite.mybatis.OrderXmlMapper")
                .hasMessageContaining("NewStoreReads.statement(...)");
        assertThat(noSameName.getInterceptors()).isEmpty();
    }

    private static Configuration startupConfiguration() {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:mybatis_break11_startup;DB_CLOSE_DELAY=-1");
        Configuration configuration = new Configuration(new Environment("startup", new JdbcTransactionFactory(), h2));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        return configuration;
    }

    /**
     * A marked write whose key argument is past the method's arguments ({@code 2} for {@code delete(id, merchantNo)}) was
     * accepted when the mapper was made, and every call then found no key and left a scoped resync of the whole table
     * instead of a sync. It is refused when the mapper is made, naming the method and the fix.
     */
    @org.junit.jupiter.api.Test
    void aMarkedWriteNamingAKeyArgumentTheMethodDoesNotHaveIsRefusedWhenItsMapperIsMade() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2();
             DualWriter writer = DualWriter.builder().resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                     .migration(MigrationSwitchConfig.of("orders")).build())
                     .changeLog(io.dualwrite.changelog.ChangeLogs.inMemory()).build()) {
            List<String> upsert = List.of(TWO_STORE + "deleteById", TWO_STORE + "insertWithId");
            SqlSessionFactory oldSessions = MyBatisBreakSupport.twoStoreFactory(oldDb.dataSource(),
                    Break11TwoStoreMapper.class, TwoStoreOrderMapper.class);
            SqlSessionFactory newSessions = MyBatisBreakSupport.twoStoreFactory(newDb.dataSource(),
                    Break11TwoStoreMapper.class, TwoStoreOrderMapper.class);
            DualWriteMappers mappers = DualWriteMappers.builder(writer, "orders")
                    .sessions(Store.OLD, oldSessions).sessions(Store.NEW, newSessions)
                    .table("orders", Store.OLD, TWO_STORE + "selectById", upsert, List.of(TWO_STORE + "deleteById"))
                    .table("orders", Store.NEW, TWO_STORE + "selectById", upsert, List.of(TWO_STORE + "deleteById"))
                    .statement("io.dualwrite.mybatis.TwoStoreOrderMapper.delete", "orders", 2, Operation.DELETE)
                    .build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> mappers.mapper(TwoStoreOrderMapper.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("io.dualwrite.mybatis.TwoStoreOrderMapper.delete names argument 2 as its key, but"
                            + " takes 2 arguments (counted from 0); fix the key of its @DualWrite or Builder.statement(…)");
        }
    }
}
