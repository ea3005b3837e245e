package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.CacheNamespace;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** Round 25: reads MyBatis may answer from the second-level cache of their namespace. */
@CacheNamespace
public interface Break25CachedMapper {

    /** A read naming its merchant (a {@code @Param} the global path {@code merchantNo} reads). */
    @Select("SELECT status FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    String statusOf(@Param("id") long id, @Param("merchantNo") String merchantNo);

    /** A read naming no id: the data source's rule for statements without a context picks its store. */
    @Select("SELECT status FROM orders WHERE id = #{id}")
    String statusById(@Param("id") long id);

    /** Not cached: a read that acquires the session's connection first. */
    @Select("SELECT COUNT(*) FROM orders WHERE merchant_no = #{merchantNo}")
    @org.apache.ibatis.annotations.Options(useCache = false)
    int countOf(@Param("merchantNo") String merchantNo);
}
