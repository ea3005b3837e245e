package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seventeenth break review of the MyBatis module. Tries mapper writes of the orders migration made inside a context
 * the application opened for another migration (a service that writes payments and, in the same call, orders).
 * Tests of mirroring end comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak17Test {

    /**
     * Orders of m-1 ({@code DUAL_WRITE}) and m-2 ({@code OLD_ONLY}) inserted, updated and deleted through the orders
     * mapper inside a scope of migration {@code payments}: the data source ignores a context of another migration, so
     * the mapper call's own ids must still decide each row, as without any scope; only m-1's rows reach the new
     * store, and nothing is recorded.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void mapperWritesInsideAScopeOfAnotherMigrationFollowTheirOwnMerchants(TestDatabases.Kind kind) throws Exception {
        for (ExecutorType executor : ExecutorType.values()) {
            try (MyBatisStores stores = new MyBatisStores(kind)) {
                stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
                stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
                try (MigrationContext.Scope payments = MigrationContext.forMigration("payments").merchantId("m-2")
                        .open();
                     SqlSession session = stores.sessions().openSession(executor)) {
                    OrderMapper orders = session.getMapper(OrderMapper.class);
                    Order first = new Order("m-1", "NEW", "1.00");
                    Order second = new Order("m-2", "NEW", "2.00");
                    Order third = new Order("m-1", "NEW", "3.00");
                    orders.insert(first);
                    orders.insert(second);
                    orders.insert(third);
                    session.flushStatements();
                    orders.updateStatus(first.getId(), "m-1", "PAID");
                    orders.updateStatus(second.getId(), "m-2", "PAID");
                    orders.delete(third.getId(), "m-1");
                    session.commit();
                }
                assertThat(stores.oldRows()).as("%s executor", executor).hasSize(2);
                assertThat(stores.newRows()).as("%s executor", executor).isEqualTo(stores.oldRowsOf("m-1")).hasSize(1);
                assertThat(stores.changeLogCounts()).as("%s executor", executor).isEmpty();
            }
        }
    }

    /**
     * The same through two session factories ({@code DualWriteMappers}): marked inserts and updates of m-1
     * ({@code DUAL_WRITE}) and m-2 (the system's {@code OLD_ONLY}) inside a scope of migration {@code payments} for
     * m-2. The proxy took the open context's ids for the orders migration instead of the call's own, so m-1's rows
     * were synced as m-2's and never reached the new store, unrecorded. Inside a payments scope without ids, the
     * call's own ids decide too; a call without ids of its own still takes the open scope's.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void markedWritesThroughTwoSessionFactoriesInsideAScopeOfAnotherMigrationFollowTheirOwnMerchants(
            TestDatabases.Kind kind) throws Exception {
        for (String scopeMerchant : new String[] {"m-2", null}) {
            try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
                DualWriteMappers mappers = stores.mappers(TwoStoreOrderMapper.class)
                        .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build()).build();
                TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);
                try (MigrationContext.Scope payments = MigrationContext.forMigration("payments")
                        .merchantId(scopeMerchant).open()) {
                    Order first = new Order("m-1", "NEW", "1.00");
                    Order second = new Order("m-2", "NEW", "2.00");
                    orders.insert(first);
                    orders.insert(second);
                    orders.updateStatus(first.getId(), "m-1", "PAID");
                    orders.updateStatus(second.getId(), "m-2", "PAID");
                }
                assertThat(MyBatisBreakSupport.rows(stores.oldDb)).as("scope of %s", scopeMerchant).hasSize(2);
                assertThat(MyBatisBreakSupport.rows(stores.newDb)).as("scope of %s", scopeMerchant)
                        .isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1")).hasSize(1);
                assertThat(stores.changeLogEntries()).as("scope of %s", scopeMerchant).isEmpty();
            }
        }
    }

    /**
     * A read of m-1 (switched to {@code NEW_PRIMARY}) inside a scope of migration {@code payments} for m-2: the
     * route to the new-store counterpart was decided by that scope's merchant (m-2, {@code DUAL_WRITE}), so the
     * caller got the old store's row while the new store was authoritative for it. Read as a list, through a result
     * handler and through a cursor, it now runs as its counterpart, as without the scope.
     */
    @ParameterizedTest
    @EnumSource(value = MyBatisBreakReviewTest.ReadKind.class)
    void aReadInsideAScopeOfAnotherMigrationIsRoutedByItsOwnMerchant(MyBatisBreakReviewTest.ReadKind kind)
            throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            split.switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            split.switchboard.switchStore().setMerchantPhase("orders", "m-2", MigrationPhase.DUAL_WRITE);
            Order first = new Order("m-1", "NEW", "10.00");
            try (SqlSession session = split.sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(first);
                session.getMapper(OrderMapper.class).insert(new Order("m-2", "NEW", "20.00"));
            }
            split.switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.NEW_PRIMARY);
            split.newDb.execute("UPDATE order_heads SET status = 'ON-NEW' WHERE merchant_no = 'm-1'");
            java.util.List<String> statuses;
            try (MigrationContext.Scope payments = MigrationContext.forMigration("payments").merchantId("m-2").open();
                 SqlSession session = split.sessions.openSession(true)) {
                statuses = statusesRead(session, kind, first.getId());
            }
            assertThat(statuses).containsExactly("ON-NEW");
            java.util.Map<Long, String> expected = new java.util.TreeMap<>(split.oldRowsOf("m-1"));
            expected.putAll(split.oldRowsOf("m-2"));
            expected.computeIfPresent(first.getId(), (id, row) -> row.replace(" NEW ", " ON-NEW "));
            assertThat(split.newRows()).isEqualTo(expected).hasSize(2);
            assertThat(split.changeLogEntries()).isZero();
        }
    }

    /** The statuses m-1's read by merchant returns, read as {@code kind} says. */
    private static java.util.List<String> statusesRead(SqlSession session, MyBatisBreakReviewTest.ReadKind kind,
                                                       long id) throws Exception {
        java.util.Map<String, Object> parameter = java.util.Map.of("id", id, "merchantNo", "m-1");
        String select = "io.dualwrite.mybatis.OrderMapper.selectByMerchant";
        java.util.List<String> statuses = new java.util.ArrayList<>();
        switch (kind) {
            case LIST -> session.<Order>selectList(select, parameter).forEach(o -> statuses.add(o.getStatus()));
            case HANDLER -> session.select(select, parameter,
                    context -> statuses.add(((Order) context.getResultObject()).getStatus()));
            case CURSOR -> {
                try (org.apache.ibatis.cursor.Cursor<Order> cursor = session.selectCursor(select, parameter)) {
                    cursor.forEach(o -> statuses.add(o.getStatus()));
                }
            }
        }
        return statuses;
    }
}
