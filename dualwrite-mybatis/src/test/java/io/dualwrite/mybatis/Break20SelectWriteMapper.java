package io.dualwrite.mybatis;

import org.apache.ibatis.annotations.Select;

/** An insert MyBatis runs as a select (so a session that only ran it is not dirty): PostgreSQL and MariaDB. */
public interface Break20SelectWriteMapper {

    @Select("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount}) RETURNING id")
    Long insertReturning(Order order);
}
