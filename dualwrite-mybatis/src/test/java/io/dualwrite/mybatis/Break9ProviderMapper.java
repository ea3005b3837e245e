package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.InsertProvider;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.UpdateProvider;

/** Statements whose SQL a provider writes per call (a different text by the parameter), and a PostgreSQL RETURNING. */
public interface Break9ProviderMapper {

    /** Writes the status as a literal when the order has none: two SQL texts for one statement. */
    final class Sql {
        public static String insert(Order order) {
            return order.getStatus() == null
                    ? "INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, 'NEW', #{amount})"
                    : "INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})";
        }

        public static String updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                          @Param("status") String status) {
            return status == null ? "UPDATE orders SET status = 'NONE' WHERE id = #{id}"
                    : "UPDATE orders SET status = #{status} WHERE id = #{id}";
        }
    }

    @InsertProvider(type = Sql.class, method = "insert")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    @UpdateProvider(type = Sql.class, method = "updateStatus")
    int updateStatus(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    /** PostgreSQL: an insert that skips a row whose unique amount is taken (reports no key for it). */
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})"
            + " ON CONFLICT DO NOTHING")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertUnlessTaken(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount}) RETURNING id")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertReturning(Order order);
}
