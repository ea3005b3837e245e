package io.dualwrite.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-row writes, each auto-committed, as the application sees them: caller latency in
 * {@link Mode#SampleTime} (p50, p99; throughput comes from {@link WriteCostProfiler}, which counts every call).
 *
 * <p>{@code store} picks two H2 in-memory databases or two databases on one embedded PostgreSQL;
 * {@code variant} picks what the application writes through (see {@link Variant}). One fork per
 * combination: each gets a fresh JVM and fresh stores.
 *
 * <p>Run it through {@link BenchmarkReport}, or with {@code -prof gc -prof io.dualwrite.benchmarks.WriteCostProfiler}
 * (in this order): that profiler also waits for each iteration's async mirrors to end, and empties the
 * tables before each iteration of an insert benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 40, time = 1)
@Measurement(iterations = 5, time = 1)
public class WriteBenchmark {

    @Param({"h2", "postgres"})
    public String store = "h2";

    @Param({"raw", "serialDouble", "oldOnly", "asyncDual", "syncDual", "asyncSlowNew", "asyncNewDown"})
    public String variant = "raw";

    private Fixture fixture;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        fixture = Fixture.start(Databases.Kind.of(store), Variant.of(variant));
    }

    /** Closed when the fork exits, outside every measurement (see {@link Fixture#closeAtExit}). */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.closeAtExit();
    }

    @Benchmark
    @Threads(1)
    public long insert_t1() throws SQLException {
        return fixture.insert();
    }

    @Benchmark
    @Threads(4)
    public long insert_t4() throws SQLException {
        return fixture.insert();
    }

    @Benchmark
    @Threads(1)
    public int update_t1() throws SQLException {
        return fixture.update();
    }

    @Benchmark
    @Threads(4)
    public int update_t4() throws SQLException {
        return fixture.update();
    }
}
