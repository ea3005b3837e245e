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
     * Work that can be merged with the work of tasks queued behind it in async mode, so that a burst of
     * small mirrors runs as one (one read, one batched write, one commit on the other store). The lane
     * merges only tasks that are next to each other in its queue, in their order, and at most
     * {@link MirrorConfig#DEFAULT_MAX_BATCH_ROWS} rows at once; the merged task's rows are recorded together
     * if it fails.
     */
    interface Batchable extends MirrorWork {

        /** Works with equal keys may be merged (e.g. the same copier and direction). */
        Object batchKey();

        /**
         * One work equivalent to running this work and then each of {@code later} (of equal batch keys), in
         * that order. Runs on the lane thread; must not block.
         */
        MirrorWork mergeWith(java.util.List<MirrorWork> later);
    }
}
