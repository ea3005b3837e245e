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
}
