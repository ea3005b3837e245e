package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring transactions that do not simply commit or roll back once: an inner {@code REQUIRES_NEW} that commits
 * inside an outer one that rolls back, an inner failure caught by the outer call (rollback-only), a checked
 * exception with {@code rollbackFor}, and a {@code TransactionTemplate} marked rollback-only. After each, the
 * new store holds exactly the committed rows of the old one, compared row by row with plain JDBC.
 */
class NestedTransactionsDualWriteTest {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TransactionAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class, Repository.class);

    @Configuration(proxyBeanMethods = false)
    static class Repository {
        @Bean
        NestedTransactionOrders nestedTransactionOrders(JdbcTemplate jdbcTemplate) {
            return new NestedTransactionOrders(jdbcTemplate);
        }
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void anInnerTransactionOfItsOwnIsMirroredAndTheRolledBackOuterOneIsNot() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            NestedTransactionOrders orders = proxy(context.getBean(NestedTransactionOrders.class));
            assertThatThrownBy(() -> orders.outerFailsAfterInnerCommitted("A", 1, 2)).hasMessage("outer fails");

            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 1);
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("id")).containsExactly(2L);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        });
    }

    @Test
    void aTransactionMarkedRollbackOnlyByACaughtInnerFailureReachesNeitherStore() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            NestedTransactionOrders orders = proxy(context.getBean(NestedTransactionOrders.class));
            assertThatThrownBy(() -> orders.outerSwallowsInnerFailure("A", 1, 2))
                    .isInstanceOf(UnexpectedRollbackException.class);
            orders.ownTransaction("A", 3); // a later commit: its mirror follows any mirror of the rolled-back rows

            await().atMost(Duration.ofSeconds(60)).until(() -> !stores.newRows().isEmpty());
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("id")).containsExactly(3L);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        });
    }

    @Test
    void aCheckedExceptionWithRollbackForReachesNeitherStore() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            NestedTransactionOrders orders = proxy(context.getBean(NestedTransactionOrders.class));
            assertThatThrownBy(() -> orders.checkedRollback("A", 1)).isInstanceOf(IOException.class);
            orders.ownTransaction("A", 2);

            await().atMost(Duration.ofSeconds(60)).until(() -> !stores.newRows().isEmpty());
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("id")).containsExactly(2L);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        });
    }

    @Test
    void aTransactionTemplateSetRollbackOnlyReachesNeitherStoreAndItsCommitReachesBoth() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            NestedTransactionOrders orders = proxy(context.getBean(NestedTransactionOrders.class));
            TransactionTemplate template = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            template.executeWithoutResult(status -> {
                orders.ownTransaction("A", 1); // commits on its own
                context.getBean(JdbcTemplate.class).update(
                        "INSERT INTO orders (id, merchant_id, note) VALUES (5, 'A', 'template')");
                status.setRollbackOnly();
            });
            template.executeWithoutResult(status -> orders.ownTransaction("A", 2));

            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 2);
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("id")).containsExactly(1L, 2L);
            assertThat(stores.newRows()).isEqualTo(stores.oldRows());
        });
    }

    private static NestedTransactionOrders proxy(NestedTransactionOrders bean) {
        bean.self(bean);
        return bean;
    }
}
