package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mybatis.spring.SqlSessionTemplate;
import org.mybatis.spring.transaction.SpringManagedTransactionFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * mybatis-spring: mapper calls through SqlSessionTemplate inside Spring transactions (SpringManagedTransaction,
 * SIMPLE and BATCH executors) are synced after the commit only, and a rolled-back transaction leaves nothing in
 * the new store. Ends comparing both stores row by row with plain JDBC.
 */
class SpringManagedTransactionTest {

    private static SqlSessionFactory springSessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("spring", new SpringManagedTransactionFactory(), stores.dataSource));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void committedSpringTransactionsAreSyncedAndARolledBackOneLeavesNothing(TestDatabases.Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = springSessions(stores);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(stores.dataSource));
            SqlSessionTemplate simple = new SqlSessionTemplate(sessions);
            SqlSessionTemplate batch = new SqlSessionTemplate(sessions, ExecutorType.BATCH);

            Order first = new Order("m-1", "NEW", "1.00");
            transactions.executeWithoutResult(status -> {
                simple.getMapper(OrderMapper.class).insert(first);
                simple.getMapper(OrderXmlMapper.class).insertAll(List.of(new Order("m-1", "NEW", "2.00")));
                simple.getMapper(OrderMapper.class).updateStatus(first.getId(), "m-1", "PAID");
                assertThat(stores.newRows()).as("nothing is synced before the commit").isEmpty();
            });
            transactions.executeWithoutResult(status -> {
                batch.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "3.00"));
                batch.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "4.00"));
                batch.getMapper(OrderMapper.class).updateStatus(first.getId(), "m-1", "SHIPPED");
            });
            transactions.executeWithoutResult(status -> {
                simple.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "5.00"));
                simple.getMapper(OrderMapper.class).delete(first.getId(), "m-1");
                status.setRollbackOnly();
            });
            transactions.executeWithoutResult(status -> {
                batch.getMapper(OrderMapper.class).insert(new Order("m-1", "NEW", "6.00"));
                status.setRollbackOnly();
            });

            assertThat(stores.oldRows()).hasSize(4);
            assertThat(stores.oldRows().get(first.getId())).endsWith("SHIPPED 1");
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }
}
