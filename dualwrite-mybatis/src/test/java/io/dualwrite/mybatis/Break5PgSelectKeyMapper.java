package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.SelectKey;

/** Inserts of {@link MyBatisBreak5Test} whose key a {@code <selectKey>} reads, before and after the insert. */
public interface Break5PgSelectKeyMapper {

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT nextval(pg_get_serial_sequence('orders', 'id'))", keyProperty = "id", before = true, resultType = Long.class)
    int insertKeyBefore(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT currval(pg_get_serial_sequence('orders', 'id'))", keyProperty = "id", before = false, resultType = Long.class)
    int insertKeyAfter(Order order);
}
