package io.dualwrite.mybatis;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * Round 22: by-key statements whose key parameter is of a type the copier does not know: a value object with a type
 * handler of its own, a {@code LocalDate}.
 */
public interface Break22KeyTypesMapper {

    /** A key as a value object, bound by {@link CodeKeyHandler}. */
    record CodeKey(String value) {
    }

    /** Binds a {@link CodeKey} as its text. */
    final class CodeKeyHandler extends BaseTypeHandler<CodeKey> {
        @Override
        public void setNonNullParameter(PreparedStatement ps, int i, CodeKey key, JdbcType type) throws SQLException {
            ps.setString(i, key.value());
        }

        @Override
        public CodeKey getNullableResult(ResultSet rs, String column) throws SQLException {
            String value = rs.getString(column);
            return value == null ? null : new CodeKey(value);
        }

        @Override
        public CodeKey getNullableResult(ResultSet rs, int index) throws SQLException {
            String value = rs.getString(index);
            return value == null ? null : new CodeKey(value);
        }

        @Override
        public CodeKey getNullableResult(CallableStatement cs, int index) throws SQLException {
            String value = cs.getString(index);
            return value == null ? null : new CodeKey(value);
        }
    }

    /** A row of {@code days}. */
    class Day {
        private LocalDate dayOf;
        private Integer qty;

        public LocalDate getDayOf() {
            return dayOf;
        }

        public void setDayOf(LocalDate dayOf) {
            this.dayOf = dayOf;
        }

        public Integer getQty() {
            return qty;
        }

        public void setQty(Integer qty) {
            this.qty = qty;
        }
    }

    @Select("SELECT id, qty FROM codes WHERE id = #{id}")
    Break22CodeMapper.Code selectCode(CodeKey id);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteCode(CodeKey id);

    @Select("SELECT on_day AS dayOf, qty FROM days WHERE on_day = #{day}")
    Day selectDay(LocalDate day);

    @Insert("INSERT INTO days (on_day, qty) VALUES (#{dayOf}, #{qty})")
    int insertDay(Day row);

    @Delete("DELETE FROM days WHERE on_day = #{dayOf}")
    int deleteDayRow(Day row);

    @Delete("DELETE FROM days WHERE on_day = #{day}")
    int deleteDay(LocalDate day);

    /** A key type a text cannot become: no static factory of a String, no constructor of one. */
    final class Slot {
        private final int number;

        public Slot(int number) {
            this.number = number;
        }

        public int getNumber() {
            return number;
        }
    }

    @Select("SELECT id, qty FROM codes WHERE id = #{number}")
    Break22CodeMapper.Code selectBySlot(Slot slot);

    @Select("SELECT id, qty FROM codes WHERE qty = #{qty}")
    Break22CodeMapper.Code selectByQty(double qty);

    @io.dualwrite.annotation.DualWrite(table = "days", key = 0, operation = io.dualwrite.changelog.Operation.UPDATE)
    @org.apache.ibatis.annotations.Update("UPDATE days SET qty = #{qty} WHERE on_day = #{day}")
    @org.apache.ibatis.annotations.Options(keyProperty = "dayOf")
    int updateDayQty(@org.apache.ibatis.annotations.Param("day") LocalDate day,
                     @org.apache.ibatis.annotations.Param("qty") int qty);
}
