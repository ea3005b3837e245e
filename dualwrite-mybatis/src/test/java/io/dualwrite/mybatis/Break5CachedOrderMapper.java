package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.CacheNamespace;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** An application mapper of {@link MyBatisBreak5Test} with a second-level cache of its own. */
@CacheNamespace(readWrite = false)
public interface Break5CachedOrderMapper {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    Order selectByMerchant(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Update("UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{merchantNo}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);
}
