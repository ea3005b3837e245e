package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.mapping.StatementType;

/** More statements of {@link KeyFormsMyBatisBreakTest} on {@code codes (id, qty)}. */
public interface KeyFormsBreakMoreMapper {

    @Insert("INSERT INTO codes (qty) VALUES (#{qty})")
    @Options(useGeneratedKeys = true, keyProperty = "id")
    int insertGenerated(Map<String, Object> row);

    @Insert("INSERT INTO codes (id, qty) VALUES ('${id}', ${qty})")
    @Options(statementType = StatementType.STATEMENT)
    int insertLiteral(Map<String, Object> row);

    @Insert("<script>INSERT INTO codes (id, qty) VALUES <foreach collection='rows' item='r' separator=','>(#{r.id}, #{r.qty})</foreach></script>")
    int insertAll(@Param("rows") List<Map<String, Object>> rows);

    @Update("UPDATE codes SET id = #{newId} WHERE id = #{id}")
    int renameKey(@Param("id") String id, @Param("newId") String newId);

    @Insert("{call add_code(#{id}, #{qty})}")
    @Options(statementType = StatementType.CALLABLE)
    int addCode(Map<String, Object> row);

    @Insert("INSERT INTO codes (id, qty) VALUES (#{id}, #{qty})")
    @Options(useGeneratedKeys = true, keyProperty = "seq", keyColumn = "seq")
    int insertReturningSeq(Map<String, Object> row);

    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT IGNORE INTO codes (id, qty) VALUES (#{id}, #{qty})")
    int insertIgnore(Map<String, Object> row);

    @Update("UPDATE IGNORE codes SET id = #{newId} WHERE id = #{id}")
    int renameKeyIgnoring(@Param("id") String id, @Param("newId") String newId);
}
