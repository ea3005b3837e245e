package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * A new-store counterpart of {@link OrderMapper}'s reads on {@code orders_v2}, written with other parameter names than
 * the reads it replaces: {@code merchant} for {@code merchantNo}, {@code orderId} for a lone order's bean property.
 */
public interface Break12NewOrderMapper {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount_total AS amount FROM orders_v2"
            + " WHERE id = #{id} AND merchant_no = #{merchant}")
    Order selectByMerchant(@Param("id") long id, @Param("merchant") String merchantNo);
}
