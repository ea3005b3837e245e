package io.dualwrite;

import static io.dualwrite.testing.Latches.awaitIgnoringInterrupts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.testing.FixedPhaseResolver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DualWriterTest {

    private static final RowRef ROW = new RowRef("orders", "o-1", Operation.UPDATE);
    private static final MigrationContext CONTEXT =
            MigrationContext.forMigration("orders").orderId("o-1").merchantId("m-1").build();
    private static final MirrorConfig SYNC = MirrorConfig.custom().mode(MirrorMode.SYNC).build();

    private final FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.DUAL_WRITE);
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final List<MirrorEvent> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private DualWriter writer;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (writer != null) {
            writer.close();
        }
    }

    private DualWriter writer(MirrorConfig config) {
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog).observer(events::add)
                .mirrorConfig(config).build();
        return writer;
    }

    @Test
    void failingMirrorLeavesTheResultUnchangedAndOneEntry() {
        writer(SYNC);
        Object result = new Object();

        Object returned = writer.write(CONTEXT, ROW, () -> result, () -> {
            throw new IllegalStateException("new store down");
        });

        assertThat(returned).isSameAs(result);
        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().reason()).isEqualTo("failed");
            assertThat(entry.record().target()).isEqualTo(Store.NEW);
            assertThat(entry.record().key()).isEqualTo("o-1");
        });
    }

    @Test
    void hangingMirrorLeavesTheResultUnchangedWithinTheTimeLimit() {
        Duration limit = Duration.ofMillis(200);
        writer(MirrorConfig.from(SYNC).timeLimit(limit).build());
        Object result = new Object();

        long start = System.nanoTime();
        Object returned = writer.write(CONTEXT, ROW, () -> result, () -> {
            release.await();
            return null;
        });
        long elapsed = System.nanoTime() - start;

        assertThat(returned).isSameAs(result);
        assertThat(elapsed).isLessThan(limit.toNanos() + TimeUnit.SECONDS.toNanos(1));
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("timed-out"));
    }

    @Test
    void openBreakerLeavesTheResultUnchangedAndOneEntry() {
        writer(MirrorConfig.from(SYNC).breakerWindowSize(1).breakerWaitInOpenState(Duration.ofMinutes(10)).build());
        writer.write(CONTEXT, ROW, () -> "old", () -> {
            throw new IllegalStateException("new store down");
        });
        AtomicInteger mirrored = new AtomicInteger();
        Object result = new Object();

        assertThat(writer.write(CONTEXT, ROW, () -> result, mirrored::incrementAndGet)).isSameAs(result);

        assertThat(mirrored).hasValue(0);
        assertThat(events).extracting(MirrorEvent::outcome)
                .containsExactly(MirrorOutcome.FAILED, MirrorOutcome.BREAKER_OPEN);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().reason())
                .containsExactly("failed", "breaker-open");
    }

    @Test
    void fullBulkheadLeavesTheResultUnchangedAndOneEntry() {
        writer(MirrorConfig.from(SYNC).timeLimit(Duration.ofMillis(100)).maxConcurrentCalls(1).build());
        writer.write(CONTEXT, ROW, () -> "old", () -> {
            awaitIgnoringInterrupts(release);
            return "new";
        });
        AtomicInteger mirrored = new AtomicInteger();
        Object result = new Object();

        assertThat(writer.write(CONTEXT, ROW, () -> result, mirrored::incrementAndGet)).isSameAs(result);

        assertThat(mirrored).hasValue(0);
        assertThat(events).extracting(MirrorEvent::outcome)
                .containsExactly(MirrorOutcome.TIMED_OUT, MirrorOutcome.REJECTED);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().reason())
                .containsExactly("timed-out", "rejected");
    }

    @Test
    void fullAsyncQueueLeavesTheResultUnchangedAndOneEntry() {
        writer(MirrorConfig.custom().mode(MirrorMode.ASYNC).lanes(1).queueCapacity(1).timeLimit(Duration.ofSeconds(30))
                .build());
        CountDownLatch laneBusy = new CountDownLatch(1);
        writer.write(CONTEXT, ROW, () -> "old", () -> {
            laneBusy.countDown();
            awaitIgnoringInterrupts(release);
            return "new";
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> laneBusy.getCount() == 0);
        writer.write(CONTEXT, ROW, () -> "old", () -> "new");
        Object result = new Object();

        assertThat(writer.write(CONTEXT, ROW, () -> result, () -> "new")).isSameAs(result);

        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.entries().size() == 1); // recorded off this thread
        assertThat(events).extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.REJECTED);
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("rejected"));
    }

    @Test
    void authoritativeExceptionPropagatesUnchangedAndNothingIsMirrored() {
        writer(SYNC);
        IOException failure = new IOException("old store down");
        AtomicInteger mirrored = new AtomicInteger();

        assertThatThrownBy(() -> writer.write(CONTEXT, ROW, () -> {
            throw failure;
        }, mirrored::incrementAndGet)).isSameAs(failure);

        assertThat(mirrored).hasValue(0);
        assertThat(events).isEmpty();
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void writeWithoutAnOpenContextFailsWithAClearMessage() {
        writer(SYNC);

        assertThatThrownBy(() -> writer.write(ROW, () -> 1, () -> 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No MigrationContext is open on this thread");
    }

    @Test
    void writeUsesTheContextOpenOnThisThread() {
        writer(SYNC);
        List<String> calls = new ArrayList<>();

        try (MigrationContext.Scope scope = CONTEXT.open()) {
            writer.write(ROW, () -> calls.add("old"), () -> calls.add("new"));
        }

        assertThat(calls).containsExactly("old", "new");
        assertThat(resolver.lastWrite).isEqualTo(CONTEXT);
    }

    @Test
    void phaseDecidesWhichSideIsAuthoritativeAndWhetherToMirror() {
        writer(SYNC);
        List<String> calls = new CopyOnWriteArrayList<>();

        for (MigrationPhase phase : MigrationPhase.values()) {
            resolver.phase = phase;
            String result = writer.write(CONTEXT, ROW, () -> {
                calls.add(phase + ":old");
                return "old";
            }, () -> {
                calls.add(phase + ":new");
                return "new";
            });
            assertThat(result).isEqualTo(phase.authoritative() == Store.OLD ? "old" : "new");
        }

        assertThat(calls).containsExactly("OLD_ONLY:old", "DUAL_WRITE:old", "DUAL_WRITE:new",
                "SHADOW_READ:old", "SHADOW_READ:new", "NEW_PRIMARY:new", "NEW_PRIMARY:old", "NEW_ONLY:new");
        assertThat(events).extracting(event -> event.task().target())
                .containsExactly(Store.NEW, Store.NEW, Store.OLD);
    }

    @Test
    void newStoreExceptionPropagatesUnchangedWhenItIsAuthoritative() {
        writer(SYNC);
        resolver.phase = MigrationPhase.NEW_PRIMARY;
        IOException failure = new IOException("new store down");

        assertThatThrownBy(() -> writer.write(CONTEXT, ROW, () -> "old", () -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(events).isEmpty();
    }

    @Test
    void readGoesToTheStoreThePhaseReadsFrom() {
        writer(SYNC);
        List<String> results = new ArrayList<>();

        for (MigrationPhase phase : MigrationPhase.values()) {
            resolver.phase = phase;
            results.add(writer.read(CONTEXT, () -> "old", () -> "new"));
        }

        assertThat(results).containsExactly("old", "old", "old", "new", "new");
        assertThat(events).isEmpty();
        assertThat(resolver.reads).hasValue(5);
    }

    @Test
    void throwingObserverDoesNotAffectTheCaller() {
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog).mirrorConfig(SYNC)
                .observer(event -> {
                    throw new IllegalStateException("observer bug");
                }).build();

        assertThat(writer.write(CONTEXT, ROW, () -> "old", () -> {
            throw new IllegalStateException("new store down");
        })).isEqualTo("old");
        assertThat(changeLog.size()).isEqualTo(1);
    }

    @Test
    void alwaysModeRecordsTheOutboxEntryBeforeTheMirrorAndRemovesItAfterSuccess() {
        writer(MirrorConfig.from(SYNC).changeLogMode(ChangeLogMode.ALWAYS).build());
        List<ChangeEntry> seenByMirror = new ArrayList<>();
        List<ChangeEntry> seenByAuthoritative = new ArrayList<>();

        writer.write(CONTEXT, ROW, () -> seenByAuthoritative.addAll(changeLog.entries()),
                () -> seenByMirror.addAll(changeLog.entries()));

        assertThat(seenByAuthoritative).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("outbox"));
        assertThat(seenByMirror).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("outbox"));
        assertThat(changeLog.size()).isZero();
        assertThat(events).extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.SUCCEEDED);
    }

    @Test
    void alwaysModeKeepsExactlyTheOutboxEntryWhenTheMirrorFails() {
        writer(MirrorConfig.from(SYNC).changeLogMode(ChangeLogMode.ALWAYS).build());

        writer.write(CONTEXT, ROW, () -> "old", () -> {
            throw new IllegalStateException("new store down");
        });

        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().reason()).isEqualTo("outbox");
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.lastError()).contains("new store down");
        });
    }

    @Test
    void alwaysModeRemovesTheOutboxEntryWhenTheAuthoritativeWriteFails() {
        writer(MirrorConfig.from(SYNC).changeLogMode(ChangeLogMode.ALWAYS).build());

        assertThatThrownBy(() -> writer.write(CONTEXT, ROW, () -> {
            throw new IllegalStateException("old store down");
        }, () -> "new")).hasMessage("old store down");

        assertThat(changeLog.size()).isZero();
    }

    @Test
    void alwaysModeOutboxEntrySurvivesAStopBeforeTheMirrorRuns() {
        writer(MirrorConfig.custom().mode(MirrorMode.ASYNC).changeLogMode(ChangeLogMode.ALWAYS).build());
        AtomicInteger mirrored = new AtomicInteger();
        writer.close();

        assertThat(writer.write(CONTEXT, ROW, () -> "old", mirrored::incrementAndGet)).isEqualTo("old");

        assertThat(mirrored).hasValue(0);
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("outbox"));
        assertThat(events).extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.SHUT_DOWN);
    }

    @Test
    void asyncWriteReturnsBeforeTheMirrorRuns() {
        writer(MirrorConfig.custom().mode(MirrorMode.ASYNC).timeLimit(Duration.ofSeconds(30)).build());
        CountDownLatch mirrorStarted = new CountDownLatch(1);

        Object returned = writer.write(CONTEXT, ROW, () -> "old", () -> {
            mirrorStarted.countDown();
            release.await();
            return "new";
        });

        assertThat(returned).isEqualTo("old");
        await().atMost(Duration.ofSeconds(60)).until(() -> mirrorStarted.getCount() == 0);
        release.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> events.size() == 1);
        assertThat(events.get(0).outcome()).isEqualTo(MirrorOutcome.SUCCEEDED);
    }

    @Test
    void awaitMirrorsWaitsForHeldMirrorsOfEveryMigration() throws Exception {
        writer(MirrorConfig.custom().mode(MirrorMode.ASYNC).timeLimit(Duration.ofSeconds(30)).build());
        CountDownLatch started = new CountDownLatch(2);
        MigrationContext payments = MigrationContext.forMigration("payments").orderId("o-1").build();
        StoreCall<String, RuntimeException> heldMirror = () -> {
            started.countDown();
            awaitIgnoringInterrupts(release);
            return "new";
        };

        writer.write(CONTEXT, ROW, () -> "old", heldMirror);
        writer.write(payments, ROW, () -> "old", heldMirror);
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

        assertThat(writer.awaitMirrors(Duration.ZERO)).isFalse();
        assertThat(writer.awaitMirrors(Duration.ofMillis(50))).isFalse();
        release.countDown();
        assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
        assertThat(events).extracting(MirrorEvent::outcome)
                .containsExactly(MirrorOutcome.SUCCEEDED, MirrorOutcome.SUCCEEDED);
    }

    @Test
    void awaitMirrorsIsTrueAtOnceWithoutMirrorsAndRefusesANegativeTimeout() throws Exception {
        writer(SYNC);

        assertThat(writer.awaitMirrors(Duration.ZERO)).isTrue();
        assertThat(writer.awaitMirrors(Duration.ofDays(100_000))).isTrue();
        assertThatThrownBy(() -> writer.awaitMirrors(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be zero or positive, but was PT-1S");
    }

    @Test
    void perMigrationConfigOverridesTheDefault() {
        MirrorConfig payments = MirrorConfig.custom().mode(MirrorMode.SYNC).build();
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog)
                .mirrorConfig("payments", payments).build();

        assertThat(writer.mirrorConfig("payments")).isSameAs(payments);
        assertThat(writer.mirrorConfig("orders")).isSameAs(MirrorConfig.ofDefaults());
    }

    @Test
    void phaseOfAsksTheResolver() {
        writer(SYNC);
        resolver.phase = MigrationPhase.SHADOW_READ;

        assertThat(writer.phaseOf(CONTEXT)).isEqualTo(MigrationPhase.SHADOW_READ);
        assertThat(writer.readPhaseOf(CONTEXT)).isEqualTo(MigrationPhase.SHADOW_READ);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void migrationNamesAreRefusedLikeEveryOtherId(String bad) {
        writer(SYNC);
        String message = "migration must be a non-blank id, but was " + (bad == null ? "null" : "'" + bad + "'");
        StateSync<String> sync = StateSync.of(new NoStore(), new NoStore());

        assertThatThrownBy(() -> DualWriter.builder().mirrorConfig(bad, SYNC))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> writer.mirrorExecutor(bad, Store.NEW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> writer.syncKey(bad, ROW, Store.NEW, sync))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void builderRequiresAResolverAndAChangeLog() {
        assertThatThrownBy(() -> DualWriter.builder().changeLog(changeLog).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("resolver must be set");
        assertThatThrownBy(() -> DualWriter.builder().resolver(resolver).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("changeLog must be set");
    }

    /** A store that must never be reached. */
    private static final class NoStore implements KeyedStore<String> {
        @Override
        public java.util.Optional<String> read(String key) {
            throw new AssertionError("not reached");
        }

        @Override
        public void upsert(String key, String value) {
            throw new AssertionError("not reached");
        }

        @Override
        public void delete(String key) {
            throw new AssertionError("not reached");
        }
    }
}
