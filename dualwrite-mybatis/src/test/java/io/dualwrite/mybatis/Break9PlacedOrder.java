package io.dualwrite.mybatis;

import java.math.BigDecimal;

/** An order whose key is a primitive {@code long} marked as the order id: 0 until the database generated it. */
public class Break9PlacedOrder {
    @OrderId
    private long id;
    @MerchantId
    private String merchantNo;
    private String status;
    private BigDecimal amount;

    public Break9PlacedOrder(String merchantNo, String status, String amount) {
        this.merchantNo = merchantNo;
        this.status = status;
        this.amount = new BigDecimal(amount);
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getMerchantNo() {
        return merchantNo;
    }

    public String getStatus() {
        return status;
    }

    public BigDecimal getAmount() {
        return amount;
    }
}
