package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Marked writes of {@link KeyFormsMyBatisBreakTest} on {@code labels (code, qty)}, by numbers. */
public interface KeyFormsBreakLabelMapper {

    /** A marked delete of {@code labels} (key column {@code code}, row property {@code id}) by a number. */
    @DualWrite(table = "labels", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM labels WHERE code = #{id}")
    int deleteLabelByNumber(int id);

    @DualWrite(table = "labels", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE labels SET qty = #{qty} WHERE code = #{id}")
    int updateLabelQtyByNumber(@Param("id") int id, @Param("qty") int qty);

}
