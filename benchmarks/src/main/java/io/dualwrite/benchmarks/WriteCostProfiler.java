package io.dualwrite.benchmarks;

import io.dualwrite.mirror.MirrorOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * A JMH profiler (it runs in the benchmark's forked JVM) that adds, per iteration:
 *
 * <ul>
 *   <li>{@code thrpt}: operations measured / the iteration's time, in ops/s (the primary mode is
 *       {@code SampleTime}, which times a sample of calls but counts every one);</li>
 *   <li>{@code cpu.jvm}: CPU time of the whole JVM process (every thread: callers, mirror threads, pools,
 *       GC, JIT; read with {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}) per operation,
 *       in ns/op, split by thread into {@code cpu.caller} (JMH workers), {@code cpu.mirror} (dualwrite's
 *       lane and mirror threads), {@code cpu.otherJava} (pools' housekeeping, caches, JMH's own), all three
 *       from {@code ThreadMXBean}; {@code cpu.gc} and {@code cpu.jit} (from {@code /proc/self/task}, Linux
 *       only, 10 ms resolution per thread); and {@code cpu.vm}, the rest of the process (VM threads, and
 *       threads that ended during the iteration);</li>
 *   <li>{@code cpu.pg}: CPU of the embedded PostgreSQL server (postmaster and backends, from {@code /proc})
 *       per operation, when the benchmark runs on it;</li>
 *   <li>{@code mirror.done}, {@code mirror.notOk}: rows whose mirror ended, and ended other than
 *       {@code SUCCEEDED}, per operation; {@code mirror.backlog}: mirrors not yet ended when the callers
 *       stopped, per operation of the iteration; {@code mirror.wait}: how long the wait for them took;</li>
 *   <li>{@code load.foreign}: CPU used meanwhile by every other process of the machine ({@code /proc/stat}
 *       minus this JVM and the PostgreSQL server), in cores: a disturbed measurement shows here.</li>
 * </ul>
 *
 * <p>Before each iteration of an insert benchmark it empties the tables of both stores (outside the
 * readings), so that the stores (H2 keeps them on the heap) do not grow with a variant's throughput and
 * slow the faster ones down.
 *
 * <p>Async mirrors outlive the call. After every measurement iteration (and the last warm-up one, so that
 * every measurement iteration starts with an empty queue), before reading anything, the profiler waits
 * until the library has reported the end of the mirror of every write so far ({@link Fixture#awaitMirrors}):
 * their CPU and allocation are counted in the iteration that caused them. It waits here rather than in a
 * {@code @TearDown(Level.Iteration)} because JMH's other worker threads busy-spin while one of them runs
 * an iteration teardown, which would be counted as the callers' CPU. Add this profiler after JMH's
 * {@code gc} profiler: JMH ends profilers in reverse order, so the allocation reading then follows the wait.
 * Normalised by all operations of the iteration, as JMH's {@code -prof gc} does.
 */
public final class WriteCostProfiler implements InternalProfiler {

    private static volatile long postmasterPid = -1;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private long processBefore;
    private long allocatedBefore;
    private long machineBefore;
    private long wallBefore;
    private long pgBefore;
    private long succeededBefore;
    private long finishedBefore;
    private Map<Long, Long> threadsBefore = Map.of();
    private Map<Long, Map.Entry<String, Long>> nativeBefore = Map.of();
    private int warmupsEnded;

    /** Tells the profiler which PostgreSQL server the benchmark of this JVM writes to. */
    static void watchPostgres(long pid) {
        postmasterPid = pid;
    }

    @Override
    public String getDescription() {
        return "dualwrite: throughput from SampleTime, whole-JVM and PostgreSQL CPU per op, mirror outcomes";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        Fixture fixture = Fixture.current(); // null before the first iteration: the trial's setup runs in it
        if (fixture != null && benchmarkParams.getBenchmark().contains(".insert")) {
            try {
                fixture.emptyTables();
            } catch (SQLException e) {
                throw new IllegalStateException("could not empty the tables before an iteration", e);
            }
        }
        threadsBefore = threadCpu();
        nativeBefore = ProcessCpu.nativeThreads();
        pgBefore = postmasterPid < 0 ? -1 : ProcessCpu.treeCpuNanos(postmasterPid);
        succeededBefore = MirrorProbe.INSTANCE.count(MirrorOutcome.SUCCEEDED);
        finishedBefore = MirrorProbe.INSTANCE.finished();
        // Last, so that the readings above (which cost CPU and allocate) stay out of the iteration's figures.
        machineBefore = ProcessCpu.machineBusyNanos();
        wallBefore = System.nanoTime();
        processBefore = os.getProcessCpuTime();
        allocatedBefore = allocated();
    }

    @Override
    public List<Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                          IterationResult result) {
        boolean lastWarmup = iterationParams.getType() == IterationType.WARMUP
                && ++warmupsEnded == iterationParams.getCount();
        long backlog = 0;
        long waitStart = System.nanoTime();
        Fixture fixture = Fixture.current();
        if (fixture != null) {
            backlog = fixture.mirrorsPending();
            if (iterationParams.getType() == IterationType.MEASUREMENT || lastWarmup) {
                fixture.awaitMirrors();
            }
        }
        long waited = System.nanoTime() - waitStart;
        // First, so that the readings below stay out of the iteration's figures.
        long allocated = allocated() - allocatedBefore;
        long process = os.getProcessCpuTime() - processBefore;
        long wall = System.nanoTime() - wallBefore;
        long machine = ProcessCpu.machineBusyNanos() - machineBefore;
        long pg = postmasterPid < 0 || pgBefore < 0 ? -1 : ProcessCpu.treeCpuNanos(postmasterPid) - pgBefore;
        Map<String, Long> byKind = byKind(threadsBefore, threadCpu());
        ProcessCpu.nativeThreads().forEach((tid, after) -> {
            Map.Entry<String, Long> before = nativeBefore.get(tid);
            byKind.merge(after.getKey(), after.getValue() - (before == null ? 0 : before.getValue()), Long::sum);
        });
        long finished = MirrorProbe.INSTANCE.finished() - finishedBefore;
        long succeeded = MirrorProbe.INSTANCE.count(MirrorOutcome.SUCCEEDED) - succeededBefore;

        double ops = Math.max(1, result.getMetadata().getAllOps());
        double seconds = iterationParams.getTime().convertTo(TimeUnit.NANOSECONDS) / 1e9;
        List<Result<?>> results = new ArrayList<>();
        results.add(scalar("thrpt", result.getMetadata().getMeasuredOps() / seconds, "ops/s"));
        results.add(scalar("cpu.jvm", process / ops, "ns/op"));
        long javaThreads = 0;
        for (String kind : new String[] {"caller", "mirror", "otherJava", "gc", "jit"}) {
            long nanos = byKind.getOrDefault(kind, 0L);
            javaThreads += nanos;
            results.add(scalar("cpu." + kind, nanos / ops, "ns/op"));
        }
        results.add(scalar("cpu.vm", Math.max(0, process - javaThreads) / ops, "ns/op"));
        if (pg >= 0) {
            results.add(scalar("cpu.pg", pg / ops, "ns/op"));
        }
        results.add(scalar("alloc.all", allocated / ops, "B/op"));
        results.add(scalar("mirror.done", finished / ops, "rows/op"));
        results.add(scalar("mirror.notOk", (finished - succeeded) / ops, "rows/op"));
        results.add(scalar("mirror.backlog", backlog / ops, "rows/op"));
        results.add(scalar("mirror.wait", waited / 1e6, "ms"));
        if (machineBefore >= 0) {
            // Other processes on the machine during the iteration, in cores: they disturb the figures.
            double foreign = machine - process - Math.max(0, pg);
            results.add(scalar("load.foreign", Math.max(0, foreign) / wall, "cores"));
        }
        return results;
    }

    /** Bytes allocated by every thread of the JVM so far, the source of JMH's {@code gc.alloc.rate.norm}. */
    private long allocated() {
        return threads instanceof com.sun.management.ThreadMXBean hotspot ? hotspot.getTotalThreadAllocatedBytes() : -1;
    }

    private static ScalarResult scalar(String label, double value, String unit) {
        return new ScalarResult(label, value, unit, AggregationPolicy.AVG);
    }

    private Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** CPU spent between the two readings by each kind of Java thread. */
    private Map<String, Long> byKind(Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Long> byKind = new HashMap<>();
        for (Map.Entry<Long, Long> entry : after.entrySet()) {
            ThreadInfo info = threads.getThreadInfo(entry.getKey());
            if (info == null) {
                continue;
            }
            String kind = kindOf(info.getThreadName());
            if (kind != null) {
                byKind.merge(kind, entry.getValue() - before.getOrDefault(entry.getKey(), 0L), Long::sum);
            }
        }
        return byKind;
    }

    /** The kind of a Java thread; {@code null} for compiler threads, which are counted from {@code /proc}. */
    static @Nullable String kindOf(String threadName) {
        if (threadName.contains("jmh-worker")) {
            return "caller";
        }
        if (threadName.startsWith("dualwrite-")) {
            return "mirror";
        }
        if (threadName.contains("CompilerThread")) {
            return null;
        }
        return "otherJava";
    }
}
