package io.dualwrite.examples.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The application's XML mapper (ShopOrderXmlMapper.xml), unchanged by the migration. */
public interface ShopOrderXmlMapper {

    int insertAll(@Param("orders") List<ShopOrder> orders);

    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);
}
