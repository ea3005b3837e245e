package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/**
 * Round 23: a merchant id bound through a type handler the statement names inline ({@code #{merchant,
 * typeHandler=…}}), not the one the configuration registers for its type.
 */
public interface Break23InlineHandlerMapper {

    /** Merchants, stored by their ordinal. */
    enum Merchant { ACME, GLOBEX }

    /** An order of a merchant. */
    class MerchantOrder {
        private final long id;
        private final Merchant merchant;

        public MerchantOrder(long id, Merchant merchant) {
            this.id = id;
            this.merchant = merchant;
        }

        public long getId() {
            return id;
        }

        public Merchant getMerchant() {
            return merchant;
        }
    }

    @Insert("INSERT INTO enum_orders (id, merchant_no, status) VALUES (#{id},"
            + " #{merchant, typeHandler=org.apache.ibatis.type.EnumOrdinalTypeHandler}, 'NEW')")
    int insert(MerchantOrder order);

    @Update("UPDATE enum_orders SET status = #{status} WHERE id = #{order.id}"
            + " AND merchant_no = #{order.merchant, javaType=io.dualwrite.mybatis.Break23InlineHandlerMapper$Merchant,"
            + " typeHandler=org.apache.ibatis.type.EnumOrdinalTypeHandler}")
    int updateStatus(@Param("order") MerchantOrder order, @Param("status") String status);
}
