package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;

/**
 * The twelfth break review's mappers whose parameters go through type variables: a generic base mapper, a generic
 * method, and a generic holder of the row.
 */
final class Break12GenericMappers {

    private Break12GenericMappers() {
    }

    /** A holder of one row of any type, as a generic request envelope. */
    public static class Envelope<T> {
        private T payload;
        private String requestId;

        public T getPayload() {
            return payload;
        }

        public void setPayload(T payload) {
            this.payload = payload;
        }

        public String getRequestId() {
            return requestId;
        }

        public void setRequestId(String requestId) {
            this.requestId = requestId;
        }
    }

    /** A merchant as a value of its own. */
    public static class Merchant {
        private String no;

        public String getNo() {
            return no;
        }

        public void setNo(String no) {
            this.no = no;
        }
    }

    /** A base class of rows owned by a merchant of any type. */
    public static class Owned<M> {
        private M merchant;

        public M getMerchant() {
            return merchant;
        }

        public void setMerchant(M merchant) {
            this.merchant = merchant;
        }
    }

    /** A row whose merchant its base class holds as a type variable. */
    public static class Payment extends Owned<Merchant> {
        private java.math.BigDecimal amount;

        public java.math.BigDecimal getAmount() {
            return amount;
        }

        public void setAmount(java.math.BigDecimal amount) {
            this.amount = amount;
        }
    }

    /** A base mapper written once for every row type. */
    public interface BaseMapper<E> {
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        int insert(E row);
    }

    /** The base mapper for orders: its insert takes an {@link Order}. */
    public interface OrderBaseMapper extends BaseMapper<Order> {
    }

    /** Methods with type variables of their own, and an envelope. */
    public interface GenericMethodMapper {
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        <T extends Order> int insertAny(T order);

        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{e.payload.merchantNo},"
                + " #{e.payload.status}, #{e.payload.amount})")
        int insertEnvelope(@Param("e") Envelope<Order> envelope);

        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{e.payload.merchantNo},"
                + " #{e.payload.status}, #{e.payload.amount})")
        int insertAnyEnvelope(@Param("e") Envelope<?> envelope);

        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchant.no}, 'NEW', #{amount})")
        int insertPayment(Payment payment);
    }
}
