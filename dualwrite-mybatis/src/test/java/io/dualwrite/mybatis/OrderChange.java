package io.dualwrite.mybatis;

/** A status change; its merchant is found only through the annotation (no property path names 'merchant'). */
public class OrderChange {
    private final long orderId;
    @MerchantId
    private final String merchant;
    private final String status;

    public OrderChange(long orderId, String merchant, String status) {
        this.orderId = orderId;
        this.merchant = merchant;
        this.status = status;
    }

    public long getOrderId() {
        return orderId;
    }

    public String getStatus() {
        return status;
    }
}
