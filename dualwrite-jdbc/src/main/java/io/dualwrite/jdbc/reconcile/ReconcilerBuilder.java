package io.dualwrite.jdbc.reconcile;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.mapping.TableMapping;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.switches.PhaseResolver;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Reconciler}. Required: {@link #changeLog}, {@link #oldDataSource}, {@link #newDataSource}
 * and at least one mapping. Every setter checks its value at once; the error names the property, the bad
 * value and what is allowed.
 */
public final class ReconcilerBuilder {

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
    private Duration lease = DEFAULT_LEASE;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Clock clock = Clock.systemUTC();

    ReconcilerBuilder() {
    }

    /** The change log to drain (in the authoritative store). */
    public ReconcilerBuilder changeLog(ChangeLog changeLog) {
        this.changeLog = required("changeLog", changeLog);
        return this;
    }

    /** The old store. */
    public ReconcilerBuilder oldDataSource(DataSource oldDataSource) {
        this.oldDataSource = required("oldDataSource", oldDataSource);
        return this;
    }

    /** The new store. */
    public ReconcilerBuilder newDataSource(DataSource newDataSource) {
        this.newDataSource = required("newDataSource", newDataSource);
        return this;
    }

    /** Adds the mapping of one table, found by its old name (case-insensitively). */
    public ReconcilerBuilder mapping(TableMapping mapping) {
        required("mapping", mapping);
        String key = mapping.oldTable().toLowerCase(Locale.ROOT);
        if (mappings.containsKey(key)) {
            throw new IllegalArgumentException("mapping of table '" + mapping.oldTable() + "' is set twice");
        }
        mappings.put(key, mapping);
        return this;
    }

    /** Adds mappings, each found by its old table name. */
    public ReconcilerBuilder mappings(Collection<TableMapping> mappings) {
        required("mappings", mappings).forEach(this::mapping);
        return this;
    }

    /** Adds mappings; the keys must be the mappings' old table names. */
    public ReconcilerBuilder mappings(Map<String, TableMapping> mappings) {
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
    public ReconcilerBuilder rowCopier(RowCopier rowCopier) {
        this.rowCopier = required("rowCopier", rowCopier);
        return this;
    }

    /**
     * Scopes every repair to the rows whose phase writes the store that missed them (a row of a merchant in
     * {@code OLD_ONLY} never lands in the new store); used by the default copier. Without it, every entry's
     * row is copied.
     */
    public ReconcilerBuilder resolver(String migration, PhaseResolver resolver) {
        this.migration = required("migration", migration);
        this.resolver = required("resolver", resolver);
        return this;
    }

    /** Entries claimed and worked per run; 1 to 10000, default {@value #DEFAULT_BATCH_SIZE}. */
    public ReconcilerBuilder batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** How long a claim lasts: a claimer that dies leaves its entries due again after it. Positive. */
    public ReconcilerBuilder lease(Duration lease) {
        this.lease = positive("lease", lease);
        return this;
    }

    /** The wait after an entry's first failure; doubles with each further failure. Positive. */
    public ReconcilerBuilder initialBackoff(Duration initialBackoff) {
        this.initialBackoff = positive("initialBackoff", initialBackoff);
        return this;
    }

    /** The longest wait between two attempts of an entry. Positive, not below the initial backoff. */
    public ReconcilerBuilder maxBackoff(Duration maxBackoff) {
        this.maxBackoff = positive("maxBackoff", maxBackoff);
        return this;
    }

    /** Failures after which an entry's failures are logged at ERROR (it is still kept and retried). At least 1. */
    public ReconcilerBuilder maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** The clock for "now" when claiming and scheduling retries; defaults to the UTC system clock. */
    public ReconcilerBuilder clock(Clock clock) {
        this.clock = required("clock", clock);
        return this;
    }

    /**
     * The reconciler.
     *
     * @throws IllegalArgumentException when a required property is missing or the backoffs contradict
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
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must not be below initialBackoff (" + initialBackoff
                    + "), but was " + maxBackoff);
        }
        return new Reconciler(new ReconcilerConfig(changeLog, oldDataSource, newDataSource, Map.copyOf(mappings),
                rowCopier == null ? defaultCopier() : rowCopier, batchSize, lease, initialBackoff, maxBackoff,
                maxAttempts, clock));
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

    private static Duration positive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration, but was " + value);
        }
        return value;
    }
}
