package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.InsertProvider;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.UpdateProvider;

/** Round 26: statements whose provider writes the merchant id into the SQL text as the Java code makes it. */
public interface Break26ProviderMapper {

    /** Providers: the merchant written as a literal the method normalises (or as it is, or bound). */
    final class Sql {
        public static String insertTrimmed(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + order.getMerchantNo().trim()
                    + "', #{status}, #{amount})";
        }

        public static String insertLowered(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('"
                    + order.getMerchantNo().strip().toLowerCase(java.util.Locale.ROOT) + "', #{status}, #{amount})";
        }

        public static String insertAsGiven(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + order.getMerchantNo()
                    + "', #{status}, #{amount})";
        }

        public static String insertTwoSpellings(Order order) {
            String merchant = order.getMerchantNo().strip();
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + merchant.toLowerCase(java.util.Locale.ROOT)
                    + "', #{status}, #{amount}), ('" + merchant.toUpperCase(java.util.Locale.ROOT) + "', #{status}, 9.00)";
        }

        public static String updateStatusLowered(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                                 @Param("status") String status) {
            return "UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = '"
                    + merchantNo.strip().toLowerCase(java.util.Locale.ROOT) + "'";
        }

        public static String updateStatusBound(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                               @Param("status") String status) {
            return "UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{merchantNo}";
        }
    }

    @InsertProvider(type = Sql.class, method = "insertTrimmed")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertTrimmed(Order order);

    @InsertProvider(type = Sql.class, method = "insertLowered")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertLowered(Order order);

    @InsertProvider(type = Sql.class, method = "insertAsGiven")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertAsGiven(Order order);

    @InsertProvider(type = Sql.class, method = "insertTwoSpellings")
    int insertTwoSpellings(Order order);

    @UpdateProvider(type = Sql.class, method = "updateStatusLowered")
    int updateStatusLowered(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @UpdateProvider(type = Sql.class, method = "updateStatusBound")
    int updateStatusBound(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);
}
