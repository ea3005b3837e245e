package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The {@code codes (id, qty, tag)} table of {@link KeyFormsMyBatisBreak2Test}; rows are {@link Code} beans. */
public interface KeyFormsBreak2Mapper {

    /** A row of {@code codes}; {@code seq} is a surrogate some tables have. */
    final class Code {
        private String id;
        private Integer qty;
        private String tag;
        private Long seq;

        public Code() {
        }

        public Code(String id, int qty, String tag) {
            this.id = id;
            this.qty = qty;
            this.tag = tag;
        }

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

        public String getTag() {
            return tag;
        }

        public void setTag(String tag) {
            this.tag = tag;
        }

        public Long getSeq() {
            return seq;
        }

        public void setSeq(Long seq) {
            this.seq = seq;
        }
    }

    // ------------------------------------------------------------ marked writes

    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int insert(Code row);

    /** Asks for the generated surrogate {@code seq}; the table's key is {@code id}. */
    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    @Options(useGeneratedKeys = true, keyProperty = "seq", keyColumn = "seq")
    int insertReturningSeq(Code row);

    /** The database generates the key (AUTO_INCREMENT, or whatever a trigger sets). */
    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (qty, tag) VALUES (#{qty}, #{tag,jdbcType=VARCHAR})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertGenerated(Code row);

    /** The database fills the key by its column DEFAULT; no generated keys asked for. */
    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (qty, tag) VALUES (#{qty}, #{tag,jdbcType=VARCHAR})")
    int insertWithDefaultKey(Code row);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPSERT)
    @Insert("REPLACE INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int replace(Code row);

    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("<script>INSERT INTO codes (id, qty, tag) VALUES <foreach collection='list' item='r' separator=','>"
            + "(#{r.id}, #{r.qty}, #{r.tag,jdbcType=VARCHAR})</foreach></script>")
    int insertAll(List<Code> rows);

    @DualWrite(table = "codes", key = DualWrite.ORDER_ID, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteOrder(@Param("id") String id);

    @DualWrite(table = "codes", key = 0, operation = Operation.DELETE)
    @Delete("DELETE FROM codes WHERE id = #{id}")
    int delete(@Param("id") String id);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPDATE)
    @Update("UPDATE codes SET qty = #{qty} WHERE id = #{id}")
    int updateQty(@Param("id") String id, @Param("qty") int qty);

    /** A generated key into a {@code @Param}-named bean: MyBatis wants keyProperty "row.id". */
    @DualWrite(table = "codes", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO codes (qty, tag) VALUES (#{row.qty}, #{row.tag,jdbcType=VARCHAR})")
    @Options(useGeneratedKeys = true, keyProperty = "row.id", keyColumn = "id")
    int insertGeneratedNamed(@Param("row") Code row);

    @DualWrite(table = "codes", key = 0, operation = Operation.UPSERT)
    @Insert("MERGE INTO codes (id, qty, tag) KEY (id) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int merge(Code row);

    // ------------------------------------------------------------ unmarked (the tables' statements, and plain writes)

    @Select("SELECT id, qty, tag FROM codes WHERE id = #{id}")
    Code selectById(String id);

    @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int insertRow(Code row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteRow(Code row);

    @Delete("DELETE FROM codes WHERE id = #{id}")
    int deleteById(String id);

    @Insert("REPLACE INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int replaceRow(Code row);

    @Insert("MERGE INTO codes (id, qty, tag) KEY (id) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
    int mergeRow(Code row);

    /** An insert run as a MyBatis select (MariaDB's INSERT … RETURNING): MyBatis does not count it as a change. */
    @Select("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR}) RETURNING id")
    @Options(flushCache = Options.FlushCachePolicy.TRUE)
    String insertReturning(Code row);
}
