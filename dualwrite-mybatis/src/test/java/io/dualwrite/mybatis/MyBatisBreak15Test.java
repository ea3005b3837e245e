package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fifteenth break review of the MyBatis module. Tries unmarked writes through two session factories whose SQL names
 * its table where the round-14 reading of write targets did not look (after a comment, after {@code ONLY} or a
 * MySQL modifier, {@code INSERT} without {@code INTO}) while a word it took for a target named none of ours
 * ({@code DO UPDATE SET}, {@code ON DUPLICATE KEY UPDATE status}, a string {@code 'INSERT INTO log'}): the call was
 * taken for a write of another table, and the new store kept m-1's rows as they were with nothing recorded. Every test
 * ends comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak15Test {

    private static Order withId(long id, String merchant, String status) {
        Order order = new Order(merchant, status, "9.00");
        order.setId(id);
        return order;
    }

    /**
     * Each unmarked write of m-1 (DUAL_WRITE) records a scoped resync of {@code orders} for the new store, whatever
     * words of its SQL stand between the keyword and the table or follow it; m-2's (OLD_ONLY) call records nothing.
     * Resolving the resync makes both stores equal.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void anUnmarkedWriteNamingItsTableBehindACommentOrModifierRecordsAResync(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            DualWriteMappers mappers = stores.mappers(Break15TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build()).build();
            Break15TwoStoreMapper orders = mappers.mapper(Break15TwoStoreMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-1", "NEW", "2.00");
            Order other = new Order("m-2", "NEW", "3.00");
            for (Order order : List.of(first, second, other)) {
                orders.insert(order);
            }
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"))
                    .hasSize(2);
            assertThat(stores.changeLogEntries()).isEmpty();

            List<Integer> counts = new ArrayList<>();
            counts.add(orders.markLogged("m-1"));
            counts.add(orders.markLogged("m-2")); // OLD_ONLY: nothing to record
            counts.add(orders.insertCommented(withId(1000, "m-1", "NEW")));
            Order purged = new Order("m-1", "NEW", "4.00");
            orders.insert(purged);
            counts.add(orders.purge(purged.getId(), "m-1"));
            int recorded = 3;
            if (kind == TestDatabases.Kind.POSTGRES) {
                counts.add(orders.updateOnly("m-1", "PAID"));
                counts.add(orders.forgetOnly(first.getId(), "m-1"));
                counts.add(orders.upsertPostgres(withId(1001, "m-1", "NEW")));
                counts.add(orders.upsertPostgres(withId(second.getId(), "m-1", "SHIPPED")));
                recorded += 4;
            } else if (kind == TestDatabases.Kind.MARIADB) {
                counts.add(orders.upsertMariaDb(withId(1001, "m-1", "NEW")));
                counts.add(orders.upsertMariaDbWithoutInto(withId(second.getId(), "m-1", "SHIPPED")));
                counts.add(orders.replaceMariaDb(withId(1002, "m-1", "NEW")));
                recorded += 3;
            }
            assertThat(counts).allMatch(count -> count >= 1);
            assertThat(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"))
                    .isNotEqualTo(MyBatisBreakSupport.rows(stores.newDb)); // the calls ran on the old store only
            assertThat(stores.changeLogEntries()).hasSize(recorded).allMatch(entry -> entry.equals("RESYNC NEW *"));

            stores.resyncToNew(mappers, "m-1");
            assertThat(MyBatisBreakSupport.rows(stores.newDb))
                    .isEqualTo(MyBatisBreakSupport.rowsOf(stores.oldDb, "m-1"));
        }
    }
}
