package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mybatis.MigrationContextInterceptor;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.mybatis.spring.mapper.MapperFactoryBean;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Twenty-second break review of the starter: the MyBatis interceptor's start-up check and the mappers Spring has not
 * made yet.
 */
class StarterBreak22Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, MybatisAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withUserConfiguration(LazyMapper.class)
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break22_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break22_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /** The application with {@code spring.main.lazy-initialization=true}: every bean lazy, its mappers too. */
    private ApplicationContextRunner lazy() {
        return runner.withInitializer(context -> context.addBeanFactoryPostProcessor(
                new LazyInitializationBeanFactoryPostProcessor()));
    }

    /**
     * A mapper whose bean is lazy (a mapper scan, or the whole application, with lazy initialization) registers its
     * statements when the bean is first made, after the interceptor checked the rules. A statement rule naming one
     * of its statements failed start-up as a statement "that does not exist", a right configuration refused.
     */
    @Test
    void aStatementRuleNamingALazyMappersStatementStarts() {
        lazy().withPropertyValues("dualwrite.mybatis.statements[0].id=" + BreakOrderMapper.class.getName() + ".insert",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SqlSessionFactory.class).getConfiguration()
                            .hasMapper(BreakOrderMapper.class)).isTrue();
                    assertThat(context.getBean(SqlSessionFactory.class).getConfiguration().getInterceptors())
                            .hasExactlyElementsOfTypes(MigrationContextInterceptor.class);
                });
    }

    /** The same mapper found by a lazy mapper scan ({@code @MapperScan(lazyInitialization = "true")}). */
    @Test
    void aStatementRuleNamingAMapperOfALazyScanStarts() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        MybatisAutoConfiguration.class, DualWriteAutoConfiguration.class))
                .withUserConfiguration(LazyScan.class)
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:starter_break22_scan_old",
                        "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break22_scan_new",
                        "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                        "dualwrite.mybatis.statements[0].id=" + BreakOrderMapper.class.getName() + ".insert",
                        "dualwrite.mybatis.statements[0].merchant-id-path=merchantNo")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SqlSessionFactory.class).getConfiguration()
                            .hasMapper(BreakOrderMapper.class)).isTrue();
                });
    }

    /**
     * And the check still runs on such a mapper's statements: a misspelt path of a lazy mapper's statement fails
     * start-up naming its property, as an eager one's does (it must not pass unchecked because the mapper came late).
     */
    @Test
    void aMisspeltPathOfALazyMappersStatementFailsStartUpNamingTheProperty() {
        lazy().withPropertyValues("dualwrite.mybatis.statements[0].id=" + BreakOrderMapper.class.getName() + ".insert",
                "dualwrite.mybatis.statements[0].merchant-id-path=merchantNumber").run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription())
                            .contains("dualwrite.mybatis.statements[0].merchant-id-path", "merchantNumber");
                });
    }

    @org.apache.ibatis.annotations.Mapper
    interface BreakOrderMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id) VALUES (#{orderNo}, #{merchantNo})")
        int insert(BreakOrder order);
    }

    /** The parameter of {@link BreakOrderMapper}. */
    record BreakOrder(String orderNo, String merchantNo) {
    }

    /** The mapper as a mapper scan declares it: a {@link MapperFactoryBean}, which adds the mapper when it is made. */
    @Configuration(proxyBeanMethods = false)
    static class LazyMapper {
        @Bean
        MapperFactoryBean<BreakOrderMapper> breakOrderMapper(SqlSessionFactory sessions) {
            MapperFactoryBean<BreakOrderMapper> factory = new MapperFactoryBean<>(BreakOrderMapper.class);
            factory.setSqlSessionFactory(sessions);
            return factory;
        }
    }

    /** A scan of this package for {@code @Mapper} interfaces, lazy. */
    @Configuration(proxyBeanMethods = false)
    static class LazyScan {
        @Bean
        static org.mybatis.spring.mapper.MapperScannerConfigurer lazyMapperScan() {
            org.mybatis.spring.mapper.MapperScannerConfigurer scan = new org.mybatis.spring.mapper.MapperScannerConfigurer();
            scan.setBasePackage(StarterBreak22Test.class.getPackageName());
            scan.setAnnotationClass(org.apache.ibatis.annotations.Mapper.class);
            scan.setLazyInitialization("true");
            return scan;
        }
    }
}
