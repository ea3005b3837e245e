package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.statement.RenderedSql;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.TxControl;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one interception class behind the Statement, PreparedStatement and CallableStatement proxies: it
 * records parameters and batch entries, runs the authoritative statement (prepared so that generated keys
 * come back for mapped inserts), and hands the mirror operations to the connection. Everything the
 * application sees (results, counts, keys, exceptions) is the authoritative driver's.
 */
final class StatementHandler implements InvocationHandler {

    private static final Logger log = LoggerFactory.getLogger(StatementHandler.class);

    private static final java.util.regex.Pattern RETURNING =
            java.util.regex.Pattern.compile("\\breturning\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

    private final ConnectionHandler connection;
    private final Statement physical;
    private final String kindName;
    private final @Nullable StatementAnalysis analysis;   // prepared statements only
    private final boolean identityPlan;
    /** The application's parameters, for a statement whose setter calls reach no driver until it executes. */
    private final int parameterCount;
    private final ParameterRecorder recorder;
    private final List<ParameterRecorder.Bound> batch = new ArrayList<>();
    private final List<String> batchSql = new ArrayList<>();
    /**
     * The context open when each batch entry was added (null where none was), by position: an entry is written under
     * the context it was added in, also when the batch is sent inside another scope or outside any.
     */
    private final List<@Nullable MigrationContext> batchContexts = new ArrayList<>();
    private final KeyTracker keys;
    private boolean closed;
    /**
     * {@code closeOnCompletion()} was called: kept here, not passed to the driver, which would close the statement
     * when the library closes result sets of its own (generated keys it asked for), where the application opened
     * none. The statement closes when the result sets the application received from it are closed.
     */
    private boolean closeOnCompletion;
    /** The driver's result sets of the current execution handed to the application and not closed by it. */
    private final java.util.Set<ResultSet> openResults = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>(2));
    /**
     * What runs when the application is done with a streamed result ({@link #finishResults}): the function-call
     * resync again, since the functions of a streamed query write as its rows are read.
     */
    private @Nullable Runnable afterResults;
    private @Nullable StatementAnalysis lastQuery;
    /** The statement last executed, whose generated keys getGeneratedKeys answers. */
    private @Nullable StatementAnalysis lastWrite;
    /** Whether the application asked for updatable result sets ({@code CONCUR_UPDATABLE}). */
    private final boolean updatable;
    /** What the result set of the last execution does around the rows it writes itself (updatable result sets). */
    private Wrappers.@Nullable RowWrites lastRowWrites;
    /** The proxy the application holds: what result sets answer to {@code getStatement()}. */
    private Statement self;
    /**
     * The {@code prepareStatement} method by which the application prepared a statement that the library prepared
     * asking for keys instead (two fields, not a record, to allocate nothing more per statement), which the driver
     * holds otherwise than the application's: PostgreSQL's with a {@code RETURNING} of the key columns, which {@code
     * getMetaData()} describes where the application's statement returns no rows; every driver's without the
     * result-set type, concurrency and holdability the application asked for ({@link #asAsked}).
     */
    private @Nullable Method preparedBy;
    /** The arguments of {@link #preparedBy}, with the SQL its store runs. */
    private Object @Nullable [] preparedWith;
    /** The statement as the application prepared it, made at the first {@link #asAsked}; closed with this one. */
    private @Nullable PreparedStatement preparedAsAsked;

    /** The session this statement belongs to. */
    ConnectionHandler session() {
        return connection;
    }

    private StatementHandler(ConnectionHandler connection, Statement physical, String kindName,
                             @Nullable StatementAnalysis analysis, boolean identityPlan, boolean appAskedKeys,
                             boolean updatable) {
        this.connection = connection;
        this.updatable = updatable;
        this.physical = physical;
        this.kindName = kindName;
        this.analysis = analysis;
        this.identityPlan = identityPlan;
        RenderedSql applicationPlan = analysis == null ? null : analysis.on(Store.OLD);
        this.parameterCount = identityPlan || applicationPlan == null ? -1 : applicationPlan.parameters().size();
        // setter calls are kept only where they are bound again: a rewritten statement, or a key pre-select
        this.recorder = new ParameterRecorder(connection.config.streamBufferLimit(), !identityPlan
                || (analysis != null && (analysis.keySelect(Store.OLD) != null || analysis.keySelect(Store.NEW) != null)));
        this.keys = new KeyTracker(appAskedKeys);
    }

    static Object create(ConnectionHandler connection, Method method, @Nullable Object[] args) throws Throwable {
        Connection physicalConnection = connection.physical();
        Store store = connection.store();
        String name = method.getName();
        if (name.equals("createStatement")) {
            Statement statement = (Statement) ConnectionHandler.call(physicalConnection, method, args);
            return proxy(new StatementHandler(connection, statement, "Statement", null, true, false,
                    updatable(name, args)), Statement.class);
        }
        String sql = (String) args[0];
        StatementAnalysis analysis = connection.config.analyzer().analyze(sql);
        if (analysis.kind() != SqlKind.SELECT && !analysis.mayWriteMapped()) {
            connection.beforeSessionChange(sql); // a prepared SET NAMES runs later: noted now
        }
        RenderedSql plan = analysis.on(store);
        if (analysis.mapped() && store == Store.NEW && plan == null) {
            throw new SQLException(Credentials.mask("statement cannot run on the new store (" + analysis.rewriteProblem()
                    + "): " + sql));
        }
        refuseUnanalysedOnNew(analysis, store);
        if (store == Store.NEW && analysis.kind() == SqlKind.MULTIPLE) {
            for (StatementAnalysis part : analysis.parts()) {
                if (part.mapped() && !part.mapping().isIdentity()) {
                    throw new SQLException("statement refused on the new store, which is authoritative for this"
                            + " write: a prepared string of several statements writes mapped table "
                            + part.mapping().oldTable() + ", which the new store holds as " + part.mapping().newTable()
                            + ", and is not rewritten statement by statement; prepare each statement on its own",
                            "0A000");
                }
            }
        }
        Object[] physicalArgs = inStoreNames(args.clone(), analysis, store);
        physicalArgs[0] = plan == null ? sql : plan.sql();
        boolean appAskedKeys = asksForKeys(args);
        Statement statement;
        boolean requestKeys = name.equals("prepareStatement") && analysis.mappedWrite()
                && (analysis.keysGenerated() || readsStoredKeys(analysis, connection.config.dialect(store))
                    || asksAutoIncrementKey(analysis, connection.config.dialect(store)))
                && !analysis.returning() && !appAskedKeys && (args.length == 1 || keysObtainable(args, sql))
                && insertReturns(connection, physicalConnection, analysis);
        if (requestKeys) {
            statement = KeyTracker.prepareWithKeys(physicalConnection, (String) physicalArgs[0], analysis, store,
                    connection.config.dialect(store));
        } else {
            statement = (Statement) ConnectionHandler.call(physicalConnection, method, physicalArgs);
        }
        boolean identity = plan == null || plan.isIdentityPlan();
        StatementHandler handler = new StatementHandler(connection, statement,
                name.equals("prepareCall") ? "CallableStatement" : "PreparedStatement", analysis, identity,
                appAskedKeys, updatable(name, args));
        if (requestKeys) {
            handler.keys.markRequestedByUs();
            handler.preparedBy = method;
            handler.preparedWith = physicalArgs;
        }
        return proxy(handler, name.equals("prepareCall") ? CallableStatement.class : PreparedStatement.class);
    }

    /**
     * Whether an insert prepared with arguments that do not ask for keys can be prepared with a key request
     * instead: {@code NO_GENERATED_KEYS}, or a result-set type, concurrency and holdability (which concern
     * only statements that return rows: an insert without {@code RETURNING} returns none).
     */
    private static boolean keysObtainable(Object[] args, String sql) {
        if (args.length == 2) {
            return args[1] instanceof Integer flag && flag == Statement.NO_GENERATED_KEYS;
        }
        return args.length >= 3 && !RETURNING.matcher(sql).find();
    }

    /**
     * The arguments with the column names of a {@code (sql, String[] columnNames)} call in the store's own names:
     * on the new store a renamed column is asked for by its new name ({@code qty} is {@code quantity} there).
     */
    private static Object[] inStoreNames(Object[] args, StatementAnalysis analysis, Store store) {
        if (store == Store.NEW && args.length == 2 && args[1] instanceof String[] names && analysis.mapping() != null) {
            String[] renamed = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                renamed[i] = name == null ? null : analysis.mapping().newColumn(name).orElse(name);
            }
            args[1] = renamed;
        }
        return args;
    }

    /**
     * Whether a statement is created for updatable result sets: the concurrency argument of
     * {@code createStatement(type, concurrency[, holdability])} or {@code prepareStatement/prepareCall(sql, type,
     * concurrency[, holdability])}.
     */
    private static boolean updatable(String name, @Nullable Object[] args) {
        int at = name.equals("createStatement") ? 1 : 2;
        return args != null && args.length > at && args[at] instanceof Integer concurrency
                && concurrency == ResultSet.CONCUR_UPDATABLE;
    }

    /**
     * What the result set of {@code query} does around a row it writes itself: {@link ConnectionHandler#rowWrite}.
     * The query's parameters are copied only for a statement created for updatable result sets (a driver refuses
     * row writes through any other); without them the write's phase is that of work without ids.
     */
    private Wrappers.RowWrites rowWrites(StatementAnalysis query, List<@Nullable Object> values) {
        List<@Nullable Object> ids = updatable ? new ArrayList<>(values) : List.of();
        return driverWrite -> connection.rowWrite(query, ids, driverWrite);
    }

    /**
     * Whether an insert or upsert is run asking the database for the keys it stored, although the statement names
     * them: on PostgreSQL and H2 the driver answers with the rows as stored, so a key the database decided otherwise
     * than the text (a {@code DEFAULT} among written keys, {@code OVERRIDING USER VALUE}, a trigger, a cast that
     * rounds) is still synced by key instead of costing a scoped resync, or a row left behind when the written key
     * happens to name another row. MySQL and MariaDB report only an auto-increment value: they keep the text's keys.
     */
    static boolean readsStoredKeys(StatementAnalysis analysis, @Nullable Dialect dialect) {
        return (dialect == Dialect.POSTGRESQL || dialect == Dialect.H2) && analysis.keysReportable();
    }

    /**
     * Whether the MySQL/MariaDB driver is asked for the key of a one-row insert that names no key value of its own
     * ({@code (id) VALUES (DEFAULT)}, {@code (id, code) VALUES (NULL, 'x')}, {@code VALUES ()}): the row's key is
     * then its {@code AUTO_INCREMENT} column's, which the driver reports ({@link
     * WriteExecution#oneRowKeyedByItsAutoIncrement} takes it only so). Such an insert is not {@link
     * StatementAnalysis#keysGenerated} (it names the key column, or no column at all), and without the driver's key
     * its table was resynced whole: the row names no unique value to find it by.
     */
    static boolean asksAutoIncrementKey(StatementAnalysis analysis, @Nullable Dialect dialect) {
        return dialect == Dialect.MYSQL && analysis.mapping() != null && analysis.kind() == SqlKind.INSERT
                && !analysis.keysGenerated() && !analysis.returning() && analysis.insertRows().size() == 1
                && analysis.insertKeys().isEmpty();
    }

    /**
     * Whether the driver may be asked for the keys of an insert into the statement's table ({@link
     * Metadata#insertReturns}: not on a PostgreSQL table with an {@code INSTEAD} rule on insert, which refuses the
     * {@code RETURNING} the request adds). Read once per table under a savepoint; a read that fails answers no, and
     * the keys are then found as without a request.
     */
    static boolean insertReturns(ConnectionHandler connection, Connection physical, StatementAnalysis analysis) {
        Store store = connection.store();
        Metadata metadata = connection.config.metadata();
        Boolean known = metadata.knownInsertReturns(store, analysis.mapping());
        if (known != null) {
            return known;
        }
        Dialect dialect = connection.config.dialect(store, physical);
        if (dialect != Dialect.POSTGRESQL) {
            return true;
        }
        try {
            return WriteExecution.guarded(physical, dialect, connection.inSqlTransaction(),
                    () -> metadata.insertReturns(store, physical, dialect, analysis.mapping()));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static boolean asksForKeys(Object[] args) {
        if (args.length != 2) {
            return false;
        }
        if (args[1] instanceof int[] || args[1] instanceof String[]) {
            return true;
        }
        // prepareStatement(String, int) is the only two-argument form with an int: its autoGeneratedKeys flag
        // (getParameterTypes() would copy the parameter array on every statement)
        return args[1] instanceof Integer flag && flag == Statement.RETURN_GENERATED_KEYS;
    }

    private static Object proxy(StatementHandler handler, Class<?> type) {
        Object created = DualWriteDataSource.newProxy(type, handler);
        handler.self = (Statement) created;
        return created;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "toString":
                return "DualWrite" + kindName + " wrapping " + Credentials.mask(String.valueOf(physical));
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "unwrap":
                return Wrappers.unwrap(proxy, physical, (Class<?>) args[0], "DualWrite" + kindName, connection);
            case "isWrapperFor":
                return Wrappers.isWrapperFor(proxy, physical, (Class<?>) args[0]);
            case "close":
                if (!closed) {
                    closed = true;
                    try {
                        physical.close();
                    } finally {
                        try {
                            if (preparedAsAsked != null) {
                                preparedAsAsked.close();
                            }
                        } finally {
                            finishResults();
                        }
                    }
                }
                return null;
            case "getMetaData":
            case "getResultSetType":
            case "getResultSetConcurrency":
            case "getResultSetHoldability":
                if (preparedBy != null && !physical.isClosed()) {
                    return asAsked(method, args);
                }
                break;
            case "getConnection":
                return connection.self();
            case "closeOnCompletion":
                if (physical.isClosed()) {
                    return ConnectionHandler.call(physical, method, args); // the driver's error for a closed statement
                }
                closeOnCompletion = true;
                return null;
            case "isCloseOnCompletion":
                physical.isCloseOnCompletion(); // the driver's error for a closed statement
                return closeOnCompletion;
            case "getWarnings":
                // MySQL/MariaDB: the session's warnings, kept for the application's last write (the library's
                // own statements after it reset them)
                return connection.warnings(physical);
            case "clearWarnings":
                connection.statementStarts();
                return ConnectionHandler.call(physical, method, args);
            case "getResultSet": {
                Object results = ConnectionHandler.call(physical, method, args);
                StatementAnalysis query = lastQuery;
                return Wrappers.resultSet(results instanceof ResultSet set && query != null && readsNewForm(query)
                        ? OldFormResultSet.wrap(set, query.mapping()) : (ResultSet) results, (Statement) proxy,
                        lastRowWrites);
            }
            case "getGeneratedKeys": {
                Dialect dialect = connection.config.dialect(connection.store());
                return Wrappers.resultSet(keys.forApplication(physical, dialect,
                        connection.store() == Store.NEW && lastWrite != null ? lastWrite.mapping() : null),
                        (Statement) proxy, null, dialect != Dialect.MYSQL);
            }
            case "clearParameters":
                recorder.clear();
                return ConnectionHandler.call(physical, method, args);
            case "addBatch":
                return addBatch(method, args);
            case "clearBatch":
                batch.clear();
                batchSql.clear();
                batchContexts.clear();
                return ConnectionHandler.call(physical, method, args);
            case "getMoreResults":
                return moreResults(method, args);
            case "cancel":
                try {
                    return ConnectionHandler.call(physical, method, args);
                } finally {
                    connection.cancelFor(physical); // also a statement the library runs for its execution
                }
            case "executeBatch":
            case "executeLargeBatch":
                return new BatchExecution(this, connection).run(method);
            case "execute":
            case "executeUpdate":
            case "executeLargeUpdate":
            case "executeQuery":
                return execute(method, args);
            default:
                break;
        }
        if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer
                && (method.getDeclaringClass() == PreparedStatement.class
                || method.getDeclaringClass() == CallableStatement.class)) {
            Object[] forward = recorder.forward(args);
            if (identityPlan) {
                // the driver first: what it refuses (an index out of range) is never recorded
                Object result = ConnectionHandler.call(physical, method, forward);
                recorder.record(method, args, -1);
                return result;
            }
            recorder.record(method, args, parameterCount);
            return null;
        }
        // a CallableStatement's out parameters (getArray, getObject of an ARRAY or a refcursor, getRef) lead back
        // to the driver's statement: wrapped like the values of a row
        return Wrappers.reachable(ConnectionHandler.call(physical, method, args), connection);
    }

    /**
     * What {@code method} ({@code getMetaData()}, {@code getResultSetType()}…) answers of the statement as the
     * application prepared it, where the library prepared it asking for keys: PostgreSQL's driver describes the
     * statement it holds, whose key request returns the key columns ({@code RETURNING "id"}) where the application's
     * returns no rows (the driver answers {@code null}), and a key request takes no result-set type, concurrency or
     * holdability. The application's statement is prepared (never run) on the same connection once, and asked.
     */
    private Object asAsked(Method method, @Nullable Object[] args) throws Throwable {
        PreparedStatement plain = preparedAsAsked;
        if (plain == null || plain.isClosed()) {
            plain = (PreparedStatement) ConnectionHandler.call(connection.physical(),
                    java.util.Objects.requireNonNull(preparedBy), java.util.Objects.requireNonNull(preparedWith));
            preparedAsAsked = plain;
        }
        return ConnectionHandler.call(plain, method, args);
    }

    private Object addBatch(Method method, @Nullable Object[] args) throws Throwable {
        batchContexts.add(MigrationContext.current().orElse(null));
        if (args == null || args.length == 0) {
            ParameterRecorder.Bound bound = recorder.copy();
            batch.add(bound);
            if (!identityPlan) {
                bindPhysical(bound);
            }
            return ConnectionHandler.call(physical, method, args);
        }
        String sql = (String) args[0];
        batchSql.add(sql);
        StatementAnalysis entry = connection.config.analyzer().analyze(sql);
        if (entry.kind() != SqlKind.SELECT && !entry.mayWriteMapped()) {
            connection.beforeSessionChange(sql);
        }
        return ConnectionHandler.call(physical, method, new Object[] {sqlFor(entry)});
    }

    private void bindPhysical(ParameterRecorder.Bound bound) throws SQLException {
        RenderedSql plan = analysis.on(connection.store());
        ParameterRecorder.bind((PreparedStatement) physical, plan, bound,
                connection.store() == Store.NEW ? analysis.mapping() : null);
    }

    /** The SQL a plain Statement runs on the connection's store. */
    private String sqlFor(StatementAnalysis statementAnalysis) throws SQLException {
        refuseUnanalysedOnNew(statementAnalysis, connection.store());
        if (connection.store() == Store.NEW && statementAnalysis.kind() == SqlKind.MULTIPLE
                && statementAnalysis.parts().stream().anyMatch(StatementAnalysis::mapped)) {
            // several statements in one string, some on mapped tables: each one rewritten for the new store's names
            List<String> rewritten = new java.util.ArrayList<>();
            for (StatementAnalysis part : statementAnalysis.parts()) {
                rewritten.add(sqlFor(part));
            }
            return String.join(";\n", rewritten);
        }
        if (!statementAnalysis.mapped() || connection.store() == Store.OLD) {
            return statementAnalysis.sql();
        }
        RenderedSql plan = statementAnalysis.on(Store.NEW);
        java.util.Optional<String> inlined = plan == null ? java.util.Optional.empty()
                : plan.withConstantsInlined(connection.config.dialect(Store.NEW));
        if (inlined.isEmpty()) {
            throw new SQLException("statement cannot run on the new store as a plain Statement ("
                    + (plan == null ? statementAnalysis.rewriteProblem() : "the rewrite needs parameters") + ")");
        }
        return inlined.get();
    }

    /**
     * On the new store (authoritative for this write), a statement the library cannot rewrite for the new store's
     * table and column names is refused, naming the statement, the table and what to do: sent unchanged it would
     * fail there or, worse, write a same-named table (the old one, when both live in one database). That is a
     * statement that could not be analysed (unparsable, or too long to parse), one whose rows cannot be named
     * ({@code TRUNCATE}, {@code MERGE}, a data-modifying {@code WITH}, {@code DROP}, {@code RENAME} or {@code ALTER}
     * of the table), and each such statement inside a string of several. Unless every such table keeps its name
     * and columns on the new store.
     */
    private static void refuseUnanalysedOnNew(StatementAnalysis analysis, Store store) throws SQLException {
        if (store != Store.NEW) {
            return;
        }
        if (analysis.kind() == SqlKind.UNKNOWN || analysis.kind() == SqlKind.BULK_WRITE) {
            for (io.dualwrite.mapping.TableMapping mapping : analysis.resyncTables()) {
                if (!mapping.isIdentity()) {
                    throw refusedOnNew(analysis, mapping);
                }
            }
        }
        for (StatementAnalysis part : analysis.parts()) {
            refuseUnanalysedOnNew(part, store);
        }
    }

    private static SQLException refusedOnNew(StatementAnalysis analysis, io.dualwrite.mapping.TableMapping mapping) {
        String what = io.dualwrite.jdbc.statement.SqlText.statementWords(analysis.sql())
                + (analysis.kind() == SqlKind.UNKNOWN ? " (not analysed: unparsable, or longer than "
                        + io.dualwrite.jdbc.statement.StatementAnalyzer.MAX_ANALYZED_LENGTH + " chars)" : "");
        return new SQLException("statement refused on the new store, which is authoritative for this write: " + what
                + " on mapped table " + mapping.oldTable() + " cannot be rewritten for the new store, where the table is "
                + mapping.newTable() + (mapping.newTable().equalsIgnoreCase(mapping.oldTable()) ? " with other columns" : "")
                + ", nor mirrored by key. Run it on the new store's " + mapping.newTable() + " directly (and on the old"
                + " store's " + mapping.oldTable() + " if it must change too) and record a scoped resync of "
                + mapping.oldTable() + ", or send it while the old store is authoritative for it (DUAL_WRITE or an"
                + " earlier phase)", "0A000");
    }

    private Object execute(Method method, @Nullable Object[] args) throws Throwable {
        connection.statementStarts();
        resultsReplaced();
        boolean plain = args != null && args.length > 0;
        StatementAnalysis sent = plain ? connection.config.analyzer().analyze((String) args[0]) : analysis;
        if (sent == null) {
            lastWrite = null;
            return Wrappers.reachable(ConnectionHandler.call(physical, method, args), connection);
        }
        // what the statement does is read from the text as the server runs its executable comments (/*!99999 … */),
        // which the analysis shared by every server cannot know; the text sent is the application's
        StatementAnalysis statementAnalysis = connection.controlAsRun(sent);
        lastWrite = statementAnalysis;
        connection.checkReadRoute(statementAnalysis);
        Object[] physicalArgs = args;
        if (plain) {
            physicalArgs = inStoreNames(args.clone(), sent, connection.store());
            physicalArgs[0] = sqlFor(sent);
            keys.appAsked(asksForKeys(args));
        }
        if (statementAnalysis.txControl() != TxControl.NONE) {
            Object[] callArgs = physicalArgs;
            Method callMethod = method;
            if (statementAnalysis.txControl() == TxControl.MIXED) {
                return connection.mixedControl(statementAnalysis,
                        () -> ConnectionHandler.call(physical, callMethod, callArgs));
            }
            return connection.transactionControl(statementAnalysis.txControl(), statementAnalysis.sql(),
                    () -> ConnectionHandler.call(physical, callMethod, callArgs));
        }
        if (statementAnalysis.kind() == SqlKind.OTHER && !statementAnalysis.resyncTables().isEmpty()
                && io.dualwrite.jdbc.statement.SqlText.isProcedureCall(statementAnalysis.sql())) {
            connection.beforeOtherStatement(statementAnalysis.sql(), true);
        }
        // the mapped tables that functions the statement calls may write (SELECT bump(1)): read before it runs
        List<io.dualwrite.mapping.TableMapping> routineTables = connection.routineTables(statementAnalysis);
        if (!statementAnalysis.mayWriteMapped()) {
            if (!plain && !identityPlan) {
                bindPhysical(recorder.view());
            }
            if (statementAnalysis.kind() != SqlKind.SELECT) {
                connection.beforeSessionChange(statementAnalysis.sql());
            }
            boolean commits = statementAnalysis.kind() != SqlKind.SELECT
                    && connection.beforeOtherStatement(statementAnalysis.sql(), false);
            lastQuery = statementAnalysis;
            lastRowWrites = rowWrites(statementAnalysis, plain ? List.of() : recorder.view().values());
            if (statementAnalysis.writesNamedTable()) {
                connection.beforeWrite(statementAnalysis);
            }
            Object result;
            try {
                result = ConnectionHandler.call(physical, method, physicalArgs);
            } catch (Throwable e) {
                connection.tableLocksAfter(statementAnalysis.sql(), false); // a failed LOCK TABLES released the locks
                throw e;
            }
            if (statementAnalysis.kind() != SqlKind.SELECT) {
                connection.holdWarnings(); // before the catalog reads of cascades and views below
            }
            connection.afterOtherStatement(statementAnalysis); // first: LOCK TABLES holds what its commit hands over
            if (commits) {
                connection.afterImplicitCommit();
            }
            boolean cascaded = statementAnalysis.writesNamedTable() && !changedNothing(statementAnalysis, result)
                    && connection.cascade(statementAnalysis, () -> connection.contextFor(statementAnalysis, List.of()));
            if (connection.resyncRoutineTables(routineTables,
                    () -> connection.contextFor(statementAnalysis, plain ? List.of() : recorder.view().values()))
                    || cascaded) {
                connection.afterWrite(false); // in auto-commit, the resync is handed over now
            }
            if (result instanceof ResultSet results) {
                if (!routineTables.isEmpty() && streamed()) {
                    // MySQL/MariaDB run a streamed query's functions as its rows are read, and an auto-commit
                    // statement commits when the last row is: the resync handed over now may be resolved before
                    // the last writes, so it is recorded once more when the application is done with the rows
                    List<Object> values = plain ? List.of() : List.copyOf(recorder.view().values());
                    afterResults = () -> {
                        if (connection.resyncRoutineTables(routineTables,
                                () -> connection.contextFor(statementAnalysis, values))) {
                            try {
                                connection.afterWrite(false);
                            } catch (SQLException | RuntimeException e) {
                                log.debug("a function-call resync waits for the transaction's end: {}", Credentials.mask(e.toString()));
                            }
                        }
                    };
                }
                return Wrappers.resultSet(readsNewForm(statementAnalysis)
                        ? OldFormResultSet.wrap(results, statementAnalysis.mapping()) : results, self, lastRowWrites);
            }
            return result;
        }
        ParameterRecorder.Bound bound = plain ? ParameterRecorder.Bound.NONE : recorder.view();
        MigrationContext context = connection.contextFor(statementAnalysis, bound.values());
        MigrationPhase phase = connection.phaseForWrite(context, statementAnalysis);
        boolean mirrors = phase.writes(connection.store().other());
        if (!mirrors && connection.mayMirrorByStoredKey(statementAnalysis)
                && new WriteExecution(connection, statementAnalysis, context, phase).rowIdsMayMove(connection.physical())) {
            // a trigger may give the row another key or order or merchant id than the statement's: decided, like a
            // generated key, by the ids the row is stored under, which the copier reads with the row
            phase = connection.upgradeForStoredKey();
            mirrors = true;
        }
        // an id rule is decided with the id the row really gets: an insert whose order id is its generated key
        // may mirror once the key is known, although its phase without the id does not
        boolean byGeneratedKey = !mirrors && connection.mayMirrorByGeneratedKey(statementAnalysis);
        boolean storedKeys = readsStoredKeys(statementAnalysis, connection.config.dialect(connection.store()))
                || asksAutoIncrementKey(statementAnalysis, connection.config.dialect(connection.store()));
        boolean generatedKeys = (mirrors || byGeneratedKey) && statementAnalysis.mappedWrite()
                && (statementAnalysis.keysGenerated() || storedKeys) && !statementAnalysis.returning();
        if (plain && generatedKeys && (args.length == 1
                || Integer.valueOf(Statement.NO_GENERATED_KEYS).equals(args[1]))
                && !method.getName().equals("executeQuery")
                && insertReturns(connection, connection.physical(), statementAnalysis)) {
            physicalArgs = keys.keyedArgs(physicalArgs, statementAnalysis, connection.store(),
                    connection.config.dialect(connection.store()));
            method = KeyTracker.keyedMethod(method, physicalArgs[1]);
        }
        // keys the application did not ask for come back as rows on PostgreSQL (RETURNING): a maxRows of the
        // application's would cut them, and the update count with them
        int maxRows = generatedKeys && keys.requestedByUsOnly() ? physical.getMaxRows() : 0;
        Connection physicalConnection = connection.physical();
        WriteExecution write = mirrors && statementAnalysis.mappedWrite()
                ? new WriteExecution(connection, statementAnalysis, context, phase) : null;
        boolean preselects = write != null && write.preselects(physicalConnection, bound);
        boolean permanent = write != null && write.permanent(physicalConnection);
        boolean wrapped = connection.opensWriteTransaction(mirrors, preselects);
        if (wrapped) {
            connection.beginWriteTransaction(physicalConnection);
        }
        // TRUNCATE, DROP, RENAME or ALTER of a mapped table, or DDL among several statements: on MySQL, MariaDB and
        // H2 it commits the open transaction, whose keys must then be synced even if the application rolls back
        boolean commits = !statementAnalysis.mappedWrite()
                && !io.dualwrite.jdbc.statement.SqlText.isProcedureCall(statementAnalysis.sql())
                && connection.beforeOtherStatement(statementAnalysis.sql(), false);
        try {
            List<List<Object>> preselected = null;
            if (write != null) {
                connection.ownStatementsFor(physical); // its timeout and cancel() reach the library's statements
                try {
                    preselected = preselects ? write.preselect(physicalConnection, bound) : null;
                } finally {
                    connection.ownStatementsFor(null);
                }
            }
            if (write != null) {
                write.beforeRemoving(bound, preselected);
            }
            if (!plain && !identityPlan) {
                bindPhysical(bound);
            }
            keys.reset();
            lastRowWrites = rowWrites(statementAnalysis, bound.values());
            if (write != null) {
                write.beforeRun(physicalConnection);
            }
            if (mirrors || byGeneratedKey) {
                connection.beforeWrite(statementAnalysis);
            }
            Object result;
            if (maxRows == 0) {
                result = ConnectionHandler.call(physical, method, physicalArgs);
            } else {
                physical.setMaxRows(0);
                try {
                    result = ConnectionHandler.call(physical, method, physicalArgs);
                } finally {
                    physical.setMaxRows(maxRows);
                }
            }
            connection.holdWarnings(); // MySQL/MariaDB: before any statement of the library's
            if (mirrors) {
                collect(statementAnalysis, write, bound, result, preselected, context, physicalConnection);
                if (write != null) {
                    write.settleRemovals();
                }
                if (!changedNothing(statementAnalysis, result)) {
                    connection.cascade(statementAnalysis, () -> context);
                }
            } else if (byGeneratedKey) {
                collectByGeneratedKey(statementAnalysis, context, result, physicalConnection);
            }
            connection.resyncRoutineTables(routineTables, () -> context);
            if (permanent) {
                connection.writesStay(write.mapping(), false, context);
            }
            if (statementAnalysis.kind() == SqlKind.MULTIPLE || !statementAnalysis.mappedWrite()) {
                connection.afterOtherStatement(statementAnalysis); // DDL (also among other statements), LOCK TABLES
            }
            if (commits) {
                connection.afterImplicitCommit(); // the statement's own resync and the keys before it
            }
            connection.afterWrite(wrapped);
            return result instanceof ResultSet results ? Wrappers.resultSet(results, self, lastRowWrites) : result;
        } catch (Throwable e) {
            if (write != null) {
                write.settleRemovals();
            }
            if (wrapped) {
                connection.undoWriteTransaction(physicalConnection, e);
                connection.buffer().rollback();
            }
            if (permanent) {
                connection.writesStay(write.mapping(), true, context); // rows before the failure stay written
            }
            if (mirrors && io.dualwrite.jdbc.statement.SqlText.mayCommitInside(statementAnalysis.sql())) {
                connection.afterFailedRoutine(statementAnalysis, context);
            }
            throw e;
        }
    }

    /**
     * For an insert that did not mirror by its context: the generated keys whose own phase mirrors. A MySQL/MariaDB
     * driver reports a multi-row insert's first key only: the others are derived where that is exact ({@link
     * ConnectionHandler#consecutiveKeys}); otherwise, or with fewer keys than rows, any of the rows may be one whose
     * order mirrors, and the table is resynced.
     */
    private void collectByGeneratedKey(StatementAnalysis statementAnalysis, MigrationContext context, Object result,
                                       Connection physicalConnection) {
        try {
            List<List<Object>> generated = keys.read(physical, statementAnalysis, connection.store());
            long count = updateCount(result);
            if (generated.size() == 1 && count > 1) {
                List<List<Object>> derived = connection.consecutiveKeys(statementAnalysis, generated.get(0), count,
                        WriteExecution.warned(connection, physicalConnection), true);
                generated = derived == null ? generated : derived;
            }
            if (count > generated.size()) {
                connection.buffer().resync(statementAnalysis.mapping(), null,
                        generated.size() == 1 ? "keys-not-consecutive" : "keys-not-returned", context);
            }
            for (List<Object> key : generated) {
                connection.bufferIfKeyMirrors(statementAnalysis.mapping(), key, context);
            }
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "keys/" + statementAnalysis.mapping().oldTable(),
                    "could not read the generated keys of an insert on {}: {}", statementAnalysis.mapping().oldTable(),
                    Credentials.mask(e.toString()));
            connection.buffer().resync(statementAnalysis.mapping(), null, "keys-not-returned", context);
        }
    }

    /** The keys (or scoped resyncs) of a successful write; a problem here never reaches the caller. */
    private void collect(StatementAnalysis statementAnalysis, @Nullable WriteExecution write,
                         ParameterRecorder.Bound bound, Object result, @Nullable List<List<Object>> preselected,
                         MigrationContext context, Connection physicalConnection) {
        WriteExecution.resyncTables(connection, statementAnalysis, context);
        if (statementAnalysis.kind() == SqlKind.MULTIPLE) {
            WriteExecution.collectParts(connection, statementAnalysis, bound,
                    part -> connection.contextFor(part, bound.values()), physicalConnection,
                    WriteExecution.warned(connection, physicalConnection));
            return;
        }
        if (write == null) {
            return;
        }
        boolean warned = WriteExecution.warned(connection, physicalConnection);
        write.storeWarned(warned);
        List<List<Object>> generated = List.of();
        long count = -1;
        try {
            count = updateCount(result);
            if (!statementAnalysis.keysGenerated()
                    && readsStoredKeys(statementAnalysis, connection.config.dialect(connection.store()))) {
                // the keys as stored, when the driver was asked for them (by the library or the application)
                generated = keys.read(physical, statementAnalysis, connection.store());
                write.keysReported(generated);
            } else if (asksAutoIncrementKey(statementAnalysis, connection.config.dialect(connection.store()))) {
                generated = keys.read(physical, statementAnalysis, connection.store()); // the AUTO_INCREMENT's key
            } else if (statementAnalysis.keysGenerated()) {
                generated = statementAnalysis.returning()
                        ? connection.lastGeneratedKey(statementAnalysis, count)
                        : keys.read(physical, statementAnalysis, connection.store());
                if (statementAnalysis.kind() == SqlKind.INSERT && generated.size() == 1 && count > 1) {
                    List<List<Object>> derived = connection.consecutiveKeys(statementAnalysis, generated.get(0), count,
                            warned, true);
                    if (derived == null) {
                        write.keysNotDerivable(); // found by the rows' values, or resynced
                    } else {
                        generated = derived;
                        if (generated.size() > 1) {
                            write.keysDerived();
                        }
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "keys/" + statementAnalysis.mapping().oldTable(),
                    "could not read the generated keys of a {} on {}: {}",
                    statementAnalysis.kind(), statementAnalysis.mapping().oldTable(), Credentials.mask(e.toString()));
        }
        write.collect(physicalConnection, bound, count, generated, preselected);
        if (keysMayBeCut(statementAnalysis, generated)) {
            // PostgreSQL's driver returns the keys the application asked for as rows of a RETURNING, which its own
            // maxRows cuts (and the update count with them): the rows past the cut were written all the same
            write.resync(bound, "keys-cut-by-max-rows");
        }
    }

    /**
     * Whether the keys just read from the driver ({@code generated}) may be fewer than the rows written: on
     * PostgreSQL, keys the application asked for come back as the rows of a {@code RETURNING}, and the statement's
     * {@code maxRows} (the application's, left in force so that it sees what the driver gives) stops them at that
     * many. Keys only the library asked for are read with no {@code maxRows} at all. Not cut: a key for each row of
     * a {@code VALUES} list (a single-row insert under {@code maxRows} 1 keeps its key exact).
     */
    private boolean keysMayBeCut(StatementAnalysis statementAnalysis, List<List<Object>> generated) {
        if (generated.isEmpty() || keys.requestedByUsOnly()
                || connection.config.dialect(connection.store()) != Dialect.POSTGRESQL
                || !statementAnalysis.insertRows().isEmpty() && generated.size() >= statementAnalysis.insertRows().size()) {
            return false;
        }
        try {
            long maxRows = physical.getMaxRows();
            return maxRows > 0 && generated.size() >= maxRows;
        } catch (SQLException | RuntimeException e) {
            return true; // unknown: the keys may be cut
        }
    }

    private boolean readsNewForm(StatementAnalysis statementAnalysis) {
        return statementAnalysis.mapped() && statementAnalysis.kind() == SqlKind.SELECT && connection.store() == Store.NEW;
    }

    /**
     * Whether a delete or update reported that it changed no row: nothing cascades from it. Not a {@code TRUNCATE}
     * or an upsert, whose counts say nothing of the rows they removed, nor a statement that writes other tables too
     * (a multi-table write, a data-modifying {@code WITH} item), whose count does not tell theirs.
     */
    private boolean changedNothing(StatementAnalysis statementAnalysis, Object result) {
        if (statementAnalysis.kind() != SqlKind.DELETE && statementAnalysis.kind() != SqlKind.UPDATE
                || !statementAnalysis.otherWritten().isEmpty()) {
            return false; // the count is the first target's: other targets and WITH items may have changed rows
        }
        try {
            return updateCount(result) == 0;
        } catch (SQLException | RuntimeException unknown) {
            return false;
        }
    }

    private long updateCount(Object result) throws SQLException {
        if (result instanceof Number number) {
            return number.longValue();
        }
        if (result instanceof Boolean isResultSet) {
            return isResultSet ? -1 : physical.getUpdateCount();
        }
        return -1; // a result set (RETURNING): count unknown, keep every key
    }

    /**
     * An execution starts: the driver closes the result sets of the previous one (not MariaDB's, which stay
     * readable). PostgreSQL's driver counts that close for {@code closeOnCompletion}: the statement is closed, and
     * the execution fails as it does there.
     */
    void resultsReplaced() throws SQLException {
        finishResults();
        Dialect dialect = connection.config.dialect(connection.store());
        if (closeOnCompletion && !openResults.isEmpty() && dialect == Dialect.POSTGRESQL) {
            closed = true;
            physical.close();
        }
        if (dialect != Dialect.MYSQL) {
            openResults.clear(); // MariaDB's driver keeps them open and readable (it read them whole)
        }
    }

    /**
     * {@code getMoreResults}: the driver closes the current result set (unless asked to keep it), which MariaDB's
     * counts for {@code closeOnCompletion}: the statement is then closed as there.
     */
    private Object moreResults(Method method, @Nullable Object[] args) throws Throwable {
        boolean keeps = args != null && args.length == 1 && Integer.valueOf(Statement.KEEP_CURRENT_RESULT).equals(args[0]);
        boolean hadResults = !openResults.isEmpty();
        Object more = ConnectionHandler.call(physical, method, args);
        if (!keeps) {
            finishResults();
            openResults.clear();
            if (connection.config.dialect(connection.store()) != Dialect.MYSQL) {
                // pgjdbc closes the generated keys with the current result, and H2 forgets them: the application's
                // getGeneratedKeys() now answers what its driver does, not the copy the library read for the mirror
                keys.reset();
            }
            if (hadResults && closeOnCompletion && !closed
                    && connection.config.dialect(connection.store()) == Dialect.MYSQL) {
                closed = true;
                physical.close();
            }
        }
        return more;
    }

    /** Whether the driver streams this statement's rows from the server as they are read (MariaDB, fetch size set). */
    private boolean streamed() throws SQLException {
        return connection.config.dialect(connection.store()) == Dialect.MYSQL && physical.getFetchSize() > 0;
    }

    /** The application is done with the current execution's rows (closed them, the statement, or ran another). */
    private void finishResults() {
        Runnable after = afterResults;
        if (after != null) {
            afterResults = null;
            after.run();
        }
    }

    /** A result set of this statement was handed to the application ({@link Wrappers#resultSet}). */
    void resultOpened(ResultSet results) {
        openResults.add(results);
    }

    /**
     * The application closed a result set of this statement: with {@code closeOnCompletion}, maybe the statement.
     * One of an earlier execution, already closed by the driver, changes nothing.
     */
    void resultClosed(ResultSet results) throws SQLException {
        if (!openResults.remove(results)) {
            return;
        }
        if (openResults.isEmpty()) {
            finishResults();
        }
        // MariaDB's driver completes the statement when any of its result sets closes
        if (closeOnCompletion && !closed && (openResults.isEmpty()
                || connection.config.dialect(connection.store()) == Dialect.MYSQL)) {
            closed = true;
            physical.close();
        }
    }

    // accessors for BatchExecution
    Statement physical() {
        return physical;
    }

    @Nullable StatementAnalysis analysis() {
        return analysis;
    }

    /** Notes the statement a batch runs (a prepared one; {@code null} for a plain batch of several texts). */
    void batchRan(@Nullable StatementAnalysis ran) {
        lastWrite = ran;
    }

    List<ParameterRecorder.Bound> batch() {
        return batch;
    }

    List<String> batchSql() {
        return batchSql;
    }

    List<@Nullable MigrationContext> batchContexts() {
        return batchContexts;
    }

    KeyTracker keys() {
        return keys;
    }

}
