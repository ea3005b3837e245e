package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
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
    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"NEW_PRIMARY", "NEW_ONLY"})
    void aQueryAfterQueuedBatchEntriesRunsUnderItsOwnContext(MigrationPhase phase) throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            Order first = twoOrders(split, phase)[0];
            try (SqlSession session = split.sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.updateStatus(first.getId(), "m-1", "QUEUED");
                Order read = orders.selectByMerchant(first.getId(), "m-1");
                assertThat(read.getStatus()).isEqualTo("QUEUED");
                session.commit();
            }
            assertThat(split.newRows().get(first.getId())).endsWith("QUEUED 10");
        }
    }
}
