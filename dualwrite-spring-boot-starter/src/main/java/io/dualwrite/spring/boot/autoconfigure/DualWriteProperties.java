package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.mirror.MirrorMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code dualwrite.*} property of the starter. Phases, modes and store kinds are enums, so Spring Boot's
 * binder rejects an unknown value at start-up naming the property, the value and the allowed values; the other
 * checks (a limit that is not positive, an unknown migration, a missing URL) run when the beans are built and
 * fail start-up with the property, the value, what is allowed and the fix
 * ({@link InvalidDualWritePropertyException}).
 *
 * <p>Switches given here (system phase, merchant and order phases, rules) are the starting point: the system
 * phase applies while the switch store holds none, and merchant, order and rule switches are written into the
 * switch store at start-up only where it holds none yet, so that a restart never undoes an operator's flip.
 */
@ConfigurationProperties("dualwrite")
public class DualWriteProperties {

    /** Whether dualwrite is on. When off, no dualwrite bean is created and the application's DataSource is left unwrapped. */
    private boolean enabled = true;

    /** The new store's connection pool (HikariCP). */
    private final NewDataSource newDatasource = new NewDataSource();

    /** The migrations (table groups) by name, each with its switches and tables. */
    private final Map<String, Migration> migrations = new LinkedHashMap<>();

    /** Wrapping of the application's DataSource in a DualWriteDataSource. */
    private final Jdbc jdbc = new Jdbc();

    /** Where switches, order pins and the change log are kept. */
    private final Stores stores = new Stores();

    /** How writes are mirrored to the other store: mode, time limit, circuit breaker, bulkhead and queue. */
    private final Mirror mirror = new Mirror();

    /** The reconciler that repairs the rows the change log holds, on a schedule. */
    private final Reconciler reconciler = new Reconciler();

    /** The MyBatis interceptor that opens each mapper call's migration context from its parameter. */
    private final MyBatis mybatis = new MyBatis();

    /** The actuator endpoint {@code dualwrite}. */
    private final Endpoint endpoint = new Endpoint();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public NewDataSource getNewDatasource() {
        return newDatasource;
    }

    public Map<String, Migration> getMigrations() {
        return migrations;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Stores getStores() {
        return stores;
    }

    public Mirror getMirror() {
        return mirror;
    }

    public Reconciler getReconciler() {
        return reconciler;
    }

    public MyBatis getMybatis() {
        return mybatis;
    }

    public Endpoint getEndpoint() {
        return endpoint;
    }

    /**
     * The fraction of reads (0 to 1) compared with the other store for {@code migration}
     * ({@code dualwrite.migrations.<name>.shadow-reads.rate}).
     *
     * @throws IllegalArgumentException when {@code migration} is not configured, naming the configured ones
     */
    public double shadowReadRate(String migration) {
        Migration configured = migrations.get(migration);
        if (configured == null) {
            throw new IllegalArgumentException("migration '" + migration + "' is not configured under"
                    + " dualwrite.migrations; configured: " + migrations.keySet());
        }
        return configured.getShadowReads().getRate();
    }

    /** The new store's pool: {@code dualwrite.new-datasource.*}. */
    public static class NewDataSource {

        /** JDBC URL of the new store. Required while dualwrite is enabled, unless the application defines the bean {@code dualwriteNewDataSource}. */
        private @Nullable String url;

        /** Login user of the new store. */
        private @Nullable String username;

        /** Login password of the new store. Never logged nor shown in an error. */
        private @Nullable String password;

        /** Fully qualified name of the JDBC driver; detected from the URL when not set. */
        private @Nullable String driverClassName;

        /**
         * Settings of the new store's Hikari pool, bound onto its HikariDataSource exactly like
         * {@code spring.datasource.hikari.*} (for example {@code maximum-pool-size}, {@code connection-timeout},
         * {@code pool-name}).
         */
        private final Map<String, String> hikari = new LinkedHashMap<>();

        public @Nullable String getUrl() {
            return url;
        }

        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        public @Nullable String getUsername() {
            return username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        public @Nullable String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public @Nullable String getDriverClassName() {
            return driverClassName;
        }

        public void setDriverClassName(@Nullable String driverClassName) {
            this.driverClassName = driverClassName;
        }

        public Map<String, String> getHikari() {
            return hikari;
        }
    }

    /** One migration: {@code dualwrite.migrations.<name>.*}. */
    public static class Migration {

        /** The system phase that applies while the switch store holds none for this migration. */
        private MigrationPhase systemPhase = MigrationPhase.OLD_ONLY;

        /** Merchant switches, merchant id to phase; written into the switch store at start-up where it holds none for that merchant. */
        private final Map<String, MigrationPhase> merchants = new LinkedHashMap<>();

        /** Order switches, order id to phase; written into the switch store at start-up where it holds none for that order. */
        private final Map<String, MigrationPhase> orders = new LinkedHashMap<>();

        /** Rules for calls no order or merchant switch covers, first match wins; written into the switch store at start-up when it holds no rules. */
        private final List<Rule> rules = new ArrayList<>();

        /** Whether each order is pinned to the phase of its first write. */
        private boolean pinning = false;

        /** The tables of the migration by their old name. */
        private final Map<String, Table> tables = new LinkedHashMap<>();

        /** Shadow reads: reads compared with the other store. */
        private final ShadowReads shadowReads = new ShadowReads();

        public MigrationPhase getSystemPhase() {
            return systemPhase;
        }

        public void setSystemPhase(MigrationPhase systemPhase) {
            this.systemPhase = systemPhase;
        }

        public Map<String, MigrationPhase> getMerchants() {
            return merchants;
        }

        public Map<String, MigrationPhase> getOrders() {
            return orders;
        }

        public List<Rule> getRules() {
            return rules;
        }

        public boolean isPinning() {
            return pinning;
        }

        public void setPinning(boolean pinning) {
            this.pinning = pinning;
        }

        public Map<String, Table> getTables() {
            return tables;
        }

        public ShadowReads getShadowReads() {
            return shadowReads;
        }
    }

    /** A switch rule: {@code dualwrite.migrations.<name>.rules[i].*}; exactly one of its two conditions. */
    public static class Rule {

        /** The phase the rule gives the calls it applies to. */
        private @Nullable MigrationPhase phase;

        /** Share of merchants (0 to 100, by a stable hash of the merchant id) that take the phase. */
        private @Nullable Integer merchantPercentage;

        /** Orders whose numeric id is at or above this threshold take the phase. */
        private @Nullable Long idThreshold;

        public @Nullable MigrationPhase getPhase() {
            return phase;
        }

        public void setPhase(@Nullable MigrationPhase phase) {
            this.phase = phase;
        }

        public @Nullable Integer getMerchantPercentage() {
            return merchantPercentage;
        }

        public void setMerchantPercentage(@Nullable Integer merchantPercentage) {
            this.merchantPercentage = merchantPercentage;
        }

        public @Nullable Long getIdThreshold() {
            return idThreshold;
        }

        public void setIdThreshold(@Nullable Long idThreshold) {
            this.idThreshold = idThreshold;
        }
    }

    /** A table of a migration: {@code dualwrite.migrations.<name>.tables.<old-table>.*}. */
    public static class Table {

        /** The table's name in the new store (optionally schema.table); the old name when not set. */
        private @Nullable String newTable;

        /** The primary-key columns by their old names. */
        private List<String> primaryKey = new ArrayList<>(List.of("id"));

        /** Columns the new table holds under another name, old name to new name. */
        private final Map<String, String> renames = new LinkedHashMap<>();

        /** Old columns the new table does not have. */
        private List<String> droppedColumns = new ArrayList<>();

        /** Columns only the new table has, to the text value every copied row gets in them. */
        private final Map<String, String> addedColumns = new LinkedHashMap<>();

        /** The old column holding the merchant id: decides the phase of each copied row and routes statements without a context. */
        private @Nullable String merchantColumn;

        /** The old column holding the order id: routes statements without a context. */
        private @Nullable String orderColumn;

        public @Nullable String getNewTable() {
            return newTable;
        }

        public void setNewTable(@Nullable String newTable) {
            this.newTable = newTable;
        }

        public List<String> getPrimaryKey() {
            return primaryKey;
        }

        public void setPrimaryKey(List<String> primaryKey) {
            this.primaryKey = primaryKey;
        }

        public Map<String, String> getRenames() {
            return renames;
        }

        public List<String> getDroppedColumns() {
            return droppedColumns;
        }

        public void setDroppedColumns(List<String> droppedColumns) {
            this.droppedColumns = droppedColumns;
        }

        public Map<String, String> getAddedColumns() {
            return addedColumns;
        }

        public @Nullable String getMerchantColumn() {
            return merchantColumn;
        }

        public void setMerchantColumn(@Nullable String merchantColumn) {
            this.merchantColumn = merchantColumn;
        }

        public @Nullable String getOrderColumn() {
            return orderColumn;
        }

        public void setOrderColumn(@Nullable String orderColumn) {
            this.orderColumn = orderColumn;
        }
    }

    /** Shadow reads of a migration. */
    public static class ShadowReads {

        /** Fraction of reads (0 to 1) compared with the other store in the phases that shadow-read. */
        private double rate = 0.01;

        public double getRate() {
            return rate;
        }

        public void setRate(double rate) {
            this.rate = rate;
        }
    }

    /** The wrapping of the application's DataSource: {@code dualwrite.jdbc.*}. */
    public static class Jdbc {

        /** Whether the application's DataSource is wrapped in a DualWriteDataSource. */
        private boolean enabled = true;

        /** Name of the application's DataSource bean to wrap. */
        private String beanName = "dataSource";

        /** The migration the wrapped DataSource serves; may be left out when exactly one migration is configured. */
        private @Nullable String migration;

        /** Whether both schemas are checked against the table mappings at start-up (turn it on once the new tables exist). */
        private boolean validateMappings = false;

        /** Phase for statements with no migration context and no order or merchant id in their values; when not set, the system phase, upgraded to a mirroring one while any other switch names another phase. */
        private @Nullable MigrationPhase noContextPhase;

        /** Longest a sync waits for its per-key locks on the other store before it fails and is recorded. */
        private Duration lockTimeout = Duration.ofSeconds(10);

        /** Distinct keys one transaction buffers for its sync; past it the table gets one scoped resync. */
        private int maxBufferedKeys = 10_000;

        /** Largest stream or reader parameter, in bytes or chars, buffered to be bound again on the new store. */
        private int streamBufferLimit = 1_048_576;

        /** Distinct SQL strings whose analysis is kept. */
        private int statementCacheSize = 10_000;

        /** How long what the catalog says of a mapped table (key types, triggers, cascading foreign keys) is trusted before it is read again; zero reads it on every write. */
        private Duration catalogRefresh = Duration.ofMinutes(1);

        /** In change-log mode ALWAYS, how long after the commit an outbox entry waits before the reconciler may act on it. */
        private Duration outboxGrace = Duration.ofMinutes(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBeanName() {
            return beanName;
        }

        public void setBeanName(String beanName) {
            this.beanName = beanName;
        }

        public @Nullable String getMigration() {
            return migration;
        }

        public void setMigration(@Nullable String migration) {
            this.migration = migration;
        }

        public boolean isValidateMappings() {
            return validateMappings;
        }

        public void setValidateMappings(boolean validateMappings) {
            this.validateMappings = validateMappings;
        }

        public @Nullable MigrationPhase getNoContextPhase() {
            return noContextPhase;
        }

        public void setNoContextPhase(@Nullable MigrationPhase noContextPhase) {
            this.noContextPhase = noContextPhase;
        }

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        public int getMaxBufferedKeys() {
            return maxBufferedKeys;
        }

        public void setMaxBufferedKeys(int maxBufferedKeys) {
            this.maxBufferedKeys = maxBufferedKeys;
        }

        public int getStreamBufferLimit() {
            return streamBufferLimit;
        }

        public void setStreamBufferLimit(int streamBufferLimit) {
            this.streamBufferLimit = streamBufferLimit;
        }

        public int getStatementCacheSize() {
            return statementCacheSize;
        }

        public void setStatementCacheSize(int statementCacheSize) {
            this.statementCacheSize = statementCacheSize;
        }

        public Duration getCatalogRefresh() {
            return catalogRefresh;
        }

        public void setCatalogRefresh(Duration catalogRefresh) {
            this.catalogRefresh = catalogRefresh;
        }

        public Duration getOutboxGrace() {
            return outboxGrace;
        }

        public void setOutboxGrace(Duration outboxGrace) {
            this.outboxGrace = outboxGrace;
        }
    }

    /** Where the library's state lives: {@code dualwrite.stores.*}. */
    public static class Stores {

        /** Where switches are kept: in this JVM only, or in the table dualwrite_switch shared by every instance. */
        private StoreKind switches = StoreKind.MEMORY;

        /** Where order pins are kept: in this JVM only, or in the table dualwrite_order_pin. */
        private StoreKind pins = StoreKind.MEMORY;

        /** Where the change log is kept: in this JVM only (lost on restart), or in the table dualwrite_change_log. */
        private StoreKind changeLog = StoreKind.MEMORY;

        /** The store whose database holds the JDBC tables of the library (switches, pins, change log, verifications). */
        private Store location = Store.OLD;

        /** Whether the library's tables are created at start-up where missing (DualWriteSchema.create). */
        private boolean createSchema = false;

        /** How stale a switch read may be: a flip made on another instance is seen within this interval. */
        private Duration refreshInterval = Duration.ofSeconds(1);

        public StoreKind getSwitches() {
            return switches;
        }

        public void setSwitches(StoreKind switches) {
            this.switches = switches;
        }

        public StoreKind getPins() {
            return pins;
        }

        public void setPins(StoreKind pins) {
            this.pins = pins;
        }

        public StoreKind getChangeLog() {
            return changeLog;
        }

        public void setChangeLog(StoreKind changeLog) {
            this.changeLog = changeLog;
        }

        public Store getLocation() {
            return location;
        }

        public void setLocation(Store location) {
            this.location = location;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        /** Whether any of the three stores is kept in tables. */
        boolean anyJdbc() {
            return switches == StoreKind.JDBC || pins == StoreKind.JDBC || changeLog == StoreKind.JDBC;
        }
    }

    /** Where one kind of the library's state is kept. */
    public enum StoreKind {
        /** In this JVM only. */
        MEMORY,
        /** In a table of the store named by {@code dualwrite.stores.location}. */
        JDBC
    }

    /** The mirror: {@code dualwrite.mirror.*}. */
    public static class Mirror {

        /** Whether the caller waits for the mirror (SYNC, at most the time limit) or hands it off (ASYNC). */
        private MirrorMode mode = MirrorMode.ASYNC;

        /** When the change log gets entries: only for failed and skipped mirrors (ON_FAILURE), or for every write before its commit (ALWAYS, needs the JDBC change log). */
        private ChangeLogMode changeLogMode = ChangeLogMode.ON_FAILURE;

        /** Longest a mirror may take before it is abandoned and recorded. */
        private Duration timeLimit = Duration.ofSeconds(1);

        /** Mirror calls in flight on the other store at once (the bulkhead), abandoned ones included. */
        private int maxConcurrentCalls = 32;

        /** Async mirrors waiting to run, across all lanes; one more is rejected and recorded. */
        private int queueCapacity = 10_000;

        /** Async lanes (one thread each). */
        private int lanes = 4;

        /** Rows one async run may sync at most when it merges syncs queued behind each other. */
        private int maxBatchRows = 500;

        /** How long an async lane waits for more syncs to merge when it finds one alone. */
        private Duration batchLinger = Duration.ofMillis(2);

        /** At most one WARN line per migration and outcome in this interval; zero logs every one. */
        private Duration warnInterval = Duration.ofSeconds(10);

        /** The circuit breaker in front of the other store. */
        private final Breaker breaker = new Breaker();

        public MirrorMode getMode() {
            return mode;
        }

        public void setMode(MirrorMode mode) {
            this.mode = mode;
        }

        public ChangeLogMode getChangeLogMode() {
            return changeLogMode;
        }

        public void setChangeLogMode(ChangeLogMode changeLogMode) {
            this.changeLogMode = changeLogMode;
        }

        public Duration getTimeLimit() {
            return timeLimit;
        }

        public void setTimeLimit(Duration timeLimit) {
            this.timeLimit = timeLimit;
        }

        public int getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(int maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public int getLanes() {
            return lanes;
        }

        public void setLanes(int lanes) {
            this.lanes = lanes;
        }

        public int getMaxBatchRows() {
            return maxBatchRows;
        }

        public void setMaxBatchRows(int maxBatchRows) {
            this.maxBatchRows = maxBatchRows;
        }

        public Duration getBatchLinger() {
            return batchLinger;
        }

        public void setBatchLinger(Duration batchLinger) {
            this.batchLinger = batchLinger;
        }

        public Duration getWarnInterval() {
            return warnInterval;
        }

        public void setWarnInterval(Duration warnInterval) {
            this.warnInterval = warnInterval;
        }

        public Breaker getBreaker() {
            return breaker;
        }
    }

    /** The mirror's circuit breaker: {@code dualwrite.mirror.breaker.*}. */
    public static class Breaker {

        /** Calls in the breaker's count-based sliding window. */
        private int windowSize = 20;

        /** Calls the breaker must have seen before it can open; the window size when not set. */
        private @Nullable Integer minimumCalls;

        /** Failure rate, in percent, at or above which the breaker opens. */
        private int failureRateThreshold = 50;

        /** How long a call may take before it counts as slow; half the time limit when not set. */
        private @Nullable Duration slowCallDurationThreshold;

        /** Slow-call rate, in percent, at or above which the breaker opens. */
        private int slowCallRateThreshold = 50;

        /** How long the breaker stays open before it lets trial calls through. */
        private Duration waitInOpenState = Duration.ofSeconds(30);

        /** Trial calls let through while the breaker is half-open. */
        private int halfOpenCalls = 5;

        public int getWindowSize() {
            return windowSize;
        }

        public void setWindowSize(int windowSize) {
            this.windowSize = windowSize;
        }

        public @Nullable Integer getMinimumCalls() {
            return minimumCalls;
        }

        public void setMinimumCalls(@Nullable Integer minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        public int getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(int failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public @Nullable Duration getSlowCallDurationThreshold() {
            return slowCallDurationThreshold;
        }

        public void setSlowCallDurationThreshold(@Nullable Duration slowCallDurationThreshold) {
            this.slowCallDurationThreshold = slowCallDurationThreshold;
        }

        public int getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(int slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }

        public Duration getWaitInOpenState() {
            return waitInOpenState;
        }

        public void setWaitInOpenState(Duration waitInOpenState) {
            this.waitInOpenState = waitInOpenState;
        }

        public int getHalfOpenCalls() {
            return halfOpenCalls;
        }

        public void setHalfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
        }
    }

    /** The reconciler: {@code dualwrite.reconciler.*}. */
    public static class Reconciler {

        /** Whether the reconciler runs on a schedule while the application runs. */
        private boolean enabled = true;

        /** Pause between the end of one reconciler run and the start of the next. */
        private Duration interval = Duration.ofSeconds(5);

        /** Change-log entries claimed and repaired per run. */
        private int batchSize = 100;

        /** How long a claim lasts: entries of a claimer that died are due again after it. */
        private Duration lease = Duration.ofMinutes(1);

        /** Wait after an entry's first failure; doubles with each further failure. */
        private Duration initialBackoff = Duration.ofSeconds(1);

        /** Longest wait between two attempts of an entry. */
        private Duration maxBackoff = Duration.ofMinutes(5);

        /** Failures after which each further failure of an entry is logged at ERROR (the entry is still kept). */
        private int maxAttempts = 10;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }

    /** The MyBatis interceptor: {@code dualwrite.mybatis.*}. */
    public static class MyBatis {

        /** Whether the interceptor is installed in every SqlSessionFactory when MyBatis is on the class path. */
        private boolean enabled = true;

        /** The migration of the contexts the interceptor opens; the wrapped DataSource's migration when not set. */
        private @Nullable String migration;

        /** Property paths tried on every statement's parameter for the order id, after the statement's own. */
        private List<String> orderIdPaths = new ArrayList<>();

        /** Property paths tried on every statement's parameter for the merchant id, after the statement's own. */
        private List<String> merchantIdPaths = new ArrayList<>();

        /** Whether fields marked @OrderId and @MerchantId are read. */
        private boolean annotations = true;

        /** Paths of single statements, checked against the mappers at start-up. */
        private List<Statement> statements = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getMigration() {
            return migration;
        }

        public void setMigration(@Nullable String migration) {
            this.migration = migration;
        }

        public List<String> getOrderIdPaths() {
            return orderIdPaths;
        }

        public void setOrderIdPaths(List<String> orderIdPaths) {
            this.orderIdPaths = orderIdPaths;
        }

        public List<String> getMerchantIdPaths() {
            return merchantIdPaths;
        }

        public void setMerchantIdPaths(List<String> merchantIdPaths) {
            this.merchantIdPaths = merchantIdPaths;
        }

        public boolean isAnnotations() {
            return annotations;
        }

        public void setAnnotations(boolean annotations) {
            this.annotations = annotations;
        }

        public List<Statement> getStatements() {
            return statements;
        }

        public void setStatements(List<Statement> statements) {
            this.statements = statements;
        }
    }

    /** The paths of one mapper statement: {@code dualwrite.mybatis.statements[i].*}. */
    public static class Statement {

        /** Full id of the mapper statement, e.g. com.example.OrderMapper.insert. */
        private @Nullable String id;

        /** Property path of the order id in the statement's parameter. */
        private @Nullable String orderIdPath;

        /** Property path of the merchant id in the statement's parameter. */
        private @Nullable String merchantIdPath;

        public @Nullable String getId() {
            return id;
        }

        public void setId(@Nullable String id) {
            this.id = id;
        }

        public @Nullable String getOrderIdPath() {
            return orderIdPath;
        }

        public void setOrderIdPath(@Nullable String orderIdPath) {
            this.orderIdPath = orderIdPath;
        }

        public @Nullable String getMerchantIdPath() {
            return merchantIdPath;
        }

        public void setMerchantIdPath(@Nullable String merchantIdPath) {
            this.merchantIdPath = merchantIdPath;
        }
    }

    /** The actuator endpoint: {@code dualwrite.endpoint.*}. */
    public static class Endpoint {

        /** Role required for the endpoint's write operations when Spring Security is present. */
        private String writeRole = "DUALWRITE_ADMIN";

        public String getWriteRole() {
            return writeRole;
        }

        public void setWriteRole(String writeRole) {
            this.writeRole = writeRole;
        }
    }
}
