package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.time.LocalDate;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Round 23: marked writes of {@code days}, keyed {@code on_day}, whose row bean calls the key {@code dayOf}. */
public interface Break23DayMapper {

    @DualWrite(table = "days", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE days SET qty = #{qty} WHERE on_day = #{day}")
    int updateDayQty(@Param("day") LocalDate day, @Param("qty") int qty);

    @DualWrite(table = "days", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM days WHERE on_day = #{day}")
    int removeDay(LocalDate day);
}
