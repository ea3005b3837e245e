package io.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
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
}
