package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.Switchboard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Twentieth break review of the starter: switch ids Spring Boot binds though they cannot name the merchant or order
 * meant (spaces kept inside brackets, an environment variable's name read in lower case with '_' as '.'); each
 * started an application whose switch named another id, without a word, and now fails start-up naming it.
 */
class StarterBreak20Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break20_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break20_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /**
     * A merchant or order id with spaces around it inside brackets: Boot keeps them, so the switch was stored for
     * merchant {@code " m-1"}, the application started, and m-1 stayed in {@code OLD_ONLY} without a word. Now
     * start-up fails naming the property, the id as written, what is allowed and the fix.
     */
    @ParameterizedTest
    @ValueSource(strings = {"merchants[ m-1]", "merchants[m-1 ]", "merchants[\tm-1]", "orders[ 42]", "orders[42 ]"})
    void aSwitchIdWithSpacesAroundItFailsStartUpNamingTheProperty(String key) {
        runner.withPropertyValues("dualwrite.migrations.orders." + key + "=DUAL_WRITE").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            String id = key.substring(key.indexOf('[') + 1, key.indexOf(']'));
            String kind = key.startsWith("merchants") ? "merchants" : "orders";
            assertThat(analysis.getDescription()).contains(
                    "Property: dualwrite.migrations.orders." + key, "Value: '" + id + "'", "without spaces around it");
            assertThat(analysis.getAction()).contains(
                    "Remove the spaces around the id: dualwrite.migrations.orders." + kind + "[" + id.strip() + "]");
        });
    }

    /** The same ids without the spaces start, and their switches are the ones configured (guard). */
    @Test
    void switchIdsInBracketsWithoutSpacesStart() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants[m-1]=DUAL_WRITE",
                "dualwrite.migrations.orders.merchants[m 2]=SHADOW_READ",
                "dualwrite.migrations.orders.orders[42]=DUAL_WRITE").run(context -> {
                    assertThat(context).hasNotFailed();
                    SwitchSettings settings = context.getBean(Switchboard.class).switchStore().load("orders");
                    assertThat(settings.merchantPhases()).containsOnly(entry("m-1", MigrationPhase.DUAL_WRITE),
                            entry("m 2", MigrationPhase.SHADOW_READ));
                    assertThat(settings.orderPhases()).containsOnly(entry("42", MigrationPhase.DUAL_WRITE));
                });
    }

    /**
     * A merchant or order switch set by an environment variable: Boot binds the id in lower case with each '_' read
     * as '.', so {@code …_MERCHANTS_M_1} switched merchant {@code m.1} and {@code …_MERCHANTS_ACME} merchant
     * {@code acme}; the application started and the merchant meant kept the system's phase. Now start-up fails naming
     * the variable, the id it would switch, and where to set the switch instead.
     */
    @ParameterizedTest
    @CsvSource({"DUALWRITE_MIGRATIONS_ORDERS_MERCHANTS_M_1,m.1,merchants", "DUALWRITE_MIGRATIONS_ORDERS_MERCHANTS_ACME,acme,merchants",
            "DUALWRITE_MIGRATIONS_ORDERS_ORDERS_42,42,orders"})
    void aSwitchSetByAnEnvironmentVariableFailsStartUpNamingTheIdItWouldSwitch(String variable, String id, String kind) {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of(variable, "DUAL_WRITE"))))
                .run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: " + variable, "Value: '" + id + "'",
                            "in lower case with each '_' read as '.'");
                    assertThat(analysis.getAction()).contains("Remove the variable",
                            "dualwrite.migrations.orders." + kind + "[<id>]=<phase>", "SPRING_APPLICATION_JSON")
                            .doesNotContain("DUAL_WRITE");
                });
    }

    /**
     * Other dualwrite settings from environment variables still start (guard): a migration's system phase, the mirror
     * lanes, and a variable of another tool.
     */
    @Test
    void otherSettingsFromEnvironmentVariablesStillStart() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                                "DUALWRITE_MIGRATIONS_ORDERS_SYSTEMPHASE", "DUAL_WRITE", "DUALWRITE_MIRROR_LANES", "2",
                                "DUALWRITE_HOME", "/opt/dualwrite"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWriteProperties properties = context.getBean(DualWriteProperties.class);
                    assertThat(properties.getMirror().getLanes()).isEqualTo(2);
                    assertThat(properties.getMigrations().get("orders").getSystemPhase())
                            .isEqualTo(MigrationPhase.DUAL_WRITE);
                });
    }

    /**
     * A value the starter's {@code @ConditionalOnProperty} reads otherwise than the binder: Spring converts
     * {@code off}, {@code no} and {@code 0} to {@code false}, while the condition switches off on {@code false} only,
     * so {@code dualwrite.jdbc.enabled=off} kept the DataSource wrapped (the reconciler running, the starter on)
     * without a word; {@code dualwrite.stores.switches=jdbc } with the space a properties line keeps at its end was
     * bound as {@code JDBC} while neither store's condition matched, and start-up failed on a missing bean naming no
     * property. Each now fails start-up naming the property, the value, what is allowed and the fix.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dualwrite.jdbc.enabled|off|Write dualwrite.jdbc.enabled=true or dualwrite.jdbc.enabled=false.",
            "dualwrite.reconciler.enabled|no|Write dualwrite.reconciler.enabled=true or",
            "dualwrite.mybatis.enabled|0|Write dualwrite.mybatis.enabled=true or",
            "dualwrite.enabled|off|Write dualwrite.enabled=true or dualwrite.enabled=false.",
            "dualwrite.jdbc.enabled|'false '|Remove the spaces around the value: dualwrite.jdbc.enabled=false.",
            "dualwrite.stores.switches|'jdbc '|Remove the spaces around the value: dualwrite.stores.switches=jdbc.",
            "dualwrite.stores.change-log|' memory'|Remove the spaces around the value: dualwrite.stores.change-log=memory."})
    void aValueTheConditionsReadOtherwiseThanTheBinderFailsStartUp(String property, String value, String fix) {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("application", Map.of(property, value))))
                .run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("Property: " + property, "Value: '" + value + "'",
                            "Allowed: " + (property.contains("stores") ? "memory or jdbc" : "true or false")
                                    + ", in any case and without spaces around it");
                    assertThat(analysis.getAction()).contains(fix);
                });
    }

    /** {@code false} in another case switches the part off, as the binder reads it (guard). */
    @Test
    void falseInAnyCaseSwitchesThePartOff() {
        runner.withPropertyValues("dualwrite.jdbc.enabled=FALSE", "dualwrite.reconciler.enabled=False").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.containsBean("dualwriteDataSourcePostProcessor")).isFalse();
            assertThat(context.getBeanNamesForType(io.dualwrite.jdbc.reconcile.Reconciler.class)).isEmpty();
            assertThat(context.getBean(DualWriteProperties.class).getJdbc().isEnabled()).isFalse();
        });
    }

    /**
     * Every property an {@code @ConditionalOnProperty} of the starter's configurations reads for a value (a named value,
     * or {@code false} to switch off) is checked by {@link ConditionProperties}: a condition added later without it
     * would read its property as text again. {@code dualwrite.job} is read for its presence (the job's name).
     */
    @Test
    void everyPropertyTheStartersConditionsReadIsChecked() {
        java.util.Set<String> read = new java.util.TreeSet<>();
        java.util.List<Class<?>> configurations = new java.util.ArrayList<>(List.of(DualWriteAutoConfiguration.class));
        configurations.addAll(List.of(DualWriteAutoConfiguration.class
                .getAnnotation(org.springframework.context.annotation.Import.class).value()));
        for (Class<?> configuration : configurations) {
            java.util.List<java.lang.reflect.AnnotatedElement> elements = new java.util.ArrayList<>();
            elements.add(configuration);
            elements.addAll(List.of(configuration.getDeclaredMethods()));
            for (java.lang.reflect.AnnotatedElement element : elements) {
                var condition = element.getAnnotation(
                        org.springframework.boot.autoconfigure.condition.ConditionalOnProperty.class);
                if (condition != null) {
                    for (String name : condition.name().length > 0 ? condition.name() : condition.value()) {
                        read.add(condition.prefix().isEmpty() ? name : condition.prefix() + "." + name);
                    }
                }
            }
        }
        read.remove("dualwrite.job");
        assertThat(read).contains("dualwrite.enabled", "dualwrite.jdbc.enabled", "dualwrite.stores.change-log");
        assertThat(ConditionProperties.READ_BY_CONDITIONS.keySet()).containsAll(read);
    }

    /**
     * A merchant, order or table key written once in brackets and once after a dot, with two values: Boot binds both
     * to one map entry and kept one value ({@code merchants.m-1=DUAL_WRITE} with {@code merchants[m-1]=OLD_ONLY}
     * started with m-1 in {@code DUAL_WRITE}, the other line ignored), which the relaxed-spelling check of round 19 did
     * not see (it keeps brackets apart). Now start-up fails naming both; the same value twice still starts.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dualwrite.migrations.orders.merchants.m-1|dualwrite.migrations.orders.merchants[m-1]|DUAL_WRITE|OLD_ONLY",
            "dualwrite.migrations.orders.orders.42|dualwrite.migrations.orders.orders[42]|DUAL_WRITE|SHADOW_READ",
            "dualwrite.migrations.orders.tables.orders.renames.amount|dualwrite.migrations.orders.tables.orders"
                    + ".renames[amount]|amount_total|total"})
    void aKeyInBracketsAndAfterADotWithTwoValuesFailsStartUpNamingBoth(String dotted, String bracketed, String first,
            String second) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put(dotted, first);
        values.put(bracketed, second);
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("application", values)))
                .run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains(dotted, bracketed, "one map entry")
                            .doesNotContain(first, second);
                    assertThat(analysis.getAction()).contains("Remove one of the two properties.");
                });
        values.put(bracketed, first);
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("application", values)))
                .run(context -> assertThat(context).hasNotFailed());
    }
}
