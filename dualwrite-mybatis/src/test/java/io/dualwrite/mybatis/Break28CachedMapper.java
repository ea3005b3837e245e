package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.CacheNamespace;
import org.apache.ibatis.annotations.One;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Result;
import org.apache.ibatis.annotations.Results;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.mapping.FetchType;

/**
 * Round 28: reads of a namespace with a second-level cache whose association is read by a nested select of the same
 * namespace, eagerly or lazily.
 */
@CacheNamespace(readWrite = false)
public interface Break28CachedMapper {

    @Select("SELECT id, merchant_no, status FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    @Results(id = "eagerOrder", value = {
            @Result(property = "id", column = "id", id = true),
            @Result(property = "merchantNo", column = "merchant_no"),
            @Result(property = "status", column = "status"),
            @Result(property = "again", column = "id", one = @One(select = "selectPlain", fetchType = FetchType.EAGER))})
    Break13LazyOrder selectEager(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Select("SELECT id, merchant_no, status FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    @Results(id = "lazyOrder", value = {
            @Result(property = "id", column = "id", id = true),
            @Result(property = "merchantNo", column = "merchant_no"),
            @Result(property = "status", column = "status"),
            @Result(property = "again", column = "id", one = @One(select = "selectPlain", fetchType = FetchType.LAZY))})
    Break13LazyOrder selectLazy(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Select("SELECT id, merchant_no AS merchantNo, status FROM orders WHERE id = #{id}")
    Order selectPlain(long id);
}
