package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.transaction.SpringManagedTransactionFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Sixteenth break review of the starter: an application with several data sources, each with a session factory of
 * its own mappers, of which only the application's DataSource is wrapped into the {@link DualWriteDataSource}.
 */
class StarterBreak16Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withUserConfiguration(TwoFactories.class)
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break16_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break16_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /**
     * The statement and the global path the properties name are of the orders factory's mapper. The reporting
     * factory, on a DataSource of its own that nothing double-writes, has none of them: the interceptor was installed
     * there too, and its start-up check refused the right configuration ("no mapper statement …") so the application
     * could not start. It is now installed in the factories on the DualWriteDataSource only.
     */
    @Test
    void aSessionFactoryOnAnotherDataSourceDoesNotFailTheRulesOfTheDoubleWritingOne() {
        runner.withPropertyValues(
                "dualwrite.mybatis.statements[0].id=" + OrdersMapper.class.getName() + ".insert",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo",
                "dualwrite.mybatis.order-id-paths[0]=orderNo").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("ordersSessions", SqlSessionFactory.class).getConfiguration()
                            .getInterceptors()).hasExactlyElementsOfTypes(MigrationContextInterceptor.class);
                    assertThat(context.getBean("reportSessions", SqlSessionFactory.class).getConfiguration()
                            .getInterceptors()).isEmpty();
                });
    }

    /** A misspelt statement id is still refused, naming its property, though another factory never had it. */
    @Test
    void aMisspeltStatementIsStillNamedByItsProperty() {
        runner.withPropertyValues("dualwrite.mybatis.statements[0].id=" + OrdersMapper.class.getName() + ".insrt",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo").run(context ->
                assertThat(DualWriteStartupFailureTest.analysis(context).getDescription()).contains(
                        "Property: dualwrite.mybatis.statements[0].id",
                        "Value: '" + OrdersMapper.class.getName() + ".insrt'"));
    }

    interface OrdersMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id) VALUES (#{orderNo}, #{merchantNo})")
        int insert(PlacedOrder order);
    }

    interface ReportMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO report_lines (day, total) VALUES (#{day}, #{total})")
        int insert(ReportLine line);
    }

    /** The parameter of {@link OrdersMapper}. */
    record PlacedOrder(String orderNo, String merchantNo) {
    }

    /** The parameter of {@link ReportMapper}: no order, no merchant. */
    record ReportLine(String day, long total) {
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoFactories {
        @Bean
        SqlSessionFactory ordersSessions(DataSource dataSource) {
            return sessions("orders", dataSource, OrdersMapper.class);
        }

        @Bean
        SqlSessionFactory reportSessions() {
            org.h2.jdbcx.JdbcDataSource reports = new org.h2.jdbcx.JdbcDataSource();
            reports.setURL("jdbc:h2:mem:starter_break16_reports");
            return sessions("reports", reports, ReportMapper.class);
        }

        private static SqlSessionFactory sessions(String name, DataSource dataSource, Class<?> mapper) {
            org.apache.ibatis.session.Configuration configuration = new org.apache.ibatis.session.Configuration(
                    new Environment(name, new SpringManagedTransactionFactory(), dataSource));
            configuration.addMapper(mapper);
            return new SqlSessionFactoryBuilder().build(configuration);
        }
    }
}
