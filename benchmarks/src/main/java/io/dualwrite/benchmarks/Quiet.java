package io.dualwrite.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The machine's load from other processes, seen from the runner: benchmarks on a machine that other work
 * shares are not comparable, so the runner waits for a quiet moment before each one and runs a disturbed
 * one again.
 */
final class Quiet {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Quiet() {
    }

    /**
     * Cores used by other processes (everything but this JVM and the process trees of {@code ownServerPids}, the
     * database servers the benchmarks use; ids {@code <= 0} are skipped) over {@code sample}; {@code 0} where
     * {@code /proc/stat} cannot be read.
     */
    static double foreignLoad(Duration sample, long... ownServerPids) {
        long machine = ProcessCpu.machineBusyNanos();
        long self = OS.getProcessCpuTime();
        long servers = serversCpu(ownServerPids);
        long start = System.nanoTime();
        try {
            Thread.sleep(sample.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (machine < 0) {
            return 0;
        }
        long foreign = ProcessCpu.machineBusyNanos() - machine - (OS.getProcessCpuTime() - self)
                - Math.max(0, serversCpu(ownServerPids) - servers);
        return Math.max(0, foreign) / (double) (System.nanoTime() - start);
    }

    /** CPU of the servers' process trees so far, nanoseconds ({@code /proc}; a tree that cannot be read counts 0). */
    static long serversCpu(long... serverPids) {
        long total = 0;
        for (long pid : serverPids) {
            if (pid > 0) {
                total += Math.max(0, ProcessCpu.treeCpuNanos(pid));
            }
        }
        return total;
    }

    /**
     * Waits until other processes use less than {@code threshold} cores (1 s samples), at most {@code limit}.
     *
     * @return the last sample's load
     */
    static double await(double threshold, Duration limit, long... ownServerPids) {
        long deadline = System.nanoTime() + limit.toNanos();
        double load;
        do {
            load = foreignLoad(Duration.ofSeconds(1), ownServerPids);
        } while (load >= threshold && System.nanoTime() < deadline);
        return load;
    }
}
