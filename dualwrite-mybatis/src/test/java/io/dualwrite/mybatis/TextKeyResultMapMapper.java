package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.Map;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Result;
import org.apache.ibatis.annotations.Results;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * A table keyed by text in column {@code code}, whose rows the mapper names by property {@code id}: the read
 * statement maps the column to the property with a result map.
 */
public interface TextKeyResultMapMapper {

    @DualWrite(table = "labels", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM labels WHERE code = #{id}")
    int delete(String id);

    @DualWrite(table = "labels", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE labels SET qty = #{qty} WHERE code = #{id}")
    int updateQty(@Param("id") String id, @Param("qty") int qty);

    @Select("SELECT code, qty FROM labels WHERE code = #{id}")
    @Results(id = "labelRow", value = {@Result(column = "code", property = "id"), @Result(column = "qty", property = "qty")})
    Map<String, Object> selectById(String id);

    /** The same read naming its key argument twice, with the column labelled as the property. */
    @Select("SELECT code AS id, qty FROM labels WHERE code = #{id} AND code = #{id}")
    Map<String, Object> selectByIdTwice(String id);

    /** A dynamic read, with the column labelled as the property. */
    @Select("<script>SELECT code AS id, qty FROM labels <where><if test=\"id != null\">code = #{id}</if></where></script>")
    Map<String, Object> selectByIdDynamic(String id);

    @Insert("INSERT INTO labels (code, qty) VALUES (#{id}, #{qty})")
    int insertRow(Map<String, Object> row);

    @Delete("DELETE FROM labels WHERE code = #{id}")
    int deleteRow(Map<String, Object> row);

    @Delete("DELETE FROM labels WHERE code = #{id}")
    int deleteById(String id);
}
