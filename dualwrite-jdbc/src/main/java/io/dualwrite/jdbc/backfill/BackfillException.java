package io.dualwrite.jdbc.backfill;

import org.jspecify.annotations.Nullable;

/**
 * A backfill run that did not complete: a chunk kept failing, a worker failed, or the run was aborted. What
 * the run did until then is in {@link #partialResult()}; the chunks it had not finished are left
 * {@code PENDING} in the checkpoint table, so running the job again resumes there. A run that met rows the new store
 * cannot hold exactly ({@link io.dualwrite.jdbc.copy.UnholdableValueException}, the cause) copied every other row
 * and names those; their chunks stay pending, but running again will not help until the mapping or the new column
 * changes.
 */
public final class BackfillException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient BackfillResult partialResult;

    BackfillException(String message, BackfillResult partialResult, @Nullable Throwable cause) {
        super(message, cause);
        this.partialResult = partialResult;
    }

    /** What the run did before it ended. */
    public BackfillResult partialResult() {
        return partialResult;
    }
}
