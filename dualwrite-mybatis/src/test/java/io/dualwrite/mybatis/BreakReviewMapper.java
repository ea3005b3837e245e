package io.dualwrite.mybatis;

import java.util.List;
import java.math.BigDecimal;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Update;

/** Parameter shapes of {@link MyBatisBreakReviewTest}: lone simple values and MyBatis' generic {@code paramN} names. */
public interface BreakReviewMapper {

    @Delete("DELETE FROM orders WHERE merchant_no = #{merchantNo}")
    int deleteOfMerchant(String merchantNo);

    @Update("UPDATE orders SET status = 'CLOSED' WHERE merchant_no = #{value}")
    int closeOfMerchant(String merchantNo);

    @Update("UPDATE orders SET status = #{param3} WHERE id = #{param1} AND merchant_no = #{param2}")
    int updateStatusPositional(long id, String merchantNo, String status);

    @Update("<script>UPDATE orders SET status = #{param2} WHERE merchant_no IN"
            + "<foreach collection='param1' item='m' open='(' separator=',' close=')'>#{m}</foreach></script>")
    int updateStatusOfMerchants(List<String> merchants, String status);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertShopOrder(ShopOrder order);

    @Update("UPDATE orders SET status = #{status} WHERE merchant_no = #{merchantNo}")
    int updateShopStatus(ShopOrder order);

    /** A merchant as an enum whose {@code toString()} is not what MyBatis binds ({@code name()}). */
    enum Shop {
        M1, M2;

        @Override
        public String toString() {
            return "shop " + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An order whose marked merchant id is a {@link Shop}. */
    class ShopOrder {
        private Long id;
        @MerchantId
        private Shop merchantNo;
        private String status;
        private BigDecimal amount = BigDecimal.ONE;

        public ShopOrder() {
        }

        public ShopOrder(Shop merchantNo, String status) {
            this.merchantNo = merchantNo;
            this.status = status;
        }

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }

        public Shop getMerchantNo() {
            return merchantNo;
        }

        public String getStatus() {
            return status;
        }

        public BigDecimal getAmount() {
            return amount;
        }
    }
}
