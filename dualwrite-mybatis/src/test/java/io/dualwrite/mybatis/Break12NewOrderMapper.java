package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * A new-store counterpart of {@link OrderMapper}'s reads on {@code orders_v2}, written with other parameter names than
 * the reads it replaces ({@code merchant} for {@code merchantNo}), and its upsert with the new column's name as
 * the property ({@code amountTotal}, which {@link Order} does not have).
 */
public interface Break12NewOrderMapper {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount_total AS amount FROM orders_v2"
            + " WHERE id = #{id} AND merchant_no = #{merchant}")
    Order selectByMerchant(@Param("id") long id, @Param("merchant") String merchantNo);

    @Delete("DELETE FROM orders_v2 WHERE id = #{id}")
    int deleteById(long id);

    @Insert("INSERT INTO orders_v2 (id, merchant_no, status, amount_total) VALUES (#{id}, #{merchantNo}, #{status},"
            + " #{amountTotal})")
    int insertWithId(Order order);
}
