package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import java.lang.reflect.Method;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
                entries.add(ParameterRecorder.Bound.NONE);
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
        List<@Nullable List<List<Object>>> preselected = new ArrayList<>();
        try {
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
        } catch (BatchUpdateException e) {
            if (wrapped) {
                ConnectionHandler.undoOutboxTransaction(physical, e); // undoes every entry
            } else if (anyMirrors) {
                recordApplied(e, writes, entries, preselected);
            }
            throw e;
        } catch (Throwable e) {
            if (wrapped) {
                ConnectionHandler.undoOutboxTransaction(physical, e);
            }
            throw e;
        }
    }

    /**
     * A batch the driver failed part-way: the entries whose update count is not {@code EXECUTE_FAILED} may be
     * applied (committed in auto-commit, or committed later with the transaction), so their rows are copied
     * by key after commit; entries past the counts did not run. The caller still gets the driver's exception.
     */
    private void recordApplied(BatchUpdateException failure, List<@Nullable WriteExecution> writes,
                               List<ParameterRecorder.Bound> entries,
                               List<@Nullable List<List<Object>>> preselected) {
        try {
            long[] counts = failure.getLargeUpdateCounts() != null ? failure.getLargeUpdateCounts()
                    : java.util.Arrays.stream(failure.getUpdateCounts() == null ? new int[0] : failure.getUpdateCounts())
                            .asLongStream().toArray();
            List<List<Object>> generated = generatedAfterFailure(counts);
            int nextKey = 0;
            List<MirrorOp> copies = new ArrayList<>();
            for (int i = 0; i < writes.size() && i < counts.length; i++) {
                if (counts[i] == Statement.EXECUTE_FAILED || counts[i] == 0) {
                    continue;
                }
                List<List<Object>> keys = nextKey < generated.size() ? List.of(generated.get(nextKey)) : List.of();
                nextKey++;
                if (writes.get(i) != null) {
                    copies.addAll(writes.get(i).copies(entries.get(i), keys, preselected.get(i),
                            "batch-partially-applied"));
                }
            }
            connection.afterWrite(copies, false);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
            connection.config.warn(log, "mirror-prepare/batch",
                    "could not record the applied entries of a failed batch: {}",
                    e.toString());
        }
    }

    /** Generated keys of a failed insert batch, one per applied entry, when the driver returns exactly that. */
    private List<List<Object>> generatedAfterFailure(long[] counts) {
        StatementAnalysis prepared = statement.analysis();
        if (prepared == null || !prepared.keysGenerated()) {
            return List.of();
        }
        long applied = java.util.Arrays.stream(counts).filter(c -> c != Statement.EXECUTE_FAILED && c != 0).count();
        try {
            List<List<Object>> keys = statement.keys().read(statement.physical(), prepared, connection.store());
            return keys.size() == applied ? keys : List.of();
        } catch (SQLException | RuntimeException e) {
            return List.of();
        }
    }

    /** The mirror operations of the entries; a problem here never reaches the caller (the batch succeeded). */
    private List<MirrorOp> mirrorOps(Object result, List<@Nullable WriteExecution> writes,
                                     List<ParameterRecorder.Bound> entries,
                                     List<@Nullable List<List<Object>>> preselected) {
        List<MirrorOp> ops = new ArrayList<>();
        List<List<Object>> generated = List.of();
        try {
            StatementAnalysis prepared = statement.analysis();
            generated = prepared != null && prepared.keysGenerated()
                    ? statement.keys().read(statement.physical(), prepared, connection.store()) : List.of();
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "mirror-prepare/batch",
                    "could not read the generated keys of a batch: {}", e.toString());
        }
        for (int i = 0; i < writes.size(); i++) {
            WriteExecution write = writes.get(i);
            if (write != null) {
                List<List<Object>> keys = i < generated.size() ? List.of(generated.get(i)) : List.of();
                try {
                    ops.addAll(write.ops(entries.get(i), count(result, i), keys, preselected.get(i)));
                } catch (RuntimeException e) {
                    connection.config.warn(log, "mirror-prepare/batch",
                            "could not prepare the mirror of a batch entry: {}",
                            e.toString());
                    ops.addAll(write.copies(entries.get(i), keys, preselected.get(i), "mirror-prepare-failed"));
                }
            }
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
