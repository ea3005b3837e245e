package io.dualwrite.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The migration tools' suite of {@link BenchmarkReport} ({@code --suite tools}): {@link BackfillBenchmark} and
 * {@link VerifyBenchmark} on every store pair, {@link MyBatisBenchmark} on H2 and PostgreSQL, and the heap of a
 * backfill and a verification of 100,000 and 1,000,000 rows ({@link HeapProbe}, a JVM of its own each). One
 * PostgreSQL and one MariaDB server serve the whole run; each fork gets their ports. Every benchmark warms up
 * until its times settle (the write path, the backfill and the verification run through the JIT for many
 * seconds), so that the suite takes about 27 minutes on 2 cores.
 */
final class ToolsSuite {

    /** Rows of the backfill and verification benchmarks. */
    static final int ROWS = 100_000;
    /**
     * Copies before the measured ones: with one, the JIT was still compiling the backfill (and H2's plain copy)
     * through the measurement, and the spread was larger than the mean; from about the sixth copy on, times settle.
     */
    static final int BACKFILL_WARMUP = 8;
    static final int BACKFILL_MEASURED = 5;
    /** Seconds of verifications before the measured ones: the times settle from about the eighth verification. */
    static final int VERIFY_WARMUP = 12;
    static final int VERIFY_MEASURED = 5;
    /** As long as the write benchmarks' warm-up: the MyBatis writes run the same write path through the JIT. */
    static final int MYBATIS_WARMUP = 40;
    static final int MYBATIS_MEASURED = 3;
    /** The heap probes' JVM heap. */
    static final String HEAP_PROBE_XMX = "-Xmx1g";
    private static final Duration HEAP_PROBE_LIMIT = Duration.ofMinutes(15);

    /** The settings, as the report states them. */
    static final String JMH_SETTINGS = "1 fork per benchmark, JVM options `" + String.join(" ", BenchmarkReport.JVM_ARGS)
            + "`. Backfill: `SingleShotTime`, " + BACKFILL_WARMUP + " warm-up copies, " + BACKFILL_MEASURED
            + " measured copies of " + String.format(Locale.ROOT, "%,d", ROWS) + " rows. Verification: `AverageTime`, "
            + VERIFY_WARMUP + " × 1 s warm-up, " + VERIFY_MEASURED + " × 1 s measurement, tables of "
            + String.format(Locale.ROOT, "%,d", ROWS) + " rows. MyBatis: `SampleTime`, " + MYBATIS_WARMUP
            + " × 1 s warm-up, " + MYBATIS_MEASURED + " × 1 s measurement. Heap: `HeapProbe`, one JVM (`"
            + HEAP_PROBE_XMX + "`) per reading.";

    private final BenchmarkReport.Arguments arguments;
    private final Path work;
    private final long start = System.nanoTime();
    private int done;
    private int total;

    private ToolsSuite(BenchmarkReport.Arguments arguments, Path work) {
        this.arguments = arguments;
        this.work = work;
    }

    /** Runs the suite on {@code arguments.toolStores()}; progress on standard output. */
    static ToolFigures run(BenchmarkReport.Arguments arguments, Path work) throws IOException, InterruptedException {
        return new ToolsSuite(arguments, work).run();
    }

    private ToolFigures run() throws IOException, InterruptedException {
        List<String> stores = arguments.toolStores();
        List<String> mybatisStores = stores.stream().filter(s -> s.equals("h2") || s.equals("postgres")).toList();
        boolean heap = stores.contains("postgres");
        total = stores.size() * (3 + 4) + mybatisStores.size() * 8 + (heap ? 4 : 0);

        List<ToolFigures.Copy> copies = new ArrayList<>();
        for (String store : stores) {
            for (String copy : List.of("plainBatch", "backfill", "backfill2")) {
                RunResult result = jmh(String.format(Locale.ROOT, "backfill %-16s %-10s", store, copy), store,
                        builder -> builder.include(only(BackfillBenchmark.class, "copyAll"))
                                .param("store", store).param("copy", copy).param("rows", Integer.toString(ROWS))
                                .warmupIterations(BACKFILL_WARMUP).measurementIterations(BACKFILL_MEASURED)
                                .addProfiler(LoadProfiler.class));
                if (result != null) {
                    Result<?> primary = result.getPrimaryResult();
                    copies.add(new ToolFigures.Copy(store, copy, ROWS, primary.getScore(), primary.getScoreError(),
                            foreignLoad(result)));
                }
            }
        }
        List<ToolFigures.Check> checks = new ArrayList<>();
        for (String store : stores) {
            for (double differing : new double[] {0, ToolsReport.DIFFERING}) {
                for (String method : List.of("stream", "verify")) {
                    RunResult result = jmh(String.format(Locale.ROOT, "verify   %-16s %-10s %s", store, method,
                            differing == 0 ? "equal" : "0.1 % differing"), store,
                            builder -> builder.include(only(VerifyBenchmark.class, method))
                                    .param("store", store).param("differing", Double.toString(differing))
                                    .param("rows", Integer.toString(ROWS))
                                    .warmupIterations(VERIFY_WARMUP).warmupTime(TimeValue.seconds(1))
                                    .measurementIterations(VERIFY_MEASURED).measurementTime(TimeValue.seconds(1))
                                    .addProfiler(LoadProfiler.class));
                    if (result != null) {
                        Result<?> primary = result.getPrimaryResult();
                        checks.add(new ToolFigures.Check(store, differing, method, ROWS, primary.getScore(),
                                primary.getScoreError(), foreignLoad(result)));
                    }
                }
            }
        }
        List<Measurement> mybatis = new ArrayList<>();
        for (String store : mybatisStores) {
            for (String threads : List.of("1", "4")) {
                for (String variant : List.of("raw", "oldOnly", "asyncDual", "syncDual")) {
                    RunResult result = jmh(String.format(Locale.ROOT, "mybatis  %-16s t%s %-10s", store, threads,
                            variant), store,
                            builder -> builder.include(only(MyBatisBenchmark.class, "insert_t" + threads))
                                    .param("store", store).param("variant", variant)
                                    .warmupIterations(MYBATIS_WARMUP).warmupTime(TimeValue.seconds(1))
                                    .measurementIterations(MYBATIS_MEASURED).measurementTime(TimeValue.seconds(1))
                                    .addProfiler(GCProfiler.class)
                                    .addProfiler(WriteCostProfiler.class));
                    if (result != null) {
                        mybatis.add(Measurement.of(result));
                    }
                }
            }
        }
        List<ToolFigures.Heap> heaps = new ArrayList<>();
        if (heap) {
            for (String tool : List.of("backfill", "verify")) {
                for (int rows : new int[] {ToolsReport.HEAP_SMALL, ToolsReport.HEAP_LARGE}) {
                    ToolFigures.Heap reading = heapProbe(tool, rows);
                    if (reading != null) {
                        heaps.add(reading);
                    }
                }
            }
        }
        return new ToolFigures(copies, checks, heaps, mybatis);
    }

    /**
     * One JMH run (one fork), after waiting for a quiet machine, run again (up to {@code --retries} times) when
     * other processes used the CPU meanwhile; the least disturbed result, or {@code null} when it failed.
     */
    private @Nullable RunResult jmh(String label, String store,
                                    Function<ChainedOptionsBuilder, ChainedOptionsBuilder> benchmark)
            throws InterruptedException {
        String prefix = String.format(Locale.ROOT, "[%2d/%d] %s", ++done, total, label);
        @Nullable RunResult best = null;
        for (int attempt = 0; attempt <= arguments.retries(); attempt++) {
            long runStart = System.nanoTime();
            Servers servers = Servers.of(Databases.Kind.of(store));
            double before = Quiet.await(arguments.quietThreshold(), arguments.maxWait(), servers.pids());
            StringBuilder line = new StringBuilder(prefix);
            Path log = work.resolve("tools-" + label.trim().replaceAll("[^A-Za-z0-9.]+", "-") + ".log");
            RunResult result = null;
            try {
                ChainedOptionsBuilder options = benchmark.apply(new OptionsBuilder())
                        .forks(1)
                        .jvmArgsAppend(servers.jvmArgs().toArray(String[]::new))
                        .output(log.toString());
                Collection<RunResult> results = BenchmarkReport.runJmh(options.build());
                result = results.isEmpty() ? null : results.iterator().next();
                if (result == null) {
                    line.append("  FAILED: no result (see ").append(log).append(')');
                } else {
                    Result<?> primary = result.getPrimaryResult();
                    line.append(String.format(Locale.ROOT, "  %,12.3f %s", primary.getScore(), primary.getScoreUnit()));
                }
            } catch (org.openjdk.jmh.runner.RunnerException | RuntimeException e) {
                line.append("  FAILED: ").append(e.getMessage()).append(" (see ").append(log).append(')');
            }
            double during = result == null ? Double.NaN : foreignLoad(result);
            line.append(String.format(Locale.ROOT, "  (%d s; %s elapsed", Duration.ofNanos(System.nanoTime()
                    - runStart).toSeconds(), MarkdownReport.minutes(Duration.ofNanos(System.nanoTime() - start))));
            boolean calm = result == null || !(during >= arguments.quietThreshold());
            if (before >= arguments.quietThreshold() || !calm) {
                line.append(String.format(Locale.ROOT, "; other processes used %.2f cores before, %.2f during", before,
                        during));
            }
            System.out.println(line.append(')'));
            if (result != null && (best == null || during < foreignLoad(best))) {
                best = result;
            }
            if (calm) {
                break;
            }
        }
        return best;
    }

    /** One {@link HeapProbe} in a JVM of its own, on the run's PostgreSQL server; {@code null} when it failed. */
    private ToolFigures.@Nullable Heap heapProbe(String tool, int rows) throws IOException, InterruptedException {
        long runStart = System.nanoTime();
        Servers servers = Servers.of(Databases.Kind.POSTGRES);
        Quiet.await(arguments.quietThreshold(), arguments.maxWait(), servers.pids());
        String name = "heap-" + tool + "-" + rows;
        Path log = work.resolve(name + ".log");
        Path resultFile = work.resolve(name + ".properties");
        Files.deleteIfExists(resultFile);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), HEAP_PROBE_XMX));
        command.addAll(servers.jvmArgs().stream().filter(arg -> arg.startsWith("-D")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapProbe.class.getName(), tool,
                Integer.toString(rows), resultFile.toString()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = probe.waitFor(HEAP_PROBE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            probe.destroyForcibly();
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%2d/%d] heap     %-8s %,9d rows", ++done,
                total, tool, rows));
        ToolFigures.Heap reading = null;
        if (ended && probe.exitValue() == 0 && Files.exists(resultFile)) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            reading = new ToolFigures.Heap(tool, rows, Long.parseLong(properties.getProperty("peakBytes")),
                    Long.parseLong(properties.getProperty("baselineBytes")),
                    Integer.parseInt(properties.getProperty("samples")),
                    Double.parseDouble(properties.getProperty("seconds")));
            line.append(String.format(Locale.ROOT, "  peak %.1f MiB after GC, %.1f MiB before, %.1f s",
                    reading.peakBytes() / 1048576.0, reading.baselineBytes() / 1048576.0, reading.seconds()));
        } else {
            line.append("  FAILED").append(ended ? " (exit " + probe.exitValue() + ")" : " (killed after "
                    + HEAP_PROBE_LIMIT.toMinutes() + " min)").append(", see ").append(log);
        }
        line.append(String.format(Locale.ROOT, "  (%d s; %s elapsed)", Duration.ofNanos(System.nanoTime() - runStart)
                .toSeconds(), MarkdownReport.minutes(Duration.ofNanos(System.nanoTime() - start))));
        System.out.println(line);
        return reading;
    }

    private static String only(Class<?> benchmark, String method) {
        return "^" + Pattern.quote(benchmark.getName() + "." + method) + "$";
    }

    /** Other processes' CPU during the measurement iterations, cores; NaN when not measured. */
    static double foreignLoad(RunResult result) {
        Result<?> load = result.getSecondaryResults().get("load.foreign");
        return load == null ? Double.NaN : load.getScore();
    }

    /** The servers a store pair needs, running, with their ports for the fork and their process ids. */
    private record Servers(int postgresPort, int mariadbPort, long[] pids) {

        static Servers of(Databases.Kind kind) {
            int postgres = kind.usesPostgres() ? Databases.livePostgres().getPort() : -1;
            int mariadb = kind.usesMariadb() ? Databases.liveMariadb() : -1;
            long postgresPid = postgres > 0 ? BenchmarkReport.postgresPid() : -1;
            long mariadbPid = mariadb > 0 ? Databases.mariadbPid() : -1;
            return new Servers(postgres, mariadb, new long[] {postgresPid, mariadbPid});
        }

        List<String> jvmArgs() {
            List<String> args = new ArrayList<>(BenchmarkReport.JVM_ARGS);
            if (postgresPort > 0) {
                args.add("-D" + Databases.POSTGRES_PORT_PROPERTY + "=" + postgresPort);
            }
            if (mariadbPort > 0) {
                args.add("-D" + Databases.MARIADB_PORT_PROPERTY + "=" + mariadbPort);
            }
            StringBuilder pidList = new StringBuilder();
            for (long pid : pids) {
                if (pid > 0) {
                    pidList.append(pidList.length() == 0 ? "" : ",").append(pid);
                }
            }
            args.add("-D" + LoadProfiler.SERVER_PIDS_PROPERTY + "=" + pidList);
            return args;
        }
    }
}
