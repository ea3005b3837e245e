package io.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** The eleventh break review's annotated statements on {@code orders}, written as for the old store alone. */
public interface Break11OrderMapper {

    /**
     * A {@code <foreach>} insert of several orders asking for generated keys; the merchant is read through the list
     * by the statement's path. No key property: MyBatis cannot set a BATCH run's keys on a list's elements.
     */
    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='orders' item='o'"
            + " separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})</foreach></script>")
    @Options(useGeneratedKeys = true)
    int insertAll(@Param("orders") List<Order> orders);

    /** Moves every order of one status to another, of whichever merchant: the call carries no id. */
    @Update("UPDATE orders SET status = #{status} WHERE status = #{from}")
    int moveStatus(@Param("from") String from, @Param("status") String status);

    /** Copies a source merchant's orders of one status as the merchant's own: 0, 1 or more rows per call. */
    @Insert("INSERT INTO orders (merchant_no, status, amount) SELECT #{merchantNo}, status, amount FROM orders"
            + " WHERE merchant_no = #{from} AND status = #{status}")
    @Options(useGeneratedKeys = true)
    int copyOrders(@Param("merchantNo") String merchantNo, @Param("from") String from, @Param("status") String status);
}
