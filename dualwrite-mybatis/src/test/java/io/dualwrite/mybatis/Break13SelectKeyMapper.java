package io.dualwrite.mybatis;

import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.SelectKey;

/**
 * Inserts whose key a {@code selectKey} BEFORE sets, whose merchant only the statement's own path names: a map
 * parameter ({@code shop}) and a {@code @Param}-named text beside the order.
 */
public interface Break13SelectKeyMapper {

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{shop}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT COALESCE(MAX(id), 0) + 100 FROM orders", keyProperty = "id", before = true,
            resultType = Long.class)
    int insertRow(Map<String, Object> row);

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{order.id}, #{shop}, #{order.status},"
            + " #{order.amount})")
    @SelectKey(statement = "SELECT COALESCE(MAX(id), 0) + 100 FROM orders", keyProperty = "order.id", before = true,
            resultType = Long.class)
    int insertFor(@Param("shop") String shop, @Param("order") Order order);
}
