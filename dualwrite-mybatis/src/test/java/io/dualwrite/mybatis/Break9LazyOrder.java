package io.dualwrite.mybatis;

import java.math.BigDecimal;

/**
 * A subclass proxy of {@link Order}, as Hibernate, Spring (CGLIB) and ByteBuddy make them: its own copies of the
 * inherited fields stay null, and every getter and setter goes to the target.
 */
public class Break9LazyOrder extends Order {
    private final Order target;

    public Break9LazyOrder(Order target) {
        this.target = target;
    }

    @Override
    public Long getId() {
        return target.getId();
    }

    @Override
    public void setId(Long id) {
        target.setId(id);
    }

    @Override
    public String getMerchantNo() {
        return target.getMerchantNo();
    }

    @Override
    public String getStatus() {
        return target.getStatus();
    }

    @Override
    public BigDecimal getAmount() {
        return target.getAmount();
    }
}
