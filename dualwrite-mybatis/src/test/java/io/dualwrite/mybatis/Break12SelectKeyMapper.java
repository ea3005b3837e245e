package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.SelectKey;

/** An insert whose key a {@code selectKey} BEFORE sets on a {@code @Param}-named order (H2, MariaDB). */
public interface Break12SelectKeyMapper {

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{order.id}, #{order.merchantNo},"
            + " #{order.status}, #{order.amount})")
    @SelectKey(statement = "SELECT COALESCE(MAX(id), 0) + 100 FROM orders", keyProperty = "order.id", before = true,
            resultType = Long.class)
    int insertNamed(@Param("order") Order order, @Param("source") String source);
}
