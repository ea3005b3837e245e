package io.dualwrite.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The meters and the health contributor over a real {@link DualWriter} in sync mode, whose mirrors to the new
 * store fail: outcomes and latency are counted, the breaker gauge opens, the backlog gauge grows, health stays UP.
 */
class DualWriteMetersTest {

    private final SwitchStore switches = SwitchStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
            .migration(MigrationSwitchConfig.of("orders")).build();
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final AtomicInteger counts = new AtomicInteger();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DualWriteMirrorMetrics mirrorMetrics = new DualWriteMirrorMetrics();
    private final DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog)
            .observer(mirrorMetrics)
            .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).breakerWindowSize(2).breakerMinimumCalls(2)
                    .breakerWaitInOpenState(Duration.ofMinutes(10)).build())
            .build();

    @AfterEach
    void close() {
        writer.close();
    }

    private CachedBacklog backlog(Duration timeToLive) {
        return new CachedBacklog(new CountingChangeLog(changeLog, counts), timeToLive);
    }

    private void write(String key, boolean newStoreFails) {
        MigrationContext context = MigrationContext.forMigration("orders").merchantId("m-1").orderId(key).build();
        writer.write(context, new RowRef("orders", key, Operation.UPDATE), () -> "old", () -> {
            if (newStoreFails) {
                throw new IllegalStateException("relation \"orders_v2\" does not exist");
            }
            return "new";
        });
    }

    private double gauge(String name) {
        return registry.get(name).tags("migration", "orders").gauge().value();
    }

    @Test
    void outcomesAreCountedByReasonAndTimedAndTheBreakerAndBacklogGaugesMove() {
        mirrorMetrics.bindTo(registry);
        new DualWriteGauges(switchboard, writer, backlog(Duration.ofNanos(1))).bindTo(registry);
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);

        write("o-1", false);
        assertThat(registry.get(DualWriteGauges.BREAKER_STATE).tags("migration", "orders", "target", "new").gauge()
                .value()).isZero();
        write("o-2", true);
        write("o-3", true);
        write("o-4", false);

        assertThat(registry.get(DualWriteMirrorMetrics.OUTCOMES).tags("migration", "orders", "target", "new",
                "outcome", "succeeded").counter().count()).isEqualTo(1);
        assertThat(registry.get(DualWriteMirrorMetrics.OUTCOMES).tags("outcome", "failed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(DualWriteMirrorMetrics.OUTCOMES).tags("outcome", "breaker-open").counter().count())
                .as("one failure in a window of two opened the breaker (50 %)").isEqualTo(2);
        assertThat(registry.get(DualWriteMirrorMetrics.LATENCY).tags("outcome", "failed").timer().count()).isEqualTo(1);
        assertThat(registry.get(DualWriteGauges.BREAKER_STATE).tags("migration", "orders", "target", "new").gauge()
                .value()).isEqualTo(1);
        assertThat(registry.get(DualWriteGauges.QUEUE_DEPTH).tags("migration", "orders", "target", "new").gauge()
                .value()).as("sync mode has no queue").isZero();
        assertThat(gauge(DualWriteGauges.BACKLOG)).isEqualTo(3);
    }

    @Test
    void mirrorGaugesReadZeroWithoutStartingAnExecutor() {
        new DualWriteGauges(switchboard, writer, backlog(Duration.ofSeconds(5))).bindTo(registry);

        assertThat(registry.get(DualWriteGauges.BREAKER_STATE).tags("target", "old").gauge().value()).isZero();
        assertThat(registry.get(DualWriteGauges.QUEUE_DEPTH).tags("target", "new").gauge().value()).isZero();
        assertThat(writer.existingMirrorExecutor("orders", io.dualwrite.Store.NEW)).isEmpty();
    }

    @Test
    void scrapesWithinTheTimeToLiveShareOneCount() {
        new DualWriteGauges(switchboard, writer, backlog(Duration.ofHours(1))).bindTo(registry);

        assertThat(gauge(DualWriteGauges.BACKLOG)).isZero();
        changeLog.record("orders", "orders", "o-1", Operation.UPDATE, "failed");
        assertThat(gauge(DualWriteGauges.BACKLOG)).as("kept from the first scrape").isZero();
        assertThat(counts).hasValue(1);
    }

    @Test
    void anUnreadableChangeLogMakesTheBacklogGaugeNaNAndHealthSaysSo() {
        CachedBacklog broken = new CachedBacklog(new CountingChangeLog(changeLog, counts) {
            @Override
            public long pendingCount(String migration) {
                throw new IllegalStateException("could not read jdbc:h2:mem:old;PASSWORD=s3cret");
            }
        }, Duration.ofSeconds(5));
        new DualWriteGauges(switchboard, writer, broken).bindTo(registry);

        assertThat(gauge(DualWriteGauges.BACKLOG)).isNaN();
        Health health = new DualWriteHealthIndicator(switchboard, writer, broken, 10).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("degraded", true);
        assertThat(health.toString()).contains("cannot be read (IllegalStateException)").doesNotContain("s3cret");
    }

    @Test
    void healthIsUpAndNotDegradedWhileMirrorsSucceed() {
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        write("o-1", false);

        Health health = new DualWriteHealthIndicator(switchboard, writer, backlog(Duration.ofNanos(1)), 10).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("degraded", false);
        assertThat(health.getDetails().get("migrations")).isEqualTo(Map.of("orders",
                Map.of("backlog", 0L, "breakers", Map.of("new", "CLOSED"))));
    }

    @Test
    void healthStaysUpWithDetailsWhenTheBreakerOpensAndTheBacklogPassesTheThreshold() {
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        for (int i = 0; i < 4; i++) {
            write("o-" + i, true);
        }

        Health health = new DualWriteHealthIndicator(switchboard, writer, backlog(Duration.ofNanos(1)), 3).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("degraded", true);
        assertThat(health.getDetails().get("problems")).isEqualTo(java.util.List.of(
                "the change-log backlog of 'orders' is 4 entries, above 3",
                "the circuit breaker of the mirrors of 'orders' to the new store is OPEN: mirrors are recorded in the"
                        + " change log instead"));
    }
}
