package io.dualwrite.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The Spring Boot quick start as a newcomer runs it: the properties of {@code shop.properties}, one annotation,
 * and the merchant's switch decides which writes reach the new store. Both stores are read with plain JDBC.
 */
@SpringBootTest(classes = ShopApplication.class)
class ShopApplicationTest {

    @Autowired
    private OrderRepository orders;

    @Test
    void ordersOfTheDualWritingMerchantReachTheNewStoreAndOthersStayOnTheOldOne() throws Exception {
        orders.place("m-1", 101, new BigDecimal("12.50"));
        orders.place("m-2", 102, new BigDecimal("7.00"));
        orders.place("m-1", 103, new BigDecimal("3.10"));
        orders.pay("m-1", 101);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(rows("shop_new", "SELECT id, merchant_id, amount_total, status FROM orders_v2 ORDER BY id"))
                        .isEqualTo(List.of("101 m-1 12.50 PAID", "103 m-1 3.10 NEW")));
        assertThat(rows("shop_old", "SELECT id, merchant_id, amount, status FROM orders WHERE merchant_id = 'm-1'"
                + " ORDER BY id")).isEqualTo(rows("shop_new", "SELECT id, merchant_id, amount_total, status"
                + " FROM orders_v2 ORDER BY id"));
        assertThat(rows("shop_old", "SELECT id, merchant_id, amount, status FROM orders WHERE id = 102"))
                .containsExactly("102 m-2 7.00 NEW");
    }

    /** The rows of a query on one of the two in-memory databases, read with plain JDBC. */
    private static List<String> rows(String database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:" + database, "sa", "");
             Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getLong(1) + " " + result.getString(2) + " " + result.getBigDecimal(3).setScale(2)
                        + " " + result.getString(4));
            }
        }
        return rows;
    }
}
