package io.dualwrite.mybatis;

import io.dualwrite.MigrationContext;
import io.dualwrite.internal.Checks;
import io.dualwrite.Store;
import io.dualwrite.switches.PhaseResolver;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.BatchExecutor;
import org.apache.ibatis.executor.CachingExecutor;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the {@link MigrationContext} of each mapper call from its parameter object, so that a
 * {@code DualWriteDataSource} under the {@code SqlSessionFactory} routes the call's SQL by the order and merchant
 * it concerns, with no context opened by the application. Where the ids are found is set by {@link ContextRules}.
 *
 * <p>Rules, in order: a context already open on the thread always wins (the interceptor then does nothing);
 * else the ids the rules find open a context for the call's duration; else the call runs without one and the
 * data source's rule for unattributed writes decides (see {@code docs/jdbc-routing.md}), which this class says
 * at DEBUG with the statement id.
 *
 * <p><b>BATCH executor.</b> MyBatis sends a batch to the driver at {@code flushStatements}, {@code commit} or the
 * next query, not at {@code update}, and the data source resolves each batch entry's context then. So the
 * interceptor remembers the contexts of the updates queued on a batching executor and opens that context around
 * the flush when they all agree (also inside a scope opened after the updates); when they differ, the flush runs without a context and each entry follows the
 * ids in its own SQL (the mapping's {@code merchantIdColumn} / {@code orderIdColumn}) or the unattributed rule.
 * A query on such an executor first sends the queued entries that way, then runs under its own ids.
 *
 * <p>Reads are intercepted at {@code query} and {@code queryCursor} (mapper methods returning a {@code Cursor}).
 *
 * <p>Install it with {@link #install(Configuration, ContextRules)}, after every mapper has been added to the
 * configuration: the rules are checked against the mappers then.
 */
@Intercepts({
        @Signature(type = Executor.class, method = "update", args = {MappedStatement.class, Object.class}),
        @Signature(type = Executor.class, method = "query",
                args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class}),
        @Signature(type = Executor.class, method = "query",
                args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class, CacheKey.class,
                        BoundSql.class}),
        @Signature(type = Executor.class, method = "queryCursor",
                args = {MappedStatement.class, Object.class, RowBounds.class}),
        @Signature(type = Executor.class, method = "flushStatements", args = {}),
        @Signature(type = Executor.class, method = "commit", args = {boolean.class}),
        @Signature(type = Executor.class, method = "rollback", args = {boolean.class}),
        @Signature(type = Executor.class, method = "close", args = {boolean.class})
})
public final class MigrationContextInterceptor implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(MigrationContextInterceptor.class);
    /** Wrappers looked through to find a batching executor: plugins and MyBatis' cache, with room to spare. */
    private static final int MAX_WRAPPERS = 32;
    /** The contexts of queued batch entries disagree. */
    private static final Object MIXED = new Object();

    private final ContextRules rules;
    private final ContextExtractor extractor;
    private final Configuration configuration;
    private final @Nullable PhaseResolver readResolver;
    /** The session factory's {@code DualWriteDataSource}, if its environment's data source is one or wraps one. */
    private final io.dualwrite.jdbc.@Nullable DualWriteDataSource served;
    /** Read statement id → its new-store counterpart, as checked at install. */
    private final Map<String, String> readRoutes;
    /** Read statement id → its counterpart as it runs in its place ({@link NewStoreReads#inPlaceOf}). */
    private final Map<String, MappedStatement> replacements = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Statement id → the statement without its {@code selectKey} BEFORE, which the interceptor runs itself so that
     * the key it sets is read with the ids ({@link #keyedBefore}).
     */
    private final Map<String, MappedStatement> withoutKeyBefore = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per batching executor: the context its queued updates share, or {@link #MIXED}; absent when none is queued. */
    private final Map<Object, Object> pending = Collections.synchronizedMap(new WeakHashMap<>());

    private MigrationContextInterceptor(ContextRules rules, Configuration configuration, @Nullable NewStoreReads reads,
                                        Map<String, String> readRoutes) {
        this.rules = rules;
        this.configuration = configuration;
        this.extractor = new ContextExtractor(rules, configuration); // also through its statements' inline handlers
        this.readResolver = reads == null ? null : reads.resolver();
        this.readRoutes = Map.copyOf(readRoutes);
        this.served = served(configuration);
        LazyLoads.install(configuration); // lazy associations load under the context of the read that made them
    }

    /**
     * Checks {@code rules} against the mappers of {@code configuration} and adds the interceptor to it.
     *
     * @return the interceptor added
     * @throws IllegalStateException    when a configured statement does not exist or a path names no property of
     *                                  its parameter; the message names the statement or path, its mapper and the
     *                                  fix
     * @throws IllegalArgumentException when the session factory's {@code DualWriteDataSource} serves another
     *                                  migration than {@code rules}
     */
    public static MigrationContextInterceptor install(Configuration configuration, ContextRules rules) {
        Checks.requireNonNull("configuration", configuration);
        Checks.requireNonNull("rules", rules);
        requireServedMigration(configuration, rules);
        new StartupCheck(configuration).check(rules);
        MigrationContextInterceptor interceptor = new MigrationContextInterceptor(rules, configuration, null, Map.of());
        configuration.addInterceptor(interceptor);
        return interceptor;
    }

    /**
     * As {@link #install(Configuration, ContextRules)}, and read statements run as their new-store counterparts
     * ({@code reads}) when the call's context resolves to a phase whose authoritative store is the new one.
     *
     * @throws IllegalStateException    also when a counterpart does not exist, the old statement is not a
     *                                  {@code SELECT}, or the two return different types
     * @throws IllegalArgumentException when the resolver of {@code reads} does not know the migration of
     *                                  {@code rules} ({@link io.dualwrite.switches.PhaseResolver#requireKnownMigration})
     */
    public static MigrationContextInterceptor install(Configuration configuration, ContextRules rules,
                                                      NewStoreReads reads) {
        Checks.requireNonNull("configuration", configuration);
        Checks.requireNonNull("rules", rules);
        Checks.requireNonNull("reads", reads);
        requireServedMigration(configuration, rules);
        // the reads resolve phases of the rules' migration: a resolver that does not know it fails every read
        reads.resolver().requireKnownMigration("ContextRules.migration", rules.migration());
        StartupCheck check = new StartupCheck(configuration);
        check.check(rules);
        Map<String, String> routes = check.check(reads);
        MigrationContextInterceptor interceptor = new MigrationContextInterceptor(rules, configuration, reads, routes);
        configuration.addInterceptor(interceptor);
        return interceptor;
    }

    /**
     * Refuses rules of another migration than the one the session factory's {@code DualWriteDataSource} serves: the
     * data source ignores a context of another migration, so every context the interceptor opened would be dropped
     * and each write would follow the unattributed rule, silently.
     */
    private static void requireServedMigration(Configuration configuration, ContextRules rules) {
        javax.sql.DataSource dataSource = configuration.getEnvironment() == null ? null
                : configuration.getEnvironment().getDataSource();
        if (dataSource == null) {
            return;
        }
        io.dualwrite.jdbc.DualWriteDataSource served;
        try {
            if (!dataSource.isWrapperFor(io.dualwrite.jdbc.DualWriteDataSource.class)) {
                return;
            }
            served = dataSource.unwrap(io.dualwrite.jdbc.DualWriteDataSource.class);
        } catch (java.sql.SQLException | RuntimeException unknown) {
            return;   // a pool that cannot tell what it wraps is not checked
        }
        if (!served.migration().equals(rules.migration())) {
            throw new IllegalArgumentException("ContextRules are for migration '" + rules.migration() + "', but the"
                    + " session factory's DualWriteDataSource serves migration '" + served.migration() + "', which"
                    + " ignores contexts of another migration; build the rules with ContextRules.builder(\""
                    + served.migration() + "\") or fix the name");
        }
    }

    /** The {@code DualWriteDataSource} {@code configuration}'s environment serves, or null. */
    private static io.dualwrite.jdbc.@Nullable DualWriteDataSource served(Configuration configuration) {
        javax.sql.DataSource dataSource = configuration.getEnvironment() == null ? null
                : configuration.getEnvironment().getDataSource();
        try {
            return dataSource != null && dataSource.isWrapperFor(io.dualwrite.jdbc.DualWriteDataSource.class)
                    ? dataSource.unwrap(io.dualwrite.jdbc.DualWriteDataSource.class) : null;
        } catch (java.sql.SQLException | RuntimeException unknown) {
            return null; // a pool that cannot tell what it wraps: its reads are cached as MyBatis keys them
        }
    }

    /** The rules this interceptor applies. */
    public ContextRules rules() {
        return rules;
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        return intercept(invocation, batching(invocation.getTarget()));
    }

    /** {@link #intercept(Invocation)} with whether the invocation's executor batches already known. */
    Object intercept(Invocation invocation, boolean batching) throws Throwable {
        String method = invocation.getMethod().getName();
        Object executor = invocation.getTarget();
        switch (method) {
            case "update":
                return call(invocation, executor, true, batching);
            case "query":
            case "queryCursor":
                if (!pending.isEmpty() && pending.containsKey(executor)) {
                    if (mayAnswerFromCache(invocation)) {
                        return flushing(invocation, executor); // MyBatis may not flush: keep the batch's context
                    }
                    flushQueued((Executor) executor);
                }
                return call(invocation, executor, false, batching);
            case "flushStatements":
            case "commit":
                return flushing(invocation, executor);
            default: // rollback, close: the queued entries are discarded
                if (!pending.isEmpty()) {
                    pending.remove(executor);
                }
                return invocation.proceed();
        }
    }

    private Object call(Invocation invocation, Object executor, boolean update, boolean batching) throws Throwable {
        MappedStatement statement = (MappedStatement) invocation.getArgs()[0];
        Object parameter = invocation.getArgs()[1];
        MigrationContext open = LazyLoads.openOf(rules.migration());
        if (open != null) {
            if (update && batching) {
                queue(executor, open); // the flush may run after the application's scope has closed
            } else if (!update && !readRoutes.isEmpty()) {
                route(invocation, statement, parameter, open);
            }
            return update ? invocation.proceed() : proceedRead(invocation);
        }
        if (update && parameter != null && keyBefore(statement)) {
            keyedBefore(invocation, statement, parameter);
        }
        ContextExtractor.Rendered rendered = new ContextExtractor.Rendered();
        MigrationContext context = extractor.contextFor(statement.getId(), parameter, rendered);
        if (update && rendered.sql() != null) {
            return runningRendered(invocation, executor, batching, context, rendered.sql());
        }
        if (!update && context != null && !readRoutes.isEmpty()) {
            route(invocation, statement, parameter, context);
        }
        if (update && batching) {
            queue(executor, context);
        }
        if (context == null) {
            if (log.isDebugEnabled()) {
                log.debug("mapper statement {} of migration {}: no order or merchant id found in its parameter ({}),"
                                + " so the data source's rule for unattributed statements decides its phase",
                        statement.getId(), rules.migration(),
                        parameter == null ? "null" : parameter.getClass().getSimpleName());
            }
            return update ? invocation.proceed() : proceedRead(invocation);
        }
        try (MigrationContext.Scope scope = context.open()) {
            Object result = update ? invocation.proceed() : proceedRead(invocation);
            // a cursor maps its rows while the caller iterates, after this scope: lazy proxies made then must see it
            return result instanceof org.apache.ibatis.cursor.Cursor<?> cursor ? LazyLoads.mappedIn(cursor, context)
                    : result;
        }
    }

    /**
     * Runs a write as the SQL its ids were read from, when reading them made the call's SQL: a provider's
     * ({@code @InsertProvider}, …; the provider ran) or a dynamic statement's whose binds read the id (its OGNL ran,
     * static calls into the application's code included). MyBatis then made it again, so a provider with a side effect
     * or a cost (a counter, a metric, a look-up) ran twice or three times per call where MyBatis alone runs it once, a
     * bind calling the application's code ran twice, and a provider whose SQL differs per call (a counter, a clock) had
     * the ids read from a SQL that never ran and wrote what its later call made (round 28). The statement runs as a
     * copy whose SQL source hands MyBatis that SQL once, for this call's parameter object; any other call makes it.
     */
    private Object runningRendered(Invocation invocation, Object executor, boolean batching,
                                   @Nullable MigrationContext context, BoundSql sql) throws Throwable {
        Object[] args = invocation.getArgs();
        MappedStatement running = (MappedStatement) args[0]; // without its selectKey BEFORE when one ran already
        if (batching) {
            queue(executor, context);
        }
        args[0] = prepared.computeIfAbsent(running, PreparedSqlSource::statement);
        PreparedSqlSource.NEXT.set(new PreparedSqlSource.Prepared(args[1], sql));
        try {
            if (context == null) {
                return invocation.proceed();
            }
            try (MigrationContext.Scope scope = context.open()) {
                return invocation.proceed();
            }
        } finally {
            PreparedSqlSource.NEXT.remove();
        }
    }

    /** By the statement MyBatis would run: its copy that runs the SQL made for the ids ({@link #runningRendered}). */
    private final Map<MappedStatement, MappedStatement> prepared = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A statement's SQL source that gives the SQL made already for the running call's parameter object, once; any other
     * call (another parameter, a second call) is the statement's own source's.
     */
    private record PreparedSqlSource(org.apache.ibatis.mapping.SqlSource own) implements org.apache.ibatis.mapping.SqlSource {
        /** The SQL made for the call running on this thread, and its parameter object. */
        static final ThreadLocal<@Nullable Prepared> NEXT = new ThreadLocal<>();

        record Prepared(@Nullable Object parameter, BoundSql sql) {
        }

        static MappedStatement statement(MappedStatement statement) {
            return NewStoreReads.copy(statement, new PreparedSqlSource(statement.getSqlSource()), builder -> builder);
        }

        @Override
        public BoundSql getBoundSql(Object parameterObject) {
            Prepared next = NEXT.get();
            if (next != null && next.parameter() == parameterObject) {
                NEXT.remove();
                return next.sql();
            }
            return own.getBoundSql(parameterObject);
        }
    }

    /**
     * Runs a read, under the context already open for it. A read MyBatis may answer from the statement's second-level
     * cache ({@code <cache/>}, {@code @CacheNamespace}) that runs on the new store is looked up under a cache key that
     * also names that store: the cache keys entries by statement, parameters and SQL only, so after a switch moved the
     * reads of the call's scope to the other store (a rollback to {@code DUAL_WRITE}, or a move to
     * {@code NEW_PRIMARY}) the cache kept answering with the rows read from the store the reads had left until a write
     * of the namespace flushed it: the new store's rows after a rollback away from it. Entries read from the old store
     * keep MyBatis' own key. The store is the session's connection's when it is acquired already, else the one the
     * data source would acquire now ({@link io.dualwrite.jdbc.DualWriteDataSource#storeForNewConnection()}).
     *
     * <p>A read routed to a store for one call by a {@link io.dualwrite.jdbc.ReadStoreOverride} (the starter's
     * {@code @DualRead} merged and shadow reads) is looked up under a key naming the store it is routed to, in the
     * second-level cache and in the session's first-level (local) cache alike, whichever store the session's
     * connection is on: the local cache keeps every read of the session under MyBatis' own key, so a routed read of a
     * statement the session had read already was answered with the rows of the connection's store, and the data
     * source's refusal of a routed read on a connection acquired on the other store never came (round 26).
     */
    private Object proceedRead(Invocation invocation) throws Throwable {
        Object[] args = invocation.getArgs();
        if (served == null || !invocation.getMethod().getName().equals("query") || args[3] != null) {
            return invocation.proceed(); // a result handler: neither cache answers it
        }
        Store routed = io.dualwrite.jdbc.ReadStoreOverride.current(served.migration()).orElse(null);
        Executor executor = (Executor) invocation.getTarget();
        String entry;
        if (routed != null) {
            entry = routed == Store.NEW ? NEW_STORE_ENTRY : ROUTED_TO_OLD_STORE_ENTRY;
        } else if (mayAnswerFromCache(invocation)
                && connectionStore(executor).orElseGet(served::storeForNewConnection) == Store.NEW) {
            entry = NEW_STORE_ENTRY;
        } else {
            return invocation.proceed();
        }
        MappedStatement statement = (MappedStatement) args[0];
        BoundSql bound = args.length == 6 ? (BoundSql) args[5] : statement.getBoundSql(args[1]);
        CacheKey key = args.length == 6 ? ((CacheKey) args[4]).clone()
                : executor.createCacheKey(statement, args[1], (RowBounds) args[2], bound);
        key.update(entry);
        return executor.query(statement, args[1], (RowBounds) args[2], (ResultHandler<?>) args[3], key, bound);
    }

    /** What a cache key of a read from the new store holds beyond MyBatis' own elements. */
    private static final String NEW_STORE_ENTRY = "dualwrite:read-from-new-store";
    /**
     * What a cache key of a read routed to the old store by a {@code ReadStoreOverride} holds: a plain read on a
     * connection of the new store is keyed without a mark in the local cache, and must not answer it.
     */
    private static final String ROUTED_TO_OLD_STORE_ENTRY = "dualwrite:read-routed-to-old-store";

    /**
     * Runs the {@code selectKey} BEFORE of {@code statement} on the call's executor, as MyBatis would have run it
     * when preparing the statement, and lets the statement proceed without it: the key it sets on the parameter (an
     * order id from a sequence) is then there when the ids are read. Read before it, the order id was missing, and a
     * row of an order switched apart from its merchant was left to a scoped resync of the whole table.
     */
    private void keyedBefore(Invocation invocation, MappedStatement statement, Object parameter) throws java.sql.SQLException {
        // the key's query is the first statement of the call, and may be the first of the session's connection, which
        // stays on the store chosen then: it runs under the ids known before the key (the insert's own paths), as it
        // ran inside the insert's context when MyBatis ran it. Without them (MyBatis names it "…!selectKey", which
        // no statement path names) a merchant of the new store had its insert refused on an old-store connection.
        MigrationContext known = extractor.contextFor(statement.getId(), parameter);
        if (known == null) {
            statement.getKeyGenerator().processBefore((Executor) invocation.getTarget(), statement, null, parameter);
        } else {
            try (MigrationContext.Scope scope = known.open()) {
                statement.getKeyGenerator().processBefore((Executor) invocation.getTarget(), statement, null, parameter);
            }
        }
        invocation.getArgs()[0] = withoutKeyBefore.computeIfAbsent(statement.getId(), id -> withoutKeyGenerator(statement));
    }

    /** Whether {@code statement} has a {@code selectKey} run before it ({@code order="BEFORE"}, {@code before = true}). */
    private static boolean keyBefore(MappedStatement statement) {
        if (!(statement.getKeyGenerator() instanceof org.apache.ibatis.executor.keygen.SelectKeyGenerator generator)) {
            return false;
        }
        try {
            return EXECUTE_BEFORE != null && EXECUTE_BEFORE.getBoolean(generator);
        } catch (ReflectiveOperationException | RuntimeException unknown) {
            return false; // another MyBatis: its key is read after the call, as before
        }
    }

    /** MyBatis' flag of a {@code selectKey} run before its statement, which it does not expose; null if not found. */
    private static final java.lang.reflect.@Nullable Field EXECUTE_BEFORE = executeBefore();

    private static java.lang.reflect.@Nullable Field executeBefore() {
        try {
            java.lang.reflect.Field field = org.apache.ibatis.executor.keygen.SelectKeyGenerator.class
                    .getDeclaredField("executeBefore");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException unknown) {
            // said once, at class load: without the flag an id a selectKey BEFORE sets is read after the call only
            LoggerFactory.getLogger(MigrationContextInterceptor.class).warn("This MyBatis version has no readable"
                    + " SelectKeyGenerator.executeBefore ({}); an order or merchant id set by a selectKey BEFORE is"
                    + " not seen before the insert runs, so such an insert of an order switched apart from its merchant"
                    + " records a scoped resync of its table instead of syncing its row", unknown.toString());
            return null;
        }
    }

    /** A copy of {@code statement} that generates no key: the interceptor has run its {@code selectKey} already. */
    private static MappedStatement withoutKeyGenerator(MappedStatement statement) {
        return NewStoreReads.copy(statement, builder -> builder.keyGenerator(
                org.apache.ibatis.executor.keygen.NoKeyGenerator.INSTANCE));
    }

    /** Remembers the context of an update queued on a batching executor ({@code null}: none). */
    private void queue(Object executor, @Nullable MigrationContext context) {
        pending.merge(executor, context == null ? MIXED : context, (queued, next) -> queued.equals(next) ? queued : MIXED);
    }

    /**
     * Swaps a read for its new-store counterpart when it runs on the new store: routed there by a
     * {@link io.dualwrite.jdbc.ReadStoreOverride}, else on a session connection acquired there, else when the
     * context's read phase makes the new store authoritative.
     */
    private void route(Invocation invocation, MappedStatement statement, @Nullable Object parameter,
                       MigrationContext context) {
        String counterpart = readRoutes.get(statement.getId());
        if (counterpart == null || readResolver == null) {
            return;
        }
        MigrationContext ours = MigrationContext.forMigration(rules.migration())
                .orderId(context.orderId().orElse(null)).merchantId(context.merchantId().orElse(null))
                .userId(context.userId().orElse(null)).build();
        // a read routed to a store for one call (ReadStoreOverride: the starter's shadow and merged reads) runs as that
        // store's statement; by the phase alone it ran the other store's SQL there and failed every time (round 26)
        Store routed = io.dualwrite.jdbc.ReadStoreOverride.current(rules.migration()).orElse(null);
        Store store = routed != null ? routed : connectionStore((Executor) invocation.getTarget())
                .orElseGet(() -> readResolver.resolveRead(ours).phase().authoritative());
        if (store != Store.NEW) {
            return;
        }
        MappedStatement replacement = replacements.computeIfAbsent(statement.getId(),
                id -> NewStoreReads.inPlaceOf(statement, configuration.getMappedStatement(counterpart)));
        Object[] args = invocation.getArgs();
        args[0] = replacement;
        if (args.length == 6) {
            BoundSql bound = replacement.getBoundSql(parameter);
            args[5] = bound;
            args[4] = ((Executor) invocation.getTarget()).createCacheKey(replacement, parameter, (RowBounds) args[2], bound);
        }
        log.debug("mapper statement {} runs as {} on the new store", statement.getId(), counterpart);
    }

    /**
     * Sends the entries queued on a batching executor under the context they share, before a query: MyBatis' batch
     * executor flushes first thing in every query that reaches the database, and the query itself must then run
     * (and be routed) under its own ids, not the entries'. The batch results are dropped, as MyBatis drops them.
     */
    private void flushQueued(Executor executor) throws java.sql.SQLException {
        Object queued = pending.remove(executor);
        if (queued instanceof MigrationContext context) {
            try (MigrationContext.Scope scope = context.open()) {
                executor.flushStatements();
            }
            return;
        }
        executor.flushStatements();
    }

    /**
     * Whether a query may be answered from MyBatis' second-level cache without reaching the batch executor (and so
     * without flushing it): a cached statement read without a result handler.
     */
    private boolean mayAnswerFromCache(Invocation invocation) {
        Object[] args = invocation.getArgs();
        MappedStatement statement = (MappedStatement) args[0];
        return args.length > 3 && args[3] == null && configuration.isCacheEnabled() && statement.getCache() != null
                && statement.isUseCache();
    }

    /**
     * The store the session's connection already runs on: a {@code DualWriteDataSource} connection stays on the
     * store its first statement chose, so a later read of another merchant runs there whatever its own phase, and
     * must run as the statement for that store. Empty when the connection is not used yet (it will be acquired
     * under the read's own context) or is not one of a {@code DualWriteDataSource}.
     */
    private static java.util.Optional<Store> connectionStore(Executor executor) {
        try {
            org.apache.ibatis.transaction.Transaction transaction = executor.getTransaction();
            java.lang.reflect.Field field = transaction == null ? null : CONNECTION_FIELDS.get(transaction.getClass());
            // the field, not getConnection(): that opens the connection, here before the read's context is open
            Object connection = field == null ? null : field.get(transaction);
            if (connection == null && transaction != null) {
                connection = SpringBound.connection(transaction);
            }
            return connection instanceof java.sql.Connection opened
                    ? io.dualwrite.jdbc.DualWriteDataSource.storeOf(opened) : java.util.Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException unknown) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The field holding the connection a MyBatis {@code Transaction} opened ({@code JdbcTransaction},
     * {@code ManagedTransaction}, mybatis-spring's {@code SpringManagedTransaction}: {@code connection}), or null.
     */
    private static final ClassValue<java.lang.reflect.@Nullable Field> CONNECTION_FIELDS = new ClassValue<>() {
        @Override
        protected java.lang.reflect.@Nullable Field computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    java.lang.reflect.Field field = c.getDeclaredField("connection");
                    if (java.sql.Connection.class.isAssignableFrom(field.getType())) {
                        field.setAccessible(true);
                        return field;
                    }
                } catch (NoSuchFieldException | RuntimeException absent) {
                    // a superclass may hold it; an inaccessible one leaves routing by phase
                }
            }
            return null;
        }
    };

    /**
     * The connection Spring holds for the data source of mybatis-spring's {@code SpringManagedTransaction} before
     * that transaction fetched it: in a Spring transaction a plain JDBC statement may have put the bound
     * connection on its store already, and the mapper read then runs there. Read by reflection (Spring is optional):
     * {@code TransactionSynchronizationManager.getResource(dataSource)}, a {@code ConnectionHolder}'s connection.
     */
    private static final class SpringBound {
        private static final String MANAGER = "org.springframework.transaction.support.TransactionSynchronizationManager";

        static @Nullable Object connection(Object transaction) {
            try {
                java.lang.reflect.Field field = DATA_SOURCE_FIELDS.get(transaction.getClass());
                Object dataSource = field == null ? null : field.get(transaction);
                if (dataSource == null) {
                    return null;
                }
                Class<?> manager = Class.forName(MANAGER, false, transaction.getClass().getClassLoader());
                Object holder = manager.getMethod("getResource", Object.class).invoke(null, dataSource);
                return holder == null ? null : holder.getClass().getMethod("getConnection").invoke(holder);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException none) {
                return null; // no Spring, no bound connection, or a holder without one: routing by phase
            }
        }
    }

    /** The {@code dataSource} field of a MyBatis {@code Transaction} (mybatis-spring's), or null. */
    private static final ClassValue<java.lang.reflect.@Nullable Field> DATA_SOURCE_FIELDS = new ClassValue<>() {
        @Override
        protected java.lang.reflect.@Nullable Field computeValue(Class<?> type) {
            if (!type.getName().startsWith("org.mybatis.spring.")) {
                return null;
            }
            try {
                java.lang.reflect.Field field = type.getDeclaredField("dataSource");
                field.setAccessible(true);
                return javax.sql.DataSource.class.isAssignableFrom(field.getType()) ? field : null;
            } catch (NoSuchFieldException | RuntimeException absent) {
                return null;
            }
        }
    };

    /** Runs a call that sends queued batch entries under the context they share, if any. */
    private Object flushing(Invocation invocation, Object executor) throws Throwable {
        Object queued = pending.isEmpty() ? null : pending.remove(executor);
        // the entries' own context, also inside a scope opened since (a scope of another merchant that ends the unit
        // of work): it is the context each update ran under, an open one included, so an open context still wins
        if (queued instanceof MigrationContext context) {
            try (MigrationContext.Scope scope = context.open()) {
                return proceedRead(invocation); // a query answered from the cache: keyed by its store (commit: as is)
            }
        }
        if (queued == MIXED) {
            log.debug("a MyBatis batch of migration {} holds entries of different contexts: each entry follows the"
                    + " ids in its own SQL", rules.migration());
        }
        return proceedRead(invocation);
    }

    /** MyBatis' private field of the executor a {@link CachingExecutor} wraps, read on every mapper call. */
    private static final java.lang.reflect.@Nullable Field CACHING_DELEGATE =
            privateField(CachingExecutor.class, "delegate");
    /** MyBatis' private field of the object its {@code Plugin} proxy wraps. */
    private static final java.lang.reflect.@Nullable Field PLUGIN_TARGET =
            privateField(org.apache.ibatis.plugin.Plugin.class, "target");

    private static java.lang.reflect.@Nullable Field privateField(Class<?> type, String name) {
        try {
            java.lang.reflect.Field field = type.getDeclaredField(name);
            return field.trySetAccessible() ? field : null;
        } catch (NoSuchFieldException | RuntimeException unknown) {
            return null; // another MyBatis version: MetaObject finds the property as before
        }
    }

    /**
     * The value of the private {@code property} of {@code wrapper} that names what it wraps: read through {@code
     * field} (a field read), else through MyBatis' {@code MetaObject}, which built a wrapper and a tokenizer on every
     * call (in a JFR profile of H2 mapper inserts in OLD_ONLY, about a fifth of the interceptor's own samples).
     */
    private static @Nullable Object wrapped(java.lang.reflect.@Nullable Field field, Object wrapper, String property) {
        if (field != null) {
            try {
                return field.get(wrapper);
            } catch (IllegalAccessException unexpected) {
                // made accessible above; MetaObject as a fallback
            }
        }
        return ContextExtractor.meta(wrapper).getValue(property);
    }

    /**
     * Whether {@code executor} batches: a {@link BatchExecutor}, also behind MyBatis' {@link CachingExecutor} and
     * behind the proxies of other plugins (MyBatis' own {@code Plugin}, or ours) installed before this one.
     */
    static boolean batching(Object executor) {
        return innermost(executor) instanceof BatchExecutor;
    }

    /**
     * The executor behind MyBatis' {@link CachingExecutor} and the proxies of plugins (MyBatis' own {@code Plugin}, or
     * ours) around {@code executor}; null when a wrapper's target cannot be read.
     */
    static @Nullable Object innermost(Object executor) {
        Object current = executor;
        for (int depth = 0; depth < MAX_WRAPPERS && current != null; depth++) {
            if (current instanceof CachingExecutor) {
                current = wrapped(CACHING_DELEGATE, current, "delegate");
            } else if (java.lang.reflect.Proxy.isProxyClass(current.getClass())) {
                java.lang.reflect.InvocationHandler handler = java.lang.reflect.Proxy.getInvocationHandler(current);
                if (handler instanceof ExecutorPlugin ours) {
                    current = ours.target();
                } else if (handler instanceof org.apache.ibatis.plugin.Plugin) {
                    current = wrapped(PLUGIN_TARGET, handler, "target");
                } else {
                    return null; // another kind of proxy: its target is unknown
                }
            } else {
                return current;
            }
        }
        return null;
    }

    @Override
    public Object plugin(Object target) {
        return target instanceof Executor executor ? ExecutorPlugin.wrap(executor, this) : target;
    }

    @Override
    public String toString() {
        return "MigrationContextInterceptor[" + rules + "]";
    }
}
