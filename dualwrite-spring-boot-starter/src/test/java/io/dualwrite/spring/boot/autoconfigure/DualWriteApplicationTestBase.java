package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Spring Boot application on two real databases (each subclass gives them), configured by properties only:
 * the application writes with JdbcTemplate and a MyBatis mapper, in {@code @Transactional} methods and through
 * {@code TransactionTemplate}, and never mentions dualwrite. Writes of the merchant switched to {@code DUAL_WRITE} reach the new table ({@code orders_v2}, with
 * {@code amount} renamed), those of a merchant still {@code OLD_ONLY} do not, and nothing a rolled-back
 * transaction wrote does; a flip through {@code SwitchAdmin} takes effect at once, the starter's gate refuses a
 * move past {@code DUAL_WRITE} while nothing was verified, and the scheduled reconciler repairs a change-log
 * entry. Every test that writes ends by comparing the stores row by row with plain JDBC.
 */
@SpringBootTest(classes = DualWriteApplicationTestBase.App.class, properties = {
        "spring.main.web-application-type=none",
        "dualwrite.stores.switches=jdbc",
        "dualwrite.stores.pins=jdbc",
        "dualwrite.stores.change-log=jdbc",
        "dualwrite.stores.create-schema=true",
        "dualwrite.jdbc.validate-mappings=true",
        "dualwrite.migrations.orders.merchants.m-dual=DUAL_WRITE",
        "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
        "dualwrite.migrations.orders.tables.orders.renames.amount=amount_total",
        "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
        "dualwrite.mybatis.merchant-id-paths=merchantNo",
        "dualwrite.reconciler.interval=200ms"})
abstract class DualWriteApplicationTestBase {

    private static final Duration MIRROR_WAIT = Duration.ofSeconds(60);
    private static final AtomicLong IDS = new AtomicLong();

    @Autowired
    private JdbcTemplate jdbcTemplate;

    @Autowired
    private TransactionTemplate transactionTemplate;

    @Autowired
    private OrderService orderService;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private io.dualwrite.switches.SwitchAdmin switchAdmin;

    @Autowired
    private io.dualwrite.changelog.ChangeLog changeLog;

    /** Points the application's DataSource and dualwrite's new store at the two databases. */
    static void register(DynamicPropertyRegistry registry, TestDatabase oldStore, TestDatabase newStore) {
        registry.add("spring.datasource.url", () -> url(oldStore));
        registry.add("spring.datasource.username", () -> username(oldStore));
        registry.add("dualwrite.new-datasource.url", () -> url(newStore));
        registry.add("dualwrite.new-datasource.username", () -> username(newStore));
    }

    private static String url(TestDatabase database) {
        // the H2 pool is built over a JdbcDataSource, so it has no URL of its own
        return database.kind() == TestDatabases.Kind.H2 ? "jdbc:h2:mem:" + database.name() + ";DB_CLOSE_DELAY=-1"
                : database.pool().getJdbcUrl();
    }

    private static String username(TestDatabase database) {
        return database.kind() == TestDatabases.Kind.H2 ? "sa" : database.pool().getUsername();
    }

    /** A pool on the old database that dualwrite does not know: the tests read through it with plain JDBC. */
    protected abstract DataSource plainOld();

    /** A pool on the new database that dualwrite does not know. */
    protected abstract DataSource plainNew();

    @Test
    void theApplicationWritesThroughTheWrapper() {
        assertThat(dataSource).isInstanceOf(DualWriteDataSource.class);
        assertThat(jdbcTemplate.getDataSource()).isSameAs(dataSource);
    }

    @Test
    void writesOfADualWriteMerchantReachTheNewStore() throws SQLException {
        long id = IDS.incrementAndGet();
        insert(id, "m-dual", "NEW", "10.00");
        jdbcTemplate.update("UPDATE orders SET status = ? WHERE id = ?", "PAID", id);

        await().atMost(MIRROR_WAIT).until(() -> newRow(id), row -> "m-dual PAID 10.00".equals(row));
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void writesOfAnOldOnlyMerchantStayInTheOldStore() throws SQLException {
        long oldOnly = IDS.incrementAndGet();
        insert(oldOnly, "m-old", "NEW", "5.00");
        long sentinel = IDS.incrementAndGet();
        insert(sentinel, "m-dual", "NEW", "6.00");

        // the later write of the dual-write merchant arrived, so the earlier one was not merely late
        await().atMost(MIRROR_WAIT).until(() -> newRow(sentinel) != null);
        assertThat(newRow(oldOnly)).isNull();
        assertThat(oldRow(oldOnly)).isEqualTo("m-old NEW 5.00");
        assertStoresEqualForMerchant("m-dual");
        assertThat(rows(plainNew(), "SELECT id, merchant_id, status, amount_total FROM orders_v2 WHERE merchant_id = ?", "m-old"))
                .isEmpty();
    }

    @Test
    void aRolledBackTransactionalMethodLeavesNothingInEitherStore() throws SQLException {
        long rolledBack = IDS.incrementAndGet();
        assertThatThrownBy(() -> orderService.insertThenFail(rolledBack, "m-dual"))
                .isInstanceOf(IllegalStateException.class).hasMessage("refused after the insert");
        long sentinel = IDS.incrementAndGet();
        insert(sentinel, "m-dual", "NEW", "7.00");

        await().atMost(MIRROR_WAIT).until(() -> newRow(sentinel) != null);
        assertThat(oldRow(rolledBack)).isNull();
        assertThat(newRow(rolledBack)).isNull();
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void aMapperAndJdbcTemplateShareOneTransactionThatIsMirroredAfterItsCommit() throws SQLException {
        long id = IDS.incrementAndGet();
        orderService.insertWithMapperThenPay(id, "m-dual");

        await().atMost(MIRROR_WAIT).until(() -> newRow(id), row -> "m-dual PAID 3.00".equals(row));
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void aMapperWriteOfAnOldOnlyMerchantStaysInTheOldStore() throws SQLException {
        long oldOnly = IDS.incrementAndGet();
        orderService.insertWithMapperThenPay(oldOnly, "m-old");
        long sentinel = IDS.incrementAndGet();
        orderService.insertWithMapperThenPay(sentinel, "m-dual");

        await().atMost(MIRROR_WAIT).until(() -> newRow(sentinel) != null);
        assertThat(oldRow(oldOnly)).isEqualTo("m-old PAID 3.00");
        assertThat(newRow(oldOnly)).isNull();
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void aMerchantFlippedAtRuntimeDoubleWritesFromThenOn() throws SQLException {
        String merchant = "m-late-" + IDS.incrementAndGet();
        long before = IDS.incrementAndGet();
        insert(before, merchant, "NEW", "4.00");
        assertThat(switchAdmin.moveMerchant("orders", merchant, io.dualwrite.MigrationPhase.DUAL_WRITE, false)
                .allowed()).isTrue();
        long after = IDS.incrementAndGet();
        insert(after, merchant, "NEW", "5.00");

        await().atMost(MIRROR_WAIT).until(() -> newRow(after) != null);
        assertThat(newRow(before)).isNull(); // written before the flip: the backfill's job, not the mirror's
        assertThat(rows(plainNew(), "SELECT id, merchant_id, status, amount_total FROM orders_v2 WHERE merchant_id = ?",
                merchant)).containsExactly(rows(plainOld(),
                "SELECT id, merchant_id, status, amount FROM orders WHERE merchant_id = ?", merchant).get(1));
    }

    @Test
    void theGateRefusesAMovePastDualWriteWhileNothingWasVerified() throws SQLException {
        assertThatThrownBy(() -> switchAdmin.moveMerchant("orders", "m-dual", io.dualwrite.MigrationPhase.SHADOW_READ,
                false)).isInstanceOf(io.dualwrite.switches.PhaseMoveRefusedException.class)
                .hasMessageContaining("never been verified");
        long id = IDS.incrementAndGet();
        insert(id, "m-dual", "NEW", "8.00");
        await().atMost(MIRROR_WAIT).until(() -> newRow(id) != null); // still double-writing, not shadow-reading
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void anEntryLeftInTheChangeLogIsRepairedByTheScheduledReconciler() throws SQLException {
        long id = IDS.incrementAndGet();
        // a row the new store missed, as a failed mirror leaves it: in the old store, and an entry for its key
        try (Connection connection = plainOld().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO orders (id, merchant_id, status, amount) VALUES (?, 'm-dual', 'NEW', 11.00)")) {
            insert.setLong(1, id);
            insert.executeUpdate();
        }
        changeLog.record("orders", "orders", Long.toString(id), io.dualwrite.changelog.Operation.UPSERT,
                "a mirror lost while the new store was away");

        await().atMost(MIRROR_WAIT).until(() -> newRow(id), row -> "m-dual NEW 11.00".equals(row));
        await().atMost(MIRROR_WAIT).until(() -> changeLog.pendingCount("orders") == 0);
        assertStoresEqualForMerchant("m-dual");
    }

    @Test
    void aCommittedTransactionTemplateReachesTheNewStoreWhole() throws SQLException {
        long first = IDS.incrementAndGet();
        long second = IDS.incrementAndGet();
        transactionTemplate.executeWithoutResult(status -> {
            insert(first, "m-dual", "NEW", "1.50");
            insert(second, "m-dual", "NEW", "2.50");
            jdbcTemplate.update("UPDATE orders SET status = 'PAID' WHERE id = ?", first);
        });

        await().atMost(MIRROR_WAIT).until(() -> newRow(second) != null && "m-dual PAID 1.50".equals(newRow(first)));
        assertStoresEqualForMerchant("m-dual");
    }

    private void insert(long id, String merchant, String status, String amount) {
        jdbcTemplate.update("INSERT INTO orders (id, merchant_id, status, amount) VALUES (?, ?, ?, ?)", id, merchant,
                status, new BigDecimal(amount));
    }

    /** The old and the new rows of a merchant are the same, compared by plain JDBC on each database. */
    private void assertStoresEqualForMerchant(String merchant) {
        await().atMost(MIRROR_WAIT).untilAsserted(() -> assertThat(
                rows(plainNew(), "SELECT id, merchant_id, status, amount_total FROM orders_v2 WHERE merchant_id = ?", merchant))
                .isEqualTo(rows(plainOld(), "SELECT id, merchant_id, status, amount FROM orders WHERE merchant_id = ?",
                        merchant)));
    }

    private String oldRow(long id) throws SQLException {
        List<String> rows = rows(plainOld(), "SELECT id, merchant_id, status, amount FROM orders WHERE id = ?", id);
        return rows.isEmpty() ? null : rows.get(0).substring(rows.get(0).indexOf(' ') + 1);
    }

    private String newRow(long id) throws SQLException {
        List<String> rows = rows(plainNew(), "SELECT id, merchant_id, status, amount_total FROM orders_v2 WHERE id = ?", id);
        return rows.isEmpty() ? null : rows.get(0).substring(rows.get(0).indexOf(' ') + 1);
    }

    private static List<String> rows(DataSource plain, String select, Object parameter) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = plain.getConnection();
             PreparedStatement statement = connection.prepareStatement(select + " ORDER BY id")) {
            statement.setObject(1, parameter);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getLong(1) + " " + result.getString(2) + " " + result.getString(3) + " "
                            + result.getBigDecimal(4));
                }
            }
        }
        return rows;
    }

    /** A MyBatis mapper of the application, found by MyBatis' own mapper scanning. */
    @org.apache.ibatis.annotations.Mapper
    interface OrderMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id, status, amount)"
                + " VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
        int insert(NewOrder order);
    }

    /** The mapper's parameter; the interceptor reads the merchant from {@code merchantNo}. */
    public static class NewOrder {
        private final long id;
        private final String merchantNo;

        NewOrder(long id, String merchantNo) {
            this.id = id;
            this.merchantNo = merchantNo;
        }

        public long getId() {
            return id;
        }

        public String getMerchantNo() {
            return merchantNo;
        }

        public String getStatus() {
            return "NEW";
        }

        public BigDecimal getAmount() {
            return new BigDecimal("3.00");
        }
    }

    /** An application service: transactional methods over JdbcTemplate and a mapper. */
    static class OrderService {
        private final JdbcTemplate jdbcTemplate;
        private final OrderMapper orderMapper;

        OrderService(JdbcTemplate jdbcTemplate, OrderMapper orderMapper) {
            this.jdbcTemplate = jdbcTemplate;
            this.orderMapper = orderMapper;
        }

        @Transactional
        public void insertWithMapperThenPay(long id, String merchant) {
            orderMapper.insert(new NewOrder(id, merchant));
            jdbcTemplate.update("UPDATE orders SET status = 'PAID' WHERE id = ?", id);
        }

        @Transactional
        public void insertThenFail(long id, String merchant) {
            jdbcTemplate.update("INSERT INTO orders (id, merchant_id, status, amount) VALUES (?, ?, 'NEW', 9.00)", id,
                    merchant);
            throw new IllegalStateException("refused after the insert");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        OrderService orderService(JdbcTemplate jdbcTemplate, OrderMapper orderMapper) {
            return new OrderService(jdbcTemplate, orderMapper);
        }
    }
}
