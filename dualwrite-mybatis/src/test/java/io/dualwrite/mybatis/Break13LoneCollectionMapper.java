package io.dualwrite.mybatis;

import java.util.List;
import java.util.Set;
import org.apache.ibatis.annotations.Insert;

/**
 * {@code <foreach>} inserts of one argument without {@code @Param}: a list, a set and an array, which MyBatis passes as
 * a map naming the argument {@code collection}/{@code list}/{@code array} (as fits its type) and by its own name.
 */
public interface Break13LoneCollectionMapper {

    String VALUES = " VALUES <foreach collection='orders' item='o' separator=','>(#{o.merchantNo}, #{o.status},"
            + " #{o.amount})</foreach></script>";

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount)" + VALUES)
    int insertList(List<Order> orders);

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount)" + VALUES)
    int insertSet(Set<Order> orders);

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount)" + VALUES)
    int insertArray(Order[] orders);
}
