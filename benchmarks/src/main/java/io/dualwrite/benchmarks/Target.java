package io.dualwrite.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One of the targets: a figure of one variant, as a ratio to the same figure of a baseline from the
 * same run (same store, operation and thread count), at least or at most a limit.
 */
record Target(String label, String variant, String figure, ToDoubleFunction<Measurement> value, boolean atLeast,
              double limit, String baseline) {

    /** The targets, in the order the report lists them. */
    static final List<Target> ALL = List.of(
            throughput("OLD_ONLY", "oldOnly", 0.97),
            throughput("async DUAL_WRITE", "asyncDual", 0.80),
            p50("async DUAL_WRITE", "asyncDual"),
            p99("async DUAL_WRITE", "asyncDual"),
            new Target("async DUAL_WRITE: JVM CPU per write ≤ 1.00× serialDouble", "asyncDual", "JVM CPU/op",
                    Measurement::cpuJvm, false, 1.00, "serialDouble"),
            throughput("async, new store 20 ms slower", "asyncSlowNew", 0.80),
            p50("async, new store 20 ms slower", "asyncSlowNew"),
            p99("async, new store 20 ms slower", "asyncSlowNew"),
            throughput("async, new store down", "asyncNewDown", 0.80),
            p50("async, new store down", "asyncNewDown"),
            p99("async, new store down", "asyncNewDown"),
            throughput("SYNC DUAL_WRITE", "syncDual", 0.45));

    /** The figure's ratio to the baseline's, when both were measured. */
    Optional<Double> ratio(List<Measurement> group) {
        Optional<Measurement> subject = find(group, variant);
        Optional<Measurement> base = find(group, baseline);
        if (subject.isEmpty() || base.isEmpty()) {
            return Optional.empty();
        }
        double ratio = value.applyAsDouble(subject.get()) / value.applyAsDouble(base.get());
        return Double.isFinite(ratio) ? Optional.of(ratio) : Optional.empty();
    }

    /** Whether a ratio meets the target. */
    boolean met(double ratio) {
        return atLeast ? ratio >= limit : ratio <= limit;
    }

    static Optional<Measurement> find(List<Measurement> group, String variant) {
        return group.stream().filter(m -> m.variant().equals(variant)).findFirst();
    }

    private static Target throughput(String name, String variant, double limit) {
        return new Target(name + ": throughput ≥ " + String.format("%.2f", limit) + "× raw", variant, "throughput",
                Measurement::throughput, true, limit, "raw");
    }

    private static Target p50(String name, String variant) {
        return new Target(name + ": caller p50 ≤ 1.20× raw", variant, "p50", Measurement::p50, false, 1.20, "raw");
    }

    private static Target p99(String name, String variant) {
        return new Target(name + ": caller p99 ≤ 1.50× raw", variant, "p99", Measurement::p99, false, 1.50, "raw");
    }
}
