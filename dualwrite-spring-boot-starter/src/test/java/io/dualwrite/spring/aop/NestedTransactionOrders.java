package io.dualwrite.spring.aop;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import java.io.IOException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Annotated writes whose transactions nest: an inner one of its own, an inner failure, a checked rollback. */
public class NestedTransactionOrders {

    private final JdbcTemplate jdbc;
    private NestedTransactionOrders self;

    public NestedTransactionOrders(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void self(NestedTransactionOrders proxy) {
        this.self = proxy;
    }

    /** Writes {@code outer}, commits {@code inner} in a transaction of its own, then fails: only inner stays. */
    @Transactional
    @DualWrite
    public void outerFailsAfterInnerCommitted(@MerchantId String merchantId, long outer, long inner) {
        insert(outer, merchantId, "outer");
        self.ownTransaction(merchantId, inner);
        throw new IllegalStateException("outer fails");
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    @DualWrite
    public void ownTransaction(@MerchantId String merchantId, long id) {
        insert(id, merchantId, "inner");
    }

    /** Writes {@code outer}; an inner call of the same transaction fails and is caught: rollback-only. */
    @Transactional
    @DualWrite
    public void outerSwallowsInnerFailure(@MerchantId String merchantId, long outer, long inner) {
        insert(outer, merchantId, "outer");
        try {
            self.joinThenFail(merchantId, inner);
        } catch (IllegalStateException swallowed) {
            // the transaction is marked rollback-only all the same
        }
    }

    @Transactional
    @DualWrite
    public void joinThenFail(@MerchantId String merchantId, long id) {
        insert(id, merchantId, "inner");
        throw new IllegalStateException("inner fails");
    }

    @Transactional(rollbackFor = IOException.class)
    @DualWrite
    public void checkedRollback(@MerchantId String merchantId, long id) throws IOException {
        insert(id, merchantId, "checked");
        throw new IOException("checked failure");
    }

    private void insert(long id, String merchantId, String note) {
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", id, merchantId, note);
    }
}
