package io.dualwrite.spring.aop;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** A repository whose annotated writes are also {@code @Transactional}. */
public class TransactionalOrders {

    private final JdbcTemplate jdbc;

    public TransactionalOrders(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    @DualWrite
    public void saveTwo(@MerchantId String merchantId, long first, long second) {
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", first, merchantId, "first");
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", second, merchantId, "second");
    }

    @Transactional
    @DualWrite
    public void saveThenFail(@MerchantId String merchantId, long id) {
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", id, merchantId, "rolled back");
        throw new IllegalStateException("the caller's own failure");
    }
}
