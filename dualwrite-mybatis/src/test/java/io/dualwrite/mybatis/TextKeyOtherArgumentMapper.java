package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.Map;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Marked writes of the text-keyed {@code codes} table whose key argument is not a String. */
public interface TextKeyOtherArgumentMapper {

    @DualWrite(table = "codes", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteRowOf(Map<String, Object> row);

    @DualWrite(table = "codes", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteByNumber(int id);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE codes SET qty = #{qty} WHERE id = #{id}")
    int updateQtyByNumber(@Param("id") int id, @Param("qty") int qty);
}
