package io.dualwrite.examples.spring;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import java.math.BigDecimal;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application's own repository, unchanged but for one annotation: {@code @DualWrite} opens the call's
 * migration context with the merchant from the {@code @MerchantId} parameter, and the wrapped DataSource
 * mirrors the row to the new store when that merchant's switch says so, after the commit.
 */
@Repository
public class OrderRepository {

    private final JdbcTemplate jdbc;

    public OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Places an order; mirrored to {@code orders_v2} when the merchant's phase writes the new store. */
    @DualWrite
    @Transactional
    public void place(@MerchantId String merchantId, long id, BigDecimal amount) {
        jdbc.update("INSERT INTO orders (id, merchant_id, amount, status) VALUES (?, ?, ?, 'NEW')", id, merchantId,
                amount);
    }

    /** Pays an order: an update by key, mirrored like the insert. */
    @DualWrite
    @Transactional
    public void pay(@MerchantId String merchantId, long id) {
        jdbc.update("UPDATE orders SET status = 'PAID' WHERE id = ? AND merchant_id = ?", id, merchantId);
    }
}
