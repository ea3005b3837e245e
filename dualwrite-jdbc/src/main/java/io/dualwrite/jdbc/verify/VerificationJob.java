package io.dualwrite.jdbc.verify;

import io.dualwrite.mapping.TableMapping;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to verify: a migration's tables (through their mappings), on the whole table or one merchant's rows, in
 * full or on a reproducible sample of chunks, at a bounded rate. An immutable value; build it with
 * {@link #builder(String)}, which checks every setting at once and names the setting, the value and what is
 * allowed when it is wrong. What depends on the databases (tables, columns, primary keys) is checked by
 * {@link Verifier} before any row is read.
 *
 * <pre>{@code
 * VerificationJob job = VerificationJob.builder("orders")
 *         .table(ordersMapping)
 *         .scope(VerificationScope.merchant("m-1"))
 *         .maxRowsPerSecond(200_000)
 *         .build();
 * }</pre>
 */
public final class VerificationJob {

    /** Rows per key range compared as one checksum, unless set. */
    public static final int DEFAULT_CHUNK_ROWS = 10_000;
    /** Rows at or below which a range whose checksums differ is fetched and diffed, unless set. */
    public static final int DEFAULT_LEAF_ROWS = 64;
    /** The longest {@linkplain Builder#checkpoint checkpoint name}. */
    public static final int MAX_CHECKPOINT_NAME = 128;

    private final String migration;
    private final List<TableMapping> tables;
    private final VerificationScope scope;
    private final double sampleFraction;
    private final long seed;
    private final double maxRowsPerSecond;
    private final @Nullable RateLimiter rateLimiter;
    private final int chunkRows;
    private final int leafRows;
    private final @Nullable String checkpoint;

    private VerificationJob(Builder builder) {
        this.migration = builder.migration;
        this.tables = List.copyOf(builder.tables);
        this.scope = builder.scope;
        this.sampleFraction = builder.sampleFraction;
        this.seed = builder.seed;
        this.maxRowsPerSecond = builder.maxRowsPerSecond;
        this.rateLimiter = builder.rateLimiter;
        this.chunkRows = builder.chunkRows;
        this.leafRows = builder.leafRows;
        this.checkpoint = builder.checkpoint;
    }

    /** Starts a job for a migration (the name its switches and change log use). */
    public static Builder builder(String migration) {
        return new Builder(migration);
    }

    /** The migration. */
    public String migration() {
        return migration;
    }

    /** The tables, each by its mapping, in the order they are verified. */
    public List<TableMapping> tables() {
        return tables;
    }

    /** The rows verified: whole tables, or one merchant's rows. */
    public VerificationScope scope() {
        return scope;
    }

    /** Whether every chunk is compared (not a sample). */
    public boolean isFull() {
        return sampleFraction >= 1.0;
    }

    /** The fraction of chunks compared: 1 for a full verification. */
    public double sampleFraction() {
        return sampleFraction;
    }

    /** The seed that picks the sampled chunks: the same seed picks the same chunks of the same table. */
    public long seed() {
        return seed;
    }

    /** The most rows compared per second (each store), 0 for no limit. */
    public double maxRowsPerSecond() {
        return maxRowsPerSecond;
    }

    /** A rate limiter given instead of {@link #maxRowsPerSecond()}: one permit per row compared. */
    public Optional<RateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    /** Rows per key range compared as one checksum. */
    public int chunkRows() {
        return chunkRows;
    }

    /** Rows at or below which a range that differs is fetched and diffed row by row instead of split again. */
    public int leafRows() {
        return leafRows;
    }

    /** The name this job's runs resume under ({@link Builder#checkpoint}); empty when every run starts afresh. */
    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /**
     * The settings a checkpoint belongs to: a run resumes a checkpoint only when they are the same (the
     * migration, the tables with what their mappings compare, the scope, the sample and the chunk size). A mapping
     * that renames, drops, adds or transforms other columns, or adds other values, compares other things: a run
     * resumed under it would count the chunks compared under the earlier one as its own, and a difference only it
     * sees, in a chunk compared before, would never be looked for. A merchant's run adds each table's merchant column
     * (which the mapping's text leaves out): chunks compared through another column compared another merchant's rows.
     */
    String checkpointSettings() {
        return scope.isWholeTable() ? checkpointSettingsBefore25() : fitted(checkpointSettingsBefore25()
                + " by merchant columns " + tables.stream().map(t -> t.merchantIdColumn().orElse("-")).toList());
    }

    /** The settings as versions up to round 24 wrote them: without a merchant run's merchant columns. */
    String checkpointSettingsBefore25() {
        String settings = migration + " " + tables.stream().map(t -> t.oldTable() + ">" + t.newTable() + " " + t
                + addedValues(t)).toList()
                + " " + scope.key() + (isFull() ? " full" : " sample " + sampleFraction + " seed " + seed)
                + " chunk " + chunkRows;
        return fitted(settings);
    }

    /**
     * As {@link #checkpointSettings()}, followed by {@code " key "} and a table's old key columns, types and text
     * collations ({@code KeyWalk.keyTypes}): the order a checkpoint's next key is in.
     */
    String checkpointSettings(String keyTypes) {
        return fitted(checkpointSettings() + " key " + keyTypes);
    }

    /** As {@link #checkpointSettings(String)}, as versions up to round 24 wrote them. */
    String checkpointSettingsBefore25(String keyTypes) {
        return fitted(checkpointSettingsBefore25() + " key " + keyTypes);
    }

    /** The column holds 1,000 characters: a longer text keeps its start and a digest of the whole. */
    private static String fitted(String settings) {
        return settings.length() <= 1000 ? settings : settings.substring(0, 950) + " #"
                + java.util.UUID.nameUUIDFromBytes(settings.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * What a table's recorded run compared, as a name-based UUID of its mapping's settings (the old and new table,
     * the key, the renames, drops, added columns with their values, transformed columns and the merchant column):
     * {@link JdbcVerificationProbe} counts for a mapping only the runs recorded under it, so that a clean run of an
     * earlier mapping (another new table, a column it did not compare) does not open the phase gate for this one.
     * Two transformers of one column are not told apart, as for {@link #checkpointSettings()}.
     */
    static String mappingDigest(TableMapping mapping) {
        String settings = mapping.oldTable() + ">" + mapping.newTable() + " " + mapping + addedValues(mapping)
                + " merchant " + mapping.merchantIdColumn().orElse("-");
        return java.util.UUID.nameUUIDFromBytes(settings.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The values a mapping adds, as text that is the same in every JVM (bytes as hex, not as an array's identity). */
    private static String addedValues(TableMapping mapping) {
        if (mapping.addedColumns().isEmpty()) {
            return "";
        }
        java.util.List<String> values = new java.util.ArrayList<>();
        mapping.addedColumns().forEach((column, value) -> values.add(column + "=" + (value instanceof byte[] bytes
                ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(value))));
        return " values " + values;
    }

    /** This job on another scope, without a checkpoint name. */
    public VerificationJob withScope(VerificationScope other) {
        Builder builder = toBuilder();
        builder.scope(other);
        return builder.build();
    }

    /** This job on other tables, without a checkpoint name. */
    public VerificationJob withTables(List<TableMapping> other) {
        Builder builder = toBuilder();
        builder.tables.clear();
        builder.tables.addAll(other);
        return builder.build();
    }

    private Builder toBuilder() {
        Builder builder = new Builder(migration);
        builder.tables.addAll(tables);
        builder.scope = scope;
        builder.sampleFraction = sampleFraction;
        builder.seed = seed;
        builder.maxRowsPerSecond = maxRowsPerSecond;
        builder.rateLimiter = rateLimiter;
        builder.chunkRows = chunkRows;
        builder.leafRows = leafRows;
        return builder; // the checkpoint stays behind: its settings are this job's
    }

    @Override
    public String toString() {
        return "VerificationJob[" + migration + (checkpoint == null ? "" : " checkpoint '" + checkpoint + "'")
                + ", tables=" + tables.stream().map(TableMapping::oldTable).toList()
                + ", " + scope + (isFull() ? ", full" : ", sample " + sampleFraction + " seed " + seed)
                + (maxRowsPerSecond > 0 ? ", max " + maxRowsPerSecond + " rows/s" : "")
                + ", chunk " + chunkRows + " rows]";
    }

    /** Builds a {@link VerificationJob}; at least one table is required. */
    public static final class Builder {
        private final String migration;
        private final List<TableMapping> tables = new ArrayList<>();
        private VerificationScope scope = VerificationScope.WHOLE_TABLE;
        private double sampleFraction = 1.0;
        private long seed;
        private double maxRowsPerSecond;
        private @Nullable RateLimiter rateLimiter;
        private int chunkRows = DEFAULT_CHUNK_ROWS;
        private int leafRows = DEFAULT_LEAF_ROWS;
        /** Whether {@link #leafRows(int)} was called: only a default leaf size follows a smaller chunk size. */
        private boolean leafRowsSet;
        private @Nullable String checkpoint;

        private Builder(String migration) {
            if (migration == null || migration.isBlank()) {
                throw new IllegalArgumentException("migration must be a non-blank name, but was "
                        + (migration == null ? "null" : "'" + migration + "'"));
            }
            this.migration = io.dualwrite.internal.Checks.requireMigration("migration", migration);
        }

        /** Adds a table, by its mapping. */
        public Builder table(TableMapping mapping) {
            if (mapping == null) {
                throw new IllegalArgumentException("table mapping must not be null");
            }
            tables.add(mapping);
            return this;
        }

        /** Adds tables, by their mappings. */
        public Builder tables(List<TableMapping> mappings) {
            if (mappings == null) {
                throw new IllegalArgumentException("tables must not be null");
            }
            mappings.forEach(this::table);
            return this;
        }

        /** The rows to verify; the whole table unless set. */
        public Builder scope(VerificationScope scope) {
            if (scope == null) {
                throw new IllegalArgumentException("scope must not be null; use VerificationScope.WHOLE_TABLE");
            }
            this.scope = scope;
            return this;
        }

        /** Verifies one merchant's rows: shorthand for {@code scope(VerificationScope.merchant(id))}. */
        public Builder merchant(String merchantId) {
            return scope(VerificationScope.merchant(merchantId));
        }

        /**
         * Compares only a sample of the chunks, each picked with probability {@code fraction}, reproducibly by
         * {@code seed}. A sampled verification that finds nothing does not count as clean for the phase gate.
         *
         * @param fraction greater than 0 and at most 1 (1 is a full verification)
         */
        public Builder sample(double fraction, long seed) {
            if (!(fraction > 0.0 && fraction <= 1.0)) {
                throw new IllegalArgumentException("sample fraction must be greater than 0 and at most 1, but was "
                        + fraction);
            }
            this.sampleFraction = fraction;
            this.seed = seed;
            return this;
        }

        /** Compares every chunk (the default). */
        public Builder full() {
            this.sampleFraction = 1.0;
            return this;
        }

        /**
         * The most rows compared per second on each store, enforced by a Resilience4j {@link RateLimiter}; 0
         * (the default) for no limit.
         *
         * @param rowsPerSecond 0, or 1 or more (a slower rate would wait minutes to years between chunks, which is
         *                      a mistyped value rather than a plan; the backfill's {@code rateLimit} is whole rows too)
         * @throws IllegalArgumentException when it is negative, between 0 and 1, infinite or NaN
         */
        public Builder maxRowsPerSecond(double rowsPerSecond) {
            if (!(rowsPerSecond == 0.0 || rowsPerSecond >= 1.0) || Double.isInfinite(rowsPerSecond)) {
                throw new IllegalArgumentException("maxRowsPerSecond must be 0 (no limit) or at least 1 row"
                        + " per second, but was " + rowsPerSecond);
            }
            this.maxRowsPerSecond = rowsPerSecond;
            return this;
        }

        /**
         * A rate limiter of one permit per row compared, e.g. to share one budget between several jobs; replaces
         * {@link #maxRowsPerSecond}.
         */
        public Builder rateLimiter(RateLimiter limiter) {
            if (limiter == null) {
                throw new IllegalArgumentException("rateLimiter must not be null");
            }
            this.rateLimiter = limiter;
            return this;
        }

        /**
         * Rows per key range compared as one checksum ({@value #DEFAULT_CHUNK_ROWS} unless set): larger ranges
         * mean fewer queries, smaller ones less re-reading when a range differs.
         *
         * @param rows at least 2
         */
        public Builder chunkRows(int rows) {
            if (rows < 2) {
                throw new IllegalArgumentException("chunkRows must be at least 2, but was " + rows);
            }
            this.chunkRows = rows;
            return this;
        }

        /**
         * Rows at or below which a range whose checksums differ is fetched whole and diffed instead of compared
         * row hash by row hash ({@value #DEFAULT_LEAF_ROWS} unless set; the default is lowered to a smaller
         * {@link #chunkRows}).
         *
         * @param rows at least 1, and at most {@link #chunkRows} ({@link #build} checks it)
         */
        public Builder leafRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("leafRows must be at least 1, but was " + rows);
            }
            this.leafRows = rows;
            this.leafRowsSet = true;
            return this;
        }

        /**
         * Makes the job resumable under a name: after each chunk the run records how far it got and the rows it
         * found different ({@code dualwrite_verification_checkpoint}, where the verifier records its results);
         * a run of a job with the same name and settings that finds an unfinished checkpoint goes on after the
         * last chunk compared instead of starting again, and reports the whole table. A run that completes
         * deletes its checkpoint. Without a name (the default) every run starts from the first key. One run at a
         * time per name: a verifier of this JVM refuses to start a run (or reset the checkpoint) while another run
         * under that name goes on; runs in several processes must not share a name. Rows inserted, changed or
         * deleted before the checkpoint's key while a run is stopped are not compared again by the run that
         * resumes it (only the rows it had found different are read again).
         *
         * @param name 1 to 128 characters, not blank, without control characters
         */
        public Builder checkpoint(String name) {
            this.checkpoint = io.dualwrite.internal.Checks.requireStoredName("checkpoint", name, MAX_CHECKPOINT_NAME);
            return this;
        }

        /**
         * The job.
         *
         * @throws IllegalArgumentException when no table is given, a table is given twice, a merchant scope is
         *                                  asked of a table whose mapping names no merchant column, or
         *                                  {@link #leafRows} was set above {@link #chunkRows}
         */
        public VerificationJob build() {
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("tables must name at least one table mapping, but was empty");
            }
            Set<String> seen = new HashSet<>();
            for (TableMapping mapping : tables) {
                if (!seen.add(mapping.oldTable().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("table '" + mapping.oldTable() + "' is given twice");
                }
                if (!scope.isWholeTable() && mapping.merchantIdColumn().isEmpty()) {
                    throw new IllegalArgumentException("scope " + scope + " needs the merchant column of table '"
                            + mapping.oldTable() + "', but its mapping names none"
                            + " (TableMapping.Builder.merchantIdColumn)");
                }
            }
            if (leafRows > chunkRows && leafRowsSet) {
                // a range is never larger than its chunk: such a leaf size would only fetch every differing chunk
                // whole, which is not what a larger leaf size asks for
                throw new IllegalArgumentException("leafRows must be at most chunkRows, but leafRows was " + leafRows
                        + " and chunkRows " + chunkRows + "; lower leafRows to at most " + chunkRows
                        + " or raise chunkRows to at least " + leafRows);
            }
            if (leafRows > chunkRows) {
                leafRows = chunkRows; // the default leaf size, within a smaller chunk
            }
            return new VerificationJob(this);
        }
    }
}
