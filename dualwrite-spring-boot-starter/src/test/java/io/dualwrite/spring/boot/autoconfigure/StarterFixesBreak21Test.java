package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mybatis.ContextRules;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Round 21's starter fixes attacked: the refusal of a list written in two forms and of a bare-number duration, tried
 * in the other ways Spring Boot binds the same property (environment variables, a YAML file's flattened list).
 */
class StarterFixesBreak21Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, MybatisAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_fixes_break21_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_fixes_break21_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2")
            .withUserConfiguration(StarterBreak21Test.Mappers.class);

    private ApplicationContextRunner withEnvironment(Map<String, Object> variables) {
        return runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("systemEnvironment", variables)));
    }

    /**
     * A list written by environment variables both as one value and by index: Boot binds the single value and ignores
     * the elements, as for a properties file, but round 21's refusal skipped the variables; the application started
     * with the paths {@code [shopNo]} and every call whose merchant only {@code merchantNo} names followed the
     * unattributed rule. Now start-up fails naming both variables as written, never a value; with and without the
     * trailing underscore Boot allows after an index, and for an element's own properties.
     */
    @ParameterizedTest
    @CsvSource({"DUALWRITE_MYBATIS_MERCHANTIDPATHS_0_, merchantNo, DUALWRITE_MYBATIS_MERCHANTIDPATHS, shopNo",
            "DUALWRITE_MYBATIS_MERCHANTIDPATHS_0, merchantNo, DUALWRITE_MYBATIS_MERCHANTIDPATHS, shopNo",
            "DUALWRITE_MYBATIS_ORDERIDPATHS_1_, orderNo, DUALWRITE_MYBATIS_ORDERIDPATHS, orderNo",
            "DUALWRITE_JOB_TABLES_0_, orders, DUALWRITE_JOB_TABLES, payments"})
    void aListWrittenByEnvironmentVariablesInTwoFormsFailsStartUpNamingBoth(String indexed, String indexedValue,
                                                                            String whole, String wholeValue) {
        withEnvironment(Map.of(indexed, indexedValue, whole, wholeValue)).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains(whole, indexed, "one list");
            assertThat(analysis.getAction()).contains("Write the list in one form");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("shopNo", "payments");
        });
    }

    /** Guard: a list from variables in one form, or the same list in both, starts with that list. */
    @Test
    void aListFromEnvironmentVariablesInOneFormOrTheSameInBothStarts() {
        withEnvironment(Map.of("DUALWRITE_MYBATIS_MERCHANTIDPATHS_0_", "merchantNo",
                "DUALWRITE_MYBATIS_MERCHANTIDPATHS_1_", "shopNo")).run(context ->
                assertThat(context.getBean(ContextRules.class).merchantIdPaths()).containsExactly("merchantNo", "shopNo"));
        withEnvironment(Map.of("DUALWRITE_MYBATIS_MERCHANTIDPATHS", "merchantNo,shopNo",
                "DUALWRITE_MYBATIS_MERCHANTIDPATHS_0_", "merchantNo",
                "DUALWRITE_MYBATIS_MERCHANTIDPATHS_1_", "shopNo")).run(context ->
                assertThat(context.getBean(ContextRules.class).merchantIdPaths()).containsExactly("merchantNo", "shopNo"));
    }

    /**
     * Held (guard): a YAML file's list, which Boot flattens to {@code merchant-id-paths[0]}, beside the same list as one
     * value in camel case in that file, is refused by round 21's check.
     */
    @Test
    void aYamlListBesideTheSameListAsOneValueInAnotherSpellingFailsStartUp() {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("dualwrite.mybatis.merchant-id-paths[0]", "merchantNo");
        yaml.put("dualwrite.mybatis.merchantIdPaths", "shopNo");
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("application.yml", yaml))).run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("one list");
                });
    }

    /** Held (guard): a bare-number duration from an environment variable, or a YAML long, is refused too. */
    @Test
    void aDurationWithoutItsUnitFromAVariableOrAYamlLongFailsStartUp() {
        withEnvironment(Map.of("DUALWRITE_RECONCILER_INTERVAL", "5")).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("dualwrite.reconciler.interval", "read as milliseconds");
        });
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("application.yml", Map.of("dualwrite.mirror.time-limit", 2L)))).run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("read as milliseconds");
                });
    }
}
