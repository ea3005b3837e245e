package io.dualwrite.benchmarks;

import io.dualwrite.DualWriter;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.mirror.MirrorOutcome;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts the mirror outcomes the library reports, so that an iteration can end only once the mirrors of
 * its writes are over (their CPU and allocation then belong to the iteration), and so that the report can
 * say how many mirrors did not succeed.
 *
 * <p>One per JVM (JMH forks a JVM per benchmark): the profiler reads the same counters.
 */
public final class MirrorProbe implements MirrorObserver {

    /** The probe of this JVM. */
    public static final MirrorProbe INSTANCE = new MirrorProbe();

    private static final Duration QUIET = Duration.ofSeconds(1);

    private final Map<MirrorOutcome, LongAdder> outcomes = new EnumMap<>(MirrorOutcome.class);
    private volatile long lastEventNanos = System.nanoTime();

    private MirrorProbe() {
        for (MirrorOutcome outcome : MirrorOutcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    @Override
    public void onMirror(MirrorEvent event) {
        outcomes.get(event.outcome()).add(event.task().rows().size());
        lastEventNanos = System.nanoTime();
    }

    /** Rows whose mirror has ended, however. */
    public long finished() {
        long sum = 0;
        for (LongAdder count : outcomes.values()) {
            sum += count.sum();
        }
        return sum;
    }

    /** Rows whose mirror ended with {@code outcome}. */
    public long count(MirrorOutcome outcome) {
        return outcomes.get(outcome).sum();
    }

    /**
     * Waits until {@link #finished()} reaches {@code expected} (one row per write handed to the library).
     * Uses {@code DualWriter.awaitMirrors(Duration)} first when the library has it; then waits until the
     * observer has reported as many rows, or, should the library coalesce several writes of a key into one
     * mirror, until it has reported nothing for a second; at most {@code limit}.
     *
     * @return whether the mirrors were seen to end (false: the limit passed)
     */
    boolean awaitMirrors(@Nullable DualWriter writer, long expected, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        if (writer != null) {
            awaitWithLibrary(writer, limit);
        }
        while (System.nanoTime() < deadline) {
            if (finished() >= expected) {
                return true;
            }
            if (System.nanoTime() - lastEventNanos > QUIET.toNanos()) {
                return true;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static void awaitWithLibrary(DualWriter writer, Duration limit) {
        Method await;
        try {
            await = DualWriter.class.getMethod("awaitMirrors", Duration.class);
        } catch (NoSuchMethodException notYet) {
            return;
        }
        try {
            await.invoke(writer, limit);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DualWriter.awaitMirrors failed", e);
        }
    }
}
