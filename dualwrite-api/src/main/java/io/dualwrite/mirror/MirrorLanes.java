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
    private final int capacity;
    private final int maxBatchRows;
    private final long lingerNanos;
    private final AtomicInteger queued = new AtomicInteger();
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
        Lane lane = lanes[laneOf(task.orderingKey(), lanes.length)];
        Pending pending = new Pending(task, submittedNanos);
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

    /**
     * Whether every task offered before this call has ended and been recorded: none is queued, and no lane
     * is between taking a task off its queue and having recorded it. A task abandoned at its time limit
     * counts as ended (it was recorded), even if its work has not noticed yet.
     *
     * <p>Why this cannot miss a task: a lane raises its busy flag before it polls and lowers it only after
     * the task was recorded, and it takes a task off the capacity counter only after polling it. So a task
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
        for (Lane lane : lanes) {
            drain(lane);
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

    private void drain(Lane lane) {
        Pending pending;
        while ((pending = lane.queue.poll()) != null) {
            shutDown.accept(pending.task, pending.submittedNanos);
            queued.decrementAndGet();
        }
    }

    private record Pending(MirrorTask task, long submittedNanos) {
    }

    /** Merges {@code first} with the batchable tasks queued right behind it on this (the current) lane. */
    private MirrorTask withQueuedBatch(MirrorTask first) {
        if (!(first.work() instanceof MirrorWork.Batchable batchable)) {
            return first;
        }
        Lane lane = lanes[laneOf(first.orderingKey(), lanes.length)];
        if (lingerNanos > 0 && lane.queue.isEmpty() && !closed) {
            // group commit: give the syncs of the next few writes a moment to queue up behind this one
            LockSupport.parkNanos(this, lingerNanos);
        }
        java.util.List<MirrorTask> batch = null;
        int rows = first.rows().size();
        Pending next;
        while ((next = lane.queue.peek()) != null && next.task.work() instanceof MirrorWork.Batchable other
                && other.batchKey().equals(batchable.batchKey())
                && rows + next.task.rows().size() <= maxBatchRows) {
            lane.queue.poll(); // only this lane's thread takes from its queue: the peeked entry is the one polled
            queued.decrementAndGet();
            if (batch == null) {
                batch = new java.util.ArrayList<>();
                batch.add(first);
            }
            batch.add(next.task);
            rows += next.task.rows().size();
        }
        return batch == null ? first : MirrorTask.merged(batch);
    }

    private final class Lane implements Runnable {
        final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        final Thread thread;
        /** Written by this lane's thread only: raised before each poll, lowered once the task is recorded. */
        volatile boolean busy;
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
                busy = true;
                Pending pending = queue.poll();
                if (pending == null) {
                    busy = false;
                    if (closed) {
                        return;
                    }
                    // Announce the park, then look once more: an offer that enqueued before seeing the flag
                    // is found by this look; one that enqueues after it sees the flag and unparks.
                    parked = true;
                    if (queue.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    continue;
                }
                queued.decrementAndGet();
                MirrorTask task = pending.task;
                try {
                    if (closed) {
                        shutDown.accept(task, pending.submittedNanos);
                    } else {
                        task = withQueuedBatch(task);
                        runner.accept(task, pending.submittedNanos);
                    }
                } catch (RuntimeException mergeFailed) {
                    shutDown.accept(task, pending.submittedNanos); // never lose its rows: recorded
                } finally {
                    busy = false;
                }
            }
        }
    }
}
