package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Marked writes whose key argument is an array of primitive keys, as a {@code <foreach>} takes it. */
public interface Break21ArrayMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    @DualWrite(table = "orders", key = 0, operation = Operation.DELETE)
    @Delete("<script>DELETE FROM orders WHERE id IN <foreach collection='array' item='id' open='(' separator=','"
            + " close=')'>#{id}</foreach></script>")
    int deleteAll(long[] ids);

    @DualWrite(table = "orders", key = 0, operation = Operation.UPDATE)
    @Update("<script>UPDATE orders SET status = #{status} WHERE id IN <foreach collection='ids' item='id' open='('"
            + " separator=',' close=')'>#{id}</foreach></script>")
    int updateAll(@Param("ids") int[] ids, @Param("status") String status);
}
