package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** A mapper known to two session factories (old and new store, same table): its writes are marked. */
public interface TwoStoreOrderMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    @DualWrite(table = "orders", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE orders SET status = #{status} WHERE id = #{id}")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    /** Not annotated: marked by statement id in the test. */
    @Delete("DELETE FROM orders WHERE id = #{id}")
    int delete(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
