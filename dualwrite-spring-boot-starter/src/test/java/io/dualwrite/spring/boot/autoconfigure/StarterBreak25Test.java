package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/**
 * Round 25: the starter's switch ids (round 24's refusal of invisible spaces around them), with an invisible character
 * inside the id in brackets, one around it that is no format character, and an id in Unicode's decomposed form (NFD).
 * Boot keeps them, so the switch would be stored for an id no call names; start-up fails naming the property and what
 * to write.
 */
class StarterBreak25Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break25_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break25_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    // Failed before the fix: the application started with a switch for each of these ids.
    @ParameterizedTest(name = "{0}[{1}]")
    @CsvSource({
        "merchants, 'm\u200b\u00e9-1', U+200B, m\u00e9-1",
        "merchants, 'me\u0301-1',      NFC,    m\u00e9-1",
        "orders,    '42\u034f',        U+034F, 42",
        "orders,    '4\u20602',        U+2060, 42"})
    void aSwitchIdSpeltOtherwiseThanCallsSpellItFailsStartUp(String kind, String spelt, String named, String id) {
        String property = "dualwrite.migrations.orders." + kind + "[" + spelt + "]";
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("application", Map.of(property, "DUAL_WRITE"))))
                .run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains(named);
                    assertThat(analysis.getAction()).contains("dualwrite.migrations.orders." + kind + "[" + id + "]");
                });
    }
}
