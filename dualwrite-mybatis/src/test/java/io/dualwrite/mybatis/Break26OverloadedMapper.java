package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Round 26: a mapper statement whose method name a default interface method overloads. */
public interface Break26OverloadedMapper {

    /** id 0: every order of the merchant. */
    @Update("UPDATE orders SET status = #{status} WHERE merchant_no = #{merchantNo} AND (#{id} = 0 OR id = #{id})")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    /** Every order of the merchant: the statement with id 0. No statement of its own (MyBatis runs its body). */
    default int updateStatus(String merchantNo, String status) {
        return updateStatus(0, merchantNo, status);
    }
}
