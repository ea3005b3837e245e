package io.dualwrite.jdbc;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.statement.StatementAnalyzer;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.switches.PhaseResolver;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} that wraps the old and the new store's data sources and makes plain JDBC code
 * double-write: writes to the tables of ONE migration run on the connection's authoritative store; the
 * primary keys of the rows each write touched are collected, and after commit those rows are synced by key
 * to the other store (read from the authoritative store, upserted or deleted through the
 * {@link TableMapping}s by the one {@link RowCopier}); the application's SQL is never replayed there. Reads
 * follow the phase. A write on a mapped table whose keys cannot be known exactly (a procedure, a
 * multi-table statement, {@code LIMIT}, unparsable SQL, …) records a scoped resync of the table in the
 * change log instead. Tables without a mapping and DDL run on the authoritative store only.
 *
 * <pre>{@code
 * DataSource dataSource = DualWriteDataSource.builder()
 *         .oldDataSource(oldPool).newDataSource(newPool)
 *         .migration("orders")
 *         .mapping(TableMapping.builder("orders").newTable("orders_v2").orderIdColumn("id").build())
 *         .dualWriter(writer)                 // its resolver, change log and mirror executors
 *         .build();
 * }</pre>
 *
 * <p>Which store a connection writes on is decided once per connection, at its first statement, from the
 * {@link MigrationContext} current then (see {@code docs/jdbc-routing.md}). Thread-safe.
 *
 * <p><b>Lifecycle.</b> The data source owns nothing that must be closed: the application keeps owning both
 * pools, and the mirror threads belong to the {@link DualWriter} (or the executors given), which is closed
 * after the last write; {@link DualWriter#awaitMirrors} waits for the mirrors still on their way.
 */
public final class DualWriteDataSource implements DataSource {

    /** The default size limit of a stream or reader parameter buffered to be bound again: 1 MiB. */
    public static final int DEFAULT_STREAM_BUFFER_LIMIT = 1 << 20;

    /** The default number of distinct keys one transaction buffers before its tables are resynced instead: 10,000. */
    public static final int DEFAULT_MAX_BUFFERED_KEYS = 10_000;

    /** How long what the catalog says of a mapped table is trusted by default ({@link Builder#catalogRefresh}). */
    public static final java.time.Duration DEFAULT_CATALOG_REFRESH = java.time.Duration.ofMinutes(1);

    /** How often a WARN that can fire per call is let through per kind (and table): every 10 seconds. */
    static final java.time.Duration WARN_INTERVAL = java.time.Duration.ofSeconds(10);

    /** How long an outbox entry waits for its mirror before the reconciler may act on it, by default. */
    public static final java.time.Duration DEFAULT_OUTBOX_GRACE = java.time.Duration.ofMinutes(1);

    private static final org.slf4j.Logger RECHECK_LOG = org.slf4j.LoggerFactory.getLogger(DualWriteDataSource.class);

    private final DataSourceConfig config;
    private final List<TableMapping> mappings;
    /** Stateless beyond the configuration: one for every connection. */
    private final MirrorDispatcher dispatcher;

    private DualWriteDataSource(DataSourceConfig config, List<TableMapping> mappings) {
        this.config = config;
        this.mappings = List.copyOf(mappings);
        this.dispatcher = new MirrorDispatcher(config);
        config.metadata().onTrustEnded(this::recheck);
    }

    /**
     * Reads again, on a connection of its own, a catalog read that writes relied on, once it is no longer trusted
     * ({@link Builder#catalogRefresh}); a change found records a scoped resync of each table it may have written.
     */
    private void recheck(Metadata.Relied relied) {
        Store store = relied.store();
        try (Connection connection = config.dataSource(store).getConnection()) {
            List<TableMapping> changed = config.metadata().recheck(relied, connection, config.dialect(store, connection),
                    config.analyzer().mappings());
            changed.forEach(mapping -> dispatcher.recordCatalogChanged(mapping, store));
        } catch (SQLException | RuntimeException e) {
            config.warn(RECHECK_LOG, "recheck/" + config.migration(), "could not read the {} store's catalog again for"
                    + " migration {} (a change made while it was trusted may go unrecorded until a write reads it): {}",
                    store, config.migration(), Credentials.mask(e.toString()));
        }
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return ConnectionHandler.proxy(config, dispatcher, null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return ConnectionHandler.proxy(config, dispatcher, username, password);
    }

    /** The copier this data source syncs rows with; share it with a reconciler to share its metadata cache. */
    public RowCopier rowCopier() {
        return config.copier();
    }

    /** How many scoped resyncs this data source has recorded (a write whose keys could not be known exactly). */
    public long scopedResyncCount() {
        return config.resyncCounter().sum();
    }

    /**
     * The store a connection of a {@code DualWriteDataSource} runs on, once its first statement (or other call that
     * needs the database) acquired it there; it stays on that store until closed. Empty for a connection not used
     * yet (its store is chosen then, by the context current at that moment) and for any other connection.
     */
    public static java.util.Optional<Store> storeOf(Connection connection) {
        if (connection != null && Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof ConnectionHandler handler) {
            return java.util.Optional.ofNullable(handler.acquiredStore());
        }
        return java.util.Optional.empty();
    }

    /**
     * The store a connection of this data source would run on if its first statement ran now on this thread: the
     * authoritative store of the read phase of the {@code MigrationContext} open here (of the rule for statements
     * without a context when none is), or the store a {@code ReadStoreOverride} open here routes reads to. A cache in
     * front of the connection (MyBatis' second-level cache) keys what it keeps by it, so that an answer read from one
     * store is not given after a switch moved the reads to the other. Resolves the switches (cached); no I/O.
     */
    public Store storeForNewConnection() {
        return ConnectionHandler.storeOfNewConnection(config);
    }

    /** The data source of one store (the application's pool, unwrapped). */
    public DataSource dataSource(Store store) {
        return config.dataSource(store);
    }

    /** The migration this data source serves: the name its switches and change-log entries use. */
    public String migration() {
        return config.migration();
    }

    /**
     * The mappings of the migration's tables, in the order they were given: what the tools (backfill,
     * verification, repair) take to cover the same tables as the write path.
     */
    public List<TableMapping> mappings() {
        return mappings;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return config.oldDataSource().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        config.oldDataSource().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        config.oldDataSource().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return config.oldDataSource().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return config.oldDataSource().getParentLogger();
    }

    /**
     * This data source for a type it is, else the old store's data source (the application's pool) or what that
     * unwraps to. Connections taken from that pool directly are the application's own: nothing written through
     * them is mirrored or recorded.
     *
     * <p>The connections this data source hands out, and their statements, result sets and metadata, answer {@code
     * unwrap} the same way: themselves for a JDBC interface ({@code Connection}, {@code Statement}, …), else the
     * driver's (or the pool's) own object, such as PostgreSQL's {@code PGConnection} for {@code COPY}, or MariaDB's
     * connection class. The library cannot see what is written through such an object, nor through the connection
     * it leads to, so from that call until the connection is closed every mapped table gets a scoped resync (reason
     * {@code driver-object}, with a WARN and the resync metric) at once in auto-commit, and again at each commit or
     * rollback and at close, while any switch of the migration mirrors; the verification-and-repair tools resolve
     * them. A driver object kept after its connection was closed is outside this: its writes are never recorded.
     * {@code isWrapperFor} records nothing.
     *
     * @throws SQLException when neither this data source nor the old store's is a wrapper for {@code type}
     */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.cast(Wrappers.unwrap(this, config.oldDataSource(), type, "DualWriteDataSource"));
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Wrappers.isWrapperFor(this, config.oldDataSource(), type);
    }

    @Override
    public String toString() {
        // never the pools' own toString(): some (H2's JdbcDataSource) print a URL that may carry a password
        return "DualWriteDataSource[migration=" + config.migration() + "] wrapping "
                + config.oldDataSource().getClass().getSimpleName() + " and "
                + config.newDataSource().getClass().getSimpleName();
    }

    /**
     * Builds a {@link DualWriteDataSource}. Required: {@code oldDataSource}, {@code newDataSource},
     * {@code migration}, {@code resolver}, mirror executors for both directions (or a {@code dualWriter}),
     * {@code changeLog}. Every method throws {@link IllegalArgumentException} naming the argument when it is null.
     */
    public static final class Builder {
        private @Nullable DataSource oldDataSource;
        private @Nullable DataSource newDataSource;
        private @Nullable String migration;
        private @Nullable PhaseResolver resolver;
        private final Map<Store, MirrorExecutor> executors = new EnumMap<>(Store.class);
        private @Nullable Function<Store, MirrorExecutor> executorFunction;
        private @Nullable DualWriter dualWriter;
        private boolean changeLogModeSet;
        private @Nullable ChangeLog changeLog;
        private ChangeLogMode changeLogMode = ChangeLogMode.ON_FAILURE;
        private @Nullable OutboxWriter outboxWriter;
        private final Map<String, TableMapping> mappings = new LinkedHashMap<>();
        private @Nullable MigrationPhase noContextPhase;
        private int streamBufferLimit = DEFAULT_STREAM_BUFFER_LIMIT;
        private int statementCacheSize = StatementAnalyzer.DEFAULT_CACHE_SIZE;
        private boolean validateMappings;
        private final Map<String, RowCopier> tableCopiers = new LinkedHashMap<>();
        private java.time.Duration outboxGrace = DEFAULT_OUTBOX_GRACE;
        private int maxBufferedKeys = DEFAULT_MAX_BUFFERED_KEYS;
        private Store changeLogStore = Store.OLD;
        private java.time.Duration lockTimeout = RowCopier.DEFAULT_LOCK_TIMEOUT;
        private java.time.Duration catalogRefresh = DEFAULT_CATALOG_REFRESH;

        private Builder() {
        }

        /** The old store's data source (the application's pool). */
        public Builder oldDataSource(DataSource dataSource) {
            this.oldDataSource = Checks.requireNonNull("oldDataSource", dataSource);
            return this;
        }

        /** The new store's data source. */
        public Builder newDataSource(DataSource dataSource) {
            this.newDataSource = Checks.requireNonNull("newDataSource", dataSource);
            return this;
        }

        /**
         * The migration (table group) every mapped table belongs to; one data source serves one migration.
         *
         * @throws IllegalArgumentException when {@code migration} is blank or longer than 128 characters (what the
         *                                  library's tables store)
         */
        public Builder migration(String migration) {
            if (migration == null || migration.isBlank()) {
                throw new IllegalArgumentException("migration must be a non-blank name, but was '" + migration + "'");
            }
            this.migration = io.dualwrite.internal.Checks.requireMigration("migration", migration);
            return this;
        }

        /** Decides the phase of each statement (the same name as {@code DualWriter.Builder#resolver}). */
        public Builder resolver(PhaseResolver resolver) {
            this.resolver = Checks.requireNonNull("resolver", resolver);
            return this;
        }

        /**
         * The store whose database holds the change log (default {@link Store#OLD}). In
         * {@link ChangeLogMode#ALWAYS}, a connection writing this store records its outbox entries inside its
         * own transaction; a connection writing the other store records them in the change log before its
         * commit.
         */
        public Builder changeLogStore(Store store) {
            this.changeLogStore = Checks.requireNonNull("changeLogStore", store);
            return this;
        }

        /**
         * The longest a sync waits for the per-key locks on the other store (default 10 s, at most one hour); then it
         * fails and is recorded.
         *
         * @throws IllegalArgumentException when {@code timeout} is not positive or longer than one hour
         */
        public Builder lockTimeout(java.time.Duration timeout) {
            this.lockTimeout = RowCopier.requireLockTimeout(timeout);
            return this;
        }

        /** The executor that runs mirrors to {@code target}. */
        public Builder mirrorExecutor(Store target, MirrorExecutor executor) {
            executors.put(Checks.requireNonNull("target", target), Checks.requireNonNull("mirrorExecutor", executor));
            return this;
        }

        /** The executor for each target store, as a function (instead of {@link #mirrorExecutor(Store, MirrorExecutor)}). */
        public Builder mirrorExecutors(Function<Store, MirrorExecutor> executors) {
            this.executorFunction = Checks.requireNonNull("mirrorExecutors", executors);
            return this;
        }

        /**
         * Mirrors through the executors of a {@link DualWriter} (its {@code mirrorExecutor(migration, target)},
         * so JDBC mirrors share its threads, circuit breakers, time limits and observer), and takes its resolver
         * and change log unless {@link #resolver} or {@link #changeLog} are set, and its change-log mode
         * for the migration unless {@link #changeLogMode} is set. Excludes {@link #mirrorExecutor} and
         * {@link #mirrorExecutors}.
         */
        public Builder dualWriter(DualWriter writer) {
            this.dualWriter = Checks.requireNonNull("dualWriter", writer);
            return this;
        }

        /** Where rows that could not be mirrored, or must be copied by key, are recorded. */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = Checks.requireNonNull("changeLog", changeLog);
            return this;
        }

        /** When the change log gets entries; {@link ChangeLogMode#ALWAYS} needs {@link #outboxWriter}. */
        public Builder changeLogMode(ChangeLogMode mode) {
            this.changeLogMode = Checks.requireNonNull("changeLogMode", mode);
            this.changeLogModeSet = true;
            return this;
        }

        /**
         * Writes change-log entries inside the authoritative transaction (for {@link ChangeLogMode#ALWAYS}): the
         * {@link io.dualwrite.jdbc.changelog.JdbcChangeLog} itself, whose entries leave the session's last
         * generated key alone, or a writer of the application's ({@link OutboxWriter} says what that costs).
         */
        public Builder outboxWriter(OutboxWriter outboxWriter) {
            this.outboxWriter = Checks.requireNonNull("outboxWriter", outboxWriter);
            return this;
        }

        /**
         * A table of the migration; tables without a mapping are outside it and never mirrored.
         *
         * @throws IllegalArgumentException when a mapping of the same old table (case-insensitively) was given before
         */
        public Builder mapping(TableMapping mapping) {
            Checks.requireNonNull("mapping", mapping);
            String key = mapping.oldTable().toLowerCase(Locale.ROOT);
            if (mappings.containsKey(key)) {
                throw new IllegalArgumentException("mapping for table '" + mapping.oldTable() + "' is set twice");
            }
            mappings.put(key, mapping);
            return this;
        }

        /** Several tables of the migration. */
        public Builder mappings(List<TableMapping> mappings) {
            Checks.requireNonNull("mappings", mappings).forEach(this::mapping);
            return this;
        }

        /**
         * The phase for statements with no {@link MigrationContext} and no order or merchant id in their
         * values; {@code null} (the default) asks {@link PhaseResolver#resolveUnattributed}: the system phase,
         * upgraded to a mirroring one while any order, merchant or rule switch names another phase.
         */
        public Builder noContextPhase(@Nullable MigrationPhase phase) {
            this.noContextPhase = phase;
            return this;
        }

        /**
         * The largest stream or reader parameter (bytes or chars) buffered so that a statement rewritten for the
         * new store can be bound from it; a larger one is passed through once (its row is synced by key like
         * any other). Default {@value #DEFAULT_STREAM_BUFFER_LIMIT} (1 MiB).
         *
         * @throws IllegalArgumentException when {@code limit} is negative
         */
        public Builder streamBufferLimit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("streamBufferLimit must be zero or positive, but was " + limit);
            }
            this.streamBufferLimit = limit;
            return this;
        }

        /**
         * How many distinct keys one transaction buffers for its sync (a key written many times counts once);
         * past it, the further keys of a table are not held one by one and the table gets one scoped resync
         * instead, so memory stays bounded however large the transaction. Zero or positive; default
         * {@value #DEFAULT_MAX_BUFFERED_KEYS}.
         *
         * @throws IllegalArgumentException when {@code max} is negative
         */
        public Builder maxBufferedKeys(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxBufferedKeys must be zero or positive, but was " + max);
            }
            this.maxBufferedKeys = max;
            return this;
        }

        /**
         * How long what the database's catalog says of a mapped table — its key columns' types, triggers and rules
         * that may store another key than a write names, foreign keys that cascade into it, functions that write
         * it, its columns in order with their types (which the copier reads and writes, and an insert without a
         * column list is keyed by) — is trusted before the
         * next write reads it again (default 1 minute; zero: every write reads it, a few catalog queries each).
         * When a read finds it changed (a trigger created while the application runs), the table gets a scoped
         * resync: the writes since the last read were keyed by what the catalog said then. A read that writes
         * relied on is read again when its trust ends, on a connection of its own, even if the table is not written
         * again; a refresh too long to count in nanoseconds (about 292 years) means never.
         *
         * @throws IllegalArgumentException when {@code refresh} is null or negative
         */
        public Builder catalogRefresh(java.time.Duration refresh) {
            if (refresh == null || refresh.isNegative()) {
                throw new IllegalArgumentException("catalogRefresh must be zero or positive, but was " + refresh
                        + "; the default is " + DEFAULT_CATALOG_REFRESH);
            }
            this.catalogRefresh = refresh;
            return this;
        }

        /**
         * In {@link ChangeLogMode#ALWAYS}, how long after the commit an outbox entry waits before the
         * reconciler may act on it (default 1 minute). The sync normally completes it well before; the wait
         * only spares the reconciler copying rows whose sync is still on the way (harmless, since both copy
         * the latest row under the same key lock, but wasted work). Make it longer than the mirror's time
         * limit plus the async queue's usual wait.
         *
         * @throws IllegalArgumentException when {@code grace} is null or negative
         */
        public Builder outboxGrace(java.time.Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("outboxGrace must be zero or positive, but was " + grace);
            }
            this.outboxGrace = grace;
            return this;
        }

        /**
         * Whether {@link #build()} checks every mapping against both stores' schemas
         * ({@link io.dualwrite.jdbc.mapping.MappingValidator}) and that the library's own tables exist where they are
         * read ({@link io.dualwrite.jdbc.schema.DualWriteSchema#verify}): a JDBC change log's in the
         * {@link #changeLogStore}, and, for a {@link io.dualwrite.switches.Switchboard} on JDBC stores, the switch
         * and order-pin tables in the database behind them; it fails naming every problem and its fix
         * ({@code DualWriteSchema.create} or the script of the database). Off by default:
         * while a migration is still {@code OLD_ONLY} the new tables may not exist yet; turn it on once they do.
         */
        public Builder validateMappings(boolean validate) {
            this.validateMappings = validate;
            return this;
        }

        /**
         * Syncs the keys of one mapped table with {@code copier} instead of the built-in one: for a new shape a
         * {@link TableMapping} cannot express (a table split in two), written by the user's own statements. The
         * write path still finds the table's keys through its mapping (the old table and its primary key); the
         * copier must keep the per-key lock invariant ({@link io.dualwrite.jdbc.copy.KeyLocks}). Such a table's
         * new side is not checked by {@link #validateMappings}. {@link #rowCopier()} routes these tables too, so
         * hand it to the reconciler.
         *
         * @throws IllegalArgumentException when {@code oldTable} is blank
         */
        public Builder tableCopier(String oldTable, RowCopier copier) {
            if (oldTable == null || oldTable.isBlank()) {
                throw new IllegalArgumentException("tableCopier's oldTable must be a mapped table name, but was '"
                        + oldTable + "'");
            }
            tableCopiers.put(oldTable.toLowerCase(java.util.Locale.ROOT), Checks.requireNonNull("copier", copier));
            return this;
        }

        /**
         * About how many distinct SQL strings keep their analysis (default
         * {@value StatementAnalyzer#DEFAULT_CACHE_SIZE}); the cache is bounded by weight, so fewer long statements fit.
         *
         * @throws IllegalArgumentException when {@code size} is not positive
         */
        public Builder statementCacheSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("statementCacheSize must be positive, but was " + size);
            }
            this.statementCacheSize = size;
            return this;
        }

        /**
         * The data source.
         *
         * @throws IllegalArgumentException naming the first missing or inconsistent property
         */
        public DualWriteDataSource build() {
            require("oldDataSource", oldDataSource);
            require("newDataSource", newDataSource);
            require("migration", migration);
            if (oldDataSource == newDataSource) {
                throw new IllegalArgumentException("oldDataSource and newDataSource must be two different data sources,"
                        + " but both are the same " + oldDataSource.getClass().getSimpleName()
                        + ": every sync would copy rows onto themselves; give the new store its own pool");
            }
            DualWriter writer = dualWriter;
            if (writer != null) {
                resolver = resolver == null ? writer.resolver() : resolver;
                changeLog = changeLog == null ? writer.changeLog() : changeLog;
            }
            if (resolver == null || changeLog == null) {
                throw new IllegalArgumentException((resolver == null ? "resolver" : "changeLog")
                        + " must be set (or dualWriter), but was missing");
            }
            Function<Store, MirrorExecutor> executorsFn = mirrorExecutors(writer, migration);
            ChangeLogMode mode = writer != null && !changeLogModeSet
                    ? writer.mirrorConfig(migration).changeLogMode() : changeLogMode;
            if (mode == ChangeLogMode.ALWAYS && outboxWriter == null) {
                throw new IllegalArgumentException(
                        "outboxWriter must be set when changeLogMode is ALWAYS, but was missing");
            }
            if (mappings.isEmpty()) {
                throw new IllegalArgumentException("mappings must name at least one table, but was empty");
            }
            resolver.requireKnownMigration("migration", migration);
            if (validateMappings) {
                try {
                    for (Map.Entry<DataSource, List<String>> tables : libraryTables().entrySet()) {
                        io.dualwrite.jdbc.schema.DualWriteSchema.verify(tables.getKey(), tables.getValue());
                    }
                    io.dualwrite.jdbc.mapping.MappingValidator.validate(oldDataSource, newDataSource, mappings.values().stream()
                            .filter(m -> !tableCopiers.containsKey(m.oldTable().toLowerCase(java.util.Locale.ROOT))).toList());
                } catch (SQLException e) {
                    throw new IllegalStateException("could not read the schemas to validate the mappings: "
                            + Credentials.mask(e.getMessage()), Credentials.masked(e));
                }
            }
            StatementAnalyzer analyzer = new StatementAnalyzer(mappings, statementCacheSize,
                    new NewStoreColumns(newDataSource));
            RowCopier copier = RowCopier.builder().oldDataSource(oldDataSource).newDataSource(newDataSource)
                    .resolver(migration, resolver).lockTimeout(lockTimeout).catalogRefresh(catalogRefresh).build();
            for (String table : tableCopiers.keySet()) {
                if (mappings.values().stream().noneMatch(m -> m.oldTable().equalsIgnoreCase(table))) {
                    throw new IllegalArgumentException("tableCopier names table '" + table + "', which has no mapping"
                            + " (mapped: " + mappings.keySet() + "); add mapping(TableMapping.builder(\"" + table
                            + "\")...) so that the write path finds its keys");
                }
                RowCopier.requireSameMigration("DualWriteDataSource (tableCopier of '" + table + "')",
                        tableCopiers.get(table), migration);
            }
            if (!tableCopiers.isEmpty()) {
                copier = new io.dualwrite.jdbc.copy.TableRoutedCopier(copier, tableCopiers);
            }
            DataSourceConfig config = new DataSourceConfig(oldDataSource, newDataSource, migration, resolver, executorsFn, changeLog,
                    mode, outboxWriter, noContextPhase, streamBufferLimit, maxBufferedKeys, analyzer,
                    new StoreSlots<>(), new LogThrottle(WARN_INTERVAL), outboxGrace, changeLogStore, copier,
                    new java.util.concurrent.atomic.LongAdder(), new Metadata(saturatedNanos(catalogRefresh)));
            return new DualWriteDataSource(config, List.copyOf(this.mappings.values()));
        }

        /**
         * The library's own tables this data source relies on, by the database that must hold them: the change
         * log's (a {@link io.dualwrite.jdbc.changelog.JdbcChangeLog}) in the {@link #changeLogStore}, the switch and
         * pin tables in the database behind a switchboard's JDBC stores (which may be neither of the two stores).
         */
        private Map<DataSource, List<String>> libraryTables() {
            Map<DataSource, List<String>> tables = new java.util.IdentityHashMap<>();
            if (changeLog instanceof io.dualwrite.jdbc.changelog.JdbcChangeLog) {
                tables.computeIfAbsent(changeLogStore == Store.OLD ? oldDataSource : newDataSource,
                        d -> new java.util.ArrayList<>()).add(io.dualwrite.jdbc.schema.DualWriteSchema.CHANGE_LOG_TABLE);
            }
            if (resolver instanceof io.dualwrite.switches.Switchboard switchboard) {
                if (io.dualwrite.switches.SwitchStores.backing(switchboard.switchStore())
                        instanceof io.dualwrite.jdbc.switches.JdbcSwitchStore switches) {
                    tables.computeIfAbsent(switches.dataSource(), d -> new java.util.ArrayList<>())
                            .add(io.dualwrite.jdbc.schema.DualWriteSchema.SWITCH_TABLE);
                }
                if (switchboard.orderPinStore().orElse(null) instanceof io.dualwrite.jdbc.switches.JdbcOrderPinStore pins) {
                    tables.computeIfAbsent(pins.dataSource(), d -> new java.util.ArrayList<>())
                            .add(io.dualwrite.jdbc.schema.DualWriteSchema.ORDER_PIN_TABLE);
                }
            }
            return tables;
        }

        private static long saturatedNanos(java.time.Duration duration) {
            try {
                return duration.toNanos();
            } catch (ArithmeticException tooLong) {
                return Long.MAX_VALUE;
            }
        }

        /** The executor of each target: the DualWriter's, the function given, or the two given one by one. */
        private Function<Store, MirrorExecutor> mirrorExecutors(@Nullable DualWriter writer, String name) {
            if (writer != null) {
                if (executorFunction != null || !executors.isEmpty()) {
                    throw new IllegalArgumentException("mirrorExecutor(s) must not be set together with dualWriter,"
                            + " but both were: the DualWriter's executors are used");
                }
                return target -> writer.mirrorExecutor(name, target);
            }
            if (executorFunction != null) {
                return executorFunction;
            }
            for (Store store : Store.values()) {
                if (!executors.containsKey(store)) {
                    throw new IllegalArgumentException("mirrorExecutor for target " + store
                            + " must be set (or mirrorExecutors), but was missing");
                }
            }
            Map<Store, MirrorExecutor> copy = new EnumMap<>(executors);
            return copy::get;
        }

        private static void require(String property, @Nullable Object value) {
            if (value == null) {
                throw new IllegalArgumentException(property + " must be set, but was missing");
            }
        }
    }

    /** A proxy of the one interface {@code type} whose calls go to {@code handler}. */
    static Object newProxy(Class<?> type, java.lang.reflect.InvocationHandler handler) {
        try {
            // the handles of the types every write creates are constants, which the JIT compiles into a plain
            // allocation; a handle read from the ClassValue is called through a generic invoker (a profile of
            // OLD_ONLY inserts on H2 put a tenth of the caller's samples there)
            if (type == Connection.class) {
                return (Object) CONNECTION_PROXY.invokeExact(handler);
            }
            if (type == PreparedStatement.class) {
                return (Object) PREPARED_STATEMENT_PROXY.invokeExact(handler);
            }
            if (type == ResultSet.class) {
                return (Object) RESULT_SET_PROXY.invokeExact(handler);
            }
            return (Object) PROXY_CONSTRUCTORS.get(type).invokeExact(handler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a proxy of " + type.getName(), e);
        }
    }

    /**
     * The proxy class's constructor per JDBC interface, as a method handle of type {@code (InvocationHandler)Object}.
     * {@code Proxy.newProxyInstance} looks the class up and checks permissions on every call, and
     * {@code Constructor.newInstance} copies its arguments into an array and goes through an accessor; the write
     * path creates several proxies per statement (connection, statement, result sets), so the class is looked up
     * once and its constructor called through a handle (the documented equivalent of {@code newProxyInstance}).
     */
    private static final ClassValue<java.lang.invoke.MethodHandle> PROXY_CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected java.lang.invoke.MethodHandle computeValue(Class<?> type) {
            Object sample = Proxy.newProxyInstance(DualWriteDataSource.class.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> null);
            try {
                return java.lang.invoke.MethodHandles.publicLookup()
                        .findConstructor(sample.getClass(), java.lang.invoke.MethodType.methodType(void.class,
                                java.lang.reflect.InvocationHandler.class))
                        .asType(java.lang.invoke.MethodType.methodType(Object.class,
                                java.lang.reflect.InvocationHandler.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException("the proxy class of " + type.getName() + " has no handler constructor", e);
            }
        }
    };

    private static final java.lang.invoke.MethodHandle CONNECTION_PROXY = PROXY_CONSTRUCTORS.get(Connection.class);
    private static final java.lang.invoke.MethodHandle PREPARED_STATEMENT_PROXY =
            PROXY_CONSTRUCTORS.get(PreparedStatement.class);
    private static final java.lang.invoke.MethodHandle RESULT_SET_PROXY = PROXY_CONSTRUCTORS.get(ResultSet.class);
}
