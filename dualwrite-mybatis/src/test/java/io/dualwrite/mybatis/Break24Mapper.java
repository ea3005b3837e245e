package io.dualwrite.mybatis;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Param;

/**
 * Round 24: statements whose SQL is made per call ({@code <bind>}, {@code <if>}, {@code ${}}); their XML is in
 * MyBatisBreak24Test.
 */
public interface Break24Mapper {

    /** An order as a record: MyBatis reads its components. */
    record RecordOrder(String merchantNo, String status, BigDecimal amount) {
    }

    int insertBound(Order order);

    int insertLowered(Order order);

    int insertShadowed(Order order);

    int insertLabelled(Order order);

    int insertPrefixed(Order order);

    int insertTrimmedDollar(Order order);

    int insertPrefixedDollar(Order order);

    /** Annotated SQL with a substitution and no script: its root node is the text itself. */
    @org.apache.ibatis.annotations.Insert("INSERT INTO orders (merchant_no, status, amount)"
            + " VALUES ('${merchantNo.strip()}', #{status}, #{amount})")
    int insertAnnotatedDollar(Order order);

    int updateBound(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    int insertDollar(Order order);

    int insertRecord(RecordOrder order);

    int insertNested(@Param("order") Map<String, Object> order);

    int insertChosen(@Param("orders") List<Order> orders);

    int updateTrimmed(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);
}
