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
 * Twenty-first break review of the starter: values Spring Boot binds otherwise than they are written, without a word.
 * A list property written both as one comma-separated value and by index in the same properties (Boot binds the
 * single value and ignores the elements; rounds 19 and 20 refused the same loss for map keys and relaxed spellings,
 * not for lists), and a duration written without its unit (read as milliseconds).
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

    /**
     * A duration written without its unit: Spring Boot reads a bare number as milliseconds, so
     * {@code dualwrite.reconciler.interval=5} (five seconds meant) started a reconciler polling the change log 200
     * times a second, {@code reconciler.lease=60} let a claimed entry be claimed again after 60 ms, and
     * {@code mirror.time-limit=2} recorded nearly every mirror as timed out; all without a word. Now start-up fails
     * naming the property, the value, that a bare number is read as milliseconds, and the fix with both units.
     */
    @ParameterizedTest
    @CsvSource({"dualwrite.reconciler.interval, 5", "dualwrite.reconciler.lease, 60", "dualwrite.mirror.time-limit, 2",
            "dualwrite.stores.refresh-interval, 1", "dualwrite.jdbc.lock-timeout, 10", "dualwrite.job.chunk-time-target, 500",
            "dualwrite.mirror.breaker.slow-call-duration-threshold, 3", "dualwrite.reconciler.initial-backoff, +1"})
    void aDurationWithoutItsUnitFailsStartUpNamingTheUnits(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("Property: " + property, "Value: '" + value + "'",
                    "read as milliseconds");
            assertThat(analysis.getAction()).contains(property + "=" + value.replace("+", "") + "s",
                    property + "=" + value.replace("+", "") + "ms");
        });
    }

    /**
     * The same number as YAML gives it ({@code interval: 5} is an {@code Integer}, not a text), and through a
     * camel-case name: read as milliseconds too.
     */
    @Test
    void aDurationGivenAsANumberByYamlFailsStartUpToo() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new org.springframework.core.env.MapPropertySource("application.yml",
                        java.util.Map.of("dualwrite.reconciler.initialBackoff", 5)))).run(context -> {
                            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                            assertThat(analysis.getDescription()).contains("Property: dualwrite.reconciler.initialBackoff",
                                    "Value: '5'", "read as milliseconds");
                        });
    }

    /** Guard: a duration with its unit, in ISO form, or a bare zero starts with that duration. */
    @Test
    void aDurationWithItsUnitOrZeroStarts() {
        runner.withPropertyValues("dualwrite.reconciler.interval=5s", "dualwrite.reconciler.lease=PT1M",
                "dualwrite.mirror.warn-interval=0", "dualwrite.mirror.time-limit= 250ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWriteProperties properties = context.getBean(DualWriteProperties.class);
                    assertThat(properties.getReconciler().getInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
                    assertThat(properties.getReconciler().getLease()).isEqualTo(java.time.Duration.ofMinutes(1));
                    assertThat(properties.getMirror().getWarnInterval()).isZero();
                    assertThat(properties.getMirror().getTimeLimit()).isEqualTo(java.time.Duration.ofMillis(250));
                });
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
