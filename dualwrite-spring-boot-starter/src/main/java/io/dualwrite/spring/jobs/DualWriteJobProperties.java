package io.dualwrite.spring.jobs;

import io.dualwrite.jdbc.backfill.BackfillJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Options of the job that {@code dualwrite.job} names, bound from {@code dualwrite.job.*} (e.g.
 * {@code --dualwrite.job.tables=orders,items --dualwrite.job.merchant=m-1}). Every setter checks its value and
 * throws an {@link IllegalArgumentException} naming the property, the value and what is allowed, so that a bad
 * value fails start-up before the job touches a row.
 */
@ConfigurationProperties(prefix = "dualwrite.job")
public class DualWriteJobProperties {

    private static final Duration MAX_CHUNK_TIME_TARGET = Duration.ofMinutes(10);

    /**
     * Tables the job covers, by their old names, in this order. Every table the DualWriteDataSource maps when
     * empty.
     */
    private List<String> tables = new ArrayList<>();

    /** Merchant whose rows the job covers (by the mappings' merchant columns). The whole tables when not set. */
    private @Nullable String merchant;

    /**
     * Migration the job covers, when the application has a DualWriteDataSource for each of several migrations.
     * Not needed with one.
     */
    private @Nullable String migration;

    /**
     * File the JSON report is written to (replaced if it exists; missing directories are created). The text report
     * is always logged.
     */
    private @Nullable Path report;

    /**
     * Most rows per second: rows copied by a backfill, rows compared on each store by a verification. Unlimited
     * when not set.
     */
    private @Nullable Integer rate;

    /** Worker threads of a backfill. More instances may run the same backfill at once. */
    private int workers = 1;

    /** Time one backfill chunk's copy aims at; chunk sizes adapt toward it. */
    private Duration chunkTimeTarget = Duration.ofMillis(500); // BackfillJob.DEFAULT_CHUNK_TIME_TARGET_MILLIS, a literal for the metadata

    /**
     * Fraction of key ranges a verification compares, greater than 0 and at most 1 (every range). A sampled
     * verification that finds nothing does not count as clean for the phase gate.
     */
    private double sampleFraction = 1.0;

    /** Seed that picks the sampled key ranges: the same seed picks the same ranges of the same table. */
    private long sampleSeed;

    /**
     * Whether the application ends once the job has run: the context is closed through SpringApplication.exit
     * and the JVM exits with the job's exit code. Turn it off when the main method ends the application itself, and
     * in tests that start the application with a job.
     */
    private boolean exit = true;

    public List<String> getTables() {
        return tables;
    }

    public void setTables(List<String> tables) {
        Set<String> seen = new HashSet<>();
        for (String table : tables) {
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException("dualwrite.job.tables must list table names, but holds a blank one"
                        + " in " + tables + "; e.g. --dualwrite.job.tables=orders,items");
            }
            if (!seen.add(table.trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("dualwrite.job.tables names table '" + table.trim() + "' twice in "
                        + tables + "; name each table once");
            }
        }
        this.tables = tables.stream().map(String::trim).toList();
    }

    public @Nullable String getMerchant() {
        return merchant;
    }

    public void setMerchant(@Nullable String merchant) {
        this.merchant = nonBlank("dualwrite.job.merchant", merchant, "a merchant id, e.g. --dualwrite.job.merchant=m-1");
    }

    public @Nullable String getMigration() {
        return migration;
    }

    public void setMigration(@Nullable String migration) {
        this.migration = nonBlank("dualwrite.job.migration", migration, "a migration name");
    }

    public @Nullable Path getReport() {
        return report;
    }

    public void setReport(@Nullable Path report) {
        if (report != null && Files.isDirectory(report)) {
            throw new IllegalArgumentException("dualwrite.job.report must be a file to write the JSON report to, but '"
                    + report + "' is a directory; name a file in it, e.g. " + report.resolve("dualwrite-report.json"));
        }
        if (report != null) {
            // the directories the runner would create must be creatable: a file where one belongs fails start-up
            // here, not the report after the job has copied or repaired rows
            for (Path parent = report.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
                if (Files.isDirectory(parent)) {
                    break;
                }
                if (Files.exists(parent)) {
                    throw new IllegalArgumentException("dualwrite.job.report must be a file in a directory, but '"
                            + parent + "' in '" + report + "' is a file, not a directory; name a file in a"
                            + " directory, e.g. " + parent.resolveSibling("dualwrite-report.json"));
                }
            }
        }
        this.report = report;
    }

    public @Nullable Integer getRate() {
        return rate;
    }

    public void setRate(@Nullable Integer rate) {
        if (rate != null && rate <= 0) {
            throw new IllegalArgumentException("dualwrite.job.rate must be a positive number of rows per second, but was "
                    + rate + "; leave it unset for no limit");
        }
        this.rate = rate;
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        if (workers < 1 || workers > BackfillJob.MAX_WORKERS) {
            throw new IllegalArgumentException("dualwrite.job.workers must be between 1 and " + BackfillJob.MAX_WORKERS
                    + ", but was " + workers);
        }
        this.workers = workers;
    }

    public Duration getChunkTimeTarget() {
        return chunkTimeTarget;
    }

    public void setChunkTimeTarget(Duration chunkTimeTarget) {
        if (chunkTimeTarget == null || chunkTimeTarget.isNegative() || chunkTimeTarget.isZero()
                || chunkTimeTarget.compareTo(MAX_CHUNK_TIME_TARGET) > 0) {
            throw new IllegalArgumentException("dualwrite.job.chunk-time-target must be positive and at most 10m, but"
                    + " was " + chunkTimeTarget + "; e.g. 500ms");
        }
        this.chunkTimeTarget = chunkTimeTarget;
    }

    public double getSampleFraction() {
        return sampleFraction;
    }

    public void setSampleFraction(double sampleFraction) {
        if (!(sampleFraction > 0.0 && sampleFraction <= 1.0)) {
            throw new IllegalArgumentException("dualwrite.job.sample-fraction must be greater than 0 and at most 1"
                    + " (1 compares every key range), but was " + sampleFraction);
        }
        this.sampleFraction = sampleFraction;
    }

    public long getSampleSeed() {
        return sampleSeed;
    }

    public void setSampleSeed(long sampleSeed) {
        this.sampleSeed = sampleSeed;
    }

    public boolean isExit() {
        return exit;
    }

    public void setExit(boolean exit) {
        this.exit = exit;
    }

    private static @Nullable String nonBlank(String property, @Nullable String value, String allowed) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(property + " must be " + allowed + ", but was '" + value + "'");
        }
        return value == null ? null : value.trim();
    }
}
