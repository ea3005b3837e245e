package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * The new store's side of orders split in two tables: order_heads (id, merchant, status) and order_amounts
 * (order_id, amount_total). Upsert = both deletes then both inserts, run by the copier under its key lock.
 */
public interface SplitOrderMapper {

    @Select("SELECT h.id, h.merchant_no AS merchantNo, h.status, a.amount_total AS amount FROM order_heads h"
            + " JOIN order_amounts a ON a.order_id = h.id WHERE h.id = #{id}")
    Order selectById(long id);

    @Select("SELECT h.id, h.merchant_no AS merchantNo, h.status, a.amount_total AS amount FROM order_heads h"
            + " JOIN order_amounts a ON a.order_id = h.id WHERE h.id = #{id} AND h.merchant_no = #{merchantNo}")
    Order selectByMerchant(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Delete("DELETE FROM order_amounts WHERE order_id = #{id}")
    int deleteAmount(long id);

    @Delete("DELETE FROM order_heads WHERE id = #{id}")
    int deleteHead(long id);

    @Insert("INSERT INTO order_heads (id, merchant_no, status) VALUES (#{id}, #{merchantNo}, #{status})")
    int insertHead(Order order);

    @Insert("INSERT INTO order_amounts (order_id, amount_total) VALUES (#{id}, #{amount})")
    int insertAmount(Order order);
}
