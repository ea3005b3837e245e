package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.cursor.Cursor;

/** A mapper of two session factories (same table on both stores) with a {@code Cursor} read. */
public interface Break9TwoStoreMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE merchant_no = #{merchantNo} ORDER BY id")
    Cursor<Order> cursorOf(String merchantNo);
}
