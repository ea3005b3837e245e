package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * An application bean {@code dualwriteNewDataSource} declared as a plain {@code @Bean} (an autowire candidate)
 * made Spring Boot's own DataSource back off, and start-up then failed saying "configure the application's
 * DataSource (spring.datasource.*)" although it was configured; next to an application DataSource, it is
 * injected by type and Boot's {@code db} health checks it, so a broken new store makes the application DOWN.
 * Start-up now fails naming the bean and the fix.
 */
class UserNewStoreAutowireCandidateTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:user_new_old",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    @Test
    void aNewStoreBeanThatIsAnAutowireCandidateFailsStartUpNamingTheFix() {
        runner.withUserConfiguration(PlainNewStore.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(innermost(context.getStartupFailure())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'dualwriteNewDataSource' (the new store) is an autowire candidate")
                    .hasMessageContaining("autowireCandidate = false");
        });
    }

    @Test
    void soItDoesNextToAPrimaryApplicationDataSource() {
        runner.withUserConfiguration(PlainNewStore.class, PrimaryApplicationStore.class).run(context -> assertThat(
                innermost(context.getStartupFailure())).hasMessageContaining("is an autowire candidate"));
    }

    @Test
    void aNewStoreBeanThatIsNoAutowireCandidateIsUsed() {
        runner.withUserConfiguration(HiddenNewStore.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DataSource.class)).isNotSameAs(context.getBean("dualwriteNewDataSource"));
        });
    }

    private static Throwable innermost(Throwable failure) {
        assertThat(failure).isNotNull();
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static DataSource h2(String name) {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name);
        return h2;
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainNewStore {
        @Bean(name = StoreDataSources.NEW_DATA_SOURCE)
        DataSource userNewStore() {
            return h2("user_new_plain");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HiddenNewStore {
        @Bean(name = StoreDataSources.NEW_DATA_SOURCE, autowireCandidate = false)
        DataSource userNewStore() {
            return h2("user_new_hidden");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryApplicationStore {
        @Bean
        @Primary
        DataSource dataSource() {
            return h2("user_new_app");
        }
    }
}
