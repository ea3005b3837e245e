package io.dualwrite.jdbc.verify;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.internal.Credentials;
import io.dualwrite.mapping.TableMapping;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the scoped resync entries that the write path records in the change log when a write's keys cannot
 * be known exactly ({@link ChangeRecord#scopedResync}: a whole table, or one merchant's rows of it). For each
 * entry it claims ({@link ChangeLog#claimScoped(String, int, java.time.Instant, Duration)}): verify the scope, repair what differs from the store that
 * was authoritative for the write ({@code record.target().other()}), verify the scope again, and complete the
 * entry when it is clean; otherwise the entry is rescheduled with the reason, never dropped. A merchant scope of
 * a table whose mapping names no merchant column is verified as the whole table.
 *
 * <pre>{@code
 * ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders")
 *         .changeLog(changeLog).verifier(verifier).repairer(repairer).mapping(orders).build();
 * resolver.resolveOnce();   // from a scheduler, beside the reconciler
 * }</pre>
 *
 * <p>A resolver works for one migration (its verifier and repairer reach that migration's stores): it claims
 * only that migration's entries, so the change log may be shared by several migrations, each with its resolver.
 *
 * <p>Safe with several instances: entries are claimed for a lease, one claimer at a time.
 */
public final class ScopedResyncResolver {

    private static final Logger log = LoggerFactory.getLogger(ScopedResyncResolver.class);

    private final String migration;
    private final ChangeLog changeLog;
    private final Verifier verifier;
    private final Repairer repairer;
    private final Map<String, TableMapping> mappings;
    private final int batchSize;
    private final Duration lease;
    private final Duration retryDelay;
    private final UnaryOperator<VerificationJob.Builder> jobSettings;
    private final Clock clock;

    private ScopedResyncResolver(Builder builder) {
        this.migration = builder.migration;
        this.changeLog = builder.changeLog;
        this.verifier = builder.verifier;
        this.repairer = builder.repairer;
        this.mappings = Map.copyOf(builder.mappings);
        this.batchSize = builder.batchSize;
        this.lease = builder.lease;
        this.retryDelay = builder.retryDelay;
        this.jobSettings = builder.jobSettings;
        this.clock = builder.clock;
    }

    /** Starts a builder; the change log, verifier, repairer and at least one mapping are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What one pass did.
     *
     * @param claimed  scoped resync entries claimed
     * @param resolved entries whose scope is equal in both stores now, completed
     * @param failed   entries rescheduled (no mapping, a store failed, or rows still differ after the repair)
     */
    public record Result(int claimed, int resolved, int failed) {
    }

    /**
     * Claims a batch of due scoped resyncs and resolves each. Entries of the batch that name one scope (the same
     * table, scope and store to repair; a merchant's rows within a whole-table entry of the batch) are resolved by
     * one verification and repair and completed or rescheduled together: every one of them was recorded before the
     * claim, so a verification begun after it covers the writes of each (a burst of writes whose keys were unknown
     * verified the whole table once per entry). Throws only when the change log cannot be read.
     */
    public Result resolveOnce() {
        var entries = changeLog.claimScoped(migration, batchSize, clock.instant(), lease);
        Map<List<Object>, List<ChangeEntry>> byScope = new LinkedHashMap<>();
        java.util.Set<List<Object>> wholeTables = new java.util.HashSet<>();
        for (ChangeEntry entry : entries) {
            if (entry.record().key().equals(ChangeRecord.WHOLE_TABLE)) {
                wholeTables.add(scopeOf(entry, true));
            }
        }
        for (ChangeEntry entry : entries) {
            List<Object> whole = scopeOf(entry, true);
            byScope.computeIfAbsent(wholeTables.contains(whole) ? whole : scopeOf(entry, false),
                    any -> new ArrayList<>()).add(entry);
        }
        int resolved = 0;
        int failed = 0;
        for (List<ChangeEntry> same : byScope.values()) {
            // the whole-table entry, when there is one, names the scope
            ChangeEntry first = same.stream().filter(e -> e.record().key().equals(ChangeRecord.WHOLE_TABLE))
                    .findFirst().orElse(same.get(0));
            String error = resolve(first);
            for (ChangeEntry entry : same) {
                if (error == null) {
                    resolved++;
                    try {
                        changeLog.complete(entry.id());
                    } catch (RuntimeException e) {
                        log.warn("scoped resync {} was resolved but could not be completed: {}", entry.id(),
                                Credentials.mask(e.toString()));
                    }
                } else {
                    failed++;
                    log.warn("scoped resync {} ({} {}) not resolved, retry in {}: {}", entry.id(),
                            entry.record().table(), entry.record().key(), retryDelay, error);
                    try {
                        changeLog.retryLater(entry.id(), clock.instant().plus(retryDelay), error);
                    } catch (RuntimeException e) {
                        log.warn("scoped resync {} could not be rescheduled; it is due again when its lease ends: {}",
                                entry.id(), Credentials.mask(e.toString()));
                    }
                }
            }
        }
        return new Result(entries.size(), resolved, failed);
    }

    /** What an entry's scope is compared by: its table (any case), store to repair and key ({@code *} if whole). */
    private static List<Object> scopeOf(ChangeEntry entry, boolean wholeTable) {
        ChangeRecord record = entry.record();
        return List.of(record.migration(), record.table().toLowerCase(Locale.ROOT), record.target(),
                wholeTable ? ChangeRecord.WHOLE_TABLE : record.key());
    }

    /** Resolves one entry; null when its scope is clean now, else why not. */
    private @Nullable String resolve(ChangeEntry entry) {
        ChangeRecord record = entry.record();
        TableMapping mapping = mappings.get(record.table().toLowerCase(Locale.ROOT));
        if (mapping == null) {
            return "no TableMapping for table '" + record.table() + "'; the resolver knows " + mappings.keySet();
        }
        try {
            VerificationScope scope = VerificationScope.ofChangeLogKey(record.key());
            if (!scope.isWholeTable() && mapping.merchantIdColumn().isEmpty()) {
                scope = VerificationScope.WHOLE_TABLE;
            }
            List<VerificationScope> scopes = new ArrayList<>();
            if (scope.isWholeTable()) {
                scopes.add(scope);
            } else {
                // the write pinned the merchant with the store's own '=', which may ignore case, accents or
                // trailing spaces; a verification scope compares exactly, so each spelling is verified
                for (String spelling : verifier.merchantSpellings(mapping, scope.merchantId())) {
                    scopes.add(VerificationScope.merchant(spelling));
                }
            }
            List<String> unresolved = new ArrayList<>();
            for (VerificationScope each : scopes) {
                String problem = resolve(entry, mapping, each);
                if (problem != null) {
                    unresolved.add(problem);
                }
            }
            return unresolved.isEmpty() ? null : String.join("; ", unresolved);
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + Credentials.mask(e.getMessage());
        }
    }

    /** Verifies (and repairs) one exact scope of an entry; null when it is clean now, else why not. */
    private @Nullable String resolve(ChangeEntry entry, TableMapping mapping, VerificationScope scope)
            throws java.sql.SQLException {
        ChangeRecord record = entry.record();
        // the settings may pace and chunk the job, never narrow it: an entry is completed only when every row of
        // its scope was compared, so a sample is widened to the whole scope and the table and scope are its own
        VerificationJob job = jobSettings.apply(VerificationJob.builder(record.migration()).table(mapping)
                .scope(scope)).full().scope(scope).build().withTables(List.of(mapping));
        VerificationResult first = verifier.verify(job);
        if (first.clean()) {
            log.info("scoped resync {} ({} {}): the scope is equal in both stores", entry.id(), record.table(),
                    scope.key());
            return null;
        }
        Store authoritative = record.target().other();
        Repairer.RepairResult repaired = repairer.repair(job, first, authoritative);
        VerificationResult second = verifier.verify(job);
        if (second.clean()) {
            log.info("scoped resync {} ({} {}): repaired {} rows from the {} store; the scope is equal now",
                    entry.id(), record.table(), scope.key(),
                    repaired.tables().stream().mapToInt(t -> t.keys().size()).sum(), authoritative);
            return null;
        }
        return second.tables().stream().mapToLong(TableReport::differenceCount).sum()
                + " rows still differ after the repair: " + second;
    }

    @Override
    public String toString() {
        return "ScopedResyncResolver[migration=" + migration + ", tables=" + mappings.keySet() + "]";
    }

    /** Builds a {@link ScopedResyncResolver}. Every setter checks its value at once. */
    public static final class Builder {
        private @Nullable String migration;
        private @Nullable ChangeLog changeLog;
        private @Nullable Verifier verifier;
        private @Nullable Repairer repairer;
        private final Map<String, TableMapping> mappings = new LinkedHashMap<>();
        private int batchSize = 10;
        /**
         * The longest {@link #lease} and {@link #retryDelay}: a longer one is no plan, and one past what the change
         * log's column (MySQL/MariaDB: year 9999) or an {@code Instant} holds failed every pass, so that no entry was
         * ever resolved.
         */
        public static final Duration MAX_WAIT = Duration.ofDays(1);
        private Duration lease = Duration.ofMinutes(30);
        private Duration retryDelay = Duration.ofMinutes(1);
        private UnaryOperator<VerificationJob.Builder> jobSettings = UnaryOperator.identity();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The migration whose entries this resolver claims (the one whose stores its verifier reaches). */
        public Builder migration(String migration) {
            if (migration == null || migration.isBlank()) {
                throw new IllegalArgumentException("migration must name a migration, but was "
                        + (migration == null ? "null" : "'" + migration + "'"));
            }
            this.migration = io.dualwrite.internal.Checks.requireMigration("migration", migration);
            return this;
        }

        /** The change log the write path records scoped resyncs in. */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = required("changeLog", changeLog);
            return this;
        }

        /** The verifier of each scope. */
        public Builder verifier(Verifier verifier) {
            this.verifier = required("verifier", verifier);
            return this;
        }

        /** The repairer of what differs. */
        public Builder repairer(Repairer repairer) {
            this.repairer = required("repairer", repairer);
            return this;
        }

        /** Adds the mapping of a table, found by its old name (case-insensitively). */
        public Builder mapping(TableMapping mapping) {
            required("mapping", mapping);
            if (mappings.putIfAbsent(mapping.oldTable().toLowerCase(Locale.ROOT), mapping) != null) {
                throw new IllegalArgumentException("mapping of table '" + mapping.oldTable() + "' is set twice");
            }
            return this;
        }

        /** Adds mappings. */
        public Builder mappings(Collection<TableMapping> all) {
            required("mappings", all).forEach(this::mapping);
            return this;
        }

        /** Entries claimed per pass (10 unless set); at least 1. */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, but was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * How long a claim lasts (30 minutes unless set): longer than verifying and repairing one scope.
         *
         * @param lease positive, at most {@link #MAX_WAIT} (the claim's end is kept in the change log, whose
         *              MySQL/MariaDB column ends at year 9999; a day is the starter's bound of the reconciler's lease)
         */
        public Builder lease(Duration lease) {
            if (lease == null || lease.isNegative() || lease.isZero() || lease.compareTo(MAX_WAIT) > 0) {
                throw new IllegalArgumentException("lease must be positive and at most 1 day, but was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /**
         * How long an unresolved entry waits before it is tried again (1 minute unless set).
         *
         * @param delay zero or positive, at most {@link #MAX_WAIT}
         */
        public Builder retryDelay(Duration delay) {
            if (delay == null || delay.isNegative() || delay.compareTo(MAX_WAIT) > 0) {
                throw new IllegalArgumentException("retryDelay must be zero or positive and at most 1 day, but was "
                        + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /**
         * Settings for every verification job (rate, chunk size), applied to a builder holding table and scope. A
         * sample, another table or another scope set here is overridden: an entry is completed only once every row
         * of its own scope was compared.
         */
        public Builder jobSettings(UnaryOperator<VerificationJob.Builder> settings) {
            this.jobSettings = required("jobSettings", settings);
            return this;
        }

        /** The clock of claims and retries. */
        public Builder clock(Clock clock) {
            this.clock = required("clock", clock);
            return this;
        }

        /**
         * The resolver.
         *
         * @throws IllegalArgumentException when a required part is missing
         */
        public ScopedResyncResolver build() {
            if (migration == null || changeLog == null || verifier == null || repairer == null) {
                throw new IllegalArgumentException((migration == null ? "migration" : changeLog == null ? "changeLog"
                        : verifier == null ? "verifier" : "repairer") + " must be set, but was missing");
            }
            if (mappings.isEmpty()) {
                throw new IllegalArgumentException("mappings must name at least one table, but was empty");
            }
            return new ScopedResyncResolver(this);
        }

        private static <T> T required(String name, @Nullable T value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            return value;
        }
    }
}
