package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;

/**
 * The read, upsert and delete by key of {@code orders} that the two-session-factory tests' mappers share: each mapper
 * extending it has them as statements of its own namespace, for {@link MyBatisBreakSupport.TwoStores#mappers}.
 */
public interface TwoStoreRowStatements {

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id}")
    Order selectById(long id);

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    int insertWithId(Order order);

    @Delete("DELETE FROM orders WHERE id = #{id}")
    int deleteById(long id);
}
