package io.dualwrite.mybatis;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ibatis.annotations.CacheNamespace;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.InsertProvider;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.SelectKey;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.annotations.UpdateProvider;

/**
 * Round 27b: providers writing a merchant value computed without the id's text (a look-up table, a hash), a
 * {@code String} handler for one JDBC type, a value-object id, {@code selectKey}s, {@code <foreach>} writes, a
 * {@code Map} parameter and a cached read.
 */
@CacheNamespace(readWrite = false)
public interface Break27bMapper {

    /** Providers: the merchant column receives a value looked up or hashed from the parameter's id. */
    final class Sql {
        /** The application's code table: its merchants' external codes → the merchant numbers the column holds. */
        static final Map<String, String> CODES = Map.of("acme", "m-1", "globex", "m-2");

        /** A shard name computed from the code: no text of the code in it. */
        static String shard(String code) {
            return "s" + Math.floorMod(code.toLowerCase(Locale.ROOT).hashCode(), 97);
        }

        public static String insertLookedUp(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + CODES.get(order.getMerchantNo())
                    + "', #{status}, #{amount})";
        }

        public static String insertLookedUpRecord(Break27bOrderRecord order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + CODES.get(order.merchantNo())
                    + "', #{status}, #{amount})";
        }

        public static String insertHashed(Order order) {
            return "INSERT INTO orders (merchant_no, status, amount) VALUES ('" + shard(order.getMerchantNo())
                    + "', #{status}, #{amount})";
        }

        public static String updateLookedUp(@Param("id") long id, @Param("merchantNo") String merchantNo,
                                            @Param("status") String status) {
            return "UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = '" + CODES.get(merchantNo)
                    + "'";
        }
    }

    @InsertProvider(type = Sql.class, method = "insertLookedUp")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertLookedUp(Order order);

    @InsertProvider(type = Sql.class, method = "insertLookedUpRecord")
    int insertLookedUpRecord(Break27bOrderRecord order);

    @InsertProvider(type = Sql.class, method = "insertHashed")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertHashed(Order order);

    @UpdateProvider(type = Sql.class, method = "updateLookedUp")
    int updateLookedUp(@Param("id") long id, @Param("merchantNo") String merchantNo, @Param("status") String status);

    /** Bound with a JDBC type, so that a handler registered for String under VARCHAR only binds it. */
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo, jdbcType=VARCHAR}, #{status},"
            + " #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertVarchar(Order order);

    /** The same in dynamic SQL ({@code <trim>}, {@code <if>}): its mappings are made per call. */
    @Insert("<script>INSERT INTO orders <trim prefix='(' suffix=')' suffixOverrides=','>merchant_no, status,"
            + " <if test='amount != null'>amount,</if></trim> VALUES <trim prefix='(' suffix=')' suffixOverrides=','>"
            + "#{merchantNo, jdbcType=VARCHAR}, #{status}, <if test='amount != null'>#{amount},</if></trim></script>")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insertVarcharDynamic(Order order);

    /** A multi-row insert binding each element's merchant with a JDBC type. */
    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='list' item='o'"
            + " separator=','>(#{o.merchantNo, jdbcType=VARCHAR}, #{o.status}, #{o.amount})</foreach></script>")
    int insertAllVarchar(List<Order> orders);

    /** A value-object merchant id, bound through the handler registered for its type. */
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    int insertWithMerchantId(@Param("merchantNo") Break27bMerchantId merchantNo, @Param("status") String status,
                             @Param("amount") java.math.BigDecimal amount);

    /** A plain Map parameter. */
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    int insertMap(Map<String, Object> row);

    @Insert("<script>INSERT INTO orders (merchant_no, status, amount) VALUES <foreach collection='list' item='o'"
            + " separator=','>(#{o.merchantNo}, #{o.status}, #{o.amount})</foreach></script>")
    @Options(useGeneratedKeys = true, keyProperty = "list.id", keyColumn = "id")
    int insertAll(List<Order> orders);

    /** One update of rows of several merchants, named by the orders' list. */
    @Update("<script>UPDATE orders SET status = #{status} WHERE id IN <foreach collection='orders' item='o' open='('"
            + " separator=',' close=')'>#{o.id}</foreach></script>")
    int payAll(@Param("orders") List<Order> orders, @Param("status") String status);

    /** One update of rows of several merchants, named by a list of merchant numbers under the path's name. */
    @Update("<script>UPDATE orders SET status = #{status} WHERE merchant_no IN <foreach collection='merchantNo'"
            + " item='m' open='(' separator=',' close=')'>#{m}</foreach></script>")
    int payMerchants(@Param("merchantNo") List<String> merchantNo, @Param("status") String status);

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT NEXT VALUE FOR order_ids", keyProperty = "id", before = true, resultType = Long.class)
    int insertKeyedBeforeBySequence(Order order);

    @Insert("INSERT INTO orders (id, merchant_no, status, amount) VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT nextval('order_ids')", keyProperty = "id", before = true, resultType = Long.class)
    int insertKeyedBeforeByNextval(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT MAX(id) FROM orders", keyProperty = "id", before = false, resultType = Long.class)
    int insertKeyedAfter(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT LAST_INSERT_ID()", keyProperty = "id", before = false, resultType = Long.class)
    int insertKeyedByLastInsertId(Order order);

    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @SelectKey(statement = "SELECT lastval()", keyProperty = "id", before = false, resultType = Long.class)
    int insertKeyedByLastval(Order order);

    @InsertProvider(type = Sql.class, method = "insertLookedUp")
    @SelectKey(statement = "SELECT LAST_INSERT_ID()", keyProperty = "id", before = false, resultType = Long.class)
    int insertLookedUpKeyedByLastInsertId(Order order);

    @InsertProvider(type = Sql.class, method = "insertLookedUp")
    @SelectKey(statement = "SELECT lastval()", keyProperty = "id", before = false, resultType = Long.class)
    int insertLookedUpKeyedByLastval(Order order);

    @Select("SELECT id, merchant_no AS merchantNo, status, amount FROM orders WHERE id = #{id} AND merchant_no ="
            + " #{merchantNo}")
    Order selectCached(@Param("id") long id, @Param("merchantNo") String merchantNo);
}
