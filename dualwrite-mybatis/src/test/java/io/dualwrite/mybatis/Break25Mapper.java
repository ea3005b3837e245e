package io.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** Round 25: mapper forms not tried before; their XML is in MyBatisBreak25Test. */
public interface Break25Mapper {

    int insertAllBound(@Param("orders") List<Order> orders);

    int insertTwo(@Param("a") Order a, @Param("b") Order b);
}
