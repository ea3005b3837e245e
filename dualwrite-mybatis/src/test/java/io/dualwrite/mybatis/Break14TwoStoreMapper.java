package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import java.util.List;

/**
 * A mapper known to two session factories (old and new store, same table): its insert is marked, and it has writes
 * that are not, as mappers grown over years do.
 */
public interface Break14TwoStoreMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    /** Not marked: a delete by key. */
    @Delete("DELETE FROM orders WHERE id = #{id}")
    int forget(@Param("id") long id, @Param("merchantNo") String merchantNo);

    /** Not marked: an update of every row of a merchant. */
    @Update("UPDATE orders SET status = #{status} WHERE merchant_no = #{merchantNo}")
    int updateAllOf(@Param("merchantNo") String merchantNo, @Param("status") String status);

    /** Not marked: an insert run as a MyBatis select (H2's data change delta table), returning the generated key. */
    @Select("SELECT id FROM FINAL TABLE (INSERT INTO orders (merchant_no, status, amount)"
            + " VALUES (#{merchantNo}, #{status}, #{amount}))")
    Long insertReturningId(Order order);

    /** Not marked: a read, which stays a read. */
    @Select("SELECT COUNT(*) FROM orders WHERE merchant_no = #{merchantNo}")
    long countOf(@Param("merchantNo") String merchantNo);

    /** Not marked: a default method whose body calls an unmarked write. */
    default int forgetTwice(long id, String merchantNo) {
        return forget(id, merchantNo) + forget(id, merchantNo);
    }

    /** Marked: orders given in groups with their ids (a nested foreach), a list of lists. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("<script>INSERT INTO orders (id, merchant_no, status, amount) VALUES <foreach collection='groups' item='g'"
            + " separator=','><foreach collection='g' item='o' separator=','>(#{o.id}, #{o.merchantNo}, #{o.status},"
            + " #{o.amount})</foreach></foreach></script>")
    int insertGroups(@Param("groups") List<List<Order>> groups);

    /** Marked: the same, an array of lists. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("<script>INSERT INTO orders (id, merchant_no, status, amount) VALUES <foreach collection='groups' item='g'"
            + " separator=','><foreach collection='g' item='o' separator=','>(#{o.id}, #{o.merchantNo}, #{o.status},"
            + " #{o.amount})</foreach></foreach></script>")
    int insertGroupArray(@Param("groups") List<Order>[] groups);
}
