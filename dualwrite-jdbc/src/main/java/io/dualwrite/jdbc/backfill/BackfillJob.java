package io.dualwrite.jdbc.backfill;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Checks;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A backfill: copies the history of one or more tables from the old store into the new one, through their
 * {@link TableMapping}s, while traffic runs. A job is a value (which tables, which rows, how fast, how many
 * workers); {@link #run()} runs it to its end and returns a {@link BackfillResult}, {@link #start()} runs it in
 * the background and hands back a {@link BackfillRun} to watch ({@link BackfillRun#progress()}), stop or abort.
 *
 * <pre>{@code
 * BackfillResult result = BackfillJob.builder()
 *         .migration("orders")
 *         .oldDataSource(oldStore).newDataSource(newStore)
 *         .mapping(orders)
 *         .scope(BackfillScope.merchant("m-1"))     // or wholeTable(), the default
 *         .rowCopier(dualWriteDataSource.rowCopier()) // the live mirror's copier (its phase scoping)
 *         .rateLimit(5_000)                           // rows per second; unlimited by default
 *         .workers(4)
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>A table whose new shape a mapping cannot say is copied by the user's row writer when the given
 * {@link Builder#rowCopier} routes it there (as {@code DualWriteDataSource.rowCopier()} does for its
 * {@code tableCopier}s); declare it with {@link Builder#copiedByRowWriter}.
 *
 * <p><b>How.</b> Each table is walked by its primary key in chunks, by keyset ({@code WHERE key > last ORDER BY
 * key LIMIT n}, never {@code OFFSET}; see {@link io.dualwrite.jdbc.copy.KeyWalk} for the order). Each chunk's
 * keys are synced through the one {@link RowCopier}, the live mirror's: it takes the new store's lock of each
 * key, then reads the key's current row from the old store (auto-commit) and upserts it, or deletes it when the
 * row is gone, and commits before it unlocks. So a backfill copy and a live sync of one key never overlap, and
 * the later of them copies the latest row: a backfill never overwrites a newer live sync with an older row
 * image, nor resurrects a row deleted meanwhile. Writes are batched (one read, and upserts of many rows per
 * statement, per {@value #SYNC_BATCH} keys).
 *
 * <p><b>Checkpoints and workers.</b> Chunk ranges are planned as the walk goes and recorded in
 * {@value io.dualwrite.jdbc.schema.DualWriteSchema#BACKFILL_CHECKPOINT_TABLE} (create it with
 * {@link io.dualwrite.jdbc.schema.DualWriteSchema#create}); workers claim chunks with
 * {@code FOR UPDATE SKIP LOCKED} and mark them done, so several workers — threads of one run, or runs of the
 * same job in several application instances — never copy one chunk at once, and a run that was killed is
 * resumed by the next run of the same job (same migration, tables and scope, or same {@link Builder#name}).
 * A run returns once every chunk of its tables is done, whichever run did it. A job whose tables are all done
 * does nothing when run again; {@link #resetCheckpoints()} forgets it.
 *
 * <p><b>Pace.</b> Chunk sizes adapt so that copying one takes about {@link Builder#chunkTimeTarget} (default
 * {@value #DEFAULT_CHUNK_TIME_TARGET_MILLIS} ms), within {@link Builder#chunkRows}; a Resilience4j
 * {@code RateLimiter} caps the rows per second of the run (of each instance, when several run the job).
 * Progress is logged every {@link Builder#progressInterval} at INFO.
 *
 * <p><b>When.</b> Run it once the rows in scope double-write ({@code DUAL_WRITE}) on every instance of the
 * application: the live mirror then keeps every row the walk has passed up to date. An instance sees a switch change
 * only within its switch cache's refresh interval and writes under the phase before it until then, neither mirrored
 * nor recorded; so a job whose switches are known (a {@link Builder#resolver}, or a {@link Builder#rowCopier} scoped by
 * one, as {@code DualWriteDataSource.rowCopier()} is) refuses to start while a switch change that may decide its
 * scope's phase is younger than the refresh interval plus a margin by the switch store's clock
 * ({@link PhaseResolver#unsettledSwitch}), naming the switch, its change time and when the job may start. A row written in a phase that does not mirror after the walk passed
 * it stays behind until the next backfill or verification. Without a {@link Builder#rowCopier} of its own the job
 * builds a copier, scoped by phase when a {@link Builder#resolver} is given (rows whose phase does not copy old →
 * new are then skipped and counted).
 *
 * <p><b>Bad input</b> fails before any row is touched: values when the job is built
 * ({@link IllegalArgumentException}); the schemas when it starts ({@link IllegalStateException} listing every
 * problem: an unknown table, a mapped column that does not exist, a table without a primary key or whose key
 * is not the mapping's, a merchant id that does not fit its column, a missing checkpoint table, a migration
 * the {@link Builder#resolver} does not know, a switch change not yet seen by every instance).
 */
public final class BackfillJob {

    /** The default time one chunk's copy aims at: 500 ms. */
    public static final long DEFAULT_CHUNK_TIME_TARGET_MILLIS = 500;
    /** The default fewest keys a chunk plans. */
    public static final int DEFAULT_MIN_CHUNK_ROWS = 100;
    /** The default most keys a chunk plans. */
    public static final int DEFAULT_MAX_CHUNK_ROWS = 10_000;
    /** The keys of one copier call (one new-store transaction): bounds the per-key locks one transaction holds. */
    public static final int SYNC_BATCH = 500;
    /** The most workers one run may have. */
    public static final int MAX_WORKERS = 64;
    /** The longest job id the checkpoint table holds. */
    static final int MAX_JOB_ID_LENGTH = 191;

    private final String migration;
    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final DataSource checkpointDataSource;
    private final List<TableMapping> mappings;
    private final BackfillScope scope;
    private final int rateLimit;
    private final Duration chunkTimeTarget;
    private final int minChunkRows;
    private final int maxChunkRows;
    private final int workers;
    private final Duration progressInterval;
    private final @Nullable RowCopier rowCopier;
    private final @Nullable PhaseResolver resolver;
    private final @Nullable String name;
    private final Clock clock;
    private final int maxAttempts;
    private final Set<String> rowWriterTables;
    private final @Nullable ChangeLog changeLog;

    private BackfillJob(Builder builder) {
        this.migration = Objects.requireNonNull(builder.migration);
        this.oldDataSource = Objects.requireNonNull(builder.oldDataSource);
        this.newDataSource = Objects.requireNonNull(builder.newDataSource);
        this.checkpointDataSource = builder.checkpointDataSource == null ? oldDataSource : builder.checkpointDataSource;
        this.mappings = List.copyOf(builder.mappings);
        this.scope = builder.scope;
        this.rateLimit = builder.rateLimit;
        this.chunkTimeTarget = builder.chunkTimeTarget;
        this.minChunkRows = builder.minChunkRows;
        this.maxChunkRows = builder.maxChunkRows;
        this.workers = builder.workers;
        this.progressInterval = builder.progressInterval;
        this.rowCopier = builder.rowCopier;
        this.resolver = builder.resolver;
        this.name = builder.name;
        this.clock = builder.clock;
        this.maxAttempts = builder.maxAttempts;
        this.rowWriterTables = Set.copyOf(builder.rowWriterTables);
        this.changeLog = builder.changeLog;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the job to its end on this thread's behalf (its workers are threads of their own) and returns what
     * this run did.
     *
     * @throws IllegalStateException when the schemas do not fit the job (nothing was copied)
     * @throws BackfillException     when the run failed or was aborted; what it did is its partial result
     * @throws SQLException          when a store cannot be reached for the checks before the start
     * @throws InterruptedException  when this thread is interrupted while it waits (the run is aborted)
     */
    public BackfillResult run() throws SQLException, BackfillException, InterruptedException {
        BackfillRun run = start();
        try {
            return run.await();
        } catch (InterruptedException e) {
            run.abort();
            throw e;
        }
    }

    /**
     * Checks the schemas and starts the run in the background.
     *
     * @throws IllegalStateException when the schemas do not fit the job, listing every problem (nothing was copied)
     * @throws SQLException          when a store cannot be reached for those checks
     */
    public BackfillRun start() throws SQLException {
        List<Preflight.Table> tables = Preflight.check(this);
        return BackfillRun.start(this, tables);
    }

    /**
     * Forgets the checkpoints of this job (every table), so that its next run copies everything again. Call it
     * only while no run of the job is going on, in any instance.
     *
     * @return the checkpoint rows deleted
     * @throws SQLException when the checkpoint store fails
     */
    public int resetCheckpoints() throws SQLException {
        Checkpoints checkpoints = new Checkpoints(checkpointDataSource, clock);
        int deleted = 0;
        for (TableMapping mapping : mappings) {
            deleted += checkpoints.reset(jobId(mapping));
        }
        return deleted;
    }

    /**
     * The checkpoint id of one table of this job: {@code <name>/<table>} with a {@link Builder#name}, else
     * {@code <migration>/<table>/<scope>} ({@code *} for the whole table, {@code merchant=<id>} for a merchant).
     */
    public String jobId(TableMapping mapping) {
        return (name != null ? name : migration) + "/" + mapping.oldTable() + (name != null ? "" : "/" + scope.idPart());
    }

    /**
     * What {@code mapping} writes, as its checkpoint keeps it: the new table and the mapping's renames, drops, added
     * columns (with their values) and transformed columns. A run resumes a checkpoint only under the same: under
     * another mapping it would count the chunks copied under the earlier one as its own (a mapping writing another
     * new table found every chunk done and copied nothing).
     */
    String checkpointSettings(TableMapping mapping) {
        return checkpointSettingsOfAnyRun(mapping, null);
    }

    /**
     * As {@link #checkpointSettings(TableMapping)}, followed by {@code " key "} and the old key's columns and types
     * ({@code KeyWalk.keyTypes}) when given: chunks planned under a key of other types cover other keys; then
     * {@code " run "}, the migration and the scope, and for a merchant the mapping's merchant column
     * ({@link #checkpointRun(TableMapping)}): a job given a {@link Builder#name} keeps its checkpoint under that name
     * alone, and a run of another scope or migration under it took the chunks done for the first (another merchant's
     * rows, another new store) as its own and never copied the keys in them; the mapping's text leaves the merchant
     * column out, and chunks done through another one held another merchant's rows too.
     */
    String checkpointSettings(TableMapping mapping, @Nullable String keyTypes) {
        return keyTypes == null ? checkpointSettings(mapping) : checkpointSettingsOfAnyRun(mapping, keyTypes)
                + fitted(RUN + checkpointRun(mapping));
    }

    /**
     * The settings as versions of round 24 wrote them: as {@link #checkpointSettings(TableMapping, String)} without
     * the merchant column (the same for a whole-table run).
     */
    String checkpointSettingsBefore25(TableMapping mapping, String keyTypes) {
        return checkpointSettingsOfAnyRun(mapping, keyTypes) + fitted(RUN + checkpointRun());
    }

    /**
     * The settings as versions before round 24 wrote them: the mapping's, and the key's columns and types when given,
     * without the migration and the scope.
     */
    String checkpointSettingsOfAnyRun(TableMapping mapping, @Nullable String keyTypes) {
        StringBuilder settings = new StringBuilder(mapping.oldTable()).append('>').append(mapping.newTable())
                .append(' ').append(mapping);
        if (!mapping.addedColumns().isEmpty()) {
            List<String> values = new java.util.ArrayList<>();
            mapping.addedColumns().forEach((column, value) -> values.add(column + "=" + (value instanceof byte[] bytes
                    ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(value))));
            settings.append(" values ").append(values);
        }
        if (keyTypes != null) {
            settings.append(KEY_TYPES).append(keyTypes);
        }
        return fitted(settings.toString());
    }

    /** The column holds 4,000 characters: a text longer than 1,000 keeps its start and a digest of the whole. */
    private static String fitted(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 950) + " #"
                + java.util.UUID.nameUUIDFromBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The run a checkpoint belongs to: {@code migration <migration> scope <scope>} (the scope as in {@link #jobId}). */
    String checkpointRun() {
        return "migration " + migration + " scope " + scope.idPart();
    }

    /**
     * The run a table's checkpoint belongs to: {@link #checkpointRun()}, and for a merchant's run
     * {@code " by merchant column <column>"}, the column the mapping picks the merchant's rows by.
     */
    String checkpointRun(TableMapping mapping) {
        return checkpointRun() + (scope.isWholeTable() ? ""
                : " by merchant column " + mapping.merchantIdColumn().orElse("-"));
    }

    /** What comes before the old key's columns and types in a checkpoint's settings. */
    static final String KEY_TYPES = " key ";
    /** What comes before the migration and the scope in a checkpoint's settings ({@link #checkpointRun}). */
    static final String RUN = " run ";

    /** The migration (table group) the tables belong to. */
    public String migration() {
        return migration;
    }

    /** The tables to backfill, in the order they are copied. */
    public List<TableMapping> mappings() {
        return mappings;
    }

    /** The rows copied: the whole table or one merchant's rows. */
    public BackfillScope scope() {
        return scope;
    }

    /** The change log each row the new store refuses is recorded in ({@link Builder#changeLog}), when given. */
    public Optional<ChangeLog> changeLog() {
        return Optional.ofNullable(changeLog);
    }

    /** The rate limit in rows per second, empty when unlimited. */
    public Optional<Integer> rateLimit() {
        return rateLimit == 0 ? Optional.empty() : Optional.of(rateLimit);
    }

    /** The time one chunk's copy aims at; chunk sizes adapt toward it (default 500 ms). */
    public Duration chunkTimeTarget() {
        return chunkTimeTarget;
    }

    /** The fewest keys a chunk plans (default 100). */
    public int minChunkRows() {
        return minChunkRows;
    }

    /** The most keys a chunk plans (default 10,000). */
    public int maxChunkRows() {
        return maxChunkRows;
    }

    /** Worker threads of this run (default 1); other instances running the same job add their own. */
    public int workers() {
        return workers;
    }

    /** How often progress is logged at INFO (default 10 s). */
    public Duration progressInterval() {
        return progressInterval;
    }

    DataSource oldDataSource() {
        return oldDataSource;
    }

    DataSource newDataSource() {
        return newDataSource;
    }

    DataSource checkpointDataSource() {
        return checkpointDataSource;
    }

    Clock clock() {
        return clock;
    }

    /** The resolver the job's own copier is scoped by; null when none (or a copier was given). */
    @Nullable PhaseResolver resolver() {
        return resolver;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** The resolver whose switches scope the copies: the job's own, else the given copier's; null when none. */
    @Nullable PhaseResolver switches() {
        if (resolver != null) {
            return resolver;
        }
        return rowCopier == null ? null : rowCopier.phaseResolver().orElse(null);
    }

    /** Whether the copier writes this table's rows by a row writer of the user's, not through its mapping. */
    boolean copiedByRowWriter(TableMapping mapping) {
        return rowWriterTables.contains(mapping.oldTable().toLowerCase(Locale.ROOT));
    }

    /** The copier the run syncs through: the one given, else one built for the two stores (and the resolver). */
    RowCopier copier() {
        if (rowCopier != null) {
            return rowCopier;
        }
        RowCopier.Builder builder = RowCopier.builder().oldDataSource(oldDataSource).newDataSource(newDataSource);
        if (resolver != null) {
            builder.resolver(migration, resolver);
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "BackfillJob[migration " + migration + ", tables " + mappings.stream().map(TableMapping::oldTable).toList()
                + ", " + scope + ", " + (rateLimit == 0 ? "unlimited rate" : rateLimit + " rows/s") + ", chunks "
                + minChunkRows + ".." + maxChunkRows + " rows aiming at " + chunkTimeTarget.toMillis() + " ms, "
                + workers + " worker" + (workers == 1 ? "" : "s") + "]";
    }

    /**
     * Builds a {@link BackfillJob}. Every setter checks its value and throws an {@link IllegalArgumentException}
     * naming the setting, the value and what is allowed; {@link #build()} checks what needs several settings.
     */
    public static final class Builder {
        private @Nullable String migration;
        private @Nullable DataSource oldDataSource;
        private @Nullable DataSource newDataSource;
        private @Nullable DataSource checkpointDataSource;
        private final List<TableMapping> mappings = new ArrayList<>();
        private BackfillScope scope = BackfillScope.wholeTable();
        private int rateLimit;
        private Duration chunkTimeTarget = Duration.ofMillis(DEFAULT_CHUNK_TIME_TARGET_MILLIS);
        private int minChunkRows = DEFAULT_MIN_CHUNK_ROWS;
        private int maxChunkRows = DEFAULT_MAX_CHUNK_ROWS;
        private int workers = 1;
        private Duration progressInterval = Duration.ofSeconds(10);
        private @Nullable RowCopier rowCopier;
        private @Nullable PhaseResolver resolver;
        private @Nullable String name;
        private Clock clock = Clock.systemUTC();
        private int maxAttempts = 3;
        private final Set<String> rowWriterTables = new HashSet<>();
        private @Nullable ChangeLog changeLog;

        private Builder() {
        }

        /** The migration (table group) the tables belong to. Required. */
        public Builder migration(String migration) {
            this.migration = Checks.requireMigration("migration", migration);
            return this;
        }

        /** The old store: the rows are read from it. Required. */
        public Builder oldDataSource(DataSource dataSource) {
            this.oldDataSource = Checks.requireNonNull("oldDataSource", dataSource);
            return this;
        }

        /** The new store: the rows are written into it. Required. */
        public Builder newDataSource(DataSource dataSource) {
            this.newDataSource = Checks.requireNonNull("newDataSource", dataSource);
            return this;
        }

        /**
         * Where the checkpoint table is; defaults to the old store (where the change log lives). Every instance
         * running the job must use the same one.
         */
        public Builder checkpointDataSource(DataSource dataSource) {
            this.checkpointDataSource = Checks.requireNonNull("checkpointDataSource", dataSource);
            return this;
        }

        /** A table to backfill, added after those already given. At least one is required. */
        public Builder mapping(TableMapping mapping) {
            Checks.requireNonNull("mapping", mapping);
            if (mappings.stream().anyMatch(m -> m.oldTable().equalsIgnoreCase(mapping.oldTable()))) {
                throw new IllegalArgumentException("mapping of table '" + mapping.oldTable() + "' is given twice");
            }
            mappings.add(mapping);
            return this;
        }

        /** Tables to backfill, in order, added after those already given. */
        public Builder mappings(List<TableMapping> mappings) {
            Checks.requireNonNull("mappings", mappings).forEach(this::mapping);
            return this;
        }

        /** The rows: {@link BackfillScope#wholeTable()} (the default) or {@link BackfillScope#merchant}. */
        public Builder scope(BackfillScope scope) {
            this.scope = Checks.requireNonNull("scope", scope);
            return this;
        }

        /**
         * At most this many rows per second (of this run, all workers together).
         *
         * @throws IllegalArgumentException when it is not positive
         */
        public Builder rateLimit(int rowsPerSecond) {
            if (rowsPerSecond <= 0) {
                throw new IllegalArgumentException("rateLimit must be a positive number of rows per second"
                        + " (or call unlimitedRate()), but was " + rowsPerSecond);
            }
            this.rateLimit = rowsPerSecond;
            return this;
        }

        /** No rate limit (the default). */
        public Builder unlimitedRate() {
            this.rateLimit = 0;
            return this;
        }

        /**
         * The time one chunk's copy aims at (default 500 ms): chunk sizes adapt toward it.
         *
         * @throws IllegalArgumentException when it is not positive, or longer than 10 minutes
         */
        public Builder chunkTimeTarget(Duration target) {
            if (target == null || target.isNegative() || target.isZero() || target.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("chunkTimeTarget must be positive and at most 10 minutes, but was "
                        + target);
            }
            this.chunkTimeTarget = target;
            return this;
        }

        /**
         * The fewest and most keys a chunk plans (default 100 and 10,000).
         *
         * @throws IllegalArgumentException when {@code min} is below 1, {@code max} below {@code min}, or
         *                                  {@code max} above 1,000,000
         */
        public Builder chunkRows(int min, int max) {
            if (min < 1) {
                throw new IllegalArgumentException("chunkRows min must be at least 1, but was " + min);
            }
            if (max < min) {
                throw new IllegalArgumentException("chunkRows max must be at least min (" + min + "), but was " + max);
            }
            if (max > 1_000_000) {
                throw new IllegalArgumentException("chunkRows max must be at most 1,000,000, but was " + max);
            }
            this.minChunkRows = min;
            this.maxChunkRows = max;
            return this;
        }

        /**
         * Worker threads of this run (default 1). On PostgreSQL each worker's sync holds up to
         * {@value BackfillJob#SYNC_BATCH} advisory locks, from a lock table of {@code max_locks_per_transaction ×
         * max_connections} entries shared by every session: keep the workers of all instances well within it.
         *
         * @throws IllegalArgumentException when not between 1 and {@value #MAX_WORKERS}
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > MAX_WORKERS) {
                throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", but was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * How often progress is logged at INFO (default 10 s).
         *
         * @throws IllegalArgumentException when it is shorter than 10 ms
         */
        public Builder progressInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("progressInterval must be at least 10 ms, but was " + interval);
            }
            this.progressInterval = interval;
            return this;
        }

        /**
         * The copier to sync through, e.g. {@code DualWriteDataSource.rowCopier()}: its phase scoping and lock
         * timeout apply. Without it the job builds one for its two stores (see {@link #resolver}).
         */
        public Builder rowCopier(RowCopier copier) {
            this.rowCopier = Checks.requireNonNull("rowCopier", copier);
            return this;
        }

        /**
         * Scopes the copier the job builds by phase: a row is copied only when its own phase (its merchant and
         * order columns) makes the old store authoritative and writes the new one. Not used with {@link #rowCopier}.
         */
        public Builder resolver(PhaseResolver resolver) {
            this.resolver = Checks.requireNonNull("resolver", resolver);
            return this;
        }

        /**
         * Declares that the {@link #rowCopier} writes this table's rows by a row writer of the user's (e.g. a
         * {@code DualWriteDataSource.Builder.tableCopier} for a new shape a mapping cannot say): the table is still
         * walked by its mapping's primary key on the old store, but the mapping's new side is not checked against
         * the new store before the start.
         *
         * @throws IllegalArgumentException when no mapping of that table has been given
         */
        public Builder copiedByRowWriter(String oldTable) {
            if (oldTable == null || mappings.stream().noneMatch(m -> m.oldTable().equalsIgnoreCase(oldTable))) {
                throw new IllegalArgumentException("copiedByRowWriter must name a table given with mapping(), but was '"
                        + oldTable + "'; the tables are " + mappings.stream().map(TableMapping::oldTable).toList());
            }
            rowWriterTables.add(oldTable.toLowerCase(Locale.ROOT));
            return this;
        }

        /**
         * The job's name in the checkpoint table: runs with the same name resume each other. Defaults to the
         * migration and the scope (see {@link BackfillJob#jobId}).
         */
        public Builder name(String name) {
            this.name = Checks.requireStoredName("name", name, MAX_JOB_ID_LENGTH);
            return this;
        }

        /**
         * The change log of the live mirror (the one the phase gate counts and the reconciler drains): each row the
         * new store cannot hold exactly, refused by the copier, is recorded there as an {@code UPSERT} of its key,
         * reason {@value io.dualwrite.jdbc.copy.UnholdableValueException#CHANGE_LOG_REASON}, the scope's merchant, target the new store, unless the log already holds a
         * pending entry of that key; so a refused row stays in the backlog after the run's exception was caught, and
         * the reconciler copies it once the mapping or the column changes. Without it refused rows are only named in
         * the run's {@link BackfillException} and logged (the behaviour of earlier versions).
         */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = Checks.requireNonNull("changeLog", changeLog);
            return this;
        }

        /** How many times a chunk is tried before the run fails (default 3). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 100, but was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The clock of the checkpoint rows' times (tests). */
        public Builder clock(Clock clock) {
            this.clock = Checks.requireNonNull("clock", clock);
            return this;
        }

        /**
         * The job.
         *
         * @throws IllegalArgumentException when the migration, a data source or every mapping is missing, both a
         *                                  copier and a resolver are given, a merchant scope meets a mapping
         *                                  without a merchant column, or a job id would be too long
         */
        public BackfillJob build() {
            List<String> missing = new ArrayList<>();
            if (migration == null) {
                missing.add("migration");
            }
            if (oldDataSource == null) {
                missing.add("oldDataSource");
            }
            if (newDataSource == null) {
                missing.add("newDataSource");
            }
            if (mappings.isEmpty()) {
                missing.add("mapping");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("a backfill job needs " + String.join(", ", missing)
                        + ", but " + (missing.size() == 1 ? "it was" : "they were") + " not set");
            }
            if (!rowWriterTables.isEmpty() && rowCopier == null) {
                throw new IllegalArgumentException("copiedByRowWriter needs the rowCopier that routes those tables to"
                        + " their row writer (e.g. DualWriteDataSource.rowCopier()), but none was given");
            }
            if (rowCopier != null && resolver != null) {
                throw new IllegalArgumentException("give either rowCopier or resolver, not both: a given copier"
                        + " brings its own phase scoping");
            }
            if (resolver != null) {
                resolver.requireKnownMigration("migration", migration);
            }
            if (rowCopier != null) {
                RowCopier.requireSameMigration("BackfillJob", rowCopier, migration);
            }
            if (scope.merchantId().isPresent()) {
                for (TableMapping mapping : mappings) {
                    if (mapping.merchantIdColumn().isEmpty()) {
                        throw new IllegalArgumentException("scope " + scope + " needs each table's merchant column,"
                                + " but the mapping of table '" + mapping.oldTable() + "' names none; set it with"
                                + " TableMapping.Builder.merchantIdColumn, or backfill the whole table");
                    }
                }
            }
            BackfillJob job = new BackfillJob(this);
            for (TableMapping mapping : mappings) {
                String id = job.jobId(mapping);
                int length = id.codePointCount(0, id.length());
                if (length > MAX_JOB_ID_LENGTH) {
                    throw new IllegalArgumentException("the job id '" + id + "' is " + length + " characters long;"
                            + " the checkpoint table holds at most " + MAX_JOB_ID_LENGTH + ": give a shorter name()");
                }
                try {
                    // the migration and a merchant scope's id are part of it: each must be storable as text
                    Checks.requireStoredName("the job id", id, MAX_JOB_ID_LENGTH);
                } catch (IllegalArgumentException unstorable) {
                    throw new IllegalArgumentException(unstorable.getMessage() + ", or give a name() of its own",
                            unstorable);
                }
            }
            return job;
        }
    }
}
