package io.dualwrite.mirror;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The async hand-off: a fixed set of lanes, one thread each, every lane a FIFO queue. A task goes to the
 * lane of its ordering key, so tasks with one key run one at a time, in submission order.
 *
 * <p>{@link MirrorWork.Batchable} tasks are order-free (a sync by key reads the latest row whenever it
 * runs), so they skip the per-key lanes: they go to one queue shared by every lane, and whichever lane is
 * free takes the first one together with the batchable tasks queued behind it, up to the batch limit. Under
 * load every lane runs large batches side by side; when writes are sparse a lane lingers briefly so that a
 * batch can form. A task a lane took that does not fit its batch (another batch key, too many rows) is
 * carried to whichever lane is free first. A lane serves carried tasks, then its own (ordered) queue, then
 * the shared one.
 *
 * <p>Hand-written rather than a {@code BlockingQueue}: {@link #offer} runs on the application's thread
 * for every write, and must neither block nor take a lock shared with other keys (the JDK's array and
 * linked blocking queues take one lock per queue on every put). Here the caller does one CAS on the
 * shared capacity counter, one lock-free enqueue and an unpark of the lane thread.
 *
 * <p>{@link #isIdle()} adds nothing to that path: it reads the capacity counter and a busy flag that only
 * each lane's own thread writes.
 */
final class MirrorLanes {

    private final Lane[] lanes;
    /** Order-free (batchable) tasks, taken by whichever lane is free. */
    private final ConcurrentLinkedQueue<Pending> shared = new ConcurrentLinkedQueue<>();
    /**
     * Shared tasks a lane took off {@link #shared} that did not fit its batch (another batch key, or too many
     * rows): any lane takes them before the shared queue. Kept by no single lane, so that a run held up on
     * the other store never holds them up while another lane is free.
     */
    private final ConcurrentLinkedQueue<Pending> carried = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final int maxBatchRows;
    private final long lingerNanos;
    private final AtomicInteger queued = new AtomicInteger();
    /** Tasks in {@link #shared}. */
    private final AtomicInteger sharedQueued = new AtomicInteger();
    /**
     * Lanes that took a shared task and have not finished its run (lingering, merging or running). While one
     * has, a new sync is left for it (it looks at the shared queue again when its run ends) instead of waking
     * another lane, unless a full batch is waiting or the run has taken longer than {@link #STALL_NANOS}: so
     * batches stay large when writes are few, lanes run side by side when one cannot keep up, and a sync held
     * up on the other store (a row lock, a slow statement) does not hold up the syncs of other rows.
     */
    private final AtomicInteger sharedRuns = new AtomicInteger();
    /** How long a shared run may take before new syncs wake another lane instead of waiting for it. */
    static final long STALL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);
    private final BiConsumer<MirrorTask, Long> runner;
    private final BiConsumer<MirrorTask, Long> shutDown;
    private volatile boolean closed;

    /**
     * @param runner   runs a task on its lane thread (waits at most the time limit); must not throw
     * @param shutDown records a task that will not run; must not throw
     */
    MirrorLanes(String name, int laneCount, int capacity, int maxBatchRows, Duration batchLinger,
                BiConsumer<MirrorTask, Long> runner, BiConsumer<MirrorTask, Long> shutDown) {
        this.capacity = capacity;
        this.maxBatchRows = maxBatchRows;
        this.lingerNanos = batchLinger.toNanos();
        this.runner = runner;
        this.shutDown = shutDown;
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane("dualwrite-lane-" + name + "-" + i);
        }
        for (Lane lane : lanes) {
            lane.thread.start();
        }
    }

    /** The lane of an ordering key: stable for the life of the executor. */
    static int laneOf(String orderingKey, int laneCount) {
        int h = orderingKey.hashCode();
        return Math.floorMod(h ^ (h >>> 16), laneCount);
    }

    /** Queues a task; {@code false} when the queue is full (nothing was queued). Never blocks. */
    boolean offer(MirrorTask task, long submittedNanos) {
        int now = queued.incrementAndGet();
        if (now > capacity) {
            queued.decrementAndGet();
            return false;
        }
        Pending pending = new Pending(task, submittedNanos);
        if (task.work() instanceof MirrorWork.Batchable) {
            int waiting = sharedQueued.incrementAndGet();
            shared.offer(pending);
            if (closed && shared.remove(pending)) {
                sharedQueued.decrementAndGet();
                shutDown.accept(task, submittedNanos);
                queued.decrementAndGet();
                return true;
            }
            if (sharedRuns.get() == 0 || waiting >= maxBatchRows || stalled()) {
                wakeOneParkedLane();
            }
            return true;
        }
        Lane lane = lanes[laneOf(task.orderingKey(), lanes.length)];
        lane.queue.offer(pending);
        if (closed && lane.queue.remove(pending)) {
            // close() may have drained this lane before our enqueue; record it here instead.
            shutDown.accept(task, submittedNanos);
            queued.decrementAndGet();
        } else if (lane.parked) {
            LockSupport.unpark(lane.thread); // only a parked lane needs the system call
        }
        return true;
    }

    /** Whether a lane's shared run has taken longer than {@link #STALL_NANOS}. */
    private boolean stalled() {
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            long since = lane.sharedSince;
            if (since != 0 && now - since > STALL_NANOS) {
                return true;
            }
        }
        return false;
    }

    private void wakeOneParkedLane() {
        for (Lane lane : lanes) {
            if (lane.parked) {
                LockSupport.unpark(lane.thread); // one idle lane is enough: a busy one looks again when done
                return;
            }
        }
    }

    /** Tasks offered and not yet taken by a lane (a moment's snapshot, for monitoring). */
    int queued() {
        return Math.max(0, queued.get());
    }

    /**
     * Whether every task offered before this call has ended and been recorded: none is queued, and no lane
     * is between taking a task off its queue and having recorded it. A task abandoned at its time limit
     * counts as ended (it was recorded), even if its work has not noticed yet.
     *
     * <p>Why this cannot miss a task: a lane raises its busy flag after it polled a task but before it takes
     * the task off the capacity counter, and lowers it only after the task was recorded. So a task
     * counted in {@code queued} when it was offered stays visible, first in the counter, then in the flag,
     * until it is recorded; the counter is read first, the flags after.
     */
    boolean isIdle() {
        if (queued.get() != 0) {
            return false;
        }
        for (Lane lane : lanes) {
            if (lane.busy) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the lanes: queued tasks are handed to {@code shutDown}; a task already running ends normally
     * (within the time limit). Waits up to {@code wait} for the lane threads to finish.
     */
    void close(Duration wait) {
        closed = true;
        drain(carried);
        drain(shared);
        for (Lane lane : lanes) {
            drain(lane.queue);
            LockSupport.unpark(lane.thread);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Lane lane : lanes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                lane.thread.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain(ConcurrentLinkedQueue<Pending> queue) {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            shutDown.accept(pending.task, pending.submittedNanos);
            queued.decrementAndGet();
        }
    }

    private record Pending(MirrorTask task, long submittedNanos) {
    }

    /**
     * {@code first} (taken from the shared queue) and the batchable tasks of equal batch key queued behind it,
     * to be merged. A task that does not fit is carried ({@link #carried}) to the next free lane.
     */
    private java.util.List<MirrorTask> withQueuedBatch(MirrorTask first) {
        MirrorWork.Batchable batchable = (MirrorWork.Batchable) first.work();
        boolean lingered = lingerNanos > 0 && shared.isEmpty() && !closed;
        if (lingered) {
            // group commit: give the syncs of the next few writes a moment to queue up behind this one. A
            // stray unpark permit (an offer that saw this lane parked just before it woke) ends a park early,
            // so park until the deadline.
            long deadline = System.nanoTime() + lingerNanos;
            long left = lingerNanos;
            while (left > 0 && !closed) {
                LockSupport.parkNanos(this, left);
                left = deadline - System.nanoTime();
            }
        }
        java.util.List<MirrorTask> batch = new java.util.ArrayList<>();
        batch.add(first);
        int rows = first.rows().size();
        Pending next;
        while (rows < maxBatchRows && (next = shared.poll()) != null) {
            sharedQueued.decrementAndGet();
            queued.decrementAndGet();
            if (!(next.task.work() instanceof MirrorWork.Batchable other)
                    || !other.batchKey().equals(batchable.batchKey())
                    || rows + next.task.rows().size() > maxBatchRows) {
                // runs next on whichever lane is free first (this one when its run ends, unless another is
                // free before): counted as queued again, and this lane is busy until it is
                queued.incrementAndGet();
                carried.offer(next);
                wakeOneParkedLane();
                break;
            }
            batch.add(next.task);
            rows += next.task.rows().size();
        }
        if (sharedQueued.get() >= maxBatchRows) {
            wakeOneParkedLane(); // a full batch more is waiting: run it on another lane meanwhile
        }
        return batch;
    }

    /**
     * Runs {@code batch} merged into one task; when merging throws (a {@link MirrorWork.Batchable} of the
     * application's), each task alone, so that none is lost.
     */
    private void runMerged(java.util.List<MirrorTask> batch, long submittedNanos) {
        MirrorTask merged;
        try {
            merged = MirrorTask.merged(batch);
        } catch (RuntimeException mergeFailed) {
            for (MirrorTask task : batch) {
                runner.accept(task, submittedNanos);
            }
            return;
        }
        runner.accept(merged, submittedNanos);
    }

    private final class Lane implements Runnable {
        final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        final Thread thread;
        /** Written by this lane's thread only: raised once it has taken a task, lowered once the task is recorded. */
        volatile boolean busy;
        /** When this lane's current shared run started ({@link System#nanoTime()}), 0 when it runs none. */
        volatile long sharedSince;
        /** Written by this lane's thread only: raised while it parks (or is about to), so offers know to unpark it. */
        volatile boolean parked;

        Lane(String threadName) {
            this.thread = new Thread(this, threadName);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                // Nothing should interrupt a lane; clear a stray interrupt so that park() cannot spin.
                Thread.interrupted();
                Pending pending = carried.poll();
                boolean fromShared = pending != null;
                if (pending == null) {
                    pending = queue.poll();
                    if (pending != null && !shared.isEmpty()) {
                        // a sync left for this lane while it ran a shared run must not wait behind an ordered
                        // task that may take long: another lane takes it
                        wakeOneParkedLane();
                    }
                    if (pending == null) {
                        pending = shared.poll();
                        fromShared = pending != null;
                        if (fromShared) {
                            sharedQueued.decrementAndGet();
                        }
                    }
                }
                if (pending != null) {
                    // busy before the task leaves the counter, so that isIdle() sees it in one or the other;
                    // a lane that finds nothing never looks busy (a fresh executor is idle at once)
                    busy = true;
                    queued.decrementAndGet();
                }
                if (pending == null) {
                    if (closed) {
                        return;
                    }
                    // Announce the park, then look once more: an offer that enqueued before seeing the flag
                    // is found by this look; one that enqueues after it sees the flag and unparks.
                    parked = true;
                    if (queue.isEmpty() && carried.isEmpty() && shared.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    continue;
                }
                MirrorTask task = pending.task;
                try {
                    if (closed) {
                        shutDown.accept(task, pending.submittedNanos);
                    } else {
                        if (fromShared) {
                            sharedRuns.incrementAndGet();
                            sharedSince = Math.max(1, System.nanoTime());
                            try {
                                runMerged(withQueuedBatch(task), pending.submittedNanos);
                            } finally {
                                sharedSince = 0;
                                sharedRuns.decrementAndGet();
                            }
                        } else {
                            runner.accept(task, pending.submittedNanos);
                        }
                    }
                } catch (RuntimeException unexpected) {
                    shutDown.accept(task, pending.submittedNanos); // never lose its rows: recorded
                } finally {
                    busy = false;
                }
            }
        }
    }
}
