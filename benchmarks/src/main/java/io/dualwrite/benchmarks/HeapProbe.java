package io.dualwrite.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap in use after garbage collection during one backfill or one verification of {@code rows} rows on
 * PostgreSQL, in a JVM of its own: the runner ({@link BenchmarkReport}, {@code --suite tools}) starts it as a
 * subprocess with the same class path and {@code -Xmx1g}, once for 100,000 and once for 1,000,000 rows, and
 * compares the two (issue 7: heap flat from 100,000 to 1,000,000 rows). PostgreSQL, not H2: H2 would hold the
 * rows themselves in this heap.
 *
 * <p>How: the stores are those of {@link BackfillBenchmark} (one worker, default chunk sizing) and
 * {@link VerifyBenchmark} (equal tables), filled by the server before the reading starts. While the tool runs,
 * a thread forces a full collection ({@code System.gc()}) every {@link #FORCED_GC_INTERVAL}; the heap in use
 * after each one (the sum of {@code GcInfo#getMemoryUsageAfterGc} over the heap pools, from the collectors' GC
 * notifications) is the live set at that moment, and the peak is their maximum. {@code baseline} is the same
 * reading just before the tool starts (the JVM, the drivers and the pools, without the tool's work).
 *
 * <pre>
 * java -Xmx1g -Ddualwrite.bench.postgresPort=PORT -cp benchmarks/target/benchmarks.jar \
 *     io.dualwrite.benchmarks.HeapProbe backfill|verify ROWS RESULT_FILE
 * </pre>
 *
 * The result file is a properties file: {@code peakBytes}, {@code baselineBytes}, {@code samples} (full
 * collections read while the tool ran), {@code seconds} (the tool's run time, forced collections included).
 */
public final class HeapProbe {

    /** How often a full collection is forced while the tool runs. */
    static final Duration FORCED_GC_INTERVAL = Duration.ofMillis(250);

    private static final String FORCED_CAUSE = "System.gc()";

    private HeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !Set.of("backfill", "verify").contains(args[0])) {
            throw new IllegalArgumentException("arguments: backfill|verify ROWS RESULT_FILE, but were "
                    + String.join(" ", args));
        }
        String tool = args[0];
        int rows = Integer.parseInt(args[1]);
        Reading reading = measure(tool, rows);
        Properties result = new Properties();
        result.setProperty("tool", tool);
        result.setProperty("rows", Integer.toString(rows));
        result.setProperty("peakBytes", Long.toString(reading.peakBytes()));
        result.setProperty("baselineBytes", Long.toString(reading.baselineBytes()));
        result.setProperty("samples", Integer.toString(reading.samples()));
        result.setProperty("seconds", String.format(Locale.ROOT, "%.3f", reading.seconds()));
        try (Writer out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            result.store(out, "dualwrite HeapProbe");
        }
        System.exit(0); // the pools' and servers' non-daemon threads would keep the JVM alive
    }

    /** What one probe read: bytes in use after full collections, and the tool's run time. */
    record Reading(long peakBytes, long baselineBytes, int samples, double seconds) {
    }

    /** Fills the stores, then runs the tool once while sampling the heap after forced full collections. */
    static Reading measure(String tool, int rows) throws Exception {
        BackfillBenchmark backfill = null;
        VerifyBenchmark verify = null;
        if (tool.equals("backfill")) {
            backfill = new BackfillBenchmark();
            backfill.store = "postgres";
            backfill.copy = "backfill";
            backfill.rows = rows;
            backfill.start();
            backfill.empty();
        } else {
            verify = new VerifyBenchmark();
            verify.store = "postgres";
            verify.rows = rows;
            verify.differing = 0;
            verify.start();
        }
        try (AfterGc afterGc = new AfterGc()) {
            long baseline = afterGc.forceAndRead();
            afterGc.resetPeak();
            Thread forcing = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        System.gc();
                        Thread.sleep(FORCED_GC_INTERVAL.toMillis());
                    }
                } catch (InterruptedException e) {
                    // the tool is done
                }
            }, "heap-probe-gc");
            forcing.setDaemon(true);
            long start = System.nanoTime();
            forcing.start();
            long done;
            if (backfill != null) {
                done = backfill.copyAll();
            } else {
                done = verify.verify();
                if (done != 0) {
                    throw new IllegalStateException("equal tables verified with " + done + " differences");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            forcing.interrupt();
            forcing.join();
            afterGc.forceAndRead(); // the end of the run belongs to it too
            return new Reading(afterGc.peak(), baseline, afterGc.samples() - 1, seconds);
        } finally {
            if (backfill != null) {
                backfill.stop();
            }
            if (verify != null) {
                verify.stop();
            }
        }
    }

    /** Heap in use after each forced full collection, from the collectors' notifications. */
    static final class AfterGc implements NotificationListener, AutoCloseable {

        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong last = new AtomicLong(-1);
        private final AtomicInteger samples = new AtomicInteger();
        private final Runnable request;

        AfterGc() {
            this(System::gc);
        }

        /** {@code request} asks for one full collection; tests pass one that drops requests. */
        AfterGc(Runnable request) {
            this.request = request;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) collector).addNotificationListener(this, null, null);
            }
        }

        @Override
        public void handleNotification(javax.management.Notification notification, Object handback) {
            if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            if (!info.getGcCause().equals(FORCED_CAUSE)) {
                return;
            }
            long used = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(pool.getKey())) {
                    used += pool.getValue().getUsed();
                }
            }
            long reading = used;
            peak.accumulateAndGet(reading, Math::max);
            last.set(reading);
            synchronized (this) {
                samples.incrementAndGet();
                notifyAll();
            }
        }

        /**
         * Forces a full collection and returns the heap in use after it (waits for its notification). The
         * request is repeated while no notification came: a collector may drop a {@code System.gc()} request
         * when another collection ran between the request and its turn (G1 skips the queued full collection when
         * the collection count moved), so one request is not sure to yield one notification.
         */
        long forceAndRead() throws InterruptedException {
            int before = samples.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (samples.get() == before && System.nanoTime() < deadline) {
                request.run();
                long retry = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                synchronized (this) {
                    while (samples.get() == before && System.nanoTime() < retry) {
                        wait(100);
                    }
                }
            }
            if (samples.get() == before) {
                throw new IllegalStateException("no notification of the forced collection: is"
                        + " -XX:+ExplicitGCInvokesConcurrent or -XX:+DisableExplicitGC set?");
            }
            return last.get();
        }

        void resetPeak() {
            peak.set(0);
            samples.set(0);
        }

        long peak() {
            return peak.get();
        }

        int samples() {
            return samples.get();
        }

        @Override
        public void close() {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                try {
                    ((NotificationEmitter) collector).removeNotificationListener(this);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // not registered on this collector
                }
            }
        }
    }
}
