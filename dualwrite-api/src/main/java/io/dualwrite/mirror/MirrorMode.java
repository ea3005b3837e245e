package io.dualwrite.mirror;

/** Whether the caller waits for the mirror ({@link #SYNC}) or hands it off ({@link #ASYNC}). */
public enum MirrorMode {
    /** The caller waits for the mirror, at most the configured time limit. */
    SYNC,
    /** The caller hands the mirror to a bounded queue and returns at once; per-key order is kept. */
    ASYNC
}
