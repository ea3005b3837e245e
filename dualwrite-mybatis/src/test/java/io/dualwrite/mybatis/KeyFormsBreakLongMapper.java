package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.Map;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The {@code codes} table of {@link KeyFormsMyBatisBreakTest} named by {@code long} ids (whatever its key column holds). */
public interface KeyFormsBreakLongMapper {

    @DualWrite(table = "codes", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteByLong(long id);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE codes SET qty = #{qty} WHERE id = #{id}")
    int updateQtyByLong(@Param("id") long id, @Param("qty") int qty);

    @Select("SELECT id, qty FROM codes WHERE id = #{id}")
    Map<String, Object> selectByLong(long id);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteByLongId(long id);
}
