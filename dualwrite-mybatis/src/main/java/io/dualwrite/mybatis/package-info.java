/**
 * MyBatis support: an executor {@link org.apache.ibatis.plugin.Interceptor} that opens the
 * {@link io.dualwrite.MigrationContext} of each mapper call from its parameter object, so that mapper-based
 * applications running over a {@code DualWriteDataSource} are routed per order and merchant without opening a
 * context themselves ({@link io.dualwrite.mybatis.MigrationContextInterceptor} with
 * {@link io.dualwrite.mybatis.ContextRules}). The writes themselves go through the data source's JDBC write path
 * (keys synced by the one copier after commit); the interceptor adds only what MyBatis knows: the statement and its
 * parameter.
 *
 * <p>Also: {@link io.dualwrite.mybatis.NewStoreReads} runs a read as its new-store counterpart once the new store
 * is authoritative ({@code NEW_PRIMARY}, {@code NEW_ONLY}); {@link io.dualwrite.mybatis.MapperCopier} makes the
 * user's own mapper statements (a read by key, an upsert and a delete) a table's copier, for a new shape a
 * {@code TableMapping} cannot express; and
 * {@link io.dualwrite.mybatis.DualWriteMappers} serves applications with one {@code SqlSessionFactory} per store and
 * no {@code DualWriteDataSource}, syncing the keys of {@code @DualWrite} mapper methods by state.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.mybatis;
