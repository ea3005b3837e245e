package io.dualwrite.examples.mybatis;

import java.math.BigDecimal;

/** An order as the application's mappers see it. */
public class ShopOrder {
    private Long id;
    private String merchantNo;
    private String status;
    private BigDecimal amount;

    public ShopOrder() {
    }

    public ShopOrder(String merchantNo, String status, String amount) {
        this.merchantNo = merchantNo;
        this.status = status;
        this.amount = new BigDecimal(amount);
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getMerchantNo() {
        return merchantNo;
    }

    public void setMerchantNo(String merchantNo) {
        this.merchantNo = merchantNo;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    public void setAmount(BigDecimal amount) {
        this.amount = amount;
    }
}
