package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.MigrationContext;
import io.dualwrite.jdbc.copy.RowCopier;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import io.dualwrite.switches.PhaseResolver;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drains the change log: claims a batch of due entries and, for each, copies the row by key from the
 * authoritative store ({@code record.target().other()}) into the store that missed the write, or deletes
 * it there when the authoritative row is gone (old wins while the old store is authoritative).
 *
 * <p>Safe with many instances running at once: entries are claimed for a lease, so each is worked by one
 * reconciler at a time. A repaired entry is completed; a failed one is retried later with exponential
 * backoff ({@code initialBackoff} doubling up to {@code maxBackoff}). Past {@code maxAttempts} an entry is
 * never dropped: it stays in the log, is still retried at the longest backoff, and each failure is logged
 * at ERROR. An entry for a table without a mapping fails the same way.
 *
 * <p>Every repair goes through the one {@link RowCopier} the live mirror uses: it takes the key's lock on
 * the store being repaired before it reads the authoritative row, so a repair and a live sync of one key
 * never overlap and the later of them copies the latest committed row. No lock is held in the
 * authoritative store. Scoped resync entries ({@link io.dualwrite.changelog.Operation#RESYNC}) are not
 * claimed here: they stay pending, and counted as backlog by the phase gate, until their scope is
 * verified and copied by {@link io.dualwrite.jdbc.verify.ScopedResyncResolver}.
 *
 * <pre>{@code
 * Reconciler reconciler = Reconciler.builder()
 *         .changeLog(JdbcChangeLog.create(oldDataSource))
 *         .oldDataSource(oldDataSource).newDataSource(newDataSource)
 *         .mapping(ordersMapping)
 *         .build();
 * reconciler.start(Duration.ofSeconds(5));   // or call runOnce() from your own scheduler
 * }</pre>
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int DETAILED_FAILURES_PER_RUN = 3;
    private static final Duration SCHEDULER_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    private final ReconcilerConfig config;
    /** The migration whose entries it claims; null: every migration's. */
    private final @Nullable String migration;
    private @Nullable ScheduledExecutorService scheduler;
    private volatile Instant lastSchedulerError = Instant.MIN;
    private volatile boolean warnedUnfiltered;

    Reconciler(ReconcilerConfig config) {
        this(config, null);
    }

    Reconciler(ReconcilerConfig config, @Nullable String migration) {
        this.config = config;
        this.migration = migration;
    }

    /** Starts a builder; the change log, both data sources and at least one mapping are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What one run did.
     *
     * @param claimed  entries claimed from the change log
     * @param repaired entries whose row was copied or deleted and that were completed
     * @param failed   entries that failed and were rescheduled with backoff
     */
    public record Result(int claimed, int repaired, int failed) {
    }

    /** One batch of due entries: of this reconciler's migration when it has one and the change log can tell. */
    private List<ChangeEntry> claim() {
        if (migration != null) {
            try {
                return config.changeLog().claim(migration, config.batchSize(), config.clock().instant(), config.lease());
            } catch (UnsupportedOperationException cannot) {
                if (!warnedUnfiltered) {
                    warnedUnfiltered = true;
                    log.warn("the change log {} cannot claim the entries of migration {} alone; this reconciler claims"
                            + " every migration's entries, so give each migration a change log of its own",
                            config.changeLog().getClass().getName(), migration);
                }
            }
        }
        return config.changeLog().claim(config.batchSize(), config.clock().instant(), config.lease());
    }

    /**
     * Claims one batch of due entries and works each of them. Never throws for a failing entry (it is
     * rescheduled); throws only when the change log itself cannot be claimed from.
     */
    public Result runOnce() {
        List<ChangeEntry> entries = claim();
        int repaired = 0;
        int failed = 0;
        String firstError = null;
        for (ChangeEntry entry : entries) {
            String error = work(entry, failed < DETAILED_FAILURES_PER_RUN);
            if (error == null) {
                repaired++;
            } else {
                failed++;
                firstError = firstError == null ? error : firstError;
            }
        }
        if (failed > 0) {
            log.warn("reconciler run: {} of {} entries failed and were rescheduled; first error: {}",
                    failed, entries.size(), firstError);
        } else if (!entries.isEmpty()) {
            log.debug("reconciler run: repaired {} entries", repaired);
        }
        return new Result(entries.size(), repaired, failed);
    }

    /**
     * Runs {@link #runOnce()} on one daemon thread, with {@code interval} between the end of a run and the
     * start of the next. Errors of a run are logged (at most once a minute) and the schedule continues.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, but was " + interval);
        }
        if (scheduler != null) {
            throw new IllegalStateException("reconciler is already started");
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualwrite-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::scheduledRun, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        scheduler = executor;
    }

    /** Stops the schedule started by {@link #start}, waiting briefly for a run in progress. Idempotent. */
    @Override
    public synchronized void close() {
        ScheduledExecutorService executor = scheduler;
        scheduler = null;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void scheduledRun() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            Instant now = Instant.now();
            if (Duration.between(lastSchedulerError, now).compareTo(SCHEDULER_ERROR_LOG_INTERVAL) >= 0) {
                lastSchedulerError = now;
                log.warn("reconciler run failed (repeats within a minute are not logged): {}", Credentials.mask(e.toString()),
                        Credentials.masked(e));
            }
        }
    }

    /** Works one entry; returns null when it was repaired, else the error it was rescheduled with. */
    private @Nullable String work(ChangeEntry entry, boolean detailed) {
        ChangeRecord record = entry.record();
        MDC.put("dualwrite.migration", record.migration());
        MDC.put("dualwrite.table", record.table());
        MDC.put("dualwrite.key", record.key());
        try {
            TableMapping mapping = config.mappings().get(record.table().toLowerCase(Locale.ROOT));
            if (mapping == null) {
                String error = "no TableMapping for table '" + record.table() + "'; the reconciler knows "
                        + config.mappings().keySet();
                log.warn("change-log entry {} cannot be repaired: {}", entry.id(), error);
                reschedule(entry, error, false);
                return error;
            }
            try {
                RowCopier.SyncResult outcome = copy(mapping, record);
                if (!outcome.authorityMoved().isEmpty()) {
                    // the row's own phase makes the entry's target authoritative: its write on the other store was
                    // made under an earlier phase; a copy cannot tell which store holds the latest write
                    String error = "authority-moved: the phase of key " + record.key() + " now makes the "
                            + record.target() + " store, the entry's target, authoritative, and its write on the "
                            + record.target().other() + " store was made under an earlier phase (a switch moved while"
                            + " it was in flight) or without the row's authority: not copied over the authoritative"
                            + " store; compare the key in both stores, repair it from the one holding its latest"
                            + " write, then complete the entry";
                    reschedule(entry, error, detailed);
                    return error;
                }
                if (!outcome.conflicts().isEmpty()) {
                    // both stores hold the key for rows of their own: the entry stays until one of them moves
                    String error = "the " + record.target() + " store holds key " + record.key() + " for a row of an"
                            + " order or merchant it is authoritative for, the " + record.target().other()
                            + " store for another one: not copied over it";
                    reschedule(entry, error, detailed);
                    return error;
                }
                log.debug("change-log entry {} repaired: {} in the {} store", entry.id(), outcome, record.target());
            } catch (SQLException | RuntimeException e) {
                String error = e.getClass().getSimpleName() + ": " + Credentials.mask(e.getMessage());
                reschedule(entry, error, detailed);
                return error;
            }
            try {
                config.changeLog().complete(entry.id());
            } catch (RuntimeException e) {
                // the row is repaired; the entry comes back when its lease ends and the copy is idempotent
                log.warn("change-log entry {} was repaired but could not be completed: {}", entry.id(), Credentials.mask(e.toString()));
            }
            return null;
        } finally {
            MDC.remove("dualwrite.migration");
            MDC.remove("dualwrite.table");
            MDC.remove("dualwrite.key");
        }
    }

    private RowCopier.SyncResult copy(TableMapping mapping, ChangeRecord record) throws SQLException {
        Store from = record.target().other();
        MigrationContext context = contextOf(record);
        return config.rowCopier().sync(from, List.of(new RowCopier.TableKeys(mapping, List.of(record.key()), context)));
    }

    private static @Nullable MigrationContext contextOf(ChangeRecord record) {
        if (record.orderId() == null && record.merchantId() == null) {
            return null;
        }
        return MigrationContext.forMigration(record.migration()).orderId(record.orderId())
                .merchantId(record.merchantId()).build();
    }

    private void reschedule(ChangeEntry entry, String error, boolean detailed) {
        int attempts = entry.attempts() + 1;
        Instant dueAt = config.clock().instant().plus(config.backoff(entry.attempts()));
        if (attempts >= config.maxAttempts()) {
            log.error("change-log entry {} ({} key {}) failed {} times, the limit is {}; it stays in the log"
                            + " and is retried at {}: {}", entry.id(), entry.record().table(), entry.record().key(),
                    attempts, config.maxAttempts(), dueAt, error);
        } else if (detailed) {
            log.warn("change-log entry {} failed (attempt {}), retry at {}: {}", entry.id(), attempts, dueAt, error);
        } else {
            log.debug("change-log entry {} failed (attempt {}), retry at {}: {}", entry.id(), attempts, dueAt, error);
        }
        try {
            config.changeLog().retryLater(entry.id(), dueAt, error);
        } catch (RuntimeException e) {
            log.warn("change-log entry {} could not be rescheduled; it is due again when its lease ends: {}",
                    entry.id(), Credentials.mask(e.toString()));
        }
    }

    @Override
    public String toString() {
        return "Reconciler[tables=" + config.mappings().keySet() + ", batchSize=" + config.batchSize() + "]";
    }

    /**
     * Builds a {@link Reconciler}. Required: {@link #changeLog}, {@link #oldDataSource}, {@link #newDataSource}
     * and at least one mapping. Every setter checks its value at once; the error names the property, the bad
     * value and what is allowed.
     */
    public static final class Builder {

        /** Entries claimed per run unless set. */
        public static final int DEFAULT_BATCH_SIZE = 100;
        /** How long a claim lasts unless set. */
        public static final Duration DEFAULT_LEASE = Duration.ofMinutes(1);
        /** The wait after an entry's first failure unless set. */
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
        /** The longest wait between attempts unless set. */
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
        /** Failures after which each further failure of an entry is logged at ERROR, unless set. */
        public static final int DEFAULT_MAX_ATTEMPTS = 10;

        private @Nullable ChangeLog changeLog;
        private @Nullable DataSource oldDataSource;
        private @Nullable DataSource newDataSource;
        private final Map<String, TableMapping> mappings = new LinkedHashMap<>();
        private @Nullable RowCopier rowCopier;
        private @Nullable String migration;
        private @Nullable PhaseResolver resolver;
        private int batchSize = DEFAULT_BATCH_SIZE;
        /** The longest {@link #lease}, {@link #initialBackoff} and {@link #maxBackoff}. */
        public static final Duration MAX_WAIT = Duration.ofDays(1);
        private Duration lease = DEFAULT_LEASE;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Clock clock = Clock.systemUTC();

        Builder() {
        }

        /** The change log to drain (in the authoritative store). */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = required("changeLog", changeLog);
            return this;
        }

        /** The old store. */
        public Builder oldDataSource(DataSource oldDataSource) {
            this.oldDataSource = required("oldDataSource", oldDataSource);
            return this;
        }

        /** The new store. */
        public Builder newDataSource(DataSource newDataSource) {
            this.newDataSource = required("newDataSource", newDataSource);
            return this;
        }

        /** Adds the mapping of one table, found by its old name (case-insensitively). */
        public Builder mapping(TableMapping mapping) {
            required("mapping", mapping);
            String key = mapping.oldTable().toLowerCase(Locale.ROOT);
            if (mappings.containsKey(key)) {
                throw new IllegalArgumentException("mapping of table '" + mapping.oldTable() + "' is set twice");
            }
            mappings.put(key, mapping);
            return this;
        }

        /** Adds mappings, each found by its old table name. */
        public Builder mappings(Collection<TableMapping> mappings) {
            required("mappings", mappings).forEach(this::mapping);
            return this;
        }

        /** Adds mappings; the keys must be the mappings' old table names. */
        public Builder mappings(Map<String, TableMapping> mappings) {
            required("mappings", mappings).forEach((table, mapping) -> {
                if (!table.equalsIgnoreCase(mapping.oldTable())) {
                    throw new IllegalArgumentException("mappings key must be the mapping's old table '"
                            + mapping.oldTable() + "', but was '" + table + "'");
                }
                mapping(mapping);
            });
            return this;
        }

        /**
         * The copier; by default one over the two data sources, scoped by {@link #resolver} when it is set. Give
         * the data source's own copier ({@code DualWriteDataSource.rowCopier()}) to share its metadata cache.
         */
        public Builder rowCopier(RowCopier rowCopier) {
            this.rowCopier = required("rowCopier", rowCopier);
            return this;
        }

        /**
         * Scopes every repair to the rows whose phase writes the store that missed them (a row of a merchant in
         * {@code OLD_ONLY} never lands in the new store); used by the default copier. Without it, every entry's
         * row is copied.
         */
        public Builder resolver(String migration, PhaseResolver resolver) {
            this.resolver = required("resolver", resolver);
            this.migration = resolver.requireKnownMigration("migration", migration);
            return this;
        }

        /**
         * Claims only the entries of {@code migration} (also set by {@link #resolver}): a change log shared by several
         * migrations then keeps each migration's entries for the reconciler of its stores. Without it, every
         * migration's entries are claimed, and an entry of a table this reconciler does not map fails and waits.
         */
        public Builder migration(String migration) {
            this.migration = Checks.requireMigration("migration", migration);
            return this;
        }

        /** Entries claimed and worked per run; 1 to 10000, default {@value #DEFAULT_BATCH_SIZE}. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** How long a claim lasts: a claimer that dies leaves its entries due again after it. Positive, at most a day. */
        public Builder lease(Duration lease) {
            this.lease = positive("lease", lease);
            return this;
        }

        /** The wait after an entry's first failure; doubles with each further failure. Positive, at most a day. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive("initialBackoff", initialBackoff);
            return this;
        }

        /** The longest wait between two attempts of an entry. Positive, at most a day, not below the initial backoff. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive("maxBackoff", maxBackoff);
            return this;
        }

        /** Failures after which an entry's failures are logged at ERROR (it is still kept and retried). At least 1. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The clock for "now" when claiming and scheduling retries; defaults to the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = required("clock", clock);
            return this;
        }

        /**
         * The reconciler.
         *
         * @throws IllegalArgumentException when a required property is missing, the backoffs contradict, or the
         *                                  resolver does not know the migration
         */
        public Reconciler build() {
            if (changeLog == null || oldDataSource == null || newDataSource == null) {
                throw new IllegalArgumentException("changeLog, oldDataSource and newDataSource are required, but "
                        + (changeLog == null ? "changeLog" : oldDataSource == null ? "oldDataSource" : "newDataSource")
                        + " was not set");
            }
            if (mappings.isEmpty()) {
                throw new IllegalArgumentException("mappings must name at least one table, but was empty");
            }
            if (resolver != null && migration != null) {
                resolver.requireKnownMigration("migration", migration);
            }
            if (rowCopier != null && migration != null) {
                RowCopier.requireSameMigration("Reconciler", rowCopier, migration);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must not be below initialBackoff (" + initialBackoff
                        + "), but was " + maxBackoff);
            }
            return new Reconciler(new ReconcilerConfig(changeLog, oldDataSource, newDataSource, Map.copyOf(mappings),
                    rowCopier == null ? defaultCopier() : rowCopier, batchSize, lease, initialBackoff, maxBackoff,
                    maxAttempts, clock), migration);
        }

        private RowCopier defaultCopier() {
            RowCopier.Builder copier = RowCopier.builder().oldDataSource(oldDataSource).newDataSource(newDataSource);
            if (resolver != null && migration != null) {
                copier.resolver(migration, resolver);
            }
            return copier.build();
        }

        private static <T> T required(String property, @Nullable T value) {
            if (value == null) {
                throw new IllegalArgumentException(property + " must not be null");
            }
            return value;
        }

        /**
         * A positive duration of at most {@link #MAX_WAIT}: the claim's end and the next attempt are kept in the
         * change log, whose MySQL/MariaDB column ends at year 9999, and computed as instants; a lease of 10,000 years
         * or {@code Long.MAX_VALUE} seconds failed every claim, so no entry was ever repaired.
         */
        private static Duration positive(String property, @Nullable Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(property + " must be a positive duration, but was " + value);
            }
            if (value.compareTo(MAX_WAIT) > 0) {
                throw new IllegalArgumentException(property + " must be at most 1 day (as the starter's"
                        + " dualwrite.reconciler." + kebab(property) + "), but was " + value);
            }
            return value;
        }

        private static String kebab(String property) {
            return property.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        }
    }
}
