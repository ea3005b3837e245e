package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.One;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Result;
import org.apache.ibatis.annotations.Results;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.mapping.FetchType;

/** A read of a merchant's order whose association MyBatis loads lazily, by a statement that takes the id alone. */
public interface Break13LazyMapper {

    @Select("SELECT id, merchant_no, status FROM orders WHERE id = #{id} AND merchant_no = #{merchantNo}")
    @Results(id = "lazyOrder", value = {
            @Result(property = "id", column = "id", id = true),
            @Result(property = "merchantNo", column = "merchant_no"),
            @Result(property = "status", column = "status"),
            @Result(property = "again", column = "id", one = @One(select = "selectPlain", fetchType = FetchType.LAZY))})
    Break13LazyOrder selectLazy(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @Select("SELECT id, merchant_no, status FROM orders WHERE merchant_no = #{merchantNo} ORDER BY id")
    @org.apache.ibatis.annotations.ResultMap("lazyOrder")
    org.apache.ibatis.cursor.Cursor<Break13LazyOrder> cursorLazy(@Param("merchantNo") String merchantNo);

    @Select("SELECT id, merchant_no AS merchantNo, status FROM orders WHERE id = #{id}")
    Order selectPlain(long id);
}
