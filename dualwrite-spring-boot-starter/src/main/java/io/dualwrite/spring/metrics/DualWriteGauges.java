package io.dualwrite.spring.metrics;

import io.dualwrite.DualWriter;
import io.dualwrite.Store;
import io.dualwrite.mirror.BreakerState;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of every configured migration, read at scrape time:
 *
 * <ul>
 *   <li>{@value #BACKLOG}, tagged {@code migration}: change-log entries not yet completed, through
 *       {@link CachedBacklog} (so a scrape runs at most one count per migration per its time to live); NaN while the
 *       change log cannot be read;</li>
 *   <li>{@value #QUEUE_DEPTH}, tagged {@code migration} and {@code target} ({@code new}, {@code old}): mirror tasks
 *       waiting for a lane ({@link MirrorExecutor#queuedTasks()});</li>
 *   <li>{@value #BREAKER_STATE}, same tags: the circuit breaker of the mirrors to that store, 0 closed, 1 open,
 *       2 half-open ({@link MirrorExecutor#breakerState()}).</li>
 * </ul>
 *
 * Mirror gauges read 0 until the writer has started the executor (its first mirror to that store); looking never
 * starts one. Without a {@link DualWriter} only the backlog is measured.
 */
public final class DualWriteGauges implements MeterBinder {

    /** The gauge of the change-log backlog. */
    public static final String BACKLOG = "dualwrite.changelog.backlog";
    /** The gauge of the mirror queue. */
    public static final String QUEUE_DEPTH = "dualwrite.mirror.queue.depth";
    /** The gauge of the circuit breaker. */
    public static final String BREAKER_STATE = "dualwrite.mirror.breaker.state";

    private final Switchboard switchboard;
    private final @Nullable DualWriter writer;
    private final CachedBacklog backlog;

    /**
     * @param switchboard its migrations are measured
     * @param writer      the writer whose mirror executors are measured, or {@code null}
     * @param backlog     the change-log counts
     */
    public DualWriteGauges(Switchboard switchboard, @Nullable DualWriter writer, CachedBacklog backlog) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.writer = writer;
        this.backlog = Objects.requireNonNull(backlog, "backlog");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String migration : switchboard.migrations().keySet()) {
            Gauge.builder(BACKLOG, backlog, counts -> {
                        Long pending = counts.read(migration).pending();
                        return pending == null ? Double.NaN : pending;
                    })
                    .description("Change-log entries not yet completed").tag("migration", migration)
                    .strongReference(true).register(registry);
            if (writer == null) {
                continue;
            }
            for (Store target : Store.values()) {
                String store = target.name().toLowerCase(Locale.ROOT);
                Gauge.builder(QUEUE_DEPTH, this, gauges -> gauges.executor(migration, target)
                                .map(MirrorExecutor::queuedTasks).orElse(0))
                        .description("Mirror tasks waiting for a lane").tags("migration", migration, "target", store)
                        .strongReference(true).register(registry);
                Gauge.builder(BREAKER_STATE, this, gauges -> gauges.executor(migration, target)
                                .map(executor -> code(executor.breakerState())).orElse(0))
                        .description("Circuit breaker of the mirrors: 0 closed, 1 open, 2 half-open")
                        .tags("migration", migration, "target", store).strongReference(true).register(registry);
            }
        }
    }

    /** The gauge value of a breaker state: 0 closed, 1 open, 2 half-open. */
    public static int code(BreakerState state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
        };
    }

    private Optional<MirrorExecutor> executor(String migration, Store target) {
        return writer == null ? Optional.empty() : writer.existingMirrorExecutor(migration, target);
    }
}
