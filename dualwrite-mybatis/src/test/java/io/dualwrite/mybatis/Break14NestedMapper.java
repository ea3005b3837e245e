package io.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;

/** Inserts of orders given in groups: a list of lists, and an array of lists, each written by a nested foreach. */
public interface Break14NestedMapper {

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='groups' item='g'"
            + " separator=','><foreach collection='g' item='o' separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})"
            + "</foreach></foreach></script>")
    int insertGroups(@Param("groups") List<List<Order>> groups);

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='groups' item='g'"
            + " separator=','><foreach collection='g' item='o' separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})"
            + "</foreach></foreach></script>")
    int insertGroupArray(@Param("groups") List<Order>[] groups);
}
