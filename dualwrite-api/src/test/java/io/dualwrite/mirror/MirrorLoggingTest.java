package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class MirrorLoggingTest {

    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private LogCapture logs;
    private MirrorExecutor executor;

    @BeforeEach
    void attach() {
        logs = LogCapture.of(MirrorExecutor.class, Level.DEBUG);
    }

    @AfterEach
    void detach() {
        logs.close();
        MDC.clear();
        if (executor != null) {
            executor.close();
        }
    }

    private void executor(Duration warnInterval) {
        executor = MirrorExecutors.create("log-test", MirrorConfig.custom().mode(MirrorMode.SYNC)
                .warnInterval(warnInterval).build(), changeLog, MirrorObserver.NOOP);
    }

    private static MirrorWork failing() {
        return () -> {
            throw new IllegalStateException("new store down");
        };
    }

    private List<ILoggingEvent> warnings() {
        return logs.events(Level.WARN);
    }

    @Test
    void warnLineCarriesTheCallInMdcAndRestoresTheCallersMdc() {
        executor(Duration.ofHours(1));
        MDC.put("dualwrite.table", "caller-value");

        executor.submit(task("o-42", failing()));

        assertThat(warnings()).singleElement().satisfies(event -> {
            Map<String, String> mdc = event.getMDCPropertyMap();
            assertThat(mdc).containsEntry("dualwrite.migration", "orders")
                    .containsEntry("dualwrite.order", "o-42")
                    .containsEntry("dualwrite.merchant", "m-1")
                    .containsEntry("dualwrite.phase", "DUAL_WRITE")
                    .containsEntry("dualwrite.table", "orders")
                    .containsEntry("dualwrite.key", "o-42")
                    .containsEntry("dualwrite.outcome", "FAILED");
        });
        assertThat(MDC.get("dualwrite.table")).isEqualTo("caller-value");
        assertThat(MDC.get("dualwrite.order")).isNull();
    }

    @Test
    void warnLinesAreRateLimitedPerMigrationAndOutcome() {
        executor(Duration.ofHours(1));

        for (int i = 0; i < 50; i++) {
            executor.submit(task("o-" + i, failing()));
        }
        executor.close();
        executor.submit(task("o-x", () -> { }));

        // 20 failures open the breaker (default window); then 30 skips; then one after close: one line each.
        assertThat(warnings()).extracting(event -> event.getMDCPropertyMap().get("dualwrite.outcome"))
                .containsExactly("FAILED", "BREAKER_OPEN", "SHUT_DOWN");
        assertThat(changeLog.size()).isEqualTo(51);
    }

    @Test
    void aFirstWarnLineMentionsNoSuppressedLines() {
        executor(Duration.ofHours(1));

        executor.submit(task("o-1", failing()));

        assertThat(warnings()).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains("new store down").doesNotContain("suppressed"));
    }

    @Test
    void successfulMirrorsLogNothingAtInfoOrAbove() {
        executor(Duration.ZERO);

        for (int i = 0; i < 20; i++) {
            executor.submit(task("o-" + i, () -> { }));
        }

        assertThat(logs.events()).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.INFO));
    }
}
