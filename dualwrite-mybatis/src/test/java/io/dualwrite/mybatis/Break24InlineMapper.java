package io.dualwrite.mybatis;

import io.dualwrite.mybatis.Break23InlineHandlerMapper.MerchantOrder;
import org.apache.ibatis.annotations.Param;

/**
 * Round 24: a merchant bound through a type handler the statement names inline, in dynamic SQL ({@code <choose>},
 * {@code <set>}, {@code <where>}, {@code <if>}, {@code <foreach>}); the statements are XML, in MyBatisBreak24Test.
 */
public interface Break24InlineMapper {

    int insertDynamic(MerchantOrder order);

    int updateDynamic(@Param("order") MerchantOrder order, @Param("status") String status);

    int insertAll(@Param("orders") java.util.List<MerchantOrder> orders);
}
