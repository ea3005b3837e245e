package io.dualwrite.mybatis;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.InsertProvider;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.UpdateProvider;

/**
 * Round 28: providers that count their calls (a side effect) or write a counter into their SQL (another SQL per
 * call), and providers and binds reading the merchant id under another name of the same argument ({@code param1}).
 */
public interface Break28Mapper {

    /** Providers; {@link #CALLS} counts every call of any of them. */
    final class Sql {
        static final AtomicInteger CALLS = new AtomicInteger();

        public static String insertCounted(Order order) {
            CALLS.incrementAndGet();
            return "INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})";
        }

        /** Another SQL on each call: the status holds the call's number. */
        public static String insertStamped(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, 'NEW-"
                    + CALLS.incrementAndGet() + "', #{amount})";
        }

        public static String insertPrefixedCounted(Order order) {
            CALLS.incrementAndGet();
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('m-" + order.getMerchantNo().strip()
                    + "', #{status}, #{amount})";
        }

        public static String updateCountedById(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                               @Param("status") String status) {
            CALLS.incrementAndGet();
            return "UPDATE orders SET status = #{status} WHERE id = #{id}";
        }

        /** An update by key writing the call's number: a literal that does not hold the id, another on each call. */
        public static String payStampedById(@Param("id") long id, @Param("merchantNo") String merchantNo) {
            return "UPDATE orders SET status = 'PAID-" + CALLS.incrementAndGet() + "' WHERE id = #{id}";
        }

        /** A status holding the number of its evaluation, for a bind: {@code NEW-1} on the first. */
        public static String stamp() {
            return "NEW-" + CALLS.incrementAndGet();
        }

        /** Reads the merchant's code by MyBatis' positional name, not by the {@code @Param} name the rules use. */
        public static String insertLookedUpByPosition(Map<String, Object> params) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('"
                    + Break27bMapper.Sql.CODES.get((String) params.get("param1")) + "', #{status}, #{amount})";
        }

        /** A plain map parameter, the code looked up from its entry. */
        public static String insertLookedUpFromMap(Map<String, Object> row) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('"
                    + Break27bMapper.Sql.CODES.get((String) row.get("merchantNo")) + "', #{status}, #{amount})";
        }
    }

    @InsertProvider(type = Sql.class, method = "insertCounted")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertCounted(Order order);

    @InsertProvider(type = Sql.class, method = "insertStamped")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertStamped(Order order);

    @InsertProvider(type = Sql.class, method = "insertPrefixedCounted")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertPrefixedCounted(Order order);

    @UpdateProvider(type = Sql.class, method = "updateCountedById")
    int updateCountedById(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    @UpdateProvider(type = Sql.class, method = "payStampedById")
    int payStampedById(@Param("id") long id, @Param("merchantNo") String merchantNo);

    @InsertProvider(type = Sql.class, method = "insertLookedUpByPosition")
    int insertLookedUpByPosition(@Param("merchantNo") String merchantNo, @Param("status") String status,
                                 @Param("amount") BigDecimal amount);

    @InsertProvider(type = Sql.class, method = "insertLookedUpFromMap")
    int insertLookedUpFromMap(Map<String, Object> row);

    /** A bind reading the merchant by MyBatis' positional name: the column receives it trimmed. */
    @Insert("<script><bind name='m' value='param1.trim()'/>INSERT INTO orders (merchant_no, status, amount)"
            + " VALUES (#{m}, #{status}, #{amount})</script>")
    int insertBoundByPosition(@Param("merchantNo") String merchantNo, @Param("status") String status,
                              @Param("amount") BigDecimal amount);

    /** The same by a substitution of the positional name. */
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES ('${param1.strip()}', #{status}, #{amount})")
    int insertSubstitutedByPosition(@Param("merchantNo") String merchantNo, @Param("status") String status,
                                    @Param("amount") BigDecimal amount);

    /** A dynamic insert whose SQL is made for its ids (a bind reads the id), another bind counting its evaluations. */
    @Insert("<script><bind name='m' value='merchantNo.trim()'/>"
            + "<bind name='stamp' value='@io.dualwrite.mybatis.Break28Mapper$Sql@stamp()'/>"
            + "INSERT INTO orders (merchant_no, status, amount) VALUES (#{m}, #{stamp}, #{amount})</script>")
    int insertBoundStamped(Order order);
}
