package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.time.LocalDate;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** Round 22: a marked update of {@code days} that does not name its rows' key property ({@code dayOf}). */
public interface Break22DayWithoutKeyPropertyMapper {

    @DualWrite(table = "days", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE days SET qty = #{qty} WHERE on_day = #{day}")
    int updateDayQty(@Param("day") LocalDate day, @Param("qty") int qty);
}
