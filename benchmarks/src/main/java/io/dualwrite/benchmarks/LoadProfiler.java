package io.dualwrite.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler (it runs in the benchmark's forked JVM) that adds {@code load.foreign} per iteration: the CPU
 * other processes of the machine used meanwhile, in cores ({@code /proc/stat}'s busy time minus this JVM's and
 * the database servers' named by {@link #SERVER_PIDS_PROPERTY}). The migration tools' benchmarks use it the way
 * {@link WriteCostProfiler} marks a disturbed write benchmark; 0 where {@code /proc} cannot be read.
 */
public final class LoadProfiler implements InternalProfiler {

    /** Comma-separated process ids of the database servers the runner started (their CPU is the benchmark's). */
    public static final String SERVER_PIDS_PROPERTY = "dualwrite.bench.serverPids";

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long[] servers = Arrays.stream(System.getProperty(SERVER_PIDS_PROPERTY, "").split(","))
            .filter(pid -> !pid.isBlank()).mapToLong(Long::parseLong).toArray();

    private long machineBefore;
    private long processBefore;
    private long serversBefore;
    private long wallBefore;

    @Override
    public String getDescription() {
        return "dualwrite: CPU used by other processes of the machine during each iteration, in cores";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        serversBefore = Quiet.serversCpu(servers);
        machineBefore = ProcessCpu.machineBusyNanos();
        processBefore = os.getProcessCpuTime();
        wallBefore = System.nanoTime();
    }

    @Override
    public List<Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                          IterationResult result) {
        long wall = System.nanoTime() - wallBefore;
        long process = os.getProcessCpuTime() - processBefore;
        long machine = ProcessCpu.machineBusyNanos() - machineBefore;
        long serverCpu = Math.max(0, Quiet.serversCpu(servers) - serversBefore);
        double foreign = machineBefore < 0 ? 0 : Math.max(0, machine - process - serverCpu) / (double) wall;
        return List.of(new ScalarResult("load.foreign", foreign, "cores", AggregationPolicy.AVG));
    }
}
