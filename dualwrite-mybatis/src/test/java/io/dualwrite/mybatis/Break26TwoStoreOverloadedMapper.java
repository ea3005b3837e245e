package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;

/** Round 26: a mapper of two session factories whose statement {@code delete} a default method overloads. */
public interface Break26TwoStoreOverloadedMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    /** Not annotated: marked by statement id in the test (key argument 0, the id). */
    @Delete("DELETE FROM orders WHERE id = #{id}")
    int delete(@Param("id") long id, @Param("merchantNo") String merchantNo);

    /** No statement of its own: deletes the order through the statement. */
    default int delete(Order order) {
        return delete(order.getId(), order.getMerchantNo());
    }
}
