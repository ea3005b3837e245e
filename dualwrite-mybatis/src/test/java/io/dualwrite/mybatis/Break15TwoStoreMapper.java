package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/**
 * A mapper known to two session factories whose unmarked writes name their table in forms the statement's first
 * keyword does not directly precede: a comment, a modifier ({@code ONLY}, {@code LOW_PRIORITY}), and a second write
 * keyword that names no table ({@code DO UPDATE SET}, {@code ON DUPLICATE KEY UPDATE}) or sits in a string.
 */
public interface Break15TwoStoreMapper extends TwoStoreRowStatements {

    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(Order order);

    /** Any database: a comment before the table, a string holding another write's words. */
    @Update("UPDATE /* by ops */ orders SET status = 'INSERT INTO log' WHERE merchant_no = #{merchantNo}")
    int markLogged(@Param("merchantNo") String merchantNo);

    /** Any database: a comment between INSERT and INTO. */
    @Insert("INSERT /* by hand */ INTO orders (id, merchant_no, status, amount)"
            + " VALUES (#{id}, #{merchantNo}, #{status}, #{amount})")
    int insertCommented(Order order);

    /** Any database: a comment between DELETE and FROM, a string holding an update's words. */
    @Delete("DELETE /* purge */ FROM orders WHERE id = #{id} AND status <> 'UPDATE x'")
    int purge(@Param("id") long id, @Param("merchantNo") String merchantNo);

    /** PostgreSQL: ONLY before the table. */
    @Update("UPDATE ONLY orders SET status = #{status} WHERE merchant_no = #{merchantNo}")
    int updateOnly(@Param("merchantNo") String merchantNo, @Param("status") String status);

    /** PostgreSQL: ONLY before the table of a delete. */
    @Delete("DELETE FROM ONLY orders WHERE id = #{id}")
    int forgetOnly(@Param("id") long id, @Param("merchantNo") String merchantNo);

    /** PostgreSQL: an upsert whose conflict clause says UPDATE SET, after a comment hid its INSERT INTO. */
    @Insert("INSERT /* upsert */ INTO orders (id, merchant_no, status, amount)"
            + " VALUES (#{id}, #{merchantNo}, #{status}, #{amount}) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status")
    int upsertPostgres(Order order);

    /** MariaDB: a modifier before INTO, and the duplicate clause's UPDATE naming a column. */
    @Insert("INSERT LOW_PRIORITY INTO orders (id, merchant_no, status, amount)"
            + " VALUES (#{id}, #{merchantNo}, #{status}, #{amount}) ON DUPLICATE KEY UPDATE status = VALUES(status)")
    int upsertMariaDb(Order order);

    /** MariaDB: a modifier before the table of a REPLACE, whose string holds a delete's words. */
    @Insert("REPLACE LOW_PRIORITY INTO orders (id, merchant_no, status, amount)"
            + " VALUES (#{id}, #{merchantNo}, 'DELETE FROM log', #{amount})")
    int replaceMariaDb(Order order);

    /** MariaDB: INSERT without INTO, with the duplicate clause. */
    @Insert("INSERT orders (id, merchant_no, status, amount)"
            + " VALUES (#{id}, #{merchantNo}, #{status}, #{amount}) ON DUPLICATE KEY UPDATE status = VALUES(status)")
    int upsertMariaDbWithoutInto(Order order);
}
