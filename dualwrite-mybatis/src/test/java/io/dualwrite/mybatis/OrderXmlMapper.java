package io.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** A mapper whose statements are in OrderXmlMapper.xml. */
public interface OrderXmlMapper {

    int insertAll(@Param("orders") List<Order> orders);

    int changeStatus(OrderChange change);

    int deleteByStatus(@Param("shop") String merchantNo, @Param("status") String status);
}
