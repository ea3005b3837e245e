package io.dualwrite.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * CPU time of a process tree read from Linux's {@code /proc}: the embedded PostgreSQL server runs outside
 * the JVM, so its CPU is not in the JVM's figures. Best effort: {@code -1} where {@code /proc} is missing.
 */
final class ProcessCpu {

    /** {@code /proc/<pid>/stat} counts in clock ticks; 100 per second on every Linux this runs on. */
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1) / 100;

    private ProcessCpu() {
    }

    /** The parent process id of {@code pid}. */
    static long parentOf(long pid) {
        String[] fields = stat(pid);
        if (fields == null) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat");
        }
        return Long.parseLong(fields[1]);
    }

    /**
     * User plus system CPU of {@code root} and its direct children (the postmaster and its backends and
     * workers), in nanoseconds; {@code -1} when {@code /proc} cannot be read. Children that exited between
     * two readings take their time with them: pooled connections keep their backends, so that is rare.
     */
    static long treeCpuNanos(long root) {
        String[] own = stat(root);
        if (own == null) {
            return -1;
        }
        long ticks = ticks(own);
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String[] fields = stat(Long.parseLong(process.getFileName().toString()));
                if (fields != null && Long.parseLong(fields[1]) == root) {
                    ticks += ticks(fields);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * TICK_NANOS;
    }

    /**
     * CPU of this JVM's native threads that the JVM does not list as Java threads, by kind: {@code gc}
     * (threads named {@code GC Thread#…}, {@code G1 …}) and {@code jit} ({@code C1/C2 CompilerThread…}), in
     * nanoseconds per thread id, from {@code /proc/self/task}; empty when that cannot be read.
     */
    static Map<Long, Map.Entry<String, Long>> nativeThreads() {
        Map<Long, Map.Entry<String, Long>> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String line;
                try {
                    line = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String comm = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                String kind = comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc"
                        : comm.contains("CompilerThre") ? "jit" : null;
                if (kind != null) {
                    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                    threads.put(Long.parseLong(task.getFileName().toString()),
                            Map.entry(kind, ticks(fields) * TICK_NANOS));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    /**
     * CPU time the whole machine spent busy (user, nice, system, irq, softirq, steal; not idle or iowait),
     * in nanoseconds summed over all cores, from {@code /proc/stat}; {@code -1} when it cannot be read.
     */
    static long machineBusyNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = first.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(fields[i]);
            }
            return busy * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields after the command name: [0] state, [1] ppid, … [11] utime, [12] stime. */
    private static String @Nullable [] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static long ticks(String[] fields) {
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
