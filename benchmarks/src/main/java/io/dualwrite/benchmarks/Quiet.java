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
     * Cores used by other processes (everything but this JVM and {@code ownServerPid}'s process tree) over
     * {@code sample}; {@code 0} where {@code /proc/stat} cannot be read.
     */
    static double foreignLoad(Duration sample, long ownServerPid) {
        long machine = ProcessCpu.machineBusyNanos();
        long self = OS.getProcessCpuTime();
        long server = ownServerPid > 0 ? ProcessCpu.treeCpuNanos(ownServerPid) : 0;
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
                - (ownServerPid > 0 ? Math.max(0, ProcessCpu.treeCpuNanos(ownServerPid) - server) : 0);
        return Math.max(0, foreign) / (double) (System.nanoTime() - start);
    }

    /**
     * Waits until other processes use less than {@code threshold} cores (1 s samples), at most {@code limit}.
     *
     * @return the last sample's load
     */
    static double await(double threshold, Duration limit, long ownServerPid) {
        long deadline = System.nanoTime() + limit.toNanos();
        double load;
        do {
            load = foreignLoad(Duration.ofSeconds(1), ownServerPid);
        } while (load >= threshold && System.nanoTime() < deadline);
        return load;
    }
}
