package io.dualwrite.jdbc.backfill;

import java.time.Duration;

/**
 * Chooses how many keys the next chunk plans, so that copying a chunk takes about the target time: after each
 * chunk the size moves toward {@code target ÷ time per row}, by at most a factor of two per chunk (one slow or
 * fast chunk does not swing it), and always within {@code [min, max]}. Shared by the workers of one run.
 */
final class ChunkSizer {

    private final long targetNanos;
    private final int min;
    private final int max;
    private int current;

    ChunkSizer(Duration target, int min, int max, int initial) {
        this.targetNanos = target.toNanos();
        this.min = min;
        this.max = max;
        this.current = clamp(initial);
    }

    /** The size of the next chunk. */
    synchronized int next() {
        return current;
    }

    /** Records that a chunk of {@code rows} keys took {@code nanos} to copy (without waiting for the rate limit). */
    synchronized void observe(long rows, long nanos) {
        if (rows <= 0) {
            return;
        }
        double nanosPerRow = Math.max(1.0, (double) nanos / rows);
        double ideal = targetNanos / nanosPerRow;
        double bounded = Math.max(current / 2.0, Math.min(current * 2.0, ideal));
        // half-way toward the bounded ideal (chunks of one run see different rows and loads), rounded toward it
        double halfWay = (current + bounded) / 2.0;
        current = clamp((long) (bounded >= current ? Math.ceil(halfWay) : Math.floor(halfWay)));
    }

    private int clamp(long size) {
        return (int) Math.max(min, Math.min(max, size));
    }

    @Override
    public synchronized String toString() {
        return "ChunkSizer[" + current + " rows, target " + Duration.ofNanos(targetNanos) + ", " + min + ".." + max + "]";
    }
}
