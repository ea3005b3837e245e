package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fourteenth break review of the starter's MyBatis properties: a start-up refusal of the interceptor must name the
 * property it comes from, its value, what is allowed and the fix, as every other {@code dualwrite.*} refusal does.
 */
class StarterBreak14Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, MybatisAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withUserConfiguration(Mappers.class)
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break14_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break14_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                    "dualwrite.migrations.payments.tables.payments.new-table=payments_v2",
                    "dualwrite.jdbc.migration=orders");

    /**
     * {@code dualwrite.mybatis.migration=payments} (a configured migration) while the wrapped DataSource serves
     * {@code orders}: the interceptor's install refused it with an {@code IllegalArgumentException} that no analyzer
     * knows, advising {@code ContextRules.builder("orders")}, which a starter user never calls. The analysis now names
     * the property, its value, the migration the DataSource serves and the fix.
     */
    @Test
    void aMyBatisMigrationOtherThanTheWrappedDataSourcesIsNamedByItsProperty() {
        runner.withPropertyValues("dualwrite.mybatis.migration=payments").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.mybatis.migration", "Value: 'payments'",
                    "serves migration 'orders'");
            assertThat(analysis.getAction()).contains("Remove dualwrite.mybatis.migration");
        });
    }

    /**
     * A statement id, a statement path and a global path that the mappers do not have: the refusal named the group
     * {@code dualwrite.mybatis} with the rules' {@code toString()} as its value. It now names the property of the
     * first problem and its value (the message still lists every problem).
     */
    @Test
    void aStatementOrPathTheMappersLackIsNamedByItsOwnProperty() {
        String insert = BreakOrderMapper.class.getName() + ".insert";
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id=" + insert,
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo",
                "dualwrite.mybatis.statements[1].id=" + BreakOrderMapper.class.getName() + ".insrt",
                "dualwrite.mybatis.statements[1].order-id-path=orderNo").run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: dualwrite.mybatis.statements[1].id",
                            "Value: '" + BreakOrderMapper.class.getName() + ".insrt'");
                });
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id=" + insert,
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantId").run(context ->
                assertThat(DualWriteStartupFailureTest.analysis(context).getDescription()).contains(
                        "Property: dualwrite.mybatis.statements[0].merchant-id-path", "Value: 'merchantId'"));
        runner.withPropertyValues("dualwrite.mybatis.merchant-id-paths[0]=merchantNo",
                "dualwrite.mybatis.order-id-paths[0]=orderNumber").run(context ->
                assertThat(DualWriteStartupFailureTest.analysis(context).getDescription()).contains(
                        "Property: dualwrite.mybatis.order-id-paths[0]", "Value: 'orderNumber'"));
    }

    /** A right configuration still installs the interceptor. */
    @Test
    void rightStatementsAndPathsInstall() {
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id=" + BreakOrderMapper.class.getName() + ".insert",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo",
                "dualwrite.mybatis.order-id-paths[0]=orderNo").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ContextRules.class).migration()).isEqualTo("orders");
                    assertThat(context.getBean(SqlSessionFactory.class).getConfiguration().getInterceptors())
                            .hasExactlyElementsOfTypes(MigrationContextInterceptor.class);
                });
    }

    interface BreakOrderMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id) VALUES (#{orderNo}, #{merchantNo})")
        int insert(BreakOrder order);
    }

    /** The parameter of {@link BreakOrderMapper}. */
    record BreakOrder(String orderNo, String merchantNo) {
    }

    @Configuration(proxyBeanMethods = false)
    static class Mappers {
        @Bean
        org.mybatis.spring.boot.autoconfigure.ConfigurationCustomizer breakOrderMapper() {
            return configuration -> configuration.addMapper(BreakOrderMapper.class);
        }
    }
}
