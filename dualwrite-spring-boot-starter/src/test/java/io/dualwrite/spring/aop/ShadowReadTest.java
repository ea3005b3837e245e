package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Shadow reads of a {@code @DualRead} repository method on two H2 databases: the caller always gets the store
 * its phase reads from; a sample is read again from the other store off the caller's thread and compared, and
 * each outcome is counted on {@code dualwrite.shadow.reads}.
 */
class ShadowReadTest {

    private final TwoStores stores = TwoStores.h2();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withBean(SimpleMeterRegistry.class)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class);

    @BeforeEach
    void setUp() {
        stores.oldDb.execute("INSERT INTO orders VALUES (1, 'A', 'paid')");
        stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'A', 'paid')");
        logged.start();
        ((Logger) LoggerFactory.getLogger(ShadowReads.class)).addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(ShadowReads.class)).detachAppender(logged);
        stores.close();
    }

    @Test
    void aDifferencePlantedInTheNewStoreIsAMismatchWhileTheCallerGetsTheOldValue() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        stores.newDb.execute("UPDATE orders_v2 SET remark = 'refunded' WHERE id = 1");
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            assertThat(orders.findNote("A", 1)).isEqualTo("paid");

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MISMATCH) == 1);
            assertThat(orders.calls("findNote")).extracting(OrderRepository.Call::routedTo)
                    .containsExactly(Optional.empty(), Optional.of(Store.NEW));
            assertThat(counted(context, ShadowReadOutcome.MATCH)).isZero();
            assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN).singleElement()
                    .satisfies(event -> assertThat(event.getFormattedMessage())
                            .contains("shadow read mismatch in migration orders", "OrderRepository.findNote",
                                    "merchant A").doesNotContain("paid", "refunded"));
        });
    }

    @Test
    void equalStoresAreAMatch() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        atRate(1).run(context -> {
            assertThat(context.getBean(OrderRepository.class).findNote("A", 1)).isEqualTo("paid");

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MATCH) == 1);
            assertThat(counted(context, ShadowReadOutcome.MISMATCH)).isZero();
        });
    }

    @Test
    void theMethodsComparatorDecides() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        stores.newDb.execute("UPDATE orders_v2 SET remark = 'PAID' WHERE id = 1");
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.findNoteIgnoringCase("A", 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MATCH) == 1);
            orders.findNote("A", 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MISMATCH) == 1);
        });
    }

    @Test
    void inNewPrimaryTheCallerGetsTheNewStoreAndTheOldOneIsTheShadow() {
        stores.merchantPhase("A", MigrationPhase.NEW_PRIMARY);
        stores.oldDb.execute("UPDATE orders SET note = 'stale' WHERE id = 1");
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            assertThat(orders.findNote("A", 1)).isEqualTo("paid");

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MISMATCH) == 1);
            assertThat(orders.calls("findNote")).extracting(OrderRepository.Call::routedTo)
                    .containsExactly(Optional.empty(), Optional.of(Store.OLD));
        });
    }

    @Test
    void aBrokenNewStoreIsCountedAsAnErrorAndTheCallerIsUnaffected() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        stores.newDb.execute("DROP TABLE orders_v2");
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            for (int i = 0; i < 3; i++) {
                assertThat(orders.findNote("A", 1)).isEqualTo("paid");
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.ERROR) == 3);
            assertThat(counted(context, ShadowReadOutcome.MISMATCH) + counted(context, ShadowReadOutcome.MATCH)).isZero();
        });
    }

    @Test
    void aComparatorThatThrowsCountsAnError() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        atRate(1).run(context -> {
            assertThat(context.getBean(OrderRepository.class).findNoteComparedBadly("A", 1)).isEqualTo("paid");

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.ERROR) == 1);
        });
    }

    @Test
    void aShadowRunThatWouldWriteTheOtherStoreIsRefusedAndCountedAsAnError() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        atRate(1).run(context -> {
            assertThat(context.getBean(OrderRepository.class).findNoteCounting("A", 1)).isEqualTo("paid+");

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.ERROR) == 1);
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("note")).containsExactly("paid+");
            assertThat(stores.newRows()).extracting(row -> row.get("note")).containsExactly("paid+"); // the mirror
        });
    }

    @Test
    void atRateOneEveryReadIsShadowed() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            for (int i = 0; i < 20; i++) {
                orders.findNote("A", 1);
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context, ShadowReadOutcome.MATCH) == 20);
            assertThat(orders.calls("findNote")).filteredOn(call -> call.routedTo().equals(Optional.of(Store.NEW)))
                    .hasSize(20);
        });
    }

    @Test
    void atRateZeroNoReadIsShadowed() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        atRate(0).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            for (int i = 0; i < 20; i++) {
                orders.findNote("A", 1);
            }

            // a sample is handed off on the caller's thread, so once the runner is idle none can still come
            assertThat(context.getBean(ShadowReads.class).awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(orders.calls("findNote")).hasSize(20).allSatisfy(call -> assertThat(call.routedTo()).isEmpty());
            assertThat(context.getBean(MeterRegistry.class).find(ShadowReads.METER).counters()).isEmpty();
        });
    }

    @Test
    void phasesThatDoNotShadowAndMethodsThatOptOutRunOnce() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("B", MigrationPhase.SHADOW_READ);
        stores.oldDb.execute("INSERT INTO orders VALUES (2, 'B', 'b')");
        atRate(1).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.findNote("A", 1);
            orders.findNoteUnshadowed("B", 2);

            assertThat(context.getBean(ShadowReads.class).awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(orders.calls()).hasSize(2).allSatisfy(call -> assertThat(call.routedTo()).isEmpty());
        });
    }

    @Test
    void theCallerDoesNotWaitForTheShadowAndAFullExecutorDropsTheSample() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        runner.withBean(ShadowReads.class, () -> ShadowReads.builder().threads(1).queueCapacity(0)
                .sampling(new ShadowReadSampling(Map.of("orders", 1.0))).build()).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            CountDownLatch release = new CountDownLatch(1);
            orders.holdNewStoreReads(release);

            assertThat(orders.findNote("A", 1)).isEqualTo("paid"); // returns while its shadow is held
            assertThat(orders.heldOnNewStore()).isTrue();
            assertThat(orders.findNote("A", 1)).isEqualTo("paid"); // the only thread is busy: dropped

            ShadowReads shadows = context.getBean(ShadowReads.class);
            assertThat(shadows.count("orders", ShadowReadOutcome.DROPPED)).isEqualTo(1);
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> shadows.count("orders", ShadowReadOutcome.MATCH) == 1);
        });
    }

    @Test
    void aShadowPastItsTimeLimitIsAnErrorWhileItStillRuns() {
        stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
        runner.withBean(ShadowReads.class, () -> ShadowReads.builder().timeout(Duration.ofMillis(100))
                .sampling(new ShadowReadSampling(Map.of("orders", 1.0))).build()).run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            CountDownLatch release = new CountDownLatch(1);
            orders.holdNewStoreReads(release);
            ShadowReads shadows = context.getBean(ShadowReads.class);

            assertThat(orders.findNote("A", 1)).isEqualTo("paid");
            assertThat(orders.heldOnNewStore()).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> shadows.count("orders", ShadowReadOutcome.ERROR) == 1);
            release.countDown();
            assertThat(shadows.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(shadows.count("orders", ShadowReadOutcome.MATCH)).isZero();
        });
    }

    private ApplicationContextRunner atRate(double rate) {
        return runner.withBean(ShadowReadSampling.class, () -> new ShadowReadSampling(Map.of("orders", rate)));
    }

    private static double counted(AssertableApplicationContext context, ShadowReadOutcome outcome) {
        var counter = context.getBean(MeterRegistry.class).find(ShadowReads.METER)
                .tags("migration", "orders", "outcome", outcome.tag()).counter();
        return counter == null ? 0 : counter.count();
    }
}
