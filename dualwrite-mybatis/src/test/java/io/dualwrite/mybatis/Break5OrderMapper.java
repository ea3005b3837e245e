package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The application's mapper of {@link MyBatisBreak5Test}: no second-level cache of its own. */
public interface Break5OrderMapper {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    Order selectByMerchant(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Update("UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{merchantNo}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @Delete("DELETE FROM orders WHERE id = #{id}")
    int deleteById(long id);

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    int insertWithId(Order order);
}
