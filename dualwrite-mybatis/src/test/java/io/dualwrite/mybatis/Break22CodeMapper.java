package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;

/** Round 22: a table keyed by text whose rows are beans, so that every database's column label case reads alike. */
public interface Break22CodeMapper {

    /** A row of {@code codes}. */
    class Code {
        private String id;
        private Integer qty;

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public Integer getQty() {
            return qty;
        }

        public void setQty(Integer qty) {
            this.qty = qty;
        }
    }

    @Select("SELECT id, qty FROM codes WHERE id = #{id}")
    Code selectById(String id);

    @Insert("INSERT INTO codes (id, qty) VALUES (#{id}, #{qty})")
    int insertRow(Code row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteRow(Code row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteById(String id);
}
