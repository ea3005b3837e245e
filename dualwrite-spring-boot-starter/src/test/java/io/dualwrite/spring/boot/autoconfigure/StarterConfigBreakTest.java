package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.DualWriteDataSource;
import javax.sql.DataSource;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Properties a new user gets wrong in the first hour, each refused at start-up naming the property, its value,
 * what is allowed and the fix: a blank merchant or order id as a switch key, one database given as both stores
 * while a table keeps its name, a malformed MyBatis property path.
 */
class StarterConfigBreakTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    @Test
    void aBlankMerchantIdAsASwitchKeyIsNamedByItsProperty() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants[ ]=DUAL_WRITE").run(context -> {
            InvalidDualWritePropertyException failure = failure(context);
            assertThat(failure.getMessage()).contains("dualwrite.migrations.orders.merchants[ ]",
                    "a non-blank merchant id as the key");
            assertThat(failure.getMessage()).doesNotContain("merchantId must be");
        });
    }

    @Test
    void aBlankOrderIdAsASwitchKeyIsNamedByItsProperty() {
        runner.withPropertyValues("dualwrite.migrations.orders.orders[ ]=NEW_ONLY").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.migrations.orders.orders[ ]",
                        "a non-blank order id as the key"));
    }

    @Test
    void theApplicationsOwnDatabaseAsTheNewStoreIsRefusedWhileATableKeepsItsName() {
        runner.withPropertyValues("dualwrite.new-datasource.url=jdbc:h2:mem:starter_break_old",
                "dualwrite.migrations.orders.tables.items.primary-key=id").run(context -> {
                    InvalidDualWritePropertyException failure = failure(context);
                    assertThat(failure.getMessage()).contains("dualwrite.new-datasource.url",
                            "jdbc:h2:mem:starter_break_old", "[items]", "copied onto themselves",
                            "dualwrite.migrations.orders.tables.items.new-table");
                });
    }

    @Test
    void theSameDatabaseWithOtherUrlParametersIsRecognised() {
        runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:starter_break_params;DB_CLOSE_DELAY=-1",
                "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break_params;MODE=PostgreSQL",
                "dualwrite.migrations.orders.tables.orders.new-table=orders").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.new-datasource.url",
                        "copied onto themselves"));
    }

    @Test
    void theSameUrlServesATableRedesignIntoANewTable() {
        runner.withPropertyValues("dualwrite.new-datasource.url=jdbc:h2:mem:starter_break_old").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DataSource.class)).isInstanceOf(DualWriteDataSource.class);
        });
    }

    @Test
    void theSameUrlShownInTheFailureHasItsPasswordMasked() {
        runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:starter_break_pw;PASSWORD=Pw-4711",
                "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break_pw;PASSWORD=Pw-4711",
                "dualwrite.migrations.orders.tables.orders.new-table=orders").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.new-datasource.url")
                        .doesNotContain("Pw-4711"));
    }

    @Test
    void aMalformedGlobalMyBatisPathIsNamedByItsPropertyAndValue() {
        runner.withPropertyValues("dualwrite.mybatis.order-id-paths[0]=order.id",
                "dualwrite.mybatis.order-id-paths[1]=order..id").run(context -> {
                    InvalidDualWritePropertyException failure = failure(context);
                    assertThat(failure.getMessage()).contains("dualwrite.mybatis.order-id-paths[1]", "'order..id'",
                            "Fix dualwrite.mybatis.order-id-paths[1].");
                });
        runner.withPropertyValues("dualwrite.mybatis.merchant-id-paths[0]=merchant no").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.mybatis.merchant-id-paths[0]",
                        "'merchant no'"));
    }

    @Test
    void aMalformedStatementPathIsNamedByItsOwnProperty() {
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id=com.example.OrderMapper.insert",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchant.").run(context ->
                assertThat(failure(context).getMessage())
                        .contains("dualwrite.mybatis.statements[0].merchant-id-path", "'merchant.'"));
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id= ",
                "dualwrite.mybatis.statements[0].order-id-path=id").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.mybatis.statements[0].id"));
    }

    @Test
    void withoutMyBatisThePathPropertiesAreNotRead() {
        runner.withClassLoader(new FilteredClassLoader(SqlSessionFactory.class))
                .withPropertyValues("dualwrite.mybatis.order-id-paths[0]=order..id")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aMisspeltHikariSettingOfTheNewStoreIsNamedInsteadOfIgnored() {
        runner.withPropertyValues("dualwrite.new-datasource.hikari.maximum-pool-size=4",
                "dualwrite.new-datasource.hikari.maximun-pool-size=8").run(context -> {
                    InvalidDualWritePropertyException failure = failure(context);
                    assertThat(failure.getMessage()).contains("dualwrite.new-datasource.hikari.maximun-pool-size",
                            "'8'", "a setting of the new store's HikariDataSource");
                });
    }

    @Test
    void aMisspeltHikariPasswordSettingIsNamedWithoutItsValue() {
        runner.withPropertyValues("dualwrite.new-datasource.hikari.pasword=Pw-4711").run(context ->
                assertThat(failure(context).getMessage()).contains("dualwrite.new-datasource.hikari.pasword")
                        .doesNotContain("Pw-4711"));
    }

    @Test
    void validHikariSettingsStillBind() {
        runner.withPropertyValues("dualwrite.new-datasource.hikari.maximum-pool-size=3",
                "dualwrite.new-datasource.hikari.pool-name=new-pool",
                "dualwrite.new-datasource.hikari.data-source-properties.cachePrepStmts=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    com.zaxxer.hikari.HikariDataSource pool = (com.zaxxer.hikari.HikariDataSource)
                            context.getBean(StoreDataSources.NEW_DATA_SOURCE);
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(pool.getPoolName()).isEqualTo("new-pool");
                    assertThat(pool.getDataSourceProperties()).containsEntry("cachePrepStmts", "true");
                });
    }

    private static InvalidDualWritePropertyException failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidDualWritePropertyException invalid) {
                return invalid;
            }
        }
        throw new AssertionError("start-up did not fail on a property", context.getStartupFailure());
    }
}
