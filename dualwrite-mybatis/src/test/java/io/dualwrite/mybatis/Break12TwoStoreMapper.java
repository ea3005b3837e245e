package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;

/**
 * The twelfth break review's mapper of two session factories (same table on both stores): inserts that take back
 * several generated columns, the table's key not the first of them.
 */
public interface Break12TwoStoreMapper extends TwoStoreRowStatements {

    /** Takes back the merchant as the store holds it and the generated id, in that order. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "merchantNo,id", keyColumn = "merchant_no,id")
    int insert(Order order);

    /** The same through a {@code @Param} name. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{row.merchantNo}, #{row.status}, #{row.amount})")
    @Options(useGeneratedKeys = true, keyProperty = "row.status,row.id", keyColumn = "status,id")
    int insertRow(@Param("row") Order order);

    /** A {@code <foreach>} insert of several orders taking back two columns of each. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='orders' item='o'"
            + " separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})</foreach></script>")
    @Options(useGeneratedKeys = true, keyProperty = "orders.merchantNo,orders.id", keyColumn = "merchant_no,id")
    int insertAll(@Param("orders") List<Order> orders);

    /** Synced by the context's order id: here the key the database generates. */
    @DualWrite(table = "orders", key = DualWrite.ORDER_ID, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertByOrderId(Order order);


    /** An upsert written against another row type: {@link Order} has no {@code merchant}. */
    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchant}, #{status}, #{amount})")
    int insertWithMerchant(Order order);
}
