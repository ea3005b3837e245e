package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Round 23b: orders whose merchant id is an integer column, written from beans holding it as a double or a float. */
public interface Break23bFloatMerchantMapper {

    /** An order whose merchant is a double, as a model generated from a FLOAT column, or a JSON number, holds it. */
    record FloatOrder(long id, Object merchantNo, String status) {
    }

    @Insert("INSERT INTO float_orders (id, merchant_no, status) VALUES (#{id}, #{merchantNo}, #{status})")
    int insert(FloatOrder order);

    @Update("UPDATE float_orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{merchantNo}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") double merchantNo, @Param("status") String status);
}
