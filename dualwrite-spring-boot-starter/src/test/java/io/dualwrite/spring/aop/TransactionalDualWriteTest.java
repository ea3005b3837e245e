package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
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

/**
 * {@code @DualWrite} on a {@code @Transactional} method: the advisor runs outside the transaction advisor, so
 * the transaction's connection is taken under the call's context and lands on the store that merchant's phase
 * names.
 */
class TransactionalDualWriteTest {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TransactionAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class, Repository.class);

    @Configuration(proxyBeanMethods = false)
    static class Repository {
        @Bean
        TransactionalOrders transactionalOrders(JdbcTemplate jdbcTemplate) {
            return new TransactionalOrders(jdbcTemplate);
        }
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void aNewOnlyMerchantsTransactionRunsOnTheNewStoreOnly() {
        stores.merchantPhase("D", MigrationPhase.NEW_ONLY);
        runner.run(context -> {
            context.getBean(TransactionalOrders.class).saveTwo("D", 1, 2);

            stores.awaitMirrors();
            assertThat(stores.newRows()).extracting(row -> row.get("id")).containsExactly(1L, 2L);
            assertThat(stores.oldRows()).isEmpty();
        });
    }

    @Test
    void aDualWriteMerchantsTransactionIsMirroredAfterCommit() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            context.getBean(TransactionalOrders.class).saveTwo("A", 1, 2);

            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 2);
            stores.awaitMirrors();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(2);
        });
    }

    @Test
    void aRolledBackTransactionReachesNeitherStore() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            assertThatThrownBy(() -> context.getBean(TransactionalOrders.class).saveThenFail("A", 1))
                    .hasMessage("the caller's own failure");

            stores.awaitMirrors();
            assertThat(stores.oldRows()).isEmpty();
            assertThat(stores.newRows()).isEmpty();
        });
    }
}
