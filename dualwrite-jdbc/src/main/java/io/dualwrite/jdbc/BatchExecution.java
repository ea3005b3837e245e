package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code executeBatch} of a statement proxy: resolves each entry's phase and keys, runs the authoritative
 * batch, and builds one mirror operation per entry that changed rows, each with its own parameters.
 */
final class BatchExecution {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatchExecution.class);

    private final StatementHandler statement;
    private final ConnectionHandler connection;

    BatchExecution(StatementHandler statement, ConnectionHandler connection) {
        this.statement = statement;
        this.connection = connection;
    }

    Object run(Method method) throws Throwable {
        List<StatementAnalysis> analyses = new ArrayList<>();
        List<ParameterRecorder.Bound> entries = new ArrayList<>();
        if (statement.analysis() == null) {
            for (String sql : statement.batchSql()) {
                analyses.add(connection.config.analyzer().analyze(sql));
                entries.add(new ParameterRecorder.Bound(Map.of(), null));
            }
        } else {
            for (ParameterRecorder.Bound bound : statement.batch()) {
                analyses.add(statement.analysis());
                entries.add(bound);
            }
        }
        statement.batch().clear();
        statement.batchSql().clear();
        List<WriteExecution> writes = new ArrayList<>();
        boolean anyMirrors = false;
        for (int i = 0; i < analyses.size(); i++) {
            StatementAnalysis analysis = analyses.get(i);
            WriteExecution write = null;
            if (analysis.mappedWrite()) {
                MigrationContext context = connection.contextFor(analysis, entries.get(i).values());
                MigrationPhase phase = connection.phaseForWrite(context);
                if (phase.writes(connection.store().other())) {
                    write = new WriteExecution(connection, analysis, context, phase);
                    anyMirrors = true;
                }
            }
            writes.add(write);
        }
        Connection physical = connection.physical();
        boolean wrapped = connection.opensOutboxTransaction(anyMirrors);
        if (wrapped) {
            physical.setAutoCommit(false);
        }
        try {
            List<@Nullable List<List<Object>>> preselected = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                preselected.add(writes.get(i) == null ? null : writes.get(i).preselectKeysQuietly(physical, entries.get(i)));
            }
            statement.keys().reset();
            Object result = ConnectionHandler.call(statement.physical(), method, null);
            List<MirrorOp> ops = List.of();
            if (anyMirrors) {
                ops = mirrorOps(result, writes, entries, preselected);
            }
            connection.afterWrite(ops, wrapped);
            return result;
        } catch (Throwable e) {
            if (wrapped) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            throw e;
        }
    }

    /** The mirror operations of the entries; a problem here never reaches the caller (the batch succeeded). */
    private List<MirrorOp> mirrorOps(Object result, List<@Nullable WriteExecution> writes,
                                     List<ParameterRecorder.Bound> entries,
                                     List<@Nullable List<List<Object>>> preselected) {
        List<MirrorOp> ops = new ArrayList<>();
        try {
            StatementAnalysis prepared = statement.analysis();
            List<List<Object>> generated = prepared != null && prepared.keysGenerated()
                    ? statement.keys().read(statement.physical(), prepared, connection.store()) : List.of();
            for (int i = 0; i < writes.size(); i++) {
                if (writes.get(i) != null) {
                    List<List<Object>> keys = i < generated.size() ? List.of(generated.get(i)) : List.of();
                    ops.addAll(writes.get(i).ops(entries.get(i), count(result, i), keys, preselected.get(i)));
                }
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            RateLimitedLog.warn(log, "mirror-prepare", "could not prepare the mirror of a batch: {}", e.toString());
        }
        return ops;
    }

    private static long count(Object result, int index) {
        if (result instanceof int[] counts && index < counts.length) {
            return counts[index];
        }
        if (result instanceof long[] counts && index < counts.length) {
            return counts[index];
        }
        return -1;
    }
}
