package io.dualwrite.examples.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Select;

/** The application's annotated mapper, unchanged by the migration. */
public interface ShopOrderMapper {

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(ShopOrder order);

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id}")
    ShopOrder selectById(long id);
}
