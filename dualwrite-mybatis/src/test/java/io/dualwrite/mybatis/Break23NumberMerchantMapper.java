package io.dualwrite.mybatis;

import java.math.BigDecimal;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Round 23: orders whose merchant id is a number column, written from beans holding it as a {@code BigDecimal}. */
public interface Break23NumberMerchantMapper {

    /** An order whose merchant is a decimal, as a model generated from a NUMBER column holds it. */
    class NumberOrder {
        private final long id;
        private final BigDecimal merchantNo;
        private final String status;

        public NumberOrder(long id, BigDecimal merchantNo, String status) {
            this.id = id;
            this.merchantNo = merchantNo;
            this.status = status;
        }

        public long getId() {
            return id;
        }

        public BigDecimal getMerchantNo() {
            return merchantNo;
        }

        public String getStatus() {
            return status;
        }
    }

    @Insert("INSERT INTO num_orders (id, merchant_no, status) VALUES (#{id}, #{merchantNo}, #{status})")
    int insert(NumberOrder order);

    @Update("UPDATE num_orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{merchantNo}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") BigDecimal merchantNo, @Param("status") String status);
}
