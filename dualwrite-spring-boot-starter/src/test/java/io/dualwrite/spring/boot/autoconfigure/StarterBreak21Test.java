package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mybatis.ContextRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Twenty-first break review of the starter: a list property written both as one comma-separated value and by index
 * in the same properties. Spring Boot binds the list from one of the two forms (the comma-separated value, when a
 * source holds both) and ignores the other without a word; round 19 and 20 refused the same loss for map keys and
 * relaxed spellings, not for lists.
 */
class StarterBreak21Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, MybatisAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withUserConfiguration(Mappers.class)
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break21_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break21_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /**
     * {@code merchant-id-paths[0]=merchantNo} beside {@code merchant-id-paths=shopNo}: the application started with the
     * paths {@code [shopNo]}, so every mapper call whose merchant only {@code merchantNo} names followed the
     * unattributed rule. The same for the other lists of the properties (order-id paths, a table's primary key and
     * dropped columns, the job's tables), in camel case too. Now start-up fails naming both properties, never a value.
     */
    @ParameterizedTest
    @CsvSource({
            "dualwrite.mybatis.merchant-id-paths[0], merchantNo, dualwrite.mybatis.merchant-id-paths, shopNo",
            "dualwrite.mybatis.order-id-paths[1], orderNo, dualwrite.mybatis.order-id-paths, orderNo",
            "dualwrite.mybatis.merchantIdPaths[0], merchantNo, dualwrite.mybatis.merchant-id-paths, shopNo",
            "dualwrite.migrations.orders.tables.orders.primary-key[0], id, dualwrite.migrations.orders.tables.orders.primary-key, 'id,merchant_id'",
            "dualwrite.migrations.orders.tables.orders.dropped-columns[0], note, dualwrite.migrations.orders.tables.orders.dropped-columns, legacy",
            "dualwrite.job.tables[0], orders, dualwrite.job.tables, payments"})
    void aListWrittenBothByIndexAndAsOneValueFailsStartUpNamingBoth(String indexed, String indexedValue, String whole,
                                                                    String wholeValue) {
        runner.withPropertyValues(indexed + "=" + indexedValue, whole + "=" + wholeValue).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains(whole, indexed, "one list");
            assertThat(analysis.getAction()).contains("Write the list in one form");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("shopNo", "legacy", "payments");
        });
    }

    /** Guard: either form alone, and both forms holding the same list, start with that list. */
    @Test
    void aListInOneFormOrTheSameListInBothStarts() {
        runner.withPropertyValues("dualwrite.mybatis.merchant-id-paths[0]=merchantNo",
                "dualwrite.mybatis.merchant-id-paths[1]=shopNo").run(context ->
                assertThat(context.getBean(ContextRules.class).merchantIdPaths()).containsExactly("merchantNo", "shopNo"));
        runner.withPropertyValues("dualwrite.mybatis.merchant-id-paths=merchantNo, shopNo").run(context ->
                assertThat(context.getBean(ContextRules.class).merchantIdPaths()).containsExactly("merchantNo", "shopNo"));
        runner.withPropertyValues("dualwrite.mybatis.merchant-id-paths=merchantNo,shopNo",
                "dualwrite.mybatis.merchant-id-paths[0]=merchantNo",
                "dualwrite.mybatis.merchant-id-paths[1]=shopNo").run(context ->
                assertThat(context.getBean(ContextRules.class).merchantIdPaths()).containsExactly("merchantNo", "shopNo"));
    }

    interface BreakOrderMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id) VALUES (#{orderNo}, #{merchantNo})")
        int insert(BreakOrder order);
    }

    /** The parameter of {@link BreakOrderMapper}. */
    record BreakOrder(String orderNo, String merchantNo, String shopNo) {
    }

    @Configuration(proxyBeanMethods = false)
    static class Mappers {
        @Bean
        org.mybatis.spring.boot.autoconfigure.ConfigurationCustomizer breakOrderMapper() {
            return configuration -> configuration.addMapper(BreakOrderMapper.class);
        }
    }
}
