package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The benchmark runner's options: a wrong value is a usage error naming the option, never a stack trace of a parse. */
class BenchmarkArgumentsTest {

    @Test
    void aValueThatIsNoWholeNumberIsAUsageErrorNamingTheOption() {
        for (String option : new String[] {"--warmup", "--iterations", "--retries", "--max-wait"}) {
            for (String value : new String[] {"ten", "-1", "1.5"}) {
                assertThatThrownBy(() -> BenchmarkReport.Arguments.parse(new String[] {option, value}))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(option + " takes a whole number")
                        .hasMessageContaining("not " + value)
                        .hasMessageContaining("options: --suite");
            }
        }
        assertThatThrownBy(() -> BenchmarkReport.Arguments.parse(new String[] {"--quiet", "NaN"}))
                .hasMessageContaining("--quiet takes a number of cores");
    }

    @Test
    void theHelpTextNamesEveryVariantTheRunnerAccepts() {
        for (String variant : new String[] {"raw", "serialDouble", "oldOnly", "asyncDual", "syncDual", "asyncSlowNew",
                "asyncNewDown"}) {
            assertThat(BenchmarkReport.Arguments.OPTIONS).contains(variant);
            assertThat(BenchmarkReport.Arguments.parse(new String[] {"--variants", variant}).variants())
                    .containsExactly(variant);
        }
    }
}
