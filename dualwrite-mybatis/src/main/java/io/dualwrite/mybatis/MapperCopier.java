package io.dualwrite.mybatis;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.copy.CopierSession;
import io.dualwrite.jdbc.copy.KeyLocks;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.executor.SimpleExecutor;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.defaults.DefaultSqlSession;
import org.apache.ibatis.transaction.managed.ManagedTransaction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RowCopier} for one table whose new shape a {@code TableMapping} cannot express (a table split in two,
 * rows folded into a document…): the user's own mapper statements are its sides. Per store: a <em>read</em> by key
 * that returns the row as a Java object (or null), <em>upsert</em> statements run in order with that object, and
 * <em>delete</em> statements run in order with the key. A sync from the old store reads with the old side's read
 * statement (e.g. the application's {@code OrderMapper.selectById}) and writes with the new side's statements
 * (e.g. {@code SplitOrderMapper.insertHead}, {@code SplitOrderMapper.insertAmount}), so one Java type carries the
 * row across. Give it to {@code DualWriteDataSource.Builder.tableCopier} for live syncs, and to the reconciler
 * through the data source's {@code rowCopier()}.
 *
 * <p>Like the built-in copier, every call syncs its keys in ONE target transaction, under the per-key locks of the
 * target store ({@link KeyLocks}) taken before the source is read; the source is read in auto-commit. A sync into
 * the old store first takes the keys' locks in the new store, in a transaction of their own held until it ends, and
 * reads its source there: syncs of one key in both directions (an instance not yet moved past {@code DUAL_WRITE}
 * beside one in {@code NEW_PRIMARY}, or the reconciler) then wait for each other, in one lock order. The target
 * transaction runs read committed on MySQL and MariaDB, and runs again when the database picks it as a deadlock
 * victim (at most {@link KeyLocks#DEADLOCK_ATTEMPTS} runs in all), as the built-in copier's does. An upsert
 * must leave the target holding exactly the row (e.g. delete the key's rows, then insert them), since it runs for a
 * key the target may or may not have. With a resolver, a row is written only when its own phase (its order and
 * merchant ids as {@link ContextRules} find them in the row object, else the write's context) makes the source
 * authoritative and writes the target; a key absent from the source is deleted from the target unless the target's
 * row is in a phase where the target is authoritative (read with the target's read statement).
 *
 * <p>Keys have one column; its text is converted to the read statement's parameter type ({@code long}, {@code int},
 * {@code BigDecimal}, {@code UUID}, an enum, {@code String}, else through the type's static {@code valueOf},
 * {@code of}, {@code from}, {@code parse} or {@code fromString} of a {@code String}, or its constructor of one: a
 * {@code LocalDate}, a value object; {@link Builder#build()} refuses a type none of these fits). Statements run on
 * the copier's own connections, without plugins; on MySQL/MariaDB in {@code utf8mb4} and UTC ({@link CopierSession}),
 * as the built-in copier's. A key a write left a
 * row under ({@link TableKeys#expectRows()}) whose read returns no row, or a row whose {@link Builder#keyProperty
 * key property} holds another key, is reported in {@link SyncResult#vanished()}.
 * A statement that fails makes the sync fail with an {@link SQLException} (the caller records its keys).
 */
public final class MapperCopier implements RowCopier {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MapperCopier.class);

    private record Side(@Nullable String read, List<String> upserts, List<String> deletes) {
    }

    private final Configuration configuration;
    private final TableMapping mapping;
    private final Map<Store, DataSource> dataSources;
    private final Map<Store, Side> sides;
    private final @Nullable String migration;
    private final @Nullable PhaseResolver resolver;
    private final @Nullable ContextExtractor extractor;
    private final Duration lockTimeout;
    private final String keyProperty;

    private MapperCopier(Builder builder) {
        this.configuration = builder.configuration;
        this.mapping = builder.mapping;
        this.dataSources = new EnumMap<>(builder.dataSources);
        this.sides = new EnumMap<>(Store.class);
        for (Store store : Store.values()) {
            sides.put(store, new Side(builder.reads.get(store), List.copyOf(builder.upserts.getOrDefault(store, List.of())),
                    List.copyOf(builder.deletes.getOrDefault(store, List.of()))));
        }
        this.migration = builder.migration;
        this.resolver = builder.resolver;
        this.extractor = builder.rules == null ? null
                : new ContextExtractor(builder.rules, configuration.getTypeHandlerRegistry());
        this.lockTimeout = builder.lockTimeout;
        this.keyProperty = builder.keyProperty != null ? builder.keyProperty : mapping.primaryKey().get(0);
    }

    /** Starts a builder for the table of {@code mapping} (its old name and one-column primary key). */
    public static Builder builder(Configuration configuration, TableMapping mapping) {
        return new Builder(configuration, mapping);
    }

    @Override
    public java.util.Optional<String> migration() {
        return java.util.Optional.ofNullable(migration);
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
        Store to = from.other();
        Side source = sides.get(from);
        Side target = sides.get(to);
        if ((source.read() == null || target.upserts().isEmpty() || target.deletes().isEmpty())
                && !noneCopiedTo(from, to, tables)) {
            throw new SQLException("MapperCopier of table " + mapping.oldTable() + " cannot sync from the " + from
                    + " store: it needs a read statement on the " + from + " side and upsert and delete statements on"
                    + " the " + to + " side");
        }
        Map<String, @Nullable MigrationContext> keys = new LinkedHashMap<>();
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (TableKeys table : tables) {
            if (!table.mapping().oldTable().equalsIgnoreCase(mapping.oldTable())) {
                throw new SQLException("MapperCopier of table " + mapping.oldTable() + " was given keys of table "
                        + table.mapping().oldTable());
            }
            table.keys().forEach(key -> keys.putIfAbsent(key, table.context()));
            expected.addAll(table.expectRows());
        }
        if (keys.isEmpty()) {
            return new SyncResult(0, 0, 0);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return syncOnce(from, to, source, target, keys, expected);
            } catch (SQLException e) {
                if (attempt >= KeyLocks.DEADLOCK_ATTEMPTS || !KeyLocks.isDeadlock(e)) {
                    throw e;
                }
                // the database rolled the whole transaction back; nothing of it stays, so it is run again
                KeyLocks.pauseAfterDeadlock(attempt, e);
            }
        }
    }

    private SyncResult syncOnce(Store from, Store to, Side source, Side target,
                                Map<String, @Nullable MigrationContext> keys, java.util.Set<String> expected)
            throws SQLException {
        if (from != Store.NEW) {
            return syncOnce(from, to, source, target, keys, expected, null);
        }
        // a sync into the old store takes the keys' locks in the new store first, as JdbcRowCopier's DirectionGuard:
        // syncs of one key in both directions then wait for each other (one lock order, no deadlock between them)
        // and the later reads what the earlier wrote; the source is read on this session, inside the transaction
        // that holds the locks, so that a sync holds one session of each store's pool
        try (Connection guard = dataSources.get(Store.NEW).getConnection()) {
            boolean autoCommit = guard.getAutoCommit();
            int isolation = Connection.TRANSACTION_NONE;
            Exception failure = null;
            boolean synced = false;
            try {
                isolation = KeyLocks.beginToRead(guard); // read committed: the read follows the locks' wait
                KeyLocks.lock(guard, mapping.oldTable(), List.copyOf(keys.keySet()), 1, lockTimeout);
                SyncResult result = syncOnce(from, to, source, target, keys, expected, guard);
                synced = true;
                return result;
            } catch (SQLException | RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                if (synced) {
                    // a guard's session that cannot be ended cleanly may have lost the locks before the write
                    KeyLocks.endReadAfterSync(guard, isolation, autoCommit);
                } else {
                    KeyLocks.endRead(guard, isolation, autoCommit, failure); // it only read
                }
            }
        }
    }

    /**
     * One attempt; {@code sourceSession}: the new store's session that holds the keys' locks in a transaction, on
     * which the source is read, or null to read on a session of the source's pool in auto-commit.
     */
    private SyncResult syncOnce(Store from, Store to, Side source, Side target,
                                Map<String, @Nullable MigrationContext> keys, java.util.Set<String> expected,
                                @Nullable Connection sourceSession) throws SQLException {
        try (Connection targetConnection = dataSources.get(to).getConnection()) {
            boolean autoCommit = targetConnection.getAutoCommit();
            // MySQL/MariaDB: utf8mb4 and UTC, as the built-in copier, whatever a pooled session was left in
            CopierSession targetState = CopierSession.enter(targetConnection, true);
            int isolation = KeyLocks.begin(targetConnection);
            try (SqlSession targetSession = session(targetConnection)) {
                KeyLocks.lock(targetConnection, mapping.oldTable(), List.copyOf(keys.keySet()), 1, lockTimeout);
                Map<String, @Nullable Object> rows = sourceSession != null
                        ? readSource(from, source, keys.keySet(), sourceSession)
                        : readSource(from, source, keys.keySet());
                int copied = 0;
                int deleted = 0;
                int skipped = 0;
                List<TableKeys> vanished = new ArrayList<>(); // expected rows the source's read did not find
                List<TableKeys> conflicts = new ArrayList<>(); // keys whose rows neither store may copy over
                List<TableKeys> authorityMoved = new ArrayList<>(); // keys whose own phase names the target now
                boolean mayConflict = mayConflict(target);
                for (Map.Entry<String, @Nullable MigrationContext> key : keys.entrySet()) {
                    Object row = rows.get(key.getKey());
                    if (expected.contains(key.getKey()) && (row == null || !underOwnKey(row, key.getKey()))) {
                        vanished.add(new TableKeys(mapping, List.of(key.getKey()), key.getValue(), java.util.Set.of(key.getKey())));
                    }
                    if (row != null) {
                        MigrationPhase phase = phaseOf(source.read(), row, key.getValue());
                        if (phase == null || phase.authoritative() == from && phase.writes(to)) {
                            if (mayConflict && heldWithAuthority(targetSession, target, to, key.getKey(),
                                    key.getValue())) {
                                conflicts.add(new TableKeys(mapping, List.of(key.getKey()), key.getValue()));
                                skipped++;
                                continue;
                            }
                            for (String upsert : target.upserts()) {
                                targetSession.update(upsert, row);
                            }
                            copied++;
                        } else {
                            if (phase.authoritative() == to) {
                                // the target is this row's authority now (its merchant or order moved since the
                                // write): which store is right cannot be settled by a copy, so the key stays recorded
                                authorityMoved.add(new TableKeys(mapping, List.of(key.getKey()), key.getValue()));
                            }
                            skipped++;
                        }
                    } else if (deletable(targetSession, target, to, key.getKey(), key.getValue())) {
                        for (String delete : target.deletes()) {
                            targetSession.update(delete, keyParameter(to, delete, key.getKey()));
                        }
                        deleted++;
                    } else {
                        skipped++;
                    }
                }
                targetConnection.commit();
                return new SyncResult(copied, deleted, skipped, vanished, conflicts, authorityMoved);
            } catch (SQLException | RuntimeException e) {
                try {
                    targetConnection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                if (e instanceof PersistenceException failed) {
                    throw new SQLException("a mapper statement of table " + mapping.oldTable() + " failed on the " + to
                            + " store: " + Credentials.mask(failed.getMessage()), failed);
                }
                throw e;
            } finally {
                KeyLocks.unlock(targetConnection);
                KeyLocks.restore(targetConnection, isolation, autoCommit);
                if (targetState != null) {
                    targetState.restore();
                }
            }
        }
    }

    private Map<String, @Nullable Object> readSource(Store from, Side source, Iterable<String> keys) throws SQLException {
        try (Connection connection = dataSources.get(from).getConnection()) {
            connection.setAutoCommit(true);
            return readSource(from, source, keys, connection);
        }
    }

    /** Reads the source's rows of {@code keys} on {@code connection}, left in the transaction state it is in. */
    private Map<String, @Nullable Object> readSource(Store from, Side source, Iterable<String> keys,
                                                     Connection connection) throws SQLException {
        Map<String, @Nullable Object> rows = new LinkedHashMap<>();
        CopierSession copierSession = CopierSession.enter(connection, true);
        try (SqlSession session = session(connection)) {
            for (String key : keys) {
                rows.put(key, session.selectOne(source.read(), keyParameter(from, source.read(), key)));
            }
        } catch (PersistenceException e) {
            throw new SQLException("the read statement " + source.read() + " of table " + mapping.oldTable()
                    + " failed on the " + from + " store: " + Credentials.mask(e.getMessage()), e);
        } finally {
            if (copierSession != null) {
                copierSession.restore();
            }
        }
        return rows;
    }

    /**
     * Whether a row copied by its own phase may meet, under its key in the target, a row of another order or merchant
     * whose phase makes the target authoritative (two key generators that handed out one key under split
     * authority): only with the target's read statement, a resolver, and some switch that gives an order or merchant
     * another phase than the system's.
     */
    private boolean mayConflict(Side target) {
        return resolver != null && migration != null && target.read() != null
                && (resolver.mayVaryByMerchant(migration) || resolver.mayVaryByOrder(migration));
    }

    /**
     * Whether the target holds {@code key} for a row whose own phase makes the target authoritative: a row the
     * target answers for, which a copy from the other store must not replace (neither store's row is a copy of the
     * other's).
     */
    private boolean heldWithAuthority(SqlSession targetSession, Side target, Store to, String key,
                                      @Nullable MigrationContext context) {
        Object present = targetSession.selectOne(target.read(), keyParameter(to, target.read(), key));
        if (present == null) {
            return false;
        }
        MigrationPhase phase = phaseOf(target.read(), present, context);
        if (phase != null && phase.authoritative() == to) {
            log.warn("'{}' {} key {}: the {} store's row belongs to an order or merchant it is authoritative for ({}),"
                    + " the {} store's to another; neither is copied over the other, the key stays recorded until one"
                    + " of them moves to another key", migration, mapping.oldTable(), key, to, phase, to.other());
            return true;
        }
        return false;
    }

    private boolean deletable(SqlSession targetSession, Side target, Store to, String key,
                              @Nullable MigrationContext context) {
        if (resolver == null || target.read() == null) {
            return true;
        }
        Object present = targetSession.selectOne(target.read(), keyParameter(to, target.read(), key));
        if (present == null) {
            return true;
        }
        MigrationPhase phase = phaseOf(target.read(), present, context);
        return phase == null || phase.authoritative() != to;
    }

    /**
     * Whether no key of {@code tables} is copied from {@code from} to {@code to} by the phase of its write context:
     * the data source hands every write's keys to its copier, and a copier without statements for that direction
     * (the minimal one: old read, new upsert and delete) has nothing to do for a {@code NEW_ONLY} write. It failed,
     * and the change log kept an entry for the old store that no run could complete.
     */
    private boolean noneCopiedTo(Store from, Store to, List<TableKeys> tables) {
        if (resolver == null || migration == null) {
            return false;
        }
        for (TableKeys table : tables) {
            MigrationContext context = table.context();
            MigrationPhase phase = resolver.resolveRead(MigrationContext.forMigration(migration)
                    .orderId(context == null ? null : context.orderId().orElse(null))
                    .merchantId(context == null ? null : context.merchantId().orElse(null)).build()).phase();
            if (phase.authoritative() == from && phase.writes(to)) {
                return false;
            }
        }
        return true;
    }

    private @Nullable MigrationPhase phaseOf(String statementId, Object row, @Nullable MigrationContext context) {
        if (resolver == null || migration == null) {
            return null;
        }
        ContextExtractor.Ids ids = extractor == null ? new ContextExtractor.Ids(null, null)
                : extractor.idsOf(statementId, row);
        MigrationContext.Builder builder = MigrationContext.forMigration(migration)
                .orderId(ids.orderId() != null ? ids.orderId() : context == null ? null : context.orderId().orElse(null))
                .merchantId(ids.merchantId() != null ? ids.merchantId()
                        : context == null ? null : context.merchantId().orElse(null));
        return resolver.resolveRead(builder.build()).phase();
    }

    /**
     * Whether the row the read returned for {@code key} holds that key itself (its key property, the mapping's key
     * column by default, read as a text or a whole number): a read that compares loosely ({@code 'ABC'} for
     * {@code 'abc'} under a case-insensitive collation, row {@code '07'} for the number 7) may return an older row
     * while the row a write made is under another key. A row whose key property cannot be read, or is of
     * another type, counts as its own.
     */
    private boolean underOwnKey(Object row, String key) {
        Object value;
        try {
            value = ContextExtractor.property(row, keyProperty);
        } catch (RuntimeException unreadable) {
            return true;
        }
        if (value instanceof String || value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof BigInteger) {
            return KeyCodec.encode(List.of(value)).equals(key);
        }
        return true;
    }

    /**
     * The key text as the statement's parameter type asks ({@link #keyAs}); for a statement that declares none (an XML
     * statement without {@code parameterType}, or a map), as the key column of {@code store} holds it
     * ({@link KeyColumns}). Passed as text, PostgreSQL refused it against a numeric or {@code uuid} key
     * ({@code bigint = character varying}), and every sync of the table failed and stayed in the change log.
     */
    private Object keyParameter(Store store, String statementId, String key) {
        Class<?> type = configuration.getMappedStatement(statementId).getParameterMap().getType();
        if (KeyColumns.undeclared(type)) {
            type = keyTypes.computeIfAbsent(store, this::keyColumnType);
        }
        return keyAs(type, KeyCodec.decode(key, 1).get(0));
    }

    /** The Java type of each store's key column, read from its catalog once (see {@link #keyParameter}). */
    private final Map<Store, Class<?>> keyTypes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The Java type of the key column of {@code store}'s table; where that store has no such table (a table split in
     * two whose mapping names another), the old store's.
     */
    private Class<?> keyColumnType(Store store) {
        String column = store == Store.OLD ? mapping.primaryKey().get(0) : mapping.newPrimaryKey().get(0);
        Class<?> type = KeyColumns.javaType(dataSources.get(store), mapping.table(store), column);
        if (type == null && store == Store.NEW) {
            type = KeyColumns.javaType(dataSources.get(Store.OLD), mapping.oldTable(), mapping.primaryKey().get(0));
        }
        return type == null ? String.class : type;
    }

    /**
     * A key's text as a by-key statement's parameter type {@code type} asks: a whole or decimal number, a
     * {@code UUID}, an enum constant by name; any other type gets the text. A {@code UUID} passed as text was bound
     * by the type handler of the statement's {@code UUID} parameter (a cast failure) or as a {@code varchar}
     * ({@code uuid = character varying} on PostgreSQL), so every sync of a UUID-keyed table failed and stayed
     * recorded.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object keyAs(@Nullable Class<?> type, String text) {
        if (type == long.class || type == Long.class) {
            return Long.valueOf(text.strip());
        }
        if (type == int.class || type == Integer.class) {
            return Integer.valueOf(text.strip());
        }
        if (type == short.class || type == Short.class) {
            return Short.valueOf(text.strip());
        }
        if (type == byte.class || type == Byte.class) {
            return Byte.valueOf(text.strip());
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(text.strip());
        }
        if (type == BigInteger.class) {
            return new BigInteger(text.strip());
        }
        if (type == java.util.UUID.class) {
            return java.util.UUID.fromString(text.strip());
        }
        if (type != null && type.isEnum()) {
            return Enum.valueOf((Class) type, text);
        }
        if (type == null || type.isAssignableFrom(String.class)) {
            return text;
        }
        java.util.function.Function<String, Object> fromText = fromText(type);
        if (fromText == null) {
            // refused at build (unconvertibleKeyType); passed on, the statement's own type handler says why it fails
            return text;
        }
        return fromText.apply(text);
    }

    /**
     * How a key's text becomes {@code type} where {@link #keyAs} has no rule of its own (a {@code LocalDate}, a value
     * object with a type handler of its own): its public static {@code valueOf}, {@code of}, {@code from},
     * {@code parse} or {@code fromString} taking one {@code String} (or {@code CharSequence}) and returning the type,
     * else its public constructor taking one {@code String}; null when it has none. A {@code LocalDateTime} (or
     * other {@code java.time} type) also reads a text with a space between date and time, as databases write it.
     * Passed as text, the statement's type handler cast it to its type, and every sync of the table failed.
     */
    static java.util.function.@Nullable Function<String, Object> fromText(Class<?> type) {
        return FROM_TEXT.computeIfAbsent(type, MapperCopier::findFromText).orElse(null);
    }

    private static final Map<Class<?>, java.util.Optional<java.util.function.Function<String, Object>>> FROM_TEXT =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static java.util.Optional<java.util.function.Function<String, Object>> findFromText(Class<?> declared) {
        // a primitive (double, boolean) as its wrapper's valueOf reads it
        Class<?> type = declared.isPrimitive() ? java.lang.invoke.MethodType.methodType(declared).wrap().returnType()
                : declared;
        if (type == Void.class || type.isArray() || type.isInterface()
                || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            return java.util.Optional.empty();
        }
        for (String name : new String[] {"valueOf", "of", "from", "parse", "fromString"}) {
            for (Class<?> argument : new Class<?>[] {String.class, CharSequence.class}) {
                try {
                    java.lang.reflect.Method method = type.getMethod(name, argument);
                    if (java.lang.reflect.Modifier.isStatic(method.getModifiers())
                            && type.isAssignableFrom(method.getReturnType())) {
                        return java.util.Optional.of(text -> invoke(type, () -> method.invoke(null, dated(type, text))));
                    }
                } catch (NoSuchMethodException | SecurityException none) {
                    // next form
                }
            }
        }
        try {
            java.lang.reflect.Constructor<?> constructor = type.getConstructor(String.class);
            return java.util.Optional.of(text -> invoke(type, () -> constructor.newInstance(text)));
        } catch (NoSuchMethodException | SecurityException none) {
            return java.util.Optional.empty();
        }
    }

    /** A {@code java.time} text as its {@code parse} reads it: a space between date and time becomes a {@code T}. */
    private static String dated(Class<?> type, String text) {
        String stripped = text.strip();
        return type.getName().startsWith("java.time.") && stripped.length() > 10 && stripped.charAt(10) == ' '
                ? stripped.substring(0, 10) + 'T' + stripped.substring(11) : stripped;
    }

    private interface Conversion {
        Object run() throws ReflectiveOperationException;
    }

    private static Object invoke(Class<?> type, Conversion conversion) {
        try {
            return conversion.run();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalArgumentException("a key's text cannot be read as " + type.getName() + ": "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("a key's text cannot be read as " + type.getName() + ": " + e, e);
        }
    }

    /**
     * The by-key statements among {@code ids} whose declared parameter type a key's text cannot become
     * ({@link #keyAs}, {@link #fromText}), each as its id and type.
     */
    static List<String> unconvertibleKeyTypes(Configuration configuration, List<String> ids) {
        List<String> found = new ArrayList<>();
        for (String id : ids) {
            Class<?> type = configuration.getMappedStatement(id).getParameterMap().getType();
            if (KeyColumns.undeclared(type) || type.isAssignableFrom(String.class) || type.isEnum()
                    || KNOWN.contains(type)) {
                continue;
            }
            if (fromText(type) == null) {
                found.add("'" + id + "' takes its key as " + type.getName());
            }
        }
        return found;
    }

    private static final java.util.Set<Class<?>> KNOWN = java.util.Set.of(long.class, Long.class, int.class,
            Integer.class, short.class, Short.class, byte.class, Byte.class, BigDecimal.class, BigInteger.class,
            java.util.UUID.class);

    /** A session on a connection the copier owns: no plugins, and its close neither commits nor closes. */
    private SqlSession session(Connection connection) {
        return new DefaultSqlSession(configuration,
                new SimpleExecutor(configuration, new ManagedTransaction(connection, false)), false);
    }

    @Override
    public String toString() {
        return "MapperCopier[" + mapping.oldTable() + ": old " + sides.get(Store.OLD) + ", new " + sides.get(Store.NEW) + "]";
    }

    /**
     * Builds a {@link MapperCopier}; both data sources, the old read and the new upsert and delete are required. Without
     * the new read and the old upsert and delete it copies one way only, which {@link #build()} says in a WARN: the
     * writes of {@code NEW_PRIMARY} cannot be copied back, and each is recorded in the change log instead.
     */
    public static final class Builder {
        private final Configuration configuration;
        private final TableMapping mapping;
        private final Map<Store, DataSource> dataSources = new EnumMap<>(Store.class);
        private final Map<Store, String> reads = new EnumMap<>(Store.class);
        private final Map<Store, List<String>> upserts = new EnumMap<>(Store.class);
        private final Map<Store, List<String>> deletes = new EnumMap<>(Store.class);
        private @Nullable String migration;
        private @Nullable PhaseResolver resolver;
        private @Nullable ContextRules rules;
        private Duration lockTimeout = RowCopier.DEFAULT_LOCK_TIMEOUT;
        private @Nullable String keyProperty;

        private Builder(Configuration configuration, TableMapping mapping) {
            this.configuration = Checks.requireNonNull("configuration", configuration);
            this.mapping = Checks.requireNonNull("mapping", mapping);
            if (mapping.primaryKey().size() != 1) {
                throw new IllegalArgumentException("MapperCopier needs a one-column primary key, but table "
                        + mapping.oldTable() + " has " + mapping.primaryKey());
            }
        }

        /** The store's own pool (never the DualWriteDataSource). */
        public Builder dataSource(Store store, DataSource dataSource) {
            dataSources.put(Checks.requireNonNull("store", store), Checks.requireNonNull("dataSource", dataSource));
            return this;
        }

        /** The statement that reads one row of {@code store} by key, returning the row object or null. */
        public Builder read(Store store, String statementId) {
            reads.put(Checks.requireNonNull("store", store), Checks.requireText("statementId", statementId));
            return this;
        }

        /** The statements that write a row object into {@code store}, run in order; together they must upsert. */
        public Builder upsert(Store store, String... statementIds) {
            upserts.put(Checks.requireNonNull("store", store), statementIds("upsert", statementIds));
            return this;
        }

        /** The statements that delete one key from {@code store}, run in order with the key. */
        public Builder delete(Store store, String... statementIds) {
            deletes.put(Checks.requireNonNull("store", store), statementIds("delete", statementIds));
            return this;
        }

        /** The ids given, each a non-blank statement id, at least one. */
        private static List<String> statementIds(String property, String @Nullable [] ids) {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException(property + " must name at least one statement id, but named none");
            }
            for (String id : ids) {
                Checks.requireText(property + " statement id", id);
            }
            return List.of(ids);
        }

        /**
         * Scopes every copy to the rows whose own phase writes the target; the row's ids are read from the row
         * object by {@code rules} (property paths, {@link OrderId} / {@link MerchantId} fields).
         */
        public Builder resolver(String migration, PhaseResolver resolver, ContextRules rules) {
            this.resolver = Checks.requireNonNull("resolver", resolver);
            this.migration = resolver.requireKnownMigration("migration", migration);
            this.rules = Checks.requireNonNull("rules", rules);
            return this;
        }

        /**
         * The property of the old side's row object that holds its key (default: the mapping's key column name,
         * e.g. {@code id}): a sync checks that the row its read returned is the key's own.
         */
        public Builder keyProperty(String property) {
            if (property == null || property.isBlank()) {
                throw new IllegalArgumentException("keyProperty must be a non-blank property name, but was '"
                        + property + "'");
            }
            this.keyProperty = property;
            return this;
        }

        /**
         * The longest a sync waits for its per-key locks: positive and at most {@link RowCopier#MAX_LOCK_TIMEOUT}, as
         * the JDBC copier takes it.
         *
         * @throws IllegalArgumentException naming {@code lockTimeout}, the value, what is allowed and the fix
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = RowCopier.requireLockTimeout(timeout);
            return this;
        }

        /**
         * The copier.
         *
         * @throws IllegalArgumentException when a data source or a required statement is missing
         * @throws IllegalStateException    when a statement id does not exist in the configuration, naming it, its
         *                                  mapper and the fix; or a by-key statement takes its key as a type a key's
         *                                  text cannot become, naming the statement, the type and the fix
         */
        public MapperCopier build() {
            for (Store store : Store.values()) {
                if (!dataSources.containsKey(store)) {
                    throw new IllegalArgumentException("dataSource(" + store + ", …) must be set, but was missing");
                }
            }
            if (!reads.containsKey(Store.OLD) || upserts.getOrDefault(Store.NEW, List.of()).isEmpty()
                    || deletes.getOrDefault(Store.NEW, List.of()).isEmpty()) {
                throw new IllegalArgumentException("MapperCopier of table " + mapping.oldTable() + " needs read(OLD, …),"
                        + " upsert(NEW, …) and delete(NEW, …), but has reads " + reads + ", upserts " + upserts
                        + ", deletes " + deletes);
            }
            List<String> ids = new ArrayList<>(reads.values());
            upserts.values().forEach(ids::addAll);
            deletes.values().forEach(ids::addAll);
            List<String> missing = new ArrayList<>();
            for (String id : ids) {
                if (!configuration.hasStatement(id, true)) {
                    int dot = id.lastIndexOf('.');
                    missing.add("'" + id + "' (mapper " + (dot < 0 ? "none" : id.substring(0, dot)) + ")");
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("MapperCopier of table " + mapping.oldTable() + ": the statements "
                        + new TreeSet<>(missing) + " do not exist in the MyBatis configuration; add their mappers to it"
                        + " before building the copier, or fix the ids");
            }
            String key = keyProperty != null ? keyProperty : mapping.primaryKey().get(0);
            String unreadable = StartupCheck.unreadableRowProperty(configuration, reads.get(Store.OLD), key);
            if (unreadable != null) {
                // the check that a read's row is the key's own would count every row as its own, silently
                throw new IllegalStateException("MapperCopier of table " + mapping.oldTable() + ": key property '" + key
                        + "' of the row '" + reads.get(Store.OLD) + "' returns does not exist: " + unreadable + "; "
                        + (keyProperty != null ? "fix Builder.keyProperty(…)"
                        : "name the row's key property with Builder.keyProperty(…)"));
            }
            List<String> byKey = new ArrayList<>(reads.values());
            deletes.values().forEach(byKey::addAll);
            List<String> unconvertible = unconvertibleKeyTypes(configuration, byKey);
            if (!unconvertible.isEmpty()) {
                // every sync of the table would fail in the statement's type handler, and every repair again
                throw new IllegalStateException("MapperCopier of table " + mapping.oldTable() + ": "
                        + String.join("; ", unconvertible) + ", which a key's text cannot become (no public static"
                        + " valueOf, of, from, parse or fromString taking a String, nor a public constructor taking"
                        + " one); give the statement the key as a String, a number, a UUID or an enum, or give the"
                        + " type one of those");
            }
            List<String> unbound = new ArrayList<>();
            for (Store store : Store.values()) {
                // each store's upserts run with the row the other store's read returned
                if (reads.containsKey(store.other())) {
                    unbound.addAll(StartupCheck.unboundRowProperties(configuration, reads.get(store.other()),
                            configuration, upserts.getOrDefault(store, List.of())));
                }
            }
            if (!unbound.isEmpty()) {
                throw new IllegalStateException("MapperCopier of table " + mapping.oldTable() + ": "
                        + String.join("; ", unbound) + "; an upsert takes the row the other store's read returns:"
                        + " name its parameters as that row's properties");
            }
            if (!reads.containsKey(Store.NEW) || upserts.getOrDefault(Store.OLD, List.of()).isEmpty()
                    || deletes.getOrDefault(Store.OLD, List.of()).isEmpty()) {
                List<String> absent = new ArrayList<>();
                if (!reads.containsKey(Store.NEW)) {
                    absent.add("read(NEW, …)");
                }
                if (upserts.getOrDefault(Store.OLD, List.of()).isEmpty()) {
                    absent.add("upsert(OLD, …)");
                }
                if (deletes.getOrDefault(Store.OLD, List.of()).isEmpty()) {
                    absent.add("delete(OLD, …)");
                }
                log.warn("dualwrite: MapperCopier of table {} copies only from the old store to the new one (it has no {}):"
                        + " in NEW_PRIMARY every write the new store takes fails to be copied back to the old store and"
                        + " stays in the change log until these statements are given; OLD_ONLY, DUAL_WRITE, SHADOW_READ"
                        + " and NEW_ONLY need none of them", mapping.oldTable(), String.join(", ", absent));
            }
            return new MapperCopier(this);
        }
    }
}
