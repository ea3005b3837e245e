package io.dualwrite.benchmarks;

import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The figures of one benchmark run (one store, operation, thread count and variant), in the report's
 * units. CPU figures are in microseconds per operation; {@code NaN} where a figure was not measured.
 *
 * @param throughput     operations per second, all threads together
 * @param throughputError half-width of its 99.9 % confidence interval over the measurement iterations
 * @param p50            caller latency, median, µs
 * @param p99            caller latency, 99th percentile, µs
 * @param cpuJvm         CPU of the whole JVM per operation, µs
 * @param cpuCaller      … of which on the calling threads
 * @param cpuMirror      … of which on dualwrite's mirror threads
 * @param cpuGc          … of which on GC threads
 * @param cpuJit         … of which on JIT compiler threads
 * @param cpuOther       … the rest (other Java threads, VM threads, threads that ended)
 * @param cpuPostgres    CPU of the PostgreSQL server per operation, µs ({@code NaN} on H2)
 * @param allocation     bytes allocated per operation by every thread of the JVM ({@link WriteCostProfiler})
 * @param gcAllocation   the same from JMH's {@code -prof gc} ({@code gc.alloc.rate.norm}), a cross-check whose
 *                       window also holds the profilers' own readings
 * @param mirrorsDone    rows whose mirror ended per operation
 * @param mirrorsNotOk   rows whose mirror ended other than SUCCEEDED, per operation
 * @param mirrorBacklog  mirrors not yet ended when the callers stopped, per operation
 * @param mirrorWaitMs   how long the wait for them took after an iteration, ms
 * @param foreignLoad    CPU used by other processes of the machine during the iterations, in cores
 */
public record Measurement(String store, String operation, int threads, String variant,
                          double throughput, double throughputError, double p50, double p99,
                          double cpuJvm, double cpuCaller, double cpuMirror, double cpuGc, double cpuJit,
                          double cpuOther, double cpuPostgres, double allocation, double gcAllocation,
                          double mirrorsDone, double mirrorsNotOk, double mirrorBacklog, double mirrorWaitMs,
                          double foreignLoad) {

    /** The measurement of a JMH run of {@link WriteBenchmark} with the {@code gc} and {@link WriteCostProfiler} profilers. */
    static Measurement of(RunResult run) {
        String benchmark = run.getParams().getBenchmark();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1); // insert_t4
        String operation = method.substring(0, method.indexOf('_'));
        Map<String, Result> secondary = run.getSecondaryResults();
        Result primary = run.getPrimaryResult();
        double cpuJvm = micros(secondary, "cpu.jvm");
        double caller = micros(secondary, "cpu.caller");
        double mirror = micros(secondary, "cpu.mirror");
        double gc = micros(secondary, "cpu.gc");
        double jit = micros(secondary, "cpu.jit");
        Result thrpt = secondary.get("thrpt");
        return new Measurement(run.getParams().getParam("store"), operation, run.getParams().getThreads(),
                run.getParams().getParam("variant"),
                thrpt.getScore(), thrpt.getScoreError(),
                primary.getStatistics().getPercentile(50), primary.getStatistics().getPercentile(99),
                cpuJvm, caller, mirror, gc, jit, cpuJvm - caller - mirror - gc - jit,
                micros(secondary, "cpu.pg"), score(secondary, "alloc.all"), score(secondary, "gc.alloc.rate.norm"),
                score(secondary, "mirror.done"), score(secondary, "mirror.notOk"), score(secondary, "mirror.backlog"),
                score(secondary, "mirror.wait"), score(secondary, "load.foreign"));
    }

    /** JVM CPU plus, on PostgreSQL, the server's: everything this operation cost the machine. */
    public double cpuTotal() {
        return Double.isNaN(cpuPostgres) ? cpuJvm : cpuJvm + cpuPostgres;
    }

    private static double micros(Map<String, Result> results, String label) {
        return score(results, label) / 1000.0;
    }

    private static double score(Map<String, Result> results, String label) {
        Result result = results.get(label);
        return result == null ? Double.NaN : result.getScore();
    }
}
