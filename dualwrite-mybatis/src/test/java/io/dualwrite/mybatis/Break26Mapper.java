package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** Round 26: a read without a second-level cache, answered again within one session from MyBatis' local cache. */
public interface Break26Mapper {

    /** A read naming its merchant (a {@code @Param} the global path {@code merchantNo} reads). */
    @Select("SELECT status FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    String statusOf(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
