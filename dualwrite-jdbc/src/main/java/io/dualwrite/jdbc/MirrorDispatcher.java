package io.dualwrite.jdbc;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.mirror.MirrorTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns the mirror operations of one committed authoritative transaction into change-log entries (rows to
 * copy by key) and ONE {@link MirrorTask} whose work replays the rest in one transaction on a connection
 * to the other store acquired only when the work runs.
 */
final class MirrorDispatcher {

    private static final Logger log = LoggerFactory.getLogger(MirrorDispatcher.class);

    private final DataSourceConfig config;

    MirrorDispatcher(DataSourceConfig config) {
        this.config = config;
    }

    /**
     * In {@link ChangeLogMode#ALWAYS}: records every row of {@code ops} on the authoritative connection,
     * before its commit, and returns the ids of the entries the replay will complete; {@code null} when no
     * outbox was written (mode {@code ON_FAILURE}, or the change log refused it), so that
     * {@link #dispatch} records the copies itself.
     *
     * <p>The entries are written under a savepoint. When the change log refuses them (its table is
     * missing, say), they are rolled back to it, an ERROR is logged, and the transaction commits as the
     * application asked: this one write falls back to {@link ChangeLogMode#ON_FAILURE} (its mirror is still
     * recorded if it fails) instead of the library failing the application's commit. On PostgreSQL the
     * savepoint also keeps the refusal from aborting the application's transaction.
     */
    @Nullable List<Long> writeOutbox(Connection authoritative, Store target, List<MirrorOp> ops) throws SQLException {
        if (config.changeLogMode() != ChangeLogMode.ALWAYS || ops.isEmpty()) {
            return null;
        }
        java.sql.Savepoint savepoint = authoritative.setSavepoint();
        try {
            List<Long> ids = recordOutbox(authoritative, target, ops);
            authoritative.releaseSavepoint(savepoint);
            return ids;
        } catch (SQLException | RuntimeException refused) {
            authoritative.rollback(savepoint);
            config.warn(log, "outbox/" + config.migration(), "the change log refused the outbox entries of a "
                    + "transaction of migration {}: {}; its mirrors are recorded only if they fail",
                    config.migration(), refused.toString());
            return null;
        }
    }

    private List<Long> recordOutbox(Connection authoritative, Store target, List<MirrorOp> ops) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (MirrorOp op : ops) {
            for (RowRef row : op.rows()) {
                if (op.isCopy()) {
                    config.outbox().record(authoritative, ChangeRecord.of(config.migration(),
                            new RowRef(row.table(), row.key(), Operation.COPY), op.copyReason(), target, op.context()));
                } else {
                    ids.add(config.outbox().record(authoritative,
                            ChangeRecord.of(config.migration(), row, "outbox", target, op.context())
                                    .withDueAt(java.time.Instant.now().plus(config.outboxGrace()))));
                }
            }
        }
        return ids;
    }

    /**
     * After the authoritative commit: records the copies (unless the outbox has them, {@code outboxIds} not
     * null) and submits the replay.
     */
    void dispatch(Store target, List<MirrorOp> ops, @Nullable List<Long> outboxIds) {
        List<MirrorOp> replays = new ArrayList<>();
        List<RowRef> rows = new ArrayList<>();
        for (MirrorOp op : ops) {
            if (op.isCopy()) {
                if (outboxIds == null) {
                    recordCopies(op.rows(), op.copyReason(), target, op);
                }
            } else {
                replays.add(op);
                rows.addAll(op.rows());
            }
        }
        if (replays.isEmpty()) {
            return;
        }
        MirrorOp first = replays.get(0);
        RowRef firstRow = rows.get(0);
        List<MirrorOp> work = List.copyOf(replays);
        MirrorTask task = new MirrorTask(config.migration(), first.phase(), target, first.context(), rows,
                config.migration() + '/' + firstRow.table() + '/' + firstRow.key(),
                () -> replay(target, work), outboxIds == null ? List.of() : outboxIds);
        config.executor(target).submit(task);
    }

    private void recordCopies(List<RowRef> rows, String reason, Store target, MirrorOp op) {
        for (RowRef row : rows) {
            try {
                config.changeLog().record(ChangeRecord.of(config.migration(),
                        new RowRef(row.table(), row.key(), Operation.COPY), reason, target, op.context()));
            } catch (RuntimeException e) {
                try (MDC.MDCCloseable migration = MDC.putCloseable("dualwrite.migration", config.migration());
                     MDC.MDCCloseable table = MDC.putCloseable("dualwrite.table", row.table());
                     MDC.MDCCloseable key = MDC.putCloseable("dualwrite.key", row.key())) {
                    config.warn(log, "change-log/" + row.table(), "could not record a copy of {} {} ({}): {}",
                            row.table(), row.key(), reason, e.toString());
                }
            }
        }
    }

    /** The mirror work: runs on the executor's thread; any exception fails the whole task. */
    private void replay(Store target, List<MirrorOp> ops) throws SQLException {
        try (Connection connection = config.dataSource(target).getConnection()) {
            Dialect dialect = config.dialect(target, connection);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<MirrorOp> crossDialect = new ArrayList<>();
                for (MirrorOp op : ops) {
                    if (op.kind() == SqlKind.UPSERT && (dialect == null || dialect != config.dialect(target.other()))) {
                        crossDialect.add(op); // the upsert syntax is the other dialect's: copy the rows instead
                        continue;
                    }
                    try (PreparedStatement statement = connection.prepareStatement(op.sql().sql())) {
                        if (config.mirrorStatementTimeout() != null) {
                            statement.setQueryTimeout((int) Math.max(1, (config.mirrorStatementTimeout().toMillis() + 999) / 1000));
                        }
                        ParameterRecorder.bind(statement, op.sql(), op.parameters(),
                                target == Store.NEW ? op.mapping() : null, op.keys());
                        statement.executeUpdate();
                    }
                }
                connection.commit();
                crossDialect.forEach(op -> recordCopies(op.rows(), "upsert-dialect", target, op));
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }
}
