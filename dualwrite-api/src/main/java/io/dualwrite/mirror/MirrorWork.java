package io.dualwrite.mirror;

/**
 * The write against the non-authoritative store. Runs on a mirror thread (async mode) or on a mirror
 * thread the caller waits for (sync mode); it may block, and is abandoned when its time limit passes.
 */
@FunctionalInterface
public interface MirrorWork {

    /** Writes to the other store; any exception fails the task (its rows are recorded). */
    void run() throws Exception;

    /**
     * Order-free work that can be merged with other such work in async mode, so that a burst of small mirrors
     * runs as one (one read, one batched write, one commit on the other store). Order-free means that running
     * two of them in either order, or at the same time, leaves the other store the same (a sync by key reads
     * the latest authoritative row whenever it runs): async mode therefore runs them outside the per-key
     * lanes, on whichever lane is free, merging tasks of equal batch key queued at the same time, at most
     * {@link MirrorConfig#maxBatchRows()} rows at once; the merged task's rows are recorded together if it
     * fails.
     */
    interface Batchable extends MirrorWork {

        /** Works with equal keys may be merged (e.g. the same copier and direction). */
        Object batchKey();

        /**
         * One work equivalent to running this work and each of {@code later} (of equal batch keys). Runs on
         * the lane thread; must not block.
         */
        MirrorWork mergeWith(java.util.List<MirrorWork> later);
    }
}
