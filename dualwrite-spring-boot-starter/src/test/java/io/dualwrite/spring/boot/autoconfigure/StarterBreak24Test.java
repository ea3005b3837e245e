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
 * Twenty-fourth break of the starter's switch ids (round 20's refusal of spaces in brackets), with the spaces
 * {@link String#strip} leaves: a no-break space and a zero-width space or byte-order mark around the id in brackets,
 * as a copied cell carries them. Boot keeps them, so the switch was stored for an id no call names and the merchant
 * kept the system's phase; start-up fails naming the property and the character.
 */
class StarterBreak24Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break24_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break24_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    // Failed before the fix: the application started with a switch for merchant "\u00A0m-1" (or order "42\u200B").
    @ParameterizedTest(name = "{0}[{1} around the id]")
    @CsvSource({"merchants, 00A0, m-1", "merchants, 202F, m-1", "orders, 200B, 42", "orders, FEFF, 42"})
    void aSwitchIdWithANoBreakOrZeroWidthSpaceAroundItFailsStartUp(String kind, String code, String id) {
        String space = String.valueOf((char) Integer.parseInt(code, 16));
        String spelt = kind.equals("merchants") ? space + id : id + space;
        String property = "dualwrite.migrations.orders." + kind + "[" + spelt + "]";
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("application", Map.of(property, "DUAL_WRITE"))))
                .run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains("without spaces around it", "U+" + code);
                    assertThat(analysis.getAction()).contains(
                            "Remove the spaces around the id: dualwrite.migrations.orders." + kind + "[" + id + "]");
                });
    }
}
