package io.dualwrite.mirror;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Async tasks the full queue turned away, recorded as {@link MirrorOutcome#REJECTED} by one thread of their own,
 * in batches: one change-log write for up to {@code batch} tasks. Without it, every write that found the queue
 * full wrote its change-log entry on the application's thread, so that a mirror falling behind made each caller
 * pay one change-log round trip per write, just when the stores were busiest.
 *
 * <p>Holds at most {@code capacity} tasks: when it is full too (the change log cannot keep up either),
 * {@link #offer} says so and the caller records the task itself, as the last resort that never loses a row.
 * A task waiting here is in memory only, as a queued task is; {@link MirrorConfig#changeLogMode()} {@code ALWAYS}
 * is the mode that survives a crash.
 *
 * <p>Hand-written for the reason {@link MirrorLanes} is: the offer runs on the application's thread and must
 * take no lock.
 */
final class RejectionSpill {

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Tasks offered and not yet recorded: lowered only once a task is recorded, so that {@link #isIdle()} is exact. */
    private final AtomicInteger unrecorded = new AtomicInteger();
    private final int capacity;
    private final int batch;
    private final MirrorRecorder recorder;
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean closed;

    RejectionSpill(String name, int capacity, int batch, MirrorRecorder recorder) {
        this.capacity = capacity;
        this.batch = Math.max(1, batch);
        this.recorder = recorder;
        this.thread = new Thread(this::run, "dualwrite-rejected-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a rejected task for recording; {@code false} when this spill is full or closed (nothing was queued). */
    boolean offer(MirrorTask task, long submittedNanos) {
        if (closed) {
            return false;
        }
        if (unrecorded.incrementAndGet() > capacity) {
            unrecorded.decrementAndGet();
            return false;
        }
        Pending pending = new Pending(task, submittedNanos);
        queue.offer(pending);
        if (closed && queue.remove(pending)) {
            // close() may have drained the queue before this enqueue: the caller records it instead
            unrecorded.decrementAndGet();
            return false;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Whether every task offered before this call has been recorded. */
    boolean isIdle() {
        return unrecorded.get() == 0;
    }

    /** Stops the thread after it has recorded what it holds, waiting up to {@code wait}; records the rest here. */
    void close(Duration wait) {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        // what the thread left: it did not end in time, or tasks were offered while it was ending
        int recorded;
        do {
            recorded = recordQueued();
        } while (recorded > 0);
    }

    private void run() {
        while (true) {
            Thread.interrupted();
            if (recordQueued() > 0) {
                continue;
            }
            if (closed) {
                return;
            }
            // announce the park, then look once more: an offer that enqueued before seeing the flag is found here
            parked = true;
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            parked = false;
        }
    }

    /** Records up to one batch of queued tasks; returns how many. Safe on any thread. */
    private int recordQueued() {
        List<MirrorTask> tasks = new ArrayList<>();
        List<Long> submitted = new ArrayList<>();
        Pending pending;
        while (tasks.size() < batch && (pending = queue.poll()) != null) {
            tasks.add(pending.task);
            submitted.add(pending.submittedNanos);
        }
        if (tasks.isEmpty()) {
            return 0;
        }
        try {
            recorder.finishAll(tasks, submitted.stream().mapToLong(Long::longValue).toArray(), MirrorOutcome.REJECTED);
        } finally {
            unrecorded.addAndGet(-tasks.size());
        }
        return tasks.size();
    }

    private record Pending(MirrorTask task, long submittedNanos) {
    }
}
