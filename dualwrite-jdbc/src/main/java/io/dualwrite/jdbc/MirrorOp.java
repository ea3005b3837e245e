package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.statement.RenderedSql;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One mirrored statement execution waiting for the authoritative commit: either a replay (SQL for the
 * other store, the bound parameters and the generated keys) or, when the statement cannot be replayed,
 * a copy-by-key of its rows ({@code copyReason} set).
 */
record MirrorOp(
        @Nullable RenderedSql sql,
        ParameterRecorder.Bound parameters,
        List<List<Object>> keys,
        TableMapping mapping,
        SqlKind kind,
        List<RowRef> rows,
        MigrationContext context,
        MigrationPhase phase,
        @Nullable String copyReason) {

    boolean isCopy() {
        return copyReason != null;
    }

    /** The same rows as a copy-by-key, without the parameters (to bound the memory of a long transaction). */
    MirrorOp asCopy(String reason) {
        return new MirrorOp(null, ParameterRecorder.Bound.NONE, List.of(), mapping, kind, rows,
                context, phase, copyReason != null ? copyReason : reason);
    }
}
