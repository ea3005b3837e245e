package io.dualwrite.jdbc.verify;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link VerificationRun#await} when the run was {@linkplain VerificationRun#stop stopped} before it
 * ended. Nothing was recorded for the phase gate; a job with a checkpoint goes on from where it stopped when it is
 * run again.
 */
public final class VerificationStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final long chunksDone;
    private final @Nullable String checkpoint;

    VerificationStoppedException(String table, long chunksDone, @Nullable String checkpoint) {
        super("verification stopped in table " + table + " after " + chunksDone + " chunks; "
                + (checkpoint == null ? "the job has no checkpoint, so a new run starts from the first key"
                : "run the job again to go on from checkpoint '" + checkpoint + "'"));
        this.table = table;
        this.chunksDone = chunksDone;
        this.checkpoint = checkpoint;
    }

    /** The table (old-store name) the run stopped in. */
    public String table() {
        return table;
    }

    /** Chunks of that table done (compared or skipped by sampling) when it stopped, earlier runs included. */
    public long chunksDone() {
        return chunksDone;
    }

    /** The checkpoint name the next run resumes under; empty for a job without one. */
    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }
}
