package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Result;
import org.apache.ibatis.annotations.Results;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * Round 23: a table whose rows' key property is neither {@code id} nor named by the marked statement's
 * {@code keyProperty}: {@code tags} keyed {@code code}.
 */
public interface Break23Mapper {

    /** A row of {@code tags}. */
    class Tag {
        private String code;
        private Integer qty;

        public String getCode() {
            return code;
        }

        public void setCode(String code) {
            this.code = code;
        }

        public Integer getQty() {
            return qty;
        }

        public void setQty(Integer qty) {
            this.qty = qty;
        }
    }

    /** A row of {@code tags} whose {@code label} holds the same text as its key. */
    class LabelledTag extends Tag {
        private String label;

        public String getLabel() {
            return label;
        }

        public void setLabel(String label) {
            this.label = label;
        }
    }

    @Select("SELECT code, qty FROM tags WHERE code = #{code}")
    Tag selectTag(String code);

    @Results(id = "mappedTag", value = {@Result(id = true, property = "code", column = "code"),
            @Result(property = "qty", column = "qty"), @Result(property = "label", column = "label")})
    @Select("SELECT code, qty, code AS label FROM tags WHERE code = #{code}")
    LabelledTag selectTagMapped(String code);

    @Select("SELECT code, qty, UPPER(code) AS label FROM tags WHERE code = #{code}")
    LabelledTag selectTagLabelled(String code);

    @Insert("INSERT INTO tags (code, qty) VALUES (#{code}, #{qty})")
    int insertTag(Tag row);

    @Delete("DELETE FROM tags WHERE code = #{code}")
    int deleteTagRow(Tag row);

    @Delete("DELETE FROM tags WHERE code = #{code}")
    int deleteTag(String code);

    @DualWrite(table = "tags", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE tags SET qty = #{qty} WHERE code = #{code}")
    int updateTagQty(@Param("code") String code, @Param("qty") int qty);

    @DualWrite(table = "tags", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM tags WHERE code = #{code}")
    int removeTag(String code);
}
