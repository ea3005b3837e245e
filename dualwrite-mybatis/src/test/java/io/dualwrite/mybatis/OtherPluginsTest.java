package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ExecutorPlugin}: the interceptor beside another plugin that wraps the Executor too (as
 * PageHelper does: it intercepts the 4-argument query and calls the 6-argument one on its target), installed
 * before ours (in mybatis-config.xml, so inner) or after ours (outer); with and without MyBatis' cache.
 */
class OtherPluginsTest {

    /** A PageHelper-like plugin: counts updates, turns each 4-argument query into the 6-argument one. */
    @Intercepts({
            @Signature(type = Executor.class, method = "update", args = {MappedStatement.class, Object.class}),
            @Signature(type = Executor.class, method = "query",
                    args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class})})
    static final class PagingLike implements Interceptor {
        final AtomicInteger updates = new AtomicInteger();
        final AtomicInteger queries = new AtomicInteger();

        @Override
        public Object intercept(Invocation invocation) throws Throwable {
            if (invocation.getMethod().getName().equals("update")) {
                updates.incrementAndGet();
                return invocation.proceed();
            }
            queries.incrementAndGet();
            Executor executor = (Executor) invocation.getTarget();
            Object[] args = invocation.getArgs();
            MappedStatement statement = (MappedStatement) args[0];
            BoundSql bound = statement.getBoundSql(args[1]);
            CacheKey key = executor.createCacheKey(statement, args[1], (RowBounds) args[2], bound);
            return executor.query(statement, args[1], (RowBounds) args[2], (ResultHandler<?>) args[3], key, bound);
        }
    }

    private static SqlSessionFactory sessions(MyBatisStores stores, boolean otherFirst, boolean cache,
                                              PagingLike other) {
        Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(),
                stores.dataSource));
        configuration.setCacheEnabled(cache);
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        if (otherFirst) {
            configuration.addInterceptor(other);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES);
        } else {
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES);
            configuration.addInterceptor(other);
        }
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    @ParameterizedTest(name = "other plugin first (inner): {0}, cacheEnabled: {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void aBatchOfOneMerchantIsMirroredWhateverThePluginOrder(boolean otherFirst, boolean cache) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            PagingLike other = new PagingLike();
            SqlSessionFactory sessions = sessions(stores, otherFirst, cache, other);
            List<Order> batched = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batched.add(new Order("m-1", "NEW", i + ".50"));
            }
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                batched.forEach(orders::insert);
                session.commit();
            }

            assertThat(other.updates).hasValue(5);
            Map<Long, String> oldRows = stores.oldRows();
            assertThat(oldRows).hasSize(5);
            assertThat(stores.newRows()).as("merchant m-1 is in DUAL_WRITE: its batch is in both stores")
                    .isEqualTo(oldRows);
        }
    }

    @ParameterizedTest(name = "other plugin first (inner): {0}")
    @CsvSource({"true", "false"})
    void aReadThroughAnotherPluginAndAnUpdateInTheSameBatchSessionKeepTheContext(boolean otherFirst) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            PagingLike other = new PagingLike();
            SqlSessionFactory sessions = sessions(stores, otherFirst, true, other);
            Order first = new Order("m-1", "NEW", "1.00");
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                orders.insert(first);
                orders.insert(new Order("m-1", "NEW", "2.00"));
                // a query flushes the batch first
                assertThat(orders.selectByMerchant(-1, "m-1")).isNull();
                session.commit();
            }

            assertThat(other.queries.get()).isPositive();
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        }
    }

    @ParameterizedTest(name = "other plugin first (inner): {0}, executor {1}")
    @CsvSource({"true, SIMPLE", "false, SIMPLE", "true, REUSE", "false, REUSE", "true, BATCH", "false, BATCH"})
    void anSqlErrorReachesTheCallerAsWithoutTheInterceptor(boolean otherFirst, ExecutorType type) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Throwable withOurs = insertNullStatus(sessions(stores, otherFirst, true, new PagingLike()), type);
            Throwable without = insertNullStatus(MyBatisStores.sessions(stores.oldDb.dataSource(), false), type);

            assertThat(withOurs).isNotNull().hasSameClassAs(without);
            assertThat(chain(withOurs)).doesNotHaveAnyElementsOfTypes(UndeclaredThrowableException.class,
                    InvocationTargetException.class).hasAtLeastOneElementOfType(SQLException.class);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).isEmpty();
        }
    }

    private static Throwable insertNullStatus(SqlSessionFactory sessions, ExecutorType type) {
        try (SqlSession session = sessions.openSession(type)) {
            return catchThrowable(() -> {
                session.getMapper(OrderMapper.class).insert(new Order("m-1", null, "1.00"));
                session.commit();
            });
        }
    }

    private static List<Throwable> chain(Throwable top) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = top; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }

    @Test
    void theExecutorProxyAnswersObjectMethodsWithoutFailing() throws Exception {
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(),
                    stores.dataSource));
            configuration.addMapper(OrderMapper.class);
            configuration.addMapper(OrderXmlMapper.class);
            MigrationContextInterceptor.install(configuration, MyBatisStores.RULES);
            Executor executor = configuration.newExecutor(
                    new JdbcTransactionFactory().newTransaction(stores.dataSource, null, true), ExecutorType.SIMPLE);
            assertThat(executor.toString()).isNotBlank();
            assertThat(executor.hashCode()).isEqualTo(executor.hashCode());
            executor.close(false);
        }
    }
}
