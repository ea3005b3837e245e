/**
 * MyBatis support: an executor {@link org.apache.ibatis.plugin.Interceptor} that opens the
 * {@link io.dualwrite.MigrationContext} of each mapper call from its parameter object, so that mapper-based
 * applications running over a {@code DualWriteDataSource} are routed per order and merchant without opening a
 * context themselves. The writes themselves go through the data source's JDBC write path (keys synced by the
 * one copier after commit); this package adds only what MyBatis knows: the statement and its parameter.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.mybatis;
