package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad settings of the shadow-read runner and sampling are refused, naming the setting and the value. */
class ShadowReadsBuilderTest {

    @Test
    void badRunnerSettingsAreRefused() {
        assertThatThrownBy(() -> ShadowReads.builder().threads(0))
                .hasMessage("threads must be at least 1, but was 0");
        assertThatThrownBy(() -> ShadowReads.builder().queueCapacity(-1))
                .hasMessage("queueCapacity must be 0 or more, but was -1");
        assertThatThrownBy(() -> ShadowReads.builder().timeout(Duration.ZERO))
                .hasMessage("timeout must be a positive duration, but was PT0S");
        assertThatThrownBy(() -> ShadowReads.builder().warnInterval(Duration.ofSeconds(-1)))
                .hasMessage("warnInterval must be zero or positive, but was PT-1S");
    }

    @Test
    void badRatesAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new ShadowReadSampling(Map.of("orders", -0.1))).hasMessage(
                "dualwrite.migrations.orders.shadow-reads.rate must be a number between 0 and 1 (the share of reads "
                        + "shadow-read), but was -0.1");
        Map<String, Double> missing = new HashMap<>();
        missing.put("orders", null);
        assertThatThrownBy(() -> new ShadowReadSampling(missing)).hasMessageContaining("but was null");
        assertThatThrownBy(() -> new ShadowReadSampling(Map.of(" ", 0.5)))
                .hasMessageContaining("non-blank migration name");
    }

    @Test
    void ratesZeroAndOneAreExact() {
        ShadowReadSampling sampling = new ShadowReadSampling(Map.of("never", 0.0, "always", 1.0));
        for (int i = 0; i < 1000; i++) {
            assertThat(sampling.sample("never")).isFalse();
            assertThat(sampling.sample("always")).isTrue();
            assertThat(sampling.sample("unconfigured")).isFalse();
        }
    }
}
