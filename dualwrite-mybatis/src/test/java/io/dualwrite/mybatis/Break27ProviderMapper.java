package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.InsertProvider;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.UpdateProvider;

/**
 * Round 27: statements whose provider makes another value from the merchant id (prefixed, zero-padded, reformatted)
 * before writing it into the SQL, and guards whose SQL does not write the merchant at all.
 */
public interface Break27ProviderMapper {

    /** Providers: the merchant column receives a value the method derives from the parameter's id. */
    final class Sql {
        public static String insertPrefixed(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('m-" + order.getMerchantNo().strip()
                    + "', #{status}, #{amount})";
        }

        public static String insertPadded(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('"
                    + String.format(java.util.Locale.ROOT, "M%03d", Integer.parseInt(order.getMerchantNo().strip()))
                    + "', #{status}, #{amount})";
        }

        public static String insertUnpadded(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('m-"
                    + Integer.parseInt(order.getMerchantNo().strip()) + "', #{status}, #{amount})";
        }

        public static String updatePrefixed(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                            @Param("status") String status) {
            return "UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = 'm-" + merchantNo + "'";
        }

        public static String updateById(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                        @Param("status") String status) {
            return "UPDATE orders SET status = #{status} WHERE id = #{id}";
        }

        public static String payById(@Param("id") long id, @Param("merchantNo") String merchantNo) {
            return "UPDATE orders SET status = 'PAID' WHERE id = #{id}";
        }
    }

    @InsertProvider(type = Sql.class, method = "insertPrefixed")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertPrefixed(Order order);

    @InsertProvider(type = Sql.class, method = "insertPadded")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertPadded(Order order);

    @InsertProvider(type = Sql.class, method = "insertUnpadded")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertUnpadded(Order order);

    @UpdateProvider(type = Sql.class, method = "updatePrefixed")
    int updatePrefixed(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @UpdateProvider(type = Sql.class, method = "updateById")
    int updateById(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @UpdateProvider(type = Sql.class, method = "payById")
    int payById(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
