package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;

/** A mapper known to two session factories (old and new store, same table), its multi-row insert marked. */
public interface Break11TwoStoreMapper extends TwoStoreRowStatements {

    /** A {@code <foreach>} insert of several orders, of one merchant or several; each element gets its key. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='orders' item='o'"
            + " separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})</foreach></script>")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertAll(@Param("orders") List<Order> orders);

    /** Deletes several orders by id; each id is an order of its own phase. */
    @DualWrite(table = "orders", key = 0, operation = Operation.DELETE)
    @Delete("<script>DELETE FROM orders WHERE id IN <foreach collection='ids' item='id' open='(' separator=','"
            + " close=')'>#{id}</foreach></script>")
    int deleteAll(@Param("ids") List<Long> ids);
}
