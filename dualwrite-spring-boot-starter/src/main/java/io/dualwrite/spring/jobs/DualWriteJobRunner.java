package io.dualwrite.spring.jobs;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillResult;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.WritableJson;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;

/**
 * Runs the job {@code --dualwrite.job} names, once the application has started, with the application's own
 * {@link DualWriteDataSource} (its two stores, its migration, its mappings and its phase-scoped copier), change
 * log and switchboard, and then ends the application with an exit code:
 *
 * <ul>
 * <li>{@value #EXIT_CLEAN} — the job did what it was asked and found nothing wrong: a backfill completed, a
 * verification found both stores equal, a repair left them equal, a status was logged;</li>
 * <li>{@value #EXIT_FAILED} — the job failed: a store could not be read, a tool refused the schemas (an unknown
 * column, a table without a primary key, a missing library table), a backfill did not complete, the report could
 * not be written;</li>
 * <li>{@value #EXIT_DIFFERENCES} — the verification found rows that differ (with {@code verify}), or rows still
 * differ after the repair (with {@code repair});</li>
 * <li>1 — Spring Boot's own code for an application that failed to start, which is what a bad
 * {@code dualwrite.job*} value does (the message names the property, the value and what is allowed).</li>
 * </ul>
 *
 * <p><b>Ending the application.</b> The runner is an {@link ExitCodeGenerator}. With
 * {@code dualwrite.job.exit=true} (the default), once the application is ready (every runner has run) it calls
 * {@link SpringApplication#exit}, which closes the context (a web server stops, pools close) and asks every
 * {@code ExitCodeGenerator} for the code, and exits the JVM with that code. With {@code dualwrite.job.exit=false}
 * it leaves both to the application, e.g. a main method doing
 * {@code System.exit(SpringApplication.exit(SpringApplication.run(App.class, args)))}.
 *
 * <p><b>Reports.</b> The text report is logged (INFO, WARN when rows differ); with {@code dualwrite.job.report}
 * the JSON report is written to that file. Nothing is written to standard output, and no data source URL,
 * user or password is logged: the runner names stores as "old" and "new", and masks credentials in the
 * messages of the errors it logs.
 */
public final class DualWriteJobRunner implements ApplicationRunner, ExitCodeGenerator,
        ApplicationListener<ApplicationReadyEvent>, ApplicationContextAware {

    /** The exit code of a job that did what it was asked and found nothing wrong. */
    public static final int EXIT_CLEAN = 0;
    /** The exit code of a job that failed (see the class documentation). */
    public static final int EXIT_FAILED = 2;
    /** The exit code of a verification that found differences, or a repair after which rows still differ. */
    public static final int EXIT_DIFFERENCES = 3;

    private static final Logger log = LoggerFactory.getLogger(DualWriteJobRunner.class);
    /** Order switches a status lists one by one; more are counted. */
    private static final int LISTED_ORDER_SWITCHES = 20;

    private final DualWriteJob job;
    private final DualWriteJobProperties properties;
    private final DualWriteDataSource dataSource;
    private final List<TableMapping> tables;
    private final ChangeLog changeLog;
    private final Switchboard switchboard;
    private final @Nullable DualWriter dualWriter;
    private final AtomicBoolean exiting = new AtomicBoolean();
    private volatile @Nullable ApplicationContext context;
    private volatile boolean ran;
    private volatile int exitCode = EXIT_CLEAN;

    /**
     * A runner of {@code job} over the stores and tables of {@code dataSource}.
     *
     * @param dualWriter the writer whose mirrors a verification waits for before it reads a differing row again;
     *                   may be null
     * @throws IllegalArgumentException when {@code dualwrite.job.tables} names a table the data source does not
     *                                  map, or {@code dualwrite.job.merchant} is set and a table's mapping names no
     *                                  merchant column
     */
    public DualWriteJobRunner(DualWriteJob job, DualWriteJobProperties properties, DualWriteDataSource dataSource,
                              ChangeLog changeLog, Switchboard switchboard, @Nullable DualWriter dualWriter) {
        this.job = job;
        this.properties = properties;
        this.dataSource = dataSource;
        this.changeLog = changeLog;
        this.switchboard = switchboard;
        this.dualWriter = dualWriter;
        this.tables = selectTables(properties, dataSource);
    }

    private static List<TableMapping> selectTables(DualWriteJobProperties properties, DualWriteDataSource dataSource) {
        List<TableMapping> mapped = dataSource.mappings();
        List<TableMapping> selected = new ArrayList<>();
        for (String table : properties.getTables()) {
            TableMapping mapping = mapped.stream().filter(m -> m.oldTable().equalsIgnoreCase(table)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("dualwrite.job.tables names '" + table
                            + "', which is not a table of migration '" + dataSource.migration() + "'; the mapped"
                            + " tables are " + mapped.stream().map(TableMapping::oldTable).toList()));
            selected.add(mapping);
        }
        if (selected.isEmpty()) {
            selected.addAll(mapped);
        }
        String merchant = properties.getMerchant();
        if (merchant != null) {
            for (TableMapping mapping : selected) {
                if (mapping.merchantIdColumn().isEmpty()) {
                    throw new IllegalArgumentException("dualwrite.job.merchant is '" + merchant + "', but the mapping"
                            + " of table '" + mapping.oldTable() + "' names no merchant column; leave that table out"
                            + " of dualwrite.job.tables, or give its mapping a merchant column");
                }
            }
        }
        return List.copyOf(selected);
    }

    /** The job this runner runs. */
    public DualWriteJob job() {
        return job;
    }

    /** The tables the job covers, by their mappings, in order. */
    public List<TableMapping> tables() {
        return tables;
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
    }

    /** Runs the job on the calling thread; its outcome is {@link #getExitCode()}. Never throws. */
    @Override
    public void run(ApplicationArguments args) {
        log.info("dualwrite job {} of migration '{}' started: tables {}, {}", job.value(), dataSource.migration(),
                tables.stream().map(TableMapping::oldTable).toList(), scopeText());
        int code;
        try {
            code = switch (job) {
                case BACKFILL -> backfill();
                case VERIFY -> verify();
                case REPAIR -> repair();
                case STATUS -> status();
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("dualwrite job {} was interrupted", job.value());
            code = EXIT_FAILED;
        } catch (Exception e) {
            log.error("dualwrite job {} failed: {}", job.value(), describe(e));
            code = EXIT_FAILED;
        }
        exitCode = code;
        ran = true;
        log.info("dualwrite job {} ended with exit code {}", job.value(), code);
    }

    /**
     * The job's exit code once it ran ({@value #EXIT_CLEAN} before): {@value #EXIT_CLEAN}, {@value #EXIT_FAILED}
     * or {@value #EXIT_DIFFERENCES}.
     */
    @Override
    public int getExitCode() {
        return exitCode;
    }

    /** With {@code dualwrite.job.exit}, ends the application once it is ready: see the class documentation. */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!ran || !properties.isExit() || event.getApplicationContext() != context || !exiting.compareAndSet(false, true)) {
            return;
        }
        log.info("dualwrite job {} is done: closing the application (dualwrite.job.exit=true)", job.value());
        int code = SpringApplication.exit(event.getApplicationContext());
        System.exit(code);
    }

    private int backfill() throws Exception {
        BackfillJob.Builder builder = BackfillJob.builder()
                .migration(dataSource.migration())
                .oldDataSource(dataSource.dataSource(Store.OLD))
                .newDataSource(dataSource.dataSource(Store.NEW))
                .mappings(tables)
                .rowCopier(dataSource.rowCopier())
                .changeLog(changeLog) // a row the new store refuses stays in the backlog, not only in the report
                .workers(properties.getWorkers())
                .chunkTimeTarget(properties.getChunkTimeTarget());
        if (properties.getMerchant() != null) {
            builder.scope(BackfillScope.merchant(properties.getMerchant()));
        }
        if (properties.getRate() != null) {
            builder.rateLimit(properties.getRate());
        }
        BackfillResult result;
        int code;
        try {
            result = builder.build().run();
            code = result.complete() ? EXIT_CLEAN : EXIT_FAILED;
        } catch (BackfillException e) {
            log.error("dualwrite backfill did not complete: {}", describe(e));
            result = e.partialResult();
            code = EXIT_FAILED;
        }
        log.info("{}", backfillText(result));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", job.value());
        json.put("migration", result.migration());
        json.put("scope", scopeKey());
        json.put("complete", result.complete());
        json.put("rowsCopied", result.rowsCopied());
        json.put("durationMillis", result.duration().toMillis());
        json.put("tables", result.tables().stream().map(table -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("table", table.table());
            map.put("jobId", table.jobId());
            map.put("rowsCopied", table.rowsCopied());
            map.put("rowsDeleted", table.rowsDeleted());
            map.put("rowsSkipped", table.rowsSkipped());
            map.put("chunks", table.chunks());
            map.put("resumed", table.resumed().isPresent());
            map.put("complete", table.complete());
            return map;
        }).toList());
        return writeReport(JsonWriter.standard().write(json), code);
    }

    private static String backfillText(BackfillResult result) {
        StringBuilder text = new StringBuilder("Backfill of '").append(result.migration()).append("' (")
                .append(result.scope()).append("): ").append(result.complete() ? "COMPLETE" : "NOT COMPLETE")
                .append(", ").append(result.rowsCopied()).append(" rows copied in ")
                .append(result.duration().toMillis()).append(" ms\n");
        for (BackfillResult.TableResult table : result.tables()) {
            text.append("  ").append(table.table()).append(": ").append(table.rowsCopied()).append(" copied, ")
                    .append(table.rowsDeleted()).append(" deleted, ").append(table.rowsSkipped())
                    .append(" skipped (their phase does not copy old -> new), ").append(table.chunks()).append(" chunks")
                    .append(table.resumed().map(point -> ", resumed after " + point.rowsDone() + " rows").orElse(""))
                    .append(table.complete() ? ", complete" : ", NOT complete").append('\n');
        }
        return text.toString();
    }

    private Verifier verifier() {
        Verifier.Builder builder = Verifier.builder()
                .oldDataSource(dataSource.dataSource(Store.OLD))
                .newDataSource(dataSource.dataSource(Store.NEW))
                .changeLog(changeLog)
                .resolver(switchboard); // refuses to run while another instance may not have seen a switch change
        if (dualWriter != null) {
            builder.dualWriter(dualWriter);
        }
        return builder.build();
    }

    private VerificationJob verificationJob() {
        VerificationJob.Builder builder = VerificationJob.builder(dataSource.migration()).tables(tables);
        if (properties.getMerchant() != null) {
            builder.merchant(properties.getMerchant());
        }
        if (properties.getSampleFraction() < 1.0) {
            builder.sample(properties.getSampleFraction(), properties.getSampleSeed());
        }
        if (properties.getRate() != null) {
            builder.maxRowsPerSecond(properties.getRate());
        }
        return builder.build();
    }

    private int verify() throws Exception {
        VerificationResult result = verifier().verify(verificationJob());
        logVerification(result);
        return writeReport(raw(result.toJson()), result.clean() ? EXIT_CLEAN : EXIT_DIFFERENCES);
    }

    private int repair() throws Exception {
        Verifier verifier = verifier();
        Repairer repairer = Repairer.of(dataSource.rowCopier(), verifier);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", job.value());
        int scopedFailed = resolveScopedResyncs(verifier, repairer, json);
        VerificationJob verification = verificationJob();
        VerificationResult before = verifier.verify(verification);
        logVerification(before);
        json.put("before", raw(before.toJson()));
        if (before.clean()) {
            log.info("dualwrite repair: nothing to repair");
            return writeReport(JsonWriter.standard().write(json), scopedFailed == 0 ? EXIT_CLEAN : EXIT_DIFFERENCES);
        }
        Repairer.RepairResult repaired = repairer.repair(verification, before);
        json.put("repaired", repaired.tables().stream().map(table -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("table", table.table());
            map.put("keys", table.keys());
            map.put("copied", table.copied());
            map.put("deleted", table.deleted());
            map.put("skipped", table.skipped());
            map.put("stillDifferent", table.remaining().stream().map(difference -> difference.key()).toList());
            return map;
        }).toList());
        VerificationResult after = verifier.verify(verification);
        log.info("dualwrite repair: verified again after repairing {} rows", repaired.tables().stream()
                .mapToInt(table -> table.keys().size()).sum());
        logVerification(after);
        json.put("after", raw(after.toJson()));
        return writeReport(JsonWriter.standard().write(json), after.clean() && scopedFailed == 0 ? EXIT_CLEAN
                : EXIT_DIFFERENCES);
    }

    /**
     * Resolves the due scoped resync entries of this migration ({@link ScopedResyncResolver}: verify each scope,
     * repair it, verify again) when the repair covers the whole migration, and puts what happened under
     * {@code scopedResyncs} in the report; returns how many attempts failed (their entries stay in the change log,
     * due again later). Entries of other migrations sharing the change log are left to their own repairs. A change
     * log that cannot claim scoped entries is reported and the repair goes on. A repair narrowed by {@code dualwrite.job.merchant} or {@code dualwrite.job.tables}
     * leaves them alone: an entry's scope may be a whole table, and verifying it is not what a narrowed job asked.
     */
    private int resolveScopedResyncs(Verifier verifier, Repairer repairer, Map<String, Object> json) {
        Map<String, Object> scoped = new LinkedHashMap<>();
        json.put("scopedResyncs", scoped);
        if (properties.getMerchant() != null || !properties.getTables().isEmpty()) {
            scoped.put("resolved", "skipped: the repair is narrowed by dualwrite.job.merchant or dualwrite.job.tables");
            log.info("dualwrite repair: scoped resync entries are left for a repair of the whole migration");
            return 0;
        }
        ScopedResyncResolver.Builder builder = ScopedResyncResolver.builder().migration(dataSource.migration())
                .changeLog(changeLog).verifier(verifier).repairer(repairer).mappings(dataSource.mappings());
        if (properties.getRate() != null) {
            int rate = properties.getRate();
            builder.jobSettings(settings -> settings.maxRowsPerSecond(rate));
        }
        ScopedResyncResolver resolver = builder.build();
        int claimed = 0;
        int resolved = 0;
        int failed = 0;
        try {
            // Passes go on while each completes at least one entry, and entries are finite, so they end even when a
            // pass outlasts the retry delay and claims again an entry that failed (it then fails again: counted once
            // more, and the pass that completes nothing is the last).
            ScopedResyncResolver.Result pass;
            do {
                pass = resolver.resolveOnce();
                claimed += pass.claimed();
                resolved += pass.resolved();
                failed += pass.failed();
            } while (pass.resolved() > 0);
        } catch (UnsupportedOperationException cannot) {
            scoped.put("resolved", "skipped: the change log cannot claim scoped resync entries ("
                    + Credentials.mask(cannot.getMessage()) + ")");
            log.warn("dualwrite repair: scoped resync entries left, the change log cannot claim them: {}",
                    Credentials.mask(cannot.getMessage()));
            return 0;
        }
        scoped.put("claimed", claimed);
        scoped.put("resolved", resolved);
        scoped.put("failed", failed);
        if (claimed > 0) {
            log.info("dualwrite repair: {} scoped resync entries claimed, {} resolved, {} left for later", claimed,
                    resolved, failed);
        }
        return failed;
    }

    private static void logVerification(VerificationResult result) {
        if (result.clean()) {
            log.info("{}", result.toText());
        } else {
            log.warn("{}", result.toText());
        }
    }

    private int status() {
        boolean readable = true;
        List<Map<String, Object>> migrations = new ArrayList<>();
        StringBuilder text = new StringBuilder("dualwrite status\n");
        for (MigrationSwitchConfig config : switchboard.migrations().values()) {
            String migration = config.migration();
            boolean own = migration.equals(dataSource.migration());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("migration", migration);
            text.append("migration '").append(migration).append('\'');
            if (own) {
                List<String> names = dataSource.mappings().stream().map(m -> m.oldTable()
                        + (m.newTable().equalsIgnoreCase(m.oldTable()) ? "" : " -> " + m.newTable())).toList();
                text.append(", tables ").append(names);
                json.put("tables", names);
            }
            text.append('\n');
            try {
                SwitchSettings settings = switchboard.switchStore().load(migration);
                MigrationPhase system = settings.system().orElse(config.defaultPhase());
                text.append("  system phase: ").append(system)
                        .append(settings.system().isPresent() ? " (stored)" : " (configured default)").append('\n');
                Map<String, MigrationPhase> merchants = new TreeMap<>(settings.merchantPhases());
                text.append("  merchant switches (").append(merchants.size()).append("): ")
                        .append(merchants.isEmpty() ? "none" : merchants).append('\n');
                Map<String, MigrationPhase> orders = new TreeMap<>(settings.orderPhases());
                text.append("  order switches (").append(orders.size()).append("): ")
                        .append(orders.isEmpty() ? "none" : orders.entrySet().stream().limit(LISTED_ORDER_SWITCHES)
                                .map(Object::toString).toList() + (orders.size() > LISTED_ORDER_SWITCHES ? " ..." : ""))
                        .append('\n');
                text.append("  rules: ").append(settings.rules().isEmpty() ? "none" : settings.rules()).append('\n');
                json.put("systemPhase", system.name());
                json.put("systemPhaseStored", settings.system().isPresent());
                Map<String, String> merchantJson = new TreeMap<>();
                merchants.forEach((merchant, phase) -> merchantJson.put(merchant, phase.name()));
                json.put("merchantPhases", merchantJson);
                json.put("orderSwitches", orders.size());
                json.put("rules", settings.rules().stream().map(Object::toString).toList());
            } catch (RuntimeException e) {
                readable = false;
                text.append("  switches: unreadable: ").append(describe(e)).append('\n');
            }
            try {
                long backlog = changeLog.pendingCount(migration);
                text.append("  backlog: ").append(backlog).append(" change-log entries pending\n");
                json.put("backlog", backlog);
            } catch (RuntimeException e) {
                readable = false;
                text.append("  backlog: unreadable: ").append(describe(e)).append('\n');
            }
            try {
                VerificationProbe probe = own
                        ? JdbcVerificationProbe.create(dataSource.dataSource(Store.OLD), dataSource.mappings())
                        : JdbcVerificationProbe.create(dataSource.dataSource(Store.OLD));
                String last = probe.lastVerification(migration).name();
                text.append("  last verification: ").append(last);
                json.put("lastVerification", last);
                String merchant = properties.getMerchant();
                if (merchant != null) {
                    String merchantLast = probe.lastVerification(migration, merchant).name();
                    text.append("; merchant '").append(merchant).append("': ").append(merchantLast);
                    json.put("lastVerificationOfMerchant", Map.of("merchant", merchant, "status", merchantLast));
                }
                text.append('\n');
            } catch (RuntimeException e) {
                readable = false;
                text.append("  last verification: unreadable: ").append(describe(e)).append('\n');
            }
            migrations.add(json);
        }
        log.info("{}", text);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", job.value());
        json.put("migrations", migrations);
        return writeReport(JsonWriter.standard().write(json), readable ? EXIT_CLEAN : EXIT_FAILED);
    }

    /** Writes the JSON report when {@code dualwrite.job.report} is set; the code, or {@link #EXIT_FAILED} if it cannot. */
    private int writeReport(WritableJson json, int code) {
        Path path = properties.getReport();
        if (path == null) {
            return code;
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, json.toJsonString());
            log.info("dualwrite job {}: JSON report written to {}", job.value(), path);
            return code;
        } catch (IOException | RuntimeException e) {
            log.error("dualwrite job {}: could not write the JSON report to {}: {}", job.value(), path, describe(e));
            return EXIT_FAILED;
        }
    }

    private static WritableJson raw(String json) {
        return out -> out.append(json);
    }

    private String scopeText() {
        String merchant = properties.getMerchant();
        return merchant == null ? "whole tables" : "merchant '" + merchant + "'";
    }

    private String scopeKey() {
        String merchant = properties.getMerchant();
        return merchant == null ? "*" : "merchant=" + merchant;
    }

    /** The messages of an error and its causes, with credentials in them masked. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        for (int depth = 0; current != null && depth < 5; depth++, current = current.getCause()) {
            if (depth > 0) {
                text.append("; caused by ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(mask(current.getMessage()));
            }
        }
        return text.toString();
    }

    static String mask(String message) {
        return Credentials.mask(message, "****", false);
    }

    @Override
    public String toString() {
        return "DualWriteJobRunner[" + job.value() + " of '" + dataSource.migration() + "', tables "
                + tables.stream().map(TableMapping::oldTable).toList() + ", " + scopeText().toLowerCase(Locale.ROOT) + "]";
    }
}
