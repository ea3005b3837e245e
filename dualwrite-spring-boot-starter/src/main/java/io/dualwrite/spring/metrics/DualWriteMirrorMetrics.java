package io.dualwrite.spring.metrics;

import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts and times every mirror, as the {@link MirrorObserver} of the application's {@code DualWriter}:
 *
 * <ul>
 *   <li>{@value #OUTCOMES} (counter): mirrors ended, tagged {@code migration}, {@code target} ({@code new} or
 *       {@code old}) and {@code outcome} — {@code succeeded}, {@code failed}, {@code timed-out},
 *       {@code breaker-open}, {@code rejected}, {@code shut-down} (every outcome but {@code succeeded} left a
 *       change-log entry per row, with that reason);</li>
 *   <li>{@value #LATENCY} (timer): from the hand-off after the commit to the mirror's end, same tags.</li>
 * </ul>
 *
 * <p>As a {@link MeterBinder} it is bound to the application's registry by Spring Boot; events before that are not
 * counted. An event costs a map lookup, a counter increment and a timer record on the mirror thread.
 */
public final class DualWriteMirrorMetrics implements MirrorObserver, MeterBinder {

    /** The counter of mirror outcomes. */
    public static final String OUTCOMES = "dualwrite.mirror.outcomes";
    /** The timer of mirror latency. */
    public static final String LATENCY = "dualwrite.mirror.latency";

    private final CompositeMeterRegistry registries = new CompositeMeterRegistry();
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    private record Key(String migration, String target, String outcome) {
    }

    private record Meters(Counter outcomes, Timer latency) {
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
    }

    @Override
    public void onMirror(MirrorEvent event) {
        Key key = new Key(event.task().migration(), event.task().target().name().toLowerCase(Locale.ROOT),
                event.outcome().reason());
        Meters forKey = meters.computeIfAbsent(key, this::register);
        forKey.outcomes().increment();
        forKey.latency().record(event.latency());
    }

    private Meters register(Key key) {
        String[] tags = {"migration", key.migration(), "target", key.target(), "outcome", key.outcome()};
        return new Meters(
                Counter.builder(OUTCOMES).description("Mirrors to the other store that ended, by outcome")
                        .tags(tags).register(registries),
                Timer.builder(LATENCY).description("Time from a mirror's hand-off after the commit to its end")
                        .tags(tags).register(registries));
    }
}
