package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.SelectKey;

/** Inserts of {@link MyBatisBreak5Test} whose key a {@code <selectKey>} reads, before and after the insert. */
public interface Break5MariaSelectKeyMapper {

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT COALESCE(MAX(id), 0) + 100 FROM orders", keyProperty = "id", before = true, resultType = Long.class)
    int insertKeyBefore(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT LAST_INSERT_ID()", keyProperty = "id", before = false, resultType = Long.class)
    int insertKeyAfter(Order order);
}
