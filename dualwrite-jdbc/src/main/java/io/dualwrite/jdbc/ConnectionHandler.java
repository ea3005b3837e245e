package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.ValueRef;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection proxy. The physical connection is acquired at the first call that needs it, from the
 * store the phase makes authoritative then, and stays on that store. Mirror operations are buffered per
 * transaction and dispatched after commit; rollback (to a savepoint) discards them; switching auto-commit
 * on mid-transaction commits and dispatches; closing without commit discards. No connection to the other
 * store is ever taken here: the mirror work acquires its own when it runs.
 */
final class ConnectionHandler implements InvocationHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    final DataSourceConfig config;
    private final MirrorDispatcher dispatcher;
    private final @Nullable String user;
    private final @Nullable String password;
    private @Nullable Connection physical;
    private Store store = Store.OLD;
    private @Nullable Boolean pendingAutoCommit;
    private @Nullable Boolean pendingReadOnly;
    private @Nullable Integer pendingIsolation;
    private final List<MirrorOp> buffer = new ArrayList<>();
    private final Map<Savepoint, Integer> savepoints = new IdentityHashMap<>();
    private boolean closed;
    private long autoIncrementStep;
    private Connection self;

    private ConnectionHandler(DataSourceConfig config, @Nullable String user, @Nullable String password) {
        this.config = config;
        this.dispatcher = new MirrorDispatcher(config);
        this.user = user;
        this.password = password;
    }

    static Connection proxy(DataSourceConfig config, @Nullable String user, @Nullable String password) {
        ConnectionHandler handler = new ConnectionHandler(config, user, password);
        handler.self = (Connection) DualWriteDataSource.newProxy(new Class<?>[] {Connection.class}, handler);
        return handler.self;
    }

    Connection self() {
        return self;
    }

    Store store() {
        return store;
    }

    /** The physical connection, acquired from the authoritative store on first need. */
    Connection physical() throws SQLException {
        if (physical == null) {
            if (closed) {
                throw new SQLException("connection is closed");
            }
            MigrationContext context = MigrationContext.current().orElse(null);
            MigrationPhase phase = context != null
                    ? config.resolver().resolveRead(withOurMigration(context, null, null)).phase()
                    : unattributedPhase();
            store = phase.authoritative();
            DataSource dataSource = config.dataSource(store);
            Connection connection = user == null ? dataSource.getConnection() : dataSource.getConnection(user, password);
            try {
                if (pendingAutoCommit != null) {
                    connection.setAutoCommit(pendingAutoCommit);
                }
                if (pendingReadOnly != null) {
                    connection.setReadOnly(pendingReadOnly);
                }
                if (pendingIsolation != null) {
                    connection.setTransactionIsolation(pendingIsolation);
                }
                config.dialect(store, connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            log.debug("connection of migration {} runs on the {} store (phase {})", config.migration(), store, phase);
            physical = connection;
        }
        return physical;
    }

    /** The context of a write: the open one, else ids read from the statement, else one without ids. */
    MigrationContext contextFor(StatementAnalysis analysis, List<@Nullable Object> values) {
        MigrationContext current = MigrationContext.current().orElse(null);
        if (current != null) {
            return withOurMigration(current, null, null);
        }
        return withOurMigration(null, text(analysis.orderId(), values), text(analysis.merchantId(), values));
    }

    /** The phase of a write under {@code context}; see docs/jdbc-routing.md for statements without any id. */
    MigrationPhase phaseForWrite(MigrationContext context) {
        if (context.orderId().isEmpty() && context.merchantId().isEmpty() && MigrationContext.current().isEmpty()) {
            MigrationPhase phase = unattributedPhase();
            log.debug("write without context or id in migration {}: resolved to {}", config.migration(), phase);
            return phase;
        }
        return config.resolver().resolveWrite(context).phase();
    }

    /**
     * The phase of work that no context or id attributes to an order or merchant: {@code noContextPhase} when
     * configured, else {@link io.dualwrite.switches.PhaseResolver#resolveUnattributed}, which mirrors whenever
     * any switch of the migration asks some order or merchant to be mirrored (never a guess that skips one).
     */
    private MigrationPhase unattributedPhase() {
        MigrationPhase configured = config.noContextPhase();
        return configured != null ? configured : config.resolver().resolveUnattributed(config.migration()).phase();
    }

    private MigrationContext withOurMigration(@Nullable MigrationContext current, @Nullable String orderId,
                                              @Nullable String merchantId) {
        if (current != null && current.migration().equals(config.migration())) {
            return current;
        }
        MigrationContext.Builder builder = MigrationContext.forMigration(config.migration());
        if (current != null) {
            builder.orderId(current.orderId().orElse(null)).merchantId(current.merchantId().orElse(null))
                    .userId(current.userId().orElse(null));
        } else {
            builder.orderId(orderId).merchantId(merchantId);
        }
        return builder.build();
    }

    private static @Nullable String text(@Nullable ValueRef ref, List<@Nullable Object> values) {
        if (ref == null) {
            return null;
        }
        Object value = ref.resolve(values);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    /**
     * After an authoritative write that mirrors: dispatch at once in auto-commit, else buffer until commit.
     * {@code wrapped} says the statement ran in a transaction opened for the outbox (ALWAYS in auto-commit).
     */
    void afterWrite(List<MirrorOp> ops, boolean wrapped) throws SQLException {
        if (ops.isEmpty() && !wrapped) {
            return;
        }
        Connection connection = physical();
        if (wrapped) {
            @Nullable List<Long> ids = dispatcher.writeOutbox(connection, store.other(), ops);
            connection.commit();
            connection.setAutoCommit(true);
            dispatcher.dispatch(store.other(), ops, ids);
        } else if (connection.getAutoCommit()) {
            dispatcher.dispatch(store.other(), ops, null);
        } else {
            for (MirrorOp op : ops) {
                if (buffer.size() >= config.maxBufferedStatements() && !op.isCopy()) {
                    config.warn(log, "buffer-full/" + config.migration(),
                            "a transaction of migration {} buffered {} mirrored statements;"
                            + " the rest of it is copied by key after commit", config.migration(), buffer.size());
                    buffer.add(op.asCopy("buffer-full"));
                } else {
                    buffer.add(op);
                }
            }
        }
    }

    /**
     * MySQL and MariaDB drivers return only the first key of a multi-row insert; the others follow it by
     * {@code @@auto_increment_increment} (consecutive under {@code innodb_autoinc_lock_mode} 0 and 1, MariaDB's
     * default; mode 2 can interleave, which the verifier then finds).
     */
    List<List<Object>> consecutiveKeys(List<Object> first, long rows) throws SQLException {
        if (config.dialect(store) != Dialect.MYSQL || first.size() != 1 || !(first.get(0) instanceof Number start)) {
            return List.of(first);
        }
        if (autoIncrementStep == 0) {
            try (java.sql.Statement statement = physical().createStatement();
                 java.sql.ResultSet result = statement.executeQuery("SELECT @@auto_increment_increment")) {
                autoIncrementStep = result.next() ? result.getLong(1) : 1;
            }
        }
        List<List<Object>> keys = new ArrayList<>();
        for (long i = 0; i < rows; i++) {
            keys.add(List.of(start.longValue() + i * autoIncrementStep));
        }
        return keys;
    }

    /**
     * Undoes a transaction opened for the outbox ({@link #opensOutboxTransaction}) after {@code failure} and
     * restores auto-commit; a failure to do so is added to {@code failure}, which the caller still sees.
     */
    static void undoOutboxTransaction(Connection physical, Throwable failure) {
        try {
            physical.rollback();
            physical.setAutoCommit(true);
        } catch (SQLException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    boolean opensOutboxTransaction(boolean mirrors) throws SQLException {
        return mirrors && config.changeLogMode() == ChangeLogMode.ALWAYS && physical().getAutoCommit();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "toString":
                return "DualWriteConnection wrapping " + (physical == null ? "(not yet acquired)" : physical);
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "unwrap":
                return Wrappers.unwrap(proxy, physical(), (Class<?>) args[0], "DualWriteConnection");
            case "isWrapperFor":
                return Wrappers.isWrapperFor(proxy, physical(), (Class<?>) args[0]);
            case "close":
                close();
                return null;
            case "abort":
                closed = true;
                buffer.clear(); // an aborted connection never commits: nothing to mirror
                savepoints.clear();
                return physical == null ? null : call(physical, method, args);
            case "isClosed":
                return closed || (physical != null && physical.isClosed());
            case "setAutoCommit":
                setAutoCommit((Boolean) args[0]);
                return null;
            case "setReadOnly":
                if (physical == null) {
                    pendingReadOnly = (Boolean) args[0];
                    return null;
                }
                break;
            case "setTransactionIsolation":
                if (physical == null) {
                    pendingIsolation = (Integer) args[0];
                    return null;
                }
                break;
            case "commit":
                commit();
                return null;
            case "rollback":
                rollback(args == null || args.length == 0 ? null : (Savepoint) args[0]);
                return null;
            case "setSavepoint": {
                Savepoint savepoint = (Savepoint) call(physical(), method, args);
                savepoints.put(savepoint, buffer.size());
                return savepoint;
            }
            case "releaseSavepoint":
                savepoints.remove((Savepoint) args[0]);
                break;
            case "createStatement":
            case "prepareStatement":
            case "prepareCall":
                return StatementHandler.create(this, method, args);
            default:
                break;
        }
        return call(physical(), method, args);
    }

    private void setAutoCommit(boolean autoCommit) throws SQLException {
        if (physical == null) {
            pendingAutoCommit = autoCommit;
            return;
        }
        boolean was = physical.getAutoCommit();
        if (autoCommit && !was) {
            // switching auto-commit on commits the open transaction: its outbox goes in first, as on commit()
            @Nullable List<Long> ids = dispatcher.writeOutbox(physical, store.other(), List.copyOf(buffer));
            physical.setAutoCommit(true);
            flush(ids);
        } else {
            physical.setAutoCommit(autoCommit);
        }
    }

    private void commit() throws SQLException {
        Connection connection = physical();
        List<MirrorOp> ops = List.copyOf(buffer);
        @Nullable List<Long> ids = connection.getAutoCommit() ? null : dispatcher.writeOutbox(connection, store.other(), ops);
        connection.commit();
        flush(ids);
    }

    private void flush(@Nullable List<Long> outboxIds) {
        List<MirrorOp> ops = List.copyOf(buffer);
        buffer.clear();
        savepoints.clear();
        if (!ops.isEmpty()) {
            dispatcher.dispatch(store.other(), ops, outboxIds);
        }
    }

    private void rollback(@Nullable Savepoint savepoint) throws SQLException {
        if (physical == null) {
            return;
        }
        if (savepoint == null) {
            physical.rollback();
            buffer.clear();
            savepoints.clear();
            return;
        }
        physical.rollback(savepoint);
        Integer mark = savepoints.get(savepoint);
        if (mark != null) {
            buffer.subList(mark, buffer.size()).clear();
            savepoints.values().removeIf(other -> other > mark);
        }
    }

    private void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (!buffer.isEmpty()) {
            log.debug("connection closed without commit: {} mirror operations discarded", buffer.size());
        }
        buffer.clear();
        savepoints.clear();
        if (physical != null) {
            physical.close();
        }
    }

    static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
