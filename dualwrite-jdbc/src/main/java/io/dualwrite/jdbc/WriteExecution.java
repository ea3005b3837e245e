package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.statement.RenderedSql;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.ValueRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One execution (or batch entry) of a write to a mapped table that mirrors: finds the keys of the rows it
 * touches and builds its mirror operation.
 *
 * <p>Keys come from the statement's own values (insert key columns, {@code WHERE pk = …}), from the
 * generated keys, or, for an update or delete with any other WHERE, from a {@code SELECT} of the key
 * columns with the same WHERE and parameters run first on the authoritative connection, in the same
 * transaction: one extra round trip, and an extra scan when the WHERE is not indexed.
 */
final class WriteExecution {

    private static final Logger log = LoggerFactory.getLogger(WriteExecution.class);

    private final ConnectionHandler connection;
    private final StatementAnalysis analysis;
    private final MigrationContext context;
    private final MigrationPhase phase;

    WriteExecution(ConnectionHandler connection, StatementAnalysis analysis, MigrationContext context,
                   MigrationPhase phase) {
        this.connection = connection;
        this.analysis = analysis;
        this.context = context;
        this.phase = phase;
    }

    /**
     * {@link #preselectKeys}, but a failure (the statement itself is probably wrong, and will fail on its
     * own with the driver's error) gives no keys instead of an exception.
     */
    @Nullable List<List<Object>> preselectKeysQuietly(Connection physical, ParameterRecorder.Bound bound) {
        try {
            return preselectKeys(physical, bound);
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "preselect/" + analysis.mapping().oldTable(),
                    "could not select the keys a {} on {} touches: {}",
                    analysis.kind(), analysis.mapping().oldTable(), e.toString());
            return null;
        }
    }

    /** For an update or delete whose key is not in its WHERE: the keys of the rows it is about to touch. */
    @Nullable List<List<Object>> preselectKeys(Connection physical, ParameterRecorder.Bound bound) throws SQLException {
        if ((analysis.kind() != SqlKind.UPDATE && analysis.kind() != SqlKind.DELETE) || analysis.whereKey() != null) {
            return null;
        }
        Store store = connection.store();
        RenderedSql select = analysis.keySelect(store);
        if (select == null) {
            return null;
        }
        // On PostgreSQL a failed statement aborts the whole transaction: the application's own statement
        // would then fail with "transaction is aborted" instead of its real error. A savepoint keeps the
        // pre-select's failure to itself.
        Savepoint guard = connection.config.dialect(store, physical) == Dialect.POSTGRESQL && !physical.getAutoCommit()
                ? physical.setSavepoint() : null;
        try {
            List<List<Object>> keys = selectKeys(physical, select, bound, store);
            if (guard != null) {
                physical.releaseSavepoint(guard);
            }
            return keys;
        } catch (SQLException | RuntimeException e) {
            if (guard != null) {
                try {
                    physical.rollback(guard);
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            throw e;
        }
    }

    private List<List<Object>> selectKeys(Connection physical, RenderedSql select, ParameterRecorder.Bound bound,
                                          Store store) throws SQLException {
        List<List<Object>> keys = new ArrayList<>();
        try (PreparedStatement statement = physical.prepareStatement(select.sql())) {
            ParameterRecorder.bind(statement, select, bound, store == Store.NEW ? analysis.mapping() : null, List.of());
            try (ResultSet rows = statement.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    List<Object> key = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        key.add(rows.getObject(c));
                    }
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** The mirror operation of this execution; none when it changed no row or no key could be found. */
    List<MirrorOp> ops(ParameterRecorder.Bound bound, long updateCount, List<List<Object>> generated,
                       @Nullable List<List<Object>> preselected) {
        if (updateCount == 0) {
            return List.of();
        }
        List<List<Object>> keyRows = keyRows(bound.values(), generated, preselected);
        if (keyRows.isEmpty()) {
            warnUnrecordable("it has no derivable key");
            return List.of();
        }
        boolean withKey = analysis.keysGenerated() && !generated.isEmpty();
        Store other = connection.store().other();
        RenderedSql target = analysis.on(other, withKey);
        String copy = analysis.notReplayable() != null ? analysis.notReplayable()
                : bound.notReplayable() != null ? bound.notReplayable()
                : target == null ? "not-rewritable" : null;
        return List.of(new MirrorOp(target, bound, List.copyOf(keyRows), analysis.mapping(), analysis.kind(),
                rows(keyRows), context, phase, copy));
    }

    /**
     * When the mirror of this (successful, or possibly applied) execution cannot be built: a copy-by-key of
     * every row whose key can still be derived, recorded with {@code reason}; a rate-limited WARN naming the
     * table and statement kind when none can.
     */
    List<MirrorOp> copies(ParameterRecorder.Bound bound, List<List<Object>> generated,
                          @Nullable List<List<Object>> preselected, String reason) {
        List<RowRef> rows;
        try {
            rows = rows(keyRows(bound.values(), generated, preselected));
        } catch (RuntimeException e) { // a key the codec rejects: nothing that could be recorded
            rows = List.of();
        }
        if (rows.isEmpty()) {
            warnUnrecordable(reason + " and no key is derivable");
            return List.of();
        }
        return List.of(new MirrorOp(null, ParameterRecorder.Bound.NONE, List.of(),
                analysis.mapping(), analysis.kind(), rows, context, phase, reason));
    }

    /** The keys of the rows this execution touched, from its values, the generated keys or the pre-select. */
    private List<List<Object>> keyRows(List<@Nullable Object> values, List<List<Object>> generated,
                                       @Nullable List<List<Object>> preselected) {
        List<List<Object>> keyRows = new ArrayList<>();
        switch (analysis.kind()) {
            case INSERT, UPSERT -> {
                if (analysis.keysGenerated()) {
                    keyRows.addAll(generated);
                } else {
                    analysis.insertKeys().forEach(key -> addKey(keyRows, key, values));
                }
            }
            default -> {
                if (analysis.whereKey() != null) {
                    addKey(keyRows, analysis.whereKey(), values);
                } else if (preselected != null) {
                    keyRows.addAll(preselected);
                }
            }
        }
        keyRows.removeIf(key -> key.stream().anyMatch(java.util.Objects::isNull));
        return keyRows;
    }

    private List<RowRef> rows(List<List<Object>> keyRows) {
        Operation operation = switch (analysis.kind()) {
            case INSERT -> Operation.INSERT;
            case UPSERT -> Operation.UPSERT;
            case UPDATE -> Operation.UPDATE;
            default -> Operation.DELETE;
        };
        String table = analysis.mapping().oldTable();
        List<RowRef> rows = new ArrayList<>();
        for (List<Object> key : keyRows) {
            rows.add(new RowRef(table, KeyCodec.encode(key), operation));
        }
        return rows;
    }

    private void warnUnrecordable(String cause) {
        String table = analysis.mapping().oldTable();
        try (MDC.MDCCloseable migration = MDC.putCloseable("dualwrite.migration", connection.config.migration());
             MDC.MDCCloseable tableName = MDC.putCloseable("dualwrite.table", table)) {
            connection.config.warn(log, "no-key/" + table + "/" + analysis.kind(),
                    "a {} on {} of migration {} was not mirrored and cannot be recorded: {}",
                    analysis.kind(), table, connection.config.migration(), cause);
        }
    }

    private static void addKey(List<List<Object>> keyRows, List<ValueRef> key, List<@Nullable Object> values) {
        List<Object> resolved = new ArrayList<>(key.size());
        for (ValueRef ref : key) {
            resolved.add(ref.resolve(values));
        }
        keyRows.add(resolved);
    }
}
