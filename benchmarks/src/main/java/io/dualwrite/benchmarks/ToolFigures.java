package io.dualwrite.benchmarks;

import java.util.List;
import java.util.Optional;

/**
 * The figures of one run of the migration tools' benchmarks ({@code --suite tools}): backfill and verification
 * times, heap readings, and the MyBatis insert's {@link Measurement}s.
 *
 * @param copies        {@link BackfillBenchmark}: one per store and copy
 * @param verifications {@link VerifyBenchmark}: one per store, share of differing rows and method
 * @param heaps         {@link HeapProbe}: one per tool and row count (PostgreSQL)
 * @param mybatis       {@link MyBatisBenchmark}: one per store, thread count and variant
 */
record ToolFigures(List<Copy> copies, List<Check> verifications, List<Heap> heaps, List<Measurement> mybatis) {

    ToolFigures {
        copies = List.copyOf(copies);
        verifications = List.copyOf(verifications);
        heaps = List.copyOf(heaps);
        mybatis = List.copyOf(mybatis);
    }

    /**
     * One copy of all rows of the old table into the empty new one.
     *
     * @param copy        {@code plainBatch}, {@code backfill} (one worker) or {@code backfill2} (two workers)
     * @param millis      time of one copy of {@code rows} rows, average over the measured operations, ms
     * @param millisError half-width of its 99.9 % confidence interval, ms ({@code NaN} if unknown)
     * @param foreignLoad CPU other processes of the machine used meanwhile, cores
     */
    record Copy(String store, String copy, int rows, double millis, double millisError, double foreignLoad) {

        double rowsPerSecond() {
            return rows / (millis / 1000);
        }
    }

    /**
     * One whole comparison of two tables.
     *
     * @param differing   share of rows that differ (0.001 is 0.1 %)
     * @param method      {@code verify} (checksums per key range) or {@code stream} (both tables into the JVM)
     * @param millis      time of one comparison, average, ms
     * @param millisError half-width of its 99.9 % confidence interval, ms ({@code NaN} if unknown)
     * @param foreignLoad CPU other processes of the machine used meanwhile, cores
     */
    record Check(String store, double differing, String method, int rows, double millis, double millisError,
                 double foreignLoad) {

        double rowsPerSecond() {
            return rows / (millis / 1000);
        }
    }

    /**
     * The heap of one run of a tool in a JVM of its own ({@link HeapProbe}).
     *
     * @param tool          {@code backfill} or {@code verify}
     * @param peakBytes     the largest heap in use after a forced full collection while the tool ran
     * @param baselineBytes the heap in use after a full collection just before it started
     * @param samples       forced full collections read while it ran
     * @param seconds       its run time, the forced collections included
     */
    record Heap(String tool, int rows, long peakBytes, long baselineBytes, int samples, double seconds) {
    }

    Optional<Copy> copy(String store, String copy) {
        return copies.stream().filter(c -> c.store().equals(store) && c.copy().equals(copy)).findFirst();
    }

    Optional<Check> check(String store, double differing, String method) {
        return verifications.stream().filter(c -> c.store().equals(store) && c.differing() == differing
                && c.method().equals(method)).findFirst();
    }

    Optional<Heap> heap(String tool, int rows) {
        return heaps.stream().filter(h -> h.tool().equals(tool) && h.rows() == rows).findFirst();
    }
}
