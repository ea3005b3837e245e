package io.dualwrite.mybatis;

/** An order with a lazily loaded association: the same order read again by its id, after the first read returned. */
public class Break13LazyOrder extends Order {
    private Order again;

    public Order getAgain() {
        return again;
    }

    public void setAgain(Order again) {
        this.again = again;
    }
}
