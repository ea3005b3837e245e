package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.CacheNamespace;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** The new-store counterpart of {@link Break5OrderMapper}, copied with a second-level cache as mappers often are. */
@CacheNamespace(readWrite = false)
public interface Break5NewOrderMapper {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount_total AS amount FROM orders_v2"
            + " WHERE id = #{id} AND merchant_no = #{merchantNo}")
    Order selectByMerchant(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
