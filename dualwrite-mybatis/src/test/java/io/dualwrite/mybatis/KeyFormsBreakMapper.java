package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.Map;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The {@code codes (id, qty)} table of {@link KeyFormsMyBatisBreakTest}; rows are maps, keys are text. */
public interface KeyFormsBreakMapper {

    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (id, qty) VALUES (#{id}, #{qty})")
    int insert(Map<String, Object> row);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPSERT)
    @Insert("INSERT INTO codes (id, qty) VALUES (#{id}, #{qty}) ON DUPLICATE KEY UPDATE qty = VALUES(qty)")
    int upsert(Map<String, Object> row);

    @DualWrite(table = "codes", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int delete(String id);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE codes SET qty = #{qty} WHERE id = #{id}")
    int updateQty(@Param("id") String id, @Param("qty") int qty);

    @Select("SELECT id, qty FROM codes WHERE id = #{id}")
    Map<String, Object> selectById(String id);

    @Insert("INSERT INTO codes (id, qty) VALUES (#{id}, #{qty})")
    int insertRow(Map<String, Object> row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteRow(Map<String, Object> row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteById(String id);
}
