package io.dualwrite.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.ChangeLogMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MirrorConfigTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        MirrorConfig config = MirrorConfig.ofDefaults();

        assertThat(config.mode()).isEqualTo(MirrorMode.ASYNC);
        assertThat(config.timeLimit()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.breakerWindowSize()).isEqualTo(20);
        assertThat(config.breakerFailureRateThreshold()).isEqualTo(50);
        assertThat(config.breakerMinimumCalls()).isEqualTo(20);
        assertThat(config.breakerSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(500))
                .isEqualTo(MirrorConfig.DEFAULT_BREAKER_SLOW_CALL_DURATION_THRESHOLD);
        assertThat(config.breakerSlowCallRateThreshold()).isEqualTo(50);
        assertThat(config.breakerWaitInOpenState()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.breakerHalfOpenCalls()).isEqualTo(5);
        assertThat(config.maxConcurrentCalls()).isEqualTo(32);
        assertThat(config.queueCapacity()).isEqualTo(10_000);
        assertThat(config.lanes()).isEqualTo(4);
        assertThat(config.changeLogMode()).isEqualTo(ChangeLogMode.ON_FAILURE);
        assertThat(config.warnInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void minimumCallsFollowTheWindowUnlessSet() {
        MirrorConfig small = MirrorConfig.custom().breakerWindowSize(4).build();
        MirrorConfig derived = MirrorConfig.from(MirrorConfig.ofDefaults()).breakerWindowSize(6).build();
        MirrorConfig explicit = MirrorConfig.custom().breakerWindowSize(10).breakerMinimumCalls(3).build();

        assertThat(small.breakerMinimumCalls()).isEqualTo(4);
        assertThat(derived.breakerMinimumCalls()).isEqualTo(6);
        assertThat(MirrorConfig.from(explicit).build().breakerMinimumCalls()).isEqualTo(3);
    }

    @Test
    void slowCallThresholdFollowsHalfTheTimeLimitUnlessSet() {
        MirrorConfig shortLimit = MirrorConfig.custom().timeLimit(Duration.ofMillis(200)).build();
        MirrorConfig explicit = MirrorConfig.custom().breakerSlowCallDurationThreshold(Duration.ofMillis(300)).build();

        assertThat(shortLimit.breakerSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(100));
        assertThat(MirrorConfig.from(shortLimit).timeLimit(Duration.ofSeconds(4)).build()
                .breakerSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(2));
        assertThat(MirrorConfig.from(explicit).timeLimit(Duration.ofSeconds(4)).build()
                .breakerSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(300));
        assertThat(MirrorConfig.custom().breakerSlowCallDurationThreshold(Duration.ofSeconds(1)).build()
                .breakerSlowCallDurationThreshold()).as("equal to the time limit is allowed")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fromCopiesEveryValue() {
        MirrorConfig base = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofMillis(250))
                .lanes(2).queueCapacity(5).maxConcurrentCalls(3).changeLogMode(ChangeLogMode.ALWAYS)
                .warnInterval(Duration.ZERO).breakerHalfOpenCalls(2).breakerWaitInOpenState(Duration.ofSeconds(5))
                .breakerFailureRateThreshold(80).breakerSlowCallDurationThreshold(Duration.ofMillis(120))
                .breakerSlowCallRateThreshold(90).build();

        assertThat(MirrorConfig.from(base).build()).hasToString(base.toString());
    }

    @Test
    void badValuesNameThePropertyTheValueAndTheAllowedRange() {
        assertThatThrownBy(() -> MirrorConfig.custom().timeLimit(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeLimit must be positive and at most PT1H, but was PT-1S");
        assertThatThrownBy(() -> MirrorConfig.custom().timeLimit(Duration.ZERO))
                .hasMessage("timeLimit must be positive and at most PT1H, but was PT0S");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerFailureRateThreshold(0))
                .hasMessage("breakerFailureRateThreshold must be between 1 and 100 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerFailureRateThreshold(101))
                .hasMessage("breakerFailureRateThreshold must be between 1 and 100 (inclusive), but was 101");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerWindowSize(0))
                .hasMessage("breakerWindowSize must be between 1 and 10000 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerWindowSize(4).breakerMinimumCalls(5).build())
                .hasMessage("breakerMinimumCalls must be between 1 and breakerWindowSize (4), but was 5");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerWaitInOpenState(Duration.ofMillis(-5)))
                .hasMessage("breakerWaitInOpenState must be positive and at most PT24H, but was PT-0.005S");
        assertThatThrownBy(() -> MirrorConfig.custom().maxConcurrentCalls(0))
                .hasMessage("maxConcurrentCalls must be between 1 and 10000 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().queueCapacity(-1))
                .hasMessage("queueCapacity must be between 1 and 10000000 (inclusive), but was -1");
        assertThatThrownBy(() -> MirrorConfig.custom().lanes(0))
                .hasMessage("lanes must be between 1 and 1024 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerHalfOpenCalls(0))
                .hasMessage("breakerHalfOpenCalls must be between 1 and 10000 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerSlowCallDurationThreshold(Duration.ZERO))
                .hasMessage("breakerSlowCallDurationThreshold must be positive and at most PT1H, but was PT0S");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerSlowCallDurationThreshold(Duration.ofSeconds(2)).build())
                .hasMessage("breakerSlowCallDurationThreshold must be positive and at most timeLimit (PT1S), "
                        + "but was PT2S");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerSlowCallDurationThreshold(Duration.ofMillis(800))
                .timeLimit(Duration.ofMillis(500)).build())
                .hasMessage("breakerSlowCallDurationThreshold must be positive and at most timeLimit (PT0.5S), "
                        + "but was PT0.8S");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerSlowCallRateThreshold(0))
                .hasMessage("breakerSlowCallRateThreshold must be between 1 and 100 (inclusive), but was 0");
        assertThatThrownBy(() -> MirrorConfig.custom().breakerSlowCallRateThreshold(101))
                .hasMessage("breakerSlowCallRateThreshold must be between 1 and 100 (inclusive), but was 101");
        assertThatThrownBy(() -> MirrorConfig.custom().warnInterval(Duration.ofSeconds(-10)))
                .hasMessage("warnInterval must be zero or positive, but was PT-10S");
    }
}
