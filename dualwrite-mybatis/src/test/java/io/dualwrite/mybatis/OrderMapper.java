package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** An annotated mapper, written as for the old store alone. */
public interface OrderMapper {

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    @Update("UPDATE orders SET status = #{status} WHERE id = #{id}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @Delete("DELETE FROM orders WHERE id = #{id}")
    int delete(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id}")
    Order selectById(long id);

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    Order selectByMerchant(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
