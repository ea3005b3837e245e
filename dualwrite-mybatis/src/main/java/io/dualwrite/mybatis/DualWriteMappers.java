package io.dualwrite.mybatis;

import io.dualwrite.DualWriter;
import io.dualwrite.KeyedStore;
import io.dualwrite.MigrationContext;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.copy.CopierSession;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.reflection.ParamNameResolver;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mapper-level entry for applications whose old and new stores have separate {@link SqlSessionFactory}s (no
 * {@code DualWriteDataSource} underneath). {@link #mapper(Class)} returns a proxy of a mapper interface: each call
 * runs on the session factory of the store the phase makes authoritative, in its own session, committed before
 * the call returns (a read returning a {@code Cursor} keeps its session until the cursor is closed or read to its
 * end). A write method — marked {@link DualWrite} on the interface, or named by {@link Builder#statement}
 * — then has its key synced to the other store through {@link DualWriter#writeState}: the row is read back by key
 * from the authoritative store and upserted into the other one (or deleted there), by the statements of
 * {@link Builder#table}. That is a transfer of state, never a replay of the method; a sync that fails is recorded
 * in the change log, one entry per key, and never reaches the caller.
 *
 * <p>The context is the open {@link MigrationContext}, else the one {@link ContextRules} find in the call's
 * parameters, else one without ids (the resolver's system phase). The key is the {@link DualWrite#key()} argument:
 * its text when it is a simple value, else its key property (the statement's {@code keyProperty}, else {@code id})
 * read after the call, so that a key MyBatis generated is the one synced; {@link DualWrite#ORDER_ID} takes the
 * context's order id. The phase is resolved before the call and again by {@code writeState} after it: a switch
 * flipped in between changes only which direction that one sync takes. An update or a delete reads its row
 * first and also syncs the key as the store holds it (a case- or accent-insensitive collation deletes row
 * {@code 'c0'} for key {@code 'C0'}; MariaDB's {@code WHERE id = 7} updates row {@code '007'}).
 *
 * <p>A {@code default} method's body runs on the proxy: each mapper method it calls is a call of its own, as
 * above (its own session, its own sync when marked).
 */
public final class DualWriteMappers {

    /** One write statement named without the annotation. */
    private record Write(String table, int keyArgument, Operation operation) {
    }

    /** How to read, upsert and delete a table's rows by key on one store: statement ids. */
    private record TableStatements(String read, List<String> upserts, List<String> deletes) {
    }

    private static final Logger log = LoggerFactory.getLogger(DualWriteMappers.class);
    private final DualWriter writer;
    private final String migration;
    private final Map<Store, SqlSessionFactory> factories;
    private final ContextExtractor extractor;
    private final Map<String, Write> writes;
    private final Map<String, Map<Store, TableStatements>> tables;
    private final java.time.Duration outboxGrace;

    private DualWriteMappers(Builder builder) {
        this.writer = builder.writer;
        this.outboxGrace = builder.outboxGrace;
        this.migration = builder.migration;
        this.factories = new EnumMap<>(builder.factories);
        this.extractor = new ContextExtractor(builder.rules, factories.get(Store.OLD).getConfiguration());
        this.writes = Map.copyOf(builder.writes);
        Map<String, Map<Store, TableStatements>> copy = new LinkedHashMap<>();
        builder.tables.forEach((table, sides) -> copy.put(table, new EnumMap<>(sides)));
        this.tables = Map.copyOf(copy);
    }

    /** Starts a builder for one migration whose writes {@code writer} resolves, mirrors and records. */
    public static Builder builder(DualWriter writer, String migration) {
        return new Builder(writer, migration);
    }

    /**
     * A proxy of {@code mapperType}; both session factories must know the mapper.
     *
     * @throws IllegalArgumentException when a factory lacks the mapper, or a write names a table with no statements, a
     *                                  key argument the method does not have, or several key properties none of
     *                                  which is the table's key
     */
    @SuppressWarnings("unchecked")
    public <M> M mapper(Class<M> mapperType) {
        for (Store store : Store.values()) {
            if (!factories.get(store).getConfiguration().hasMapper(mapperType)) {
                throw new IllegalArgumentException("the " + store + " store's SqlSessionFactory does not know mapper "
                        + mapperType.getName() + "; add it to both configurations");
            }
        }
        for (Method method : mapperType.getMethods()) {
            Write write = writeOf(mapperType, method);
            if (write != null && !tables.containsKey(write.table())) {
                throw new IllegalArgumentException(mapperType.getName() + "." + method.getName() + " writes table '"
                        + write.table() + "', which has no read/upsert/delete statements; add Builder.table(\""
                        + write.table() + "\", …) for both stores");
            }
            if (write != null && write.keyArgument() >= method.getParameterCount()) {
                // every call would find no key and leave a scoped resync of the whole table instead of a sync
                throw new IllegalArgumentException(mapperType.getName() + "." + method.getName() + " names argument "
                        + write.keyArgument() + " as its key, but takes " + method.getParameterCount() + " argument"
                        + (method.getParameterCount() == 1 ? "" : "s") + " (counted from 0); fix the key of its"
                        + " @DualWrite or Builder.statement(…)");
            }
            if (write != null) {
                String statementId = mapperType.getName() + "." + method.getName();
                for (Store store : Store.values()) {
                    keyProperty(statementId, write, store); // refuses several key properties none of them the key
                }
                if (write.keyArgument() >= 0) {
                    // every call would find no key and leave a scoped resync of the whole table instead of a sync
                    String property = keyProperty(statementId, write, Store.OLD);
                    String why = StartupCheck.unreadableKey(factories.get(Store.OLD).getConfiguration(), mapperType,
                            method, write.keyArgument(), property);
                    if (why != null) {
                        throw new IllegalArgumentException(statementId + " names argument " + write.keyArgument()
                                + " as its key, whose key property '" + property + "' cannot be read: " + why
                                + "; name the property with the statement's keyProperty, or pass the key itself");
                    }
                }
            }
        }
        InvocationHandler handler = (proxy, method, args) -> invoke(proxy, mapperType, method, args);
        return (M) Proxy.newProxyInstance(mapperType.getClassLoader(), new Class<?>[] {mapperType}, handler);
    }

    private @Nullable Write writeOf(Class<?> mapperType, Method method) {
        DualWrite annotation = method.getAnnotation(DualWrite.class);
        if (annotation != null) {
            return new Write(annotation.table(), annotation.key(), annotation.operation());
        }
        return writes.get(mapperType.getName() + "." + method.getName());
    }

    private @Nullable Object invoke(Object proxy, Class<?> mapperType, Method method, Object @Nullable [] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "toString" -> "DualWriteMappers proxy of " + mapperType.getName();
                case "hashCode" -> System.identityHashCode(this);
                case "equals" -> args != null && args.length == 1 && args[0] == proxy;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
        String statementId = mapperType.getName() + "." + method.getName();
        Object[] arguments = args == null ? new Object[0] : args;
        MigrationContext context = contextOf(statementId, method, arguments);
        Write write = writeOf(mapperType, method);
        if (write == null) {
            if (method.isDefault()) {
                return callDefault(proxy, method, arguments);
            }
            List<String> written = unmarkedWrites(statementId, method, arguments);
            if (written.isEmpty()) {
                return call(writer.readPhaseOf(context).authoritative(), mapperType, method, arguments, null);
            }
            return unmarkedWrite(statementId, mapperType, method, arguments, context, written);
        }
        Store authoritative = writer.phaseOf(context).authoritative();
        List<MigrationContext> elementContexts = elementContexts(statementId, method, write, arguments, context);
        String stored = storedSpelling(statementId, write, arguments, authoritative, context);
        boolean takenBefore = write.operation() == Operation.INSERT
                && keyTakenBefore(statementId, method, write, arguments, context, authoritative);
        // a session joining a transaction of the caller (a Spring one) commits nothing: sync once that one commits;
        // decided again from the session's connection once the call has run
        OuterTransactions.Commit[] commit = {OuterTransactions.joined(factories.get(authoritative))
                ? OuterTransactions.Commit.JOINED : OuterTransactions.Commit.DONE};
        Object result;
        try {
            result = method.isDefault() ? callDefault(proxy, method, arguments)
                    : call(authoritative, mapperType, method, arguments, commit);
        } catch (Throwable failure) {
            if (commit[0] == OuterTransactions.Commit.JOINED) {
                afterCompletion(statementId, write.table(), context, authoritative, unlessUndone(
                        () -> syncAfterFailure(statementId, method, write, arguments, context, authoritative, failure)));
            } else {
                syncAfterFailure(statementId, method, write, arguments, context, authoritative, failure);
            }
            throw failure;
        }
        MigrationContext after = context;
        List<MigrationContext> afterElements = elementContexts;
        if (LazyLoads.openOf(migration) == null) {
            // the ids again, with what MyBatis set during the call: an order id the database generated, read
            // before the call, was missing, and the row of an order switched apart from its merchant was synced
            // under the merchant's phase (or not at all), unrecorded; a key of DualWrite.ORDER_ID was not found
            after = contextOf(statementId, method, arguments);
            afterElements = elementContexts(statementId, method, write, arguments, after);
        }
        List<String> keys;
        try {
            keys = keysOf(statementId, method, write, arguments, after, authoritative);
        } catch (RuntimeException unknown) { // no key after the call: a default the database filled, a list…
            if (commit[0] == OuterTransactions.Commit.JOINED) {
                afterCompletion(statementId, write.table(), context, authoritative, unlessUndone(() -> resync(
                        statementId, write, context, authoritative, "key-unknown", unknown.toString())));
            } else {
                resync(statementId, write, context, authoritative, "key-unknown", unknown.toString());
            }
            return result;
        }
        MigrationContext callContext = after;
        List<MigrationContext> keyContexts = afterElements;
        if (commit[0] == OuterTransactions.Commit.ELSEWHERE) {
            recordForReconciler(statementId, write, keys, keyContexts, callContext, authoritative);
            return result;
        }
        if (commit[0] == OuterTransactions.Commit.JOINED) {
            // a row the transaction removes again (a savepoint rolled back to, a marked delete of the key later in
            // it) is missing at the commit by its own doing: synced by state, never taken for a key that is not the
            // table's (a scoped resync of the whole table)
            OuterTransactions.afterCompletion(this, write.table(), keys, write.operation() == Operation.DELETE,
                    completion(statementId, write.table(), context, authoritative, removal -> {
                        if (!removal.undone()) {
                            syncKeys(statementId, method, write, arguments, context, callContext, keys, keyContexts,
                                    stored, takenBefore, authoritative, result, removal::removed);
                        }
                    }));
            return result;
        }
        return syncKeys(statementId, method, write, arguments, context, callContext, keys, keyContexts, stored,
                takenBefore, authoritative, result, key -> false);
    }

    /**
     * Records each key a marked call wrote in the change log for the other store, instead of syncing it: the call's
     * session wrote inside a transaction the library cannot see the end of ({@link OuterTransactions.Commit#ELSEWHERE},
     * an application server's JTA transaction), so a sync now would read the row before that transaction commits (the
     * state from before on another connection; on the session's DataSource, the enlisted connection's uncommitted
     * state, kept in the other store after a rollback). Each entry is due {@link Builder#outboxGrace} after the call,
     * as the data source's outbox entries are: a reconciler that synced the key before the container committed would
     * copy the row as it was before and close the entry, leaving the commit unsynced. The reconciler syncs the keys by
     * state once they are due; one WARN per call names the statement, why and the fix.
     */
    private void recordForReconciler(String statementId, Write write, List<String> keys,
                                     List<MigrationContext> keyContexts, MigrationContext context, Store authoritative) {
        List<ChangeRecord> records = new ArrayList<>();
        java.time.Instant due = java.time.Instant.now().plus(outboxGrace);
        for (int k = 0; k < keys.size(); k++) {
            MigrationContext own = keyContexts.size() == keys.size() ? keyContexts.get(k) : context;
            if (writer.phaseOf(own).writes(authoritative.other())) {
                records.add(ChangeRecord.of(migration, new RowRef(write.table(), keys.get(k), write.operation()),
                        "outside-transaction", authoritative.other(), own).withDueAt(due));
            }
        }
        if (records.isEmpty()) {
            return;
        }
        writer.changeLog().recordAll(records);
        log.warn("dualwrite: {} on table {}: {}; recorded {} key(s) for the reconciler instead of syncing them",
                statementId, write.table(), elsewhere("committed by another transaction"), records.size());
    }

    /** Why a call of a session outside auto-commit that it does not commit is not synced, and the fix. */
    private static String elsewhere(String detail) {
        return "its session's connection is in a transaction the session does not commit and dualwrite cannot see the"
                + " end of (MyBatis' ManagedTransactionFactory in an application server's transaction; " + detail
                + "); give DualWriteMappers factories of JdbcTransactionFactory, or of mybatis-spring's"
                + " SpringManagedTransactionFactory under a Spring transaction manager (JtaTransactionManager too)";
    }

    /**
     * Syncs the keys a marked call wrote, each under its element's context when the key argument is a list whose
     * elements have their own ({@code keyContexts}), else under the call's; with the scoped resyncs of a key that
     * was taken before or of a statement that may move rows.
     */
    private @Nullable Object syncKeys(String statementId, Method method, Write write, Object[] arguments,
                                      MigrationContext context, MigrationContext after, List<String> keys,
                                      List<MigrationContext> keyContexts, @Nullable String stored, boolean takenBefore,
                                      Store authoritative, @Nullable Object result,
                                      java.util.function.Predicate<String> removed) {
        if (takenBefore) {
            // a row held a key it wrote before it ran, and it succeeded: a trigger stored it under another key
            resync(statementId, write, context, authoritative, "key-taken-before", "a row held its key before");
        }
        if (movesRows(statementId, method, arguments, authoritative)) {
            resync(statementId, write, context, authoritative, "moves-rows", "REPLACE or MERGE");
        }
        boolean written = !(result instanceof Number count) || count.longValue() > 0;
        Object returned = result;
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            MigrationContext own = keyContexts.size() == keys.size() ? keyContexts.get(k) : after;
            if (!own.equals(context) && writer.phaseOf(own).authoritative() != authoritative) {
                // the row's phase reads another store than the one the call wrote: a sync would remove its row
                resync(statementId, write, own, authoritative, "element-store", "a row of another store's phase");
                continue;
            }
            returned = syncKey(statementId, write, key, stored, authoritative, own, written && !removed.test(key),
                    result);
        }
        return returned;
    }

    /**
     * Runs {@code work} (the syncs or records of one call) once the transaction the call's session joined has
     * committed; after a rollback nothing is synced or recorded (neither store keeps the call's writes); when the
     * outcome is unknown, a scoped resync of {@code table} is recorded. Work that fails then is recorded the same
     * way, never thrown at the caller committing. Work of a call a rollback to a savepoint undid is skipped (see
     * {@link #unlessUndone}).
     */
    private void afterCompletion(String statementId, String table, MigrationContext context, Store authoritative,
                                 java.util.function.Consumer<OuterTransactions.Removal> work) {
        OuterTransactions.afterCompletion(this, table, List.of(), false,
                completion(statementId, table, context, authoritative, work));
    }

    private OuterTransactions.Completion completion(String statementId, String table, MigrationContext context,
                                                    Store authoritative,
                                                    java.util.function.Consumer<OuterTransactions.Removal> work) {
        return new OuterTransactions.Completion() {
            @Override
            public void committed(OuterTransactions.Removal removed) {
                try {
                    work.accept(removed);
                } catch (RuntimeException failed) {
                    resync(statementId, table, context, authoritative, "deferred-sync-failed", failed.toString());
                }
            }

            @Override
            public void unknown() {
                resync(statementId, table, context, authoritative, "transaction-outcome-unknown",
                        "the transaction the call joined ended without a known outcome");
            }
        };
    }

    /**
     * {@code record} as deferred work that is skipped when a rollback to a savepoint set before the call undid the
     * call's writes: a scoped resync of what it may have written would then resync rows it left as they were.
     */
    private static java.util.function.Consumer<OuterTransactions.Removal> unlessUndone(Runnable record) {
        return removal -> {
            if (!removal.undone()) {
                record.run();
            }
        };
    }

    /**
     * Syncs one key a marked call wrote, and the key as the store held it before ({@code stored}) or holds it now,
     * under {@code context}: the call's, or that of the list element the key is of.
     */
    private @Nullable Object syncKey(String statementId, Write write, String key, @Nullable String stored,
                                     Store authoritative, MigrationContext context, boolean written,
                                     @Nullable Object result) {
        String kept = write.operation() == Operation.DELETE ? null
                : keptKey(statementId, write, key, stored, authoritative, context);
        Object returned = writer.writeState(context, new RowRef(write.table(), key, write.operation()),
                store -> result, expecting(statementId, write, context, authoritative,
                        written && write.operation() != Operation.DELETE && stored == null && kept == null));
        // the row's key as the store held it before (an update or delete by another spelling) and as it holds
        // it now (a trigger or the column changed what was written): synced too
        java.util.Set<String> others = new java.util.LinkedHashSet<>();
        if (stored != null) {
            others.add(stored);
        }
        if (kept != null) {
            others.add(kept);
        }
        others.remove(key);
        for (String other : others) {
            writer.writeState(context, new RowRef(write.table(), other, write.operation()), store -> result,
                    stateSync(write.table()));
        }
        return returned;
    }

    /**
     * The contexts of the elements of a list or array key argument, in order, when no context of the migration is
     * open: each read
     * by the statement's rules from the arguments with that element alone in the list, else the call's context. A
     * {@code <foreach>} insert of several merchants' orders gives the call no merchant (the elements disagree), so
     * its keys were all synced under a context without ids, resolved to the system's phase: the rows of a merchant
     * that double-writes never reached the other store, unrecorded. Empty when the keys go with the call's context.
     */
    private List<MigrationContext> elementContexts(String statementId, Method method, Write write, Object[] arguments,
                                                   MigrationContext context) {
        if (LazyLoads.openOf(migration) != null || write.keyArgument() < 0 || write.keyArgument() >= arguments.length) {
            return List.of();
        }
        Object argument = arguments[write.keyArgument()];
        List<?> elements = isGroup(argument) ? leaves(argument) : null;
        if (elements == null || elements.size() < 2) {
            return List.of();
        }
        ParamNameResolver names = new ParamNameResolver(factories.get(Store.OLD).getConfiguration(), method);
        List<MigrationContext> contexts = new ArrayList<>(elements.size());
        for (Object element : elements) {
            Object[] alone = arguments.clone();
            MigrationContext found;
            try {
                alone[write.keyArgument()] = alone(argument, element);
                found = extractor.contextFor(statementId, names.getNamedParams(alone));
            } catch (RuntimeException unreadable) { // also an element that fits no one-element copy of the shape
                found = null;
            }
            contexts.add(found == null || found.equals(context) ? context : found);
        }
        return contexts;
    }

    /** Whether {@code value} is a collection or an array of objects, whose elements are the keys' rows. */
    private static boolean isGroup(@Nullable Object value) {
        return value instanceof Iterable<?> || value != null && value.getClass().isArray()
                && !value.getClass().getComponentType().isPrimitive();
    }

    /**
     * The elements of a collection or array argument at any depth: a list of lists of orders (a nested
     * {@code <foreach>}) is its orders. Read one level, the inner lists were taken for rows, their key property could
     * not be read, and a scoped resync of the table stood in for the rows' syncs.
     */
    private static List<@Nullable Object> leaves(Object group) {
        List<@Nullable Object> leaves = new ArrayList<>();
        addLeaves(group, leaves, 0);
        return leaves;
    }

    private static void addLeaves(@Nullable Object value, List<@Nullable Object> leaves, int depth) {
        if (depth > 0 && (depth >= ContextExtractor.MAX_NESTING || !isGroup(value))) {
            leaves.add(value);
        } else if (value instanceof Iterable<?> iterable) {
            iterable.forEach(element -> addLeaves(element, leaves, depth + 1));
        } else {
            for (Object element : (Object[]) value) {
                addLeaves(element, leaves, depth + 1);
            }
        }
    }

    /**
     * A copy of the shape of {@code group} holding {@code leaf} alone: a one-element list or array at each level, as
     * the first element of each level is (a list of lists stays a list of one list of one order).
     */
    private static Object alone(Object group, @Nullable Object leaf) {
        Object first = null;
        if (group instanceof Iterable<?> iterable) {
            java.util.Iterator<?> elements = iterable.iterator();
            first = elements.hasNext() ? elements.next() : null;
        } else if (((Object[]) group).length > 0) {
            first = ((Object[]) group)[0];
        }
        Object inner = isGroup(first) && !isGroup(leaf) ? alone(first, leaf) : leaf;
        if (group.getClass().isArray()) {
            Object[] one = (Object[]) java.lang.reflect.Array.newInstance(group.getClass().getComponentType(), 1);
            one[0] = inner; // an element of another type than the array's fails here, leaving the call's context
            return one;
        }
        return java.util.Collections.singletonList(inner);
    }

    /**
     * The table's statements as {@link #stateSync}, but a sync of a write that changed rows and did not delete
     * them, whose row was not found under another spelling ({@code expectRow}), that finds no row in the
     * authoritative store records a scoped resync: the row is under another key than the one synced (a
     * {@code keyProperty} that is not the table's key, a trigger that renamed it). The sync reads that row
     * anyway: nothing more is read.
     */
    private StateSync<Object> expecting(String statementId, Write write, MigrationContext context, Store authoritative,
                                        boolean expectRow) {
        Map<Store, TableStatements> sides = tables.get(write.table());
        if (!expectRow || sides == null) {
            return stateSync(write.table());
        }
        KeyedStore<Object> source = new MapperStore(authoritative, write.table(), sides.get(authoritative));
        KeyedStore<Object> expected = new KeyedStore<>() {
            @Override
            public Optional<Object> read(String key) throws Exception {
                Optional<Object> row = source.read(key);
                if (row.isEmpty()) {
                    resync(statementId, write, context, authoritative, "row-not-found",
                            "no row under key " + key + " after the write");
                }
                return row;
            }

            @Override
            public void upsert(String key, Object value) throws Exception {
                source.upsert(key, value);
            }

            @Override
            public void delete(String key) throws Exception {
                source.delete(key);
            }
        };
        KeyedStore<Object> other = new MapperStore(authoritative.other(), write.table(), sides.get(authoritative.other()));
        return authoritative == Store.OLD ? StateSync.of(expected, other) : StateSync.of(other, expected);
    }

    /** Records a scoped resync of the write's table for the store it mirrors to, with a WARN. */
    private void resync(String statementId, Write write, MigrationContext context, Store authoritative, String reason,
                        String detail) {
        resync(statementId, write.table(), context, authoritative, reason, detail);
    }

    private void resync(String statementId, String table, MigrationContext context, Store authoritative, String reason,
                        String detail) {
        if (!writer.phaseOf(context).writes(authoritative.other())) {
            return;
        }
        writer.changeLog().record(ChangeRecord.scopedResync(migration, table, null, reason,
                authoritative.other(), context));
        log.warn("dualwrite: {} on table {}: the rows it wrote are not known by key ({}: {}); recorded a scoped"
                + " resync of the table", statementId, table, reason, detail);
    }

    /**
     * A write no {@link DualWrite} or {@link Builder#statement} marks: it runs on the store the phase makes
     * authoritative for writes, and each table it may write gets a scoped resync for the other store (when the phase
     * writes it), also when it throws (a write may have happened). Run as an unmarked read, it changed the
     * authoritative store only and nothing was recorded, so the other store kept the rows as they were.
     */
    private @Nullable Object unmarkedWrite(String statementId, Class<?> mapperType, Method method, Object[] arguments,
                                           MigrationContext context, List<String> tablesWritten) throws Throwable {
        Store authoritative = writer.phaseOf(context).authoritative();
        // joined to the caller's transaction, its writes exist only once that commits: recorded then, not before (a
        // reconciler resolving the resync meanwhile read the rows as they were and left nothing for the commit)
        OuterTransactions.Commit[] commit = {OuterTransactions.joined(factories.get(authoritative))
                ? OuterTransactions.Commit.JOINED : OuterTransactions.Commit.DONE};
        Object result;
        try {
            result = call(authoritative, mapperType, method, arguments, commit);
        } catch (Throwable failure) {
            for (String table : tablesWritten) {
                Runnable record = () -> resync(statementId, table, context, authoritative, "unmarked-write",
                        failure.toString());
                if (commit[0] == OuterTransactions.Commit.JOINED) {
                    afterCompletion(statementId, table, context, authoritative, unlessUndone(record));
                } else {
                    record.run();
                }
            }
            throw failure;
        }
        for (String table : tablesWritten) {
            Runnable record = () -> resync(statementId, table, context, authoritative, "unmarked-write",
                    "not marked @DualWrite nor named by DualWriteMappers.Builder.statement; mark it to sync its key"
                            + " instead");
            if (commit[0] == OuterTransactions.Commit.JOINED) {
                afterCompletion(statementId, table, context, authoritative, unlessUndone(record));
            } else {
                record.run();
            }
        }
        return result;
    }

    /** Store and table → the one primary-key column its catalog names, when it has one. */
    private final Map<String, java.util.Optional<String>> keyColumns = new java.util.concurrent.ConcurrentHashMap<>();

    /** Store, table and statement → the Java type its key is bound as, where the statement declares none. */
    private final Map<String, Class<?>> keyTypes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The tables written by statements of static SQL, by statement id (dynamic SQL is read per call). */
    private final Map<String, List<String>> staticWrites = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The tables of this migration an unmarked call of {@code statementId} may write; empty for a read. A statement
     * MyBatis runs as an insert, update or delete writes those of the tables its SQL names after {@code INSERT INTO},
     * {@code UPDATE}, {@code DELETE FROM} … that have statements here, or, when it names no table so at all (a
     * procedure call, a multi-table form), every table with statements; a select writes the tables with statements
     * its SQL names so ({@code INSERT … RETURNING}, H2's {@code FINAL TABLE}). The SQL is rendered for these arguments.
     */
    private List<String> unmarkedWrites(String statementId, Method method, Object[] arguments) {
        Configuration configuration = factories.get(Store.OLD).getConfiguration();
        if (tables.isEmpty() || !configuration.hasStatement(statementId, false)) {
            return List.of();
        }
        List<String> known = staticWrites.get(statementId);
        if (known != null) {
            return known;
        }
        MappedStatement statement = configuration.getMappedStatement(statementId, false);
        org.apache.ibatis.mapping.SqlCommandType command = statement.getSqlCommandType();
        boolean writes = command == org.apache.ibatis.mapping.SqlCommandType.INSERT
                || command == org.apache.ibatis.mapping.SqlCommandType.UPDATE
                || command == org.apache.ibatis.mapping.SqlCommandType.DELETE;
        String sql;
        try {
            sql = statement.getBoundSql(new ParamNameResolver(configuration, method).getNamedParams(arguments)).getSql();
        } catch (RuntimeException unrendered) {
            return writes ? List.copyOf(tables.keySet()) : List.of();
        }
        java.util.Set<String> named = new java.util.LinkedHashSet<>();
        boolean any = false;
        // the JDBC write path's own reading of write targets in a text, with its strings and comments blanked
        for (String written : io.dualwrite.jdbc.statement.SqlText.targets(sql)) {
            any = true;
            String name = written.replaceAll("[`\"\\[\\]\\s]", "");
            String bare = name.substring(name.lastIndexOf('.') + 1);
            for (String table : tables.keySet()) {
                if (table.equalsIgnoreCase(bare) || table.equalsIgnoreCase(name)) {
                    named.add(table);
                }
            }
        }
        // a write naming only other tables writes none of ours; one naming no table at all may write any of them
        List<String> written = !named.isEmpty() ? List.copyOf(named)
                : writes && !any ? List.copyOf(tables.keySet()) : List.of();
        if (statement.getSqlSource() instanceof org.apache.ibatis.scripting.defaults.RawSqlSource
                || statement.getSqlSource() instanceof org.apache.ibatis.builder.StaticSqlSource) {
            staticWrites.put(statementId, written);
        }
        return written;
    }

    /**
     * A marked call that threw may still have written (a non-transactional table keeps a row whose statement
     * failed afterwards; an answer lost after the commit): its keys, when the arguments name them, are synced as
     * {@link DualWriter#writeState} syncs a failed write; otherwise a scoped resync is recorded. The caller gets
     * the exception unchanged.
     */
    private void syncAfterFailure(String statementId, Method method, Write write, Object[] arguments,
                                  MigrationContext context, Store authoritative, Throwable failure) {
        try {
            for (String key : keysOf(statementId, method, write, arguments, context, authoritative)) {
                try {
                    writer.writeState(context, new RowRef(write.table(), key, write.operation()), store -> {
                        throw failure;
                    }, stateSync(write.table()));
                } catch (Throwable same) {
                    // the call's own failure, thrown again by writeState after handing off the sync
                }
            }
        } catch (RuntimeException noKey) {
            resync(statementId, write, context, authoritative, "failed-write", failure.toString());
        }
    }

    /**
     * For an insert whose keys the arguments give before it runs: whether a row already held one of them. A
     * trigger may store the inserted row under another key, and the read-back after the call would then take
     * that older row for it. One read per key; none when the database generates the key.
     */
    private boolean keyTakenBefore(String statementId, Method method, Write write, Object[] arguments,
                                   MigrationContext context, Store authoritative) {
        Map<Store, TableStatements> sides = tables.get(write.table());
        if (sides == null || !writer.phaseOf(context).writes(authoritative.other())) {
            return false;
        }
        try {
            for (String key : keysOf(statementId, method, write, arguments, context, authoritative)) {
                if (new MapperStore(authoritative, write.table(), sides.get(authoritative)).read(key).isPresent()) {
                    return true;
                }
            }
        } catch (RuntimeException noKeyYet) {
            // a key the database generates: no older row can hold it
        }
        return false;
    }

    /**
     * Whether the statement can delete or rewrite rows other than the ones it names: MySQL's {@code REPLACE}
     * deletes every row holding one of its unique values, a {@code MERGE} matches by any condition. The
     * statement's SQL is read as MyBatis renders it for these arguments.
     */
    private boolean movesRows(String statementId, Method method, Object[] arguments, Store store) {
        try {
            Configuration configuration = factories.get(store).getConfiguration();
            Object parameter = new ParamNameResolver(configuration, method).getNamedParams(arguments);
            String sql = configuration.getMappedStatement(statementId).getBoundSql(parameter).getSql().strip()
                    .toUpperCase(java.util.Locale.ROOT);
            return sql.startsWith("REPLACE") || sql.startsWith("MERGE");
        } catch (RuntimeException unrendered) {
            return false;
        }
    }

    /**
     * After an insert, upsert or update: the key of the row it wrote, as the authoritative store now holds it,
     * read through the table's read statement by the key as written (or as the row held it before). A store can
     * keep another key than the one written — a trigger that rewrites it ({@code SET NEW.id = UPPER(NEW.id)}),
     * MySQL outside strict mode cutting it to the column, a {@code DATETIME} dropping a fraction — and the sync
     * of the key as written would then find no row. When no row is found, what the write touched is unknown: a
     * scoped resync of the table is recorded for the other store, and {@code null} returned. Not read: a
     * whole-number key the database generated, and an update by a whole number on a numeric key. Only when the
     * phase writes the other store.
     */
    private @Nullable String keptKey(String statementId, Write write, String key, @Nullable String stored, Store store,
                                     MigrationContext context) {
        if (!writer.phaseOf(context).writes(store.other()) || tables.get(write.table()) == null) {
            return null;
        }
        Configuration configuration = factories.get(store).getConfiguration();
        MappedStatement statement = configuration.hasStatement(statementId, false)
                ? configuration.getMappedStatement(statementId) : null; // none for a marked default method
        boolean generated = statement != null && statement.getKeyGenerator() != null
                && !(statement.getKeyGenerator() instanceof org.apache.ibatis.executor.keygen.NoKeyGenerator);
        boolean wholeNumber = key.matches("-?[0-9]+");
        if (wholeNumber && (generated || (write.operation() == Operation.UPDATE && isNumeric(factories.get(store)
                .getConfiguration().getMappedStatement(tables.get(write.table()).get(store).read())
                .getParameterMap().getType())))) {
            // a key the database generated is the row's; an update by a number on a numeric key names its row
            // exactly, and the sync reads that row anyway (a trigger moving such a key is not looked for)
            return null;
        }
        boolean found = false;
        try {
            for (String candidate : stored == null ? new String[] {key} : new String[] {key, stored}) {
                Object row = new MapperStore(store, write.table(), tables.get(write.table()).get(store)).read(candidate)
                        .orElse(null);
                if (row != null) {
                    found = true;
                    String kept = rowKey(row, statementId, write, store, candidate);
                    if (kept != null) {
                        return kept;
                    }
                    break;
                }
            }
        } catch (RuntimeException unreadable) {
            // recorded below: the key it wrote is unknown
        }
        writer.changeLog().record(ChangeRecord.scopedResync(migration, write.table(), null, "key-not-as-written",
                store.other(), context));
        if (found) {
            log.warn("dualwrite: {} wrote table {}: the row read under key {} holds no property known to be its key"
                    + " (none marked <id> in the result map of its read statement, no '{}', no 'id') and none holding"
                    + " that key; recorded a scoped resync of the table. Mark the key's result mapping <id>"
                    + " (@Result(id = true)) in the read statement", statementId, write.table(), key,
                    keyProperty(statementId, write, store));
        } else {
            log.warn("dualwrite: {} wrote table {} under a key other than {} (a trigger, or a value the store cut);"
                    + " recorded a scoped resync of the table", statementId, write.table(), key);
        }
        return null;
    }

    /**
     * The key of {@code row}, which the table's read statement returned for the key {@code written}, as its text, or
     * {@code null} when no property of the row is known to hold it. The row's key property is the one the read's
     * result map marks {@code <id>}; else the key property the statement names (its last name: {@code row.id} is
     * {@code id}), the property auto-mapping gives the table's one key column (read from the store's catalog once),
     * or {@code id}, where the row holds it. A row of none of these (a bean calling the key {@code dayOf}, a map of
     * other column names) is read by value: its one property whose value reads as {@code written}, exactly, else
     * ignoring case and trailing spaces, as the store's collation may have matched it. Taken as {@code id} before, a
     * row without one made every marked write of its table record a scoped resync of the whole table, and the
     * spelling of a key an update or delete matched loosely was never read (the other store kept that row).
     */
    private @Nullable String rowKey(Object row, String statementId, Write write, Store store, String written) {
        // order: <id>, a key property the statement names, the key column's property, id, then the value
        Configuration configuration = factories.get(store).getConfiguration();
        List<String> named = new ArrayList<>();
        TableStatements sides = tables.get(write.table()).get(store);
        if (configuration.hasStatement(sides.read(), false)) {
            configuration.getMappedStatement(sides.read()).getResultMaps().forEach(map -> map.getResultMappings()
                    .stream().filter(mapping -> mapping.getFlags().contains(org.apache.ibatis.mapping.ResultFlag.ID)
                            && mapping.getProperty() != null)
                    .forEach(mapping -> named.add(mapping.getProperty())));
        }
        String property = keyProperty(statementId, write, store);
        if (!property.equals("id")) {
            named.add(property.substring(property.lastIndexOf('.') + 1));
        }
        String column = keyColumns.computeIfAbsent(store + " " + write.table(), k -> java.util.Optional.ofNullable(
                KeyColumns.primaryKey(configuration.getEnvironment().getDataSource(), write.table()))).orElse(null);
        if (column != null) {
            // the property MyBatis' auto-mapping gives the key column (on_day, ON_DAY, onDay)
            String found = row instanceof Map<?, ?> ? column
                    : ContextExtractor.meta(row).findProperty(column, true);
            if (found != null) {
                named.add(found);
            }
        }
        named.add("id");
        for (String name : named) {
            Object value;
            try {
                value = ContextExtractor.property(row, name);
            } catch (RuntimeException notOnTheRow) {
                continue;
            }
            if (value != null) {
                return keyText(value);
            }
        }
        if (configuration.getTypeHandlerRegistry().hasTypeHandler(row.getClass())) {
            return keyText(row); // a read returning the key's value itself
        }
        List<Object> values = new ArrayList<>();
        if (row instanceof Map<?, ?> map) {
            values.addAll(map.values());
        } else {
            org.apache.ibatis.reflection.MetaObject meta = ContextExtractor.meta(row);
            for (String getter : meta.getGetterNames()) {
                try {
                    values.add(meta.getValue(getter));
                } catch (RuntimeException unreadable) {
                    // a getter that throws holds no key
                }
            }
        }
        values.removeIf(value -> value == null || !configuration.getTypeHandlerRegistry().hasTypeHandler(value.getClass()));
        for (java.util.function.Predicate<String> holds : List.<java.util.function.Predicate<String>>of(
                written::equals, text -> text.stripTrailing().equalsIgnoreCase(written.stripTrailing()))) {
            List<String> holding = values.stream().map(DualWriteMappers::keyText).filter(holds).distinct().toList();
            if (holding.size() == 1) {
                return holding.get(0);
            }
            if (holding.size() > 1) {
                return null; // several spellings: which one is the key is not known
            }
        }
        return null;
    }

    /**
     * For an update or a delete: the key of the row it names, as the authoritative store holds it, read before
     * the call with the key argument as the application bound it (a number, a text, a map's or bean's key
     * property), or {@code null}. A collation that ignores case or accents deletes row {@code 'c0'} for key
     * {@code 'C0'}, and MariaDB compares a number with a text key as numbers ({@code 7} names row {@code '007'});
     * the sync of the key as written alone would then leave that row stale in a store that compares exactly. The
     * row's key is its key property (the statement's {@code keyProperty}, else {@code id}).
     */
    private @Nullable String storedSpelling(String statementId, Write write, Object[] arguments, Store store,
                                            MigrationContext context) {
        boolean orderId = write.keyArgument() == DualWrite.ORDER_ID && context.orderId().isPresent();
        if ((write.operation() != Operation.DELETE && write.operation() != Operation.UPDATE)
                || (!orderId && (write.keyArgument() < 0 || write.keyArgument() >= arguments.length
                || arguments[write.keyArgument()] == null))) {
            return null;
        }
        Map<Store, TableStatements> sides = tables.get(write.table());
        if (sides == null) {
            return null;
        }
        Object argument = orderId ? context.orderId().get() : arguments[write.keyArgument()];
        String property = keyProperty(statementId, write, store);
        try {
            Object bound = factories.get(store).getConfiguration().getTypeHandlerRegistry().hasTypeHandler(argument.getClass())
                    ? argument : ContextExtractor.meta(argument).getValue(property);
            if (bound == null) {
                return null;
            }
            String read = sides.get(store).read();
            if (write.operation() == Operation.UPDATE && isWholeNumber(bound) && isNumeric(factories.get(store)
                    .getConfiguration().getMappedStatement(read).getParameterMap().getType())) {
                // a number for a numeric key names its row exactly, and where the key is text (7 names '007')
                // the sync's own read by 7 finds the row; a delete leaves no row to find: it reads first
                return null;
            }
            Object row;
            try (SqlSession session = factories.get(store).openSession()) {
                row = session.selectOne(read, bound);
            } catch (RuntimeException refused) {
                // the read statement's parameter type refused the value (a number for a text key)
                return storedKey(store, read, bound, property);
            }
            String spelling = row == null ? null : rowKey(row, statementId, write, store, keyText(bound));
            if (row != null && spelling == null) {
                // the row the call names is there, but which of its properties is its key is not known: the other
                // store may hold it under another spelling than the one synced
                resync(statementId, write, context, store, "key-spelling-unknown", "no property of the row read"
                        + " under key " + keyText(bound) + " is known to be its key; mark it <id> in the read");
            }
            return spelling;
        } catch (RuntimeException | java.sql.SQLException unreadable) { // no such property, or the read failed
            return null;
        }
    }

    private static boolean isWholeNumber(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger;
    }

    private static boolean isNumeric(@Nullable Class<?> type) {
        return type != null && (type == long.class || type == int.class || type == short.class || type == byte.class
                || Number.class.isAssignableFrom(type));
    }

    /**
     * When the read statement refuses the key argument's type: runs its SQL with {@code bound} as its one
     * parameter, bound as its own Java type rather than the statement's parameter type (a number stays a number, so MariaDB compares it with a text key as
     * the write did), and returns the key property's column of the row found.
     */
    private @Nullable String storedKey(Store store, String readStatement, Object bound, String property)
            throws java.sql.SQLException {
        Configuration configuration = factories.get(store).getConfiguration();
        org.apache.ibatis.mapping.BoundSql sql = configuration.getMappedStatement(readStatement)
                .getBoundSql(bound instanceof String ? bound : String.valueOf(bound));
        if (sql.getParameterMappings().size() != 1) {
            return null;
        }
        try (java.sql.Connection connection = configuration.getEnvironment().getDataSource().getConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement(sql.getSql())) {
            statement.setObject(1, bound);
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                // the column the read statement's result map gives the property, else one labelled as it
                String column = configuration.getMappedStatement(readStatement).getResultMaps().stream()
                        .flatMap(map -> map.getResultMappings().stream())
                        .filter(mapping -> property.equals(mapping.getProperty()) && mapping.getColumn() != null)
                        .map(org.apache.ibatis.mapping.ResultMapping::getColumn).findFirst().orElse(property);
                java.sql.ResultSetMetaData meta = rows.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (meta.getColumnLabel(i).equalsIgnoreCase(column)) {
                        Object value = rows.getObject(i);
                        return value == null ? null : keyText(value);
                    }
                }
                return null;
            }
        }
    }

    /**
     * The statement's key property: its one {@code keyProperty}, else {@code id} (also for a marked {@code default}
     * method). Of several ({@code keyProperty="merchantNo,id"}: every generated column taken back) it is the one the
     * table's read statement takes as the key ({@code #{id}}), else the one its result map marks {@code <id>}, else
     * one named {@code id}: the first was taken, the sync read by a value that is no key, and the row was never
     * synced.
     *
     * @throws IllegalArgumentException when several are named and none of them is the table's key
     */
    private String keyProperty(String statementId, Write write, Store store) {
        Configuration configuration = factories.get(store).getConfiguration();
        MappedStatement statement = configuration.hasStatement(statementId, false)
                ? configuration.getMappedStatement(statementId) : null;
        String[] properties = statement == null ? null : statement.getKeyProperties();
        if (properties == null || properties.length == 0) {
            return "id";
        }
        if (properties.length == 1) {
            return properties[0];
        }
        List<String> names = new ArrayList<>();
        Map<Store, TableStatements> sides = tables.get(write.table());
        if (sides != null && configuration.hasStatement(sides.get(store).read(), false)) {
            MappedStatement read = configuration.getMappedStatement(sides.get(store).read());
            try {
                List<org.apache.ibatis.mapping.ParameterMapping> parameters = read.getBoundSql(null).getParameterMappings();
                if (parameters.size() == 1) {
                    names.add(parameters.get(0).getProperty());
                }
            } catch (RuntimeException dynamic) {
                // a read whose SQL needs its parameter to render: its result map may still name the key
            }
            read.getResultMaps().forEach(map -> map.getResultMappings().stream()
                    .filter(mapping -> mapping.getFlags().contains(org.apache.ibatis.mapping.ResultFlag.ID))
                    .forEach(mapping -> names.add(mapping.getProperty())));
        }
        names.add("id");
        for (String name : names) {
            for (String property : properties) {
                if (property.substring(property.lastIndexOf('.') + 1).equals(name)) {
                    return property;
                }
            }
        }
        throw new IllegalArgumentException(statementId + " takes back several keys (keyProperty \""
                + String.join(",", properties) + "\") and none of them is the key of table '" + write.table()
                + "' (the property its read statement takes, one its result map marks <id>, or one named id);"
                + " name the table's key in keyProperty");
    }

    private MigrationContext contextOf(String statementId, Method method, Object[] arguments) {
        MigrationContext open = MigrationContext.current().orElse(null);
        if (open != null && open.migration().equals(migration)) {
            return open;
        }
        Object parameter = new ParamNameResolver(factories.get(Store.OLD).getConfiguration(), method)
                .getNamedParams(arguments);
        MigrationContext found = extractor.contextFor(statementId, parameter);
        if (found != null) {
            // also inside a scope of another migration (a service's payments scope around its orders): the call's own
            // ids decide, as the interceptor's do; that scope's merchant synced another merchant's rows, unrecorded
            return found;
        }
        return open == null ? MigrationContext.forMigration(migration).build() : MigrationContext.forMigration(migration)
                .orderId(open.orderId().orElse(null)).merchantId(open.merchantId().orElse(null))
                .userId(open.userId().orElse(null)).build();
    }

    /**
     * A {@code default} mapper method's body, run on this proxy: the mapper methods it calls are then this proxy's
     * calls, each on its authoritative store and each marked one synced. Run on MyBatis' own mapper, as before,
     * they were plain MyBatis calls and their writes never reached the other store.
     */
    private static @Nullable Object callDefault(Object proxy, Method method, Object[] arguments) throws Throwable {
        try {
            return InvocationHandler.invokeDefault(proxy, method, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Runs one call in a session of its own on {@code store}'s factory and commits the session; {@code commit}, when
     * given, receives who commits what the session wrote ({@link OuterTransactions#commitOf}) once the call has
     * returned. A call that throws leaves it as it was: asking a session whose statement failed for its connection
     * could wait on a pool of a store that is down a second time.
     */
    private @Nullable Object call(Store store, Class<?> mapperType, Method method, Object[] arguments,
                                  OuterTransactions.Commit @Nullable [] commit) throws Throwable {
        if (org.apache.ibatis.cursor.Cursor.class.isAssignableFrom(method.getReturnType())) {
            return cursor(store, mapperType, method, arguments);
        }
        try (SqlSession session = factories.get(store).openSession()) {
            Object result = method.invoke(session.getMapper(mapperType), arguments);
            session.commit();
            if (commit != null) {
                commit[0] = OuterTransactions.commitOf(factories.get(store), session);
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * A {@code Cursor} read: its session stays open until the caller closes the cursor or reads it to its end. The
     * session closed when the call returned, as for other reads, handed the caller a closed cursor.
     */
    private @Nullable Object cursor(Store store, Class<?> mapperType, Method method, Object[] arguments)
            throws Throwable {
        SqlSession session = factories.get(store).openSession();
        try {
            Object cursor = method.invoke(session.getMapper(mapperType), arguments);
            if (cursor == null) {
                session.close();
                return null;
            }
            return new SessionCursor<>((org.apache.ibatis.cursor.Cursor<?>) cursor, session);
        } catch (InvocationTargetException e) {
            session.close();
            throw e.getCause();
        } catch (Throwable e) {
            session.close();
            throw e;
        }
    }

    /** A MyBatis cursor that closes its session when it is closed or read to its end. */
    private static final class SessionCursor<T> extends DelegatingCursor<T> {
        private final SqlSession session;
        private boolean closed;

        SessionCursor(org.apache.ibatis.cursor.Cursor<T> cursor, SqlSession session) {
            super(cursor);
            this.session = session;
        }

        @Override
        boolean hasNext(java.util.Iterator<T> rows) {
            boolean more = rows.hasNext();
            if (!more) {
                close();
            }
            return more;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                cursor.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                session.close();
            }
        }
    }

    /**
     * The keys a marked call wrote, from its arguments after the call: the context's order id; the key argument
     * itself when MyBatis has a type handler for it; its key property (the statement's {@code keyProperty},
     * else {@code id}), also as MyBatis names it through {@code @Param} ({@code row.id}); for a list or array
     * argument, each element's.
     *
     * @throws RuntimeException when a key cannot be found (null after the call, no such property)
     */
    private List<String> keysOf(String statementId, Method method, Write write, Object[] arguments,
                                MigrationContext context, Store store) {
        if (write.keyArgument() == DualWrite.ORDER_ID) {
            return List.of(context.orderId().orElseThrow(() -> new IllegalStateException(statementId
                    + " syncs the context's order id, but the context has none: " + context)));
        }
        if (write.keyArgument() < 0 || write.keyArgument() >= arguments.length) {
            throw new IllegalStateException(statementId + " names argument " + write.keyArgument()
                    + " as its key, but has " + arguments.length + " arguments");
        }
        Object argument = arguments[write.keyArgument()];
        if (argument == null) {
            throw new IllegalStateException(statementId + ": its key argument " + write.keyArgument() + " is null");
        }
        Configuration configuration = factories.get(store).getConfiguration();
        if (argument.getClass().isArray() && argument.getClass().getComponentType().isPrimitive()) {
            Class<?> component = argument.getClass().getComponentType();
            if (component != long.class && component != int.class && component != short.class) {
                // a byte[] (or char[]) is one value, not keys, and a double[] has no key text the table's own would
                // match: no key text is known for it (a scoped resync instead)
                throw new IllegalStateException(statementId + ": its key argument " + write.keyArgument() + " is a "
                        + argument.getClass().getSimpleName());
            }
            // a long[] or int[] of keys, as a <foreach> takes them: each element is a key (read as one binary key
            // before, every such call recorded a scoped resync of the whole table instead of syncing its rows)
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(argument); i++) {
                keys.add(keyText(java.lang.reflect.Array.get(argument, i)));
            }
            return keys;
        }
        if (isGroup(argument)) {
            List<String> keys = new ArrayList<>();
            for (Object element : leaves(argument)) { // at any depth: a list of lists of orders is its orders
                keys.add(keyOfElement(statementId, write, element, configuration, store));
            }
            return keys;
        }
        if (configuration.getTypeHandlerRegistry().hasTypeHandler(argument.getClass())) {
            return List.of(keyText(argument));
        }
        String property = keyProperty(statementId, write, store);
        Object value;
        try {
            value = ContextExtractor.meta(argument).getValue(property);
        } catch (RuntimeException notOnTheArgument) {
            // keyProperty="row.id" names the property through MyBatis' parameter map of a @Param("row") argument
            value = ContextExtractor.meta(new ParamNameResolver(configuration, method).getNamedParams(arguments))
                    .getValue(property);
        }
        if (value == null) {
            throw new IllegalStateException(statementId + ": the key property '" + property + "' of its argument "
                    + write.keyArgument() + " is null after the call");
        }
        return List.of(keyText(value));
    }

    private String keyOfElement(String statementId, Write write, @Nullable Object element, Configuration configuration,
                                Store store) {
        if (element == null) {
            throw new IllegalStateException(statementId + ": an element of its key argument is null");
        }
        if (configuration.getTypeHandlerRegistry().hasTypeHandler(element.getClass())) {
            return keyText(element);
        }
        String property = keyProperty(statementId, write, store);
        Object value = ContextExtractor.meta(element).getValue(property.substring(property.lastIndexOf('.') + 1));
        if (value == null) {
            throw new IllegalStateException(statementId + ": the key property '" + property
                    + "' of an element of its key argument is null after the call");
        }
        return keyText(value);
    }

    private static String keyText(Object value) {
        return value instanceof BigDecimal number ? number.stripTrailingZeros().toPlainString() : value.toString();
    }

    /**
     * Both stores' rows of {@code table} by key, through its statements: the sync the proxy hands to
     * {@link DualWriter#writeState}, and what a repair loop gives {@link DualWriter#syncKey} for the change-log
     * entries of this table.
     *
     * @throws IllegalArgumentException when the table has no statements
     */
    public StateSync<Object> stateSync(String table) {
        Map<Store, TableStatements> sides = tables.get(table);
        if (sides == null) {
            throw new IllegalArgumentException("table '" + table + "' has no statements; known: " + tables.keySet());
        }
        return StateSync.of(new MapperStore(Store.OLD, table, sides.get(Store.OLD)),
                new MapperStore(Store.NEW, table, sides.get(Store.NEW)));
    }

    /** One store's rows of a table by key, through its statements; each call is one committed session. */
    private final class MapperStore implements KeyedStore<Object> {
        private final Store store;
        private final String table;
        private final TableStatements statements;

        MapperStore(Store store, String table, TableStatements statements) {
            this.store = store;
            this.table = table;
            this.statements = statements;
        }

        @Override
        public Optional<Object> read(String key) {
            return inSession(session -> Optional.ofNullable(session.selectOne(statements.read(),
                    parameter(statements.read(), key))));
        }

        @Override
        public void upsert(String key, Object value) {
            inSession(session -> {
                for (String upsert : statements.upserts()) {
                    session.update(upsert, value);
                }
                session.commit();
                return null;
            });
        }

        @Override
        public void delete(String key) {
            inSession(session -> {
                for (String delete : statements.deletes()) {
                    session.update(delete, parameter(delete, key));
                }
                session.commit();
                return null;
            });
        }

        /**
         * Runs {@code work} in a session of the store; on MySQL/MariaDB in {@code utf8mb4} and UTC ({@link
         * CopierSession}), as the copiers read and write, whatever a pooled connection was left in (a {@code SET
         * NAMES latin1} would convert every text, a zone would move every {@code TIMESTAMP} between the stores).
         */
        private <T> T inSession(java.util.function.Function<SqlSession, T> work) {
            try (SqlSession session = factories.get(store).openSession()) {
                CopierSession state;
                try {
                    state = CopierSession.enter(session.getConnection(), true);
                } catch (java.sql.SQLException e) {
                    throw new org.apache.ibatis.exceptions.PersistenceException(
                            "could not prepare the " + store + " store's session: " + Credentials.mask(e.getMessage()), e);
                }
                try {
                    return work.apply(session);
                } finally {
                    if (state != null) {
                        try {
                            state.restore();
                        } catch (java.sql.SQLException e) {
                            log.debug("could not restore the {} store's session: {}", store, Credentials.mask(e.toString()));
                        }
                    }
                }
            }
        }

        private Object parameter(String statementId, String key) {
            // as the mapper copier converts it: a UUID key passed as text failed every sync of its table
            MappedStatement statement = factories.get(store).getConfiguration().getMappedStatement(statementId);
            Class<?> type = statement.getParameterMap().getType();
            if (KeyColumns.undeclared(type)) {
                // no parameter type declared (XML without parameterType): as the table's key column holds it, since
                // given as text PostgreSQL refused it against a numeric key and every sync of the table failed
                type = keyTypes.computeIfAbsent(store + " " + table + " " + statementId, k -> keyColumnType(statement));
            }
            return MapperCopier.keyAs(type, key);
        }

        /** The type of the column the statement's one parameter names ({@code #{id}}) in the table, else text. */
        private Class<?> keyColumnType(MappedStatement statement) {
            String column = "id";
            try {
                List<org.apache.ibatis.mapping.ParameterMapping> parameters = statement.getBoundSql(null)
                        .getParameterMappings();
                if (parameters.size() == 1 && parameters.get(0).getProperty() != null) {
                    column = parameters.get(0).getProperty();
                }
            } catch (RuntimeException dynamic) {
                // SQL that needs its parameter to render: the key column is taken to be id
            }
            Class<?> type = KeyColumns.javaType(factories.get(store).getConfiguration().getEnvironment().getDataSource(),
                    table, column);
            return type == null ? String.class : type;
        }

        @Override
        public String toString() {
            return "MapperStore[" + store + " " + statements + "]";
        }
    }

    /** Builds {@link DualWriteMappers}; both session factories and the statements of every table written are required. */
    public static final class Builder {
        private final DualWriter writer;
        private final String migration;
        private final Map<Store, SqlSessionFactory> factories = new EnumMap<>(Store.class);
        private ContextRules rules;
        private final Map<String, Write> writes = new LinkedHashMap<>();
        private final Map<String, Map<Store, TableStatements>> tables = new LinkedHashMap<>();
        private java.time.Duration outboxGrace = DualWriteDataSource.DEFAULT_OUTBOX_GRACE;

        private Builder(DualWriter writer, String migration) {
            this.writer = Checks.requireNonNull("writer", writer);
            this.migration = writer.resolver().requireKnownMigration("migration", migration);
            this.rules = ContextRules.builder(migration).build();
        }

        /** The factory of one store, over that store's own pool. */
        public Builder sessions(Store store, SqlSessionFactory factory) {
            factories.put(Checks.requireNonNull("store", store), Checks.requireNonNull("factory", factory));
            return this;
        }

        /**
         * How long after a marked call the keys it wrote inside a transaction the library cannot see the end of (an
         * application server's JTA transaction through MyBatis' {@code ManagedTransactionFactory}) become due for
         * the reconciler: by then that transaction is taken to have ended (default
         * {@link DualWriteDataSource#DEFAULT_OUTBOX_GRACE}, the data source's outbox grace). A transaction still open
         * after it may be synced as it was before its commit; give it at least the container's transaction timeout.
         *
         * @throws IllegalArgumentException when {@code grace} is null or negative
         */
        public Builder outboxGrace(java.time.Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("outboxGrace must be zero or more, but was " + grace
                        + "; give at least the transaction timeout of the container's transactions, e.g. PT1M");
            }
            this.outboxGrace = grace;
            return this;
        }

        /** Where the ids are found in a call's parameters (default: the annotated fields only). */
        public Builder rules(ContextRules rules) {
            Checks.requireNonNull("rules", rules);
            if (!rules.migration().equals(migration)) {
                throw new IllegalArgumentException("rules are for migration '" + rules.migration()
                        + "', but these mappers are for '" + migration + "'");
            }
            this.rules = rules;
            return this;
        }

        /**
         * Marks a statement as a write of one key, as {@link DualWrite} on its method would: {@code statementId} is a
         * mapped statement's full id, or the mapper's name and the name of one of its {@code default} methods.
         */
        public Builder statement(String statementId, String table, int keyArgument, Operation operation) {
            if (keyArgument < 0 && keyArgument != DualWrite.ORDER_ID) {
                throw new IllegalArgumentException("keyArgument of statement " + statementId
                        + " must be the index of the mapper method's key argument (0 or more) or DualWrite.ORDER_ID"
                        + " (the context's order id), but was " + keyArgument);
            }
            writes.put(Checks.requireText("statementId", statementId),
                    new Write(Checks.requireText("table", table), keyArgument, Checks.requireNonNull("operation", operation)));
            return this;
        }

        /**
         * The statements of {@code table} on {@code store}: a read by key returning the row object, upserts run in
         * order with that object (together they must insert or replace), deletes run in order with the key.
         */
        public Builder table(String table, Store store, String read, List<String> upserts, List<String> deletes) {
            Checks.requireText("table", table);
            Checks.requireNonNull("store", store);
            Checks.requireText("read", read);
            Checks.requireNonNull("upserts", upserts);
            Checks.requireNonNull("deletes", deletes);
            if (upserts.isEmpty() || deletes.isEmpty()) {
                throw new IllegalArgumentException("table " + table + " on the " + store
                        + " store needs at least one upsert and one delete statement");
            }
            tables.computeIfAbsent(table, t -> new EnumMap<>(Store.class))
                    .put(store, new TableStatements(read, List.copyOf(upserts), List.copyOf(deletes)));
            return this;
        }

        /**
         * Whether {@code id} names a {@code default} method of a mapper {@code configuration} knows: it has no mapped
         * statement of its own (its body runs), yet it may be a write as a {@link DualWrite} on it makes it.
         */
        private static boolean defaultMethod(Configuration configuration, String id) {
            int dot = id.lastIndexOf('.');
            if (dot <= 0) {
                return false;
            }
            String type = id.substring(0, dot);
            String name = id.substring(dot + 1);
            for (Class<?> mapper : configuration.getMapperRegistry().getMappers()) {
                if (mapper.getName().equals(type)) {
                    for (Method method : mapper.getMethods()) {
                        if (method.isDefault() && method.getName().equals(name)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /**
         * The mappers.
         *
         * @throws IllegalArgumentException when a factory is missing or a table lacks one store's statements
         * @throws IllegalStateException    when a configured statement does not exist in its store's factory, or a
         *                                  rule does not fit the mappers (see {@link MigrationContextInterceptor#install})
         */
        public DualWriteMappers build() {
            for (Store store : Store.values()) {
                if (!factories.containsKey(store)) {
                    throw new IllegalArgumentException("sessions(" + store + ", …) must be set, but was missing");
                }
            }
            List<String> missing = new ArrayList<>();
            tables.forEach((table, sides) -> {
                for (Store store : Store.values()) {
                    TableStatements statements = sides.get(store);
                    if (statements == null) {
                        throw new IllegalArgumentException("table " + table + " has no statements for the " + store
                                + " store; add Builder.table(\"" + table + "\", Store." + store + ", …)");
                    }
                    List<String> ids = new ArrayList<>(statements.upserts());
                    ids.addAll(statements.deletes());
                    ids.add(statements.read());
                    for (String id : ids) {
                        if (!factories.get(store).getConfiguration().hasStatement(id, true)) {
                            missing.add(id + " (table " + table + ", " + store + " store)");
                        }
                    }
                }
            });
            for (String id : writes.keySet()) {
                Configuration old = factories.get(Store.OLD).getConfiguration();
                if (!old.hasStatement(id, true)) {
                    if (!defaultMethod(old, id)) {
                        missing.add(id + " (a write statement)");
                    }
                } else if (StartupCheck.notFullId(old, id) != null) {
                    throw new IllegalStateException("DualWriteMappers of migration " + migration + ", Builder.statement:"
                            + " " + StartupCheck.notFullId(old, id) + " (a write named by a short id is never synced)");
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("DualWriteMappers of migration " + migration + ": the statements "
                        + missing + " do not exist in their store's SqlSessionFactory; add their mappers or fix the ids");
            }
            List<String> unconvertible = new ArrayList<>();
            tables.forEach((table, sides) -> {
                for (Store store : Store.values()) {
                    List<String> byKey = new ArrayList<>(sides.get(store).deletes());
                    byKey.add(sides.get(store).read());
                    MapperCopier.unconvertibleKeyTypes(factories.get(store).getConfiguration(), byKey)
                            .forEach(found -> unconvertible.add(found + " (table " + table + ", " + store + " store)"));
                }
            });
            if (!unconvertible.isEmpty()) {
                // every sync of the table would fail in the statement's type handler, and every repair again
                throw new IllegalStateException("DualWriteMappers of migration " + migration + ": "
                        + String.join("; ", unconvertible) + ", which a key's text cannot become (no public static"
                        + " valueOf, of, from, parse or fromString taking a String, nor a public constructor taking"
                        + " one); give the statement the key as a String, a number, a UUID or an enum, or give the"
                        + " type one of those");
            }
            List<String> unbound = new ArrayList<>();
            tables.forEach((table, sides) -> {
                for (Store store : Store.values()) {
                    // each store's upserts run with the row the other store's read returned
                    unbound.addAll(StartupCheck.unboundRowProperties(factories.get(store.other()).getConfiguration(),
                            sides.get(store.other()).read(), factories.get(store).getConfiguration(),
                            sides.get(store).upserts()));
                }
            });
            if (!unbound.isEmpty()) {
                throw new IllegalStateException("DualWriteMappers of migration " + migration + ": " + String.join("; ",
                        unbound) + "; an upsert takes the row the other store's read returns: name its parameters as"
                        + " that row's properties");
            }
            new StartupCheck(factories.get(Store.OLD).getConfiguration()).check(rules);
            return new DualWriteMappers(this);
        }
    }
}
