package io.dualwrite.mirror;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Checks;

/** Creates {@link MirrorExecutor}s. */
public final class MirrorExecutors {

    private MirrorExecutors() {
    }

    /**
     * An executor for mirrors to one other store, with its own circuit breaker, bulkhead and threads.
     *
     * <p>In {@link MirrorMode#ASYNC} it starts {@link MirrorConfig#lanes()} lane threads at once; mirror
     * threads (at most {@link MirrorConfig#maxConcurrentCalls()}) start on demand and die when idle. Every
     * thread is a daemon. Close the executor when the application stops.
     *
     * <p>How it behaves:
     * <ul>
     *   <li>The work always runs on a mirror thread; the waiting side (the caller in {@link MirrorMode#SYNC},
     *       a lane thread in {@link MirrorMode#ASYNC}) waits at most {@link MirrorConfig#timeLimit()}, then
     *       cancels it with an interrupt and records {@link MirrorOutcome#TIMED_OUT}. Work that ignores the
     *       interrupt keeps its bulkhead permit until it really ends, so at most
     *       {@link MirrorConfig#maxConcurrentCalls()} calls are ever in flight on the other store.</li>
     *   <li>The circuit breaker opens when, over its window, the rate of failed calls (timeouts included)
     *       reaches {@link MirrorConfig#breakerFailureRateThreshold()} or the rate of slow calls (longer than
     *       {@link MirrorConfig#breakerSlowCallDurationThreshold()}, successful or not) reaches
     *       {@link MirrorConfig#breakerSlowCallRateThreshold()}. While it is open, tasks are recorded as
     *       {@link MirrorOutcome#BREAKER_OPEN} at once, so a store that turned slow costs a sync caller nothing
     *       more, and an async lane does not fall behind it.</li>
     *   <li>Async tasks with one {@link MirrorTask#orderingKey()} run one at a time in submission order
     *       (order-free {@link MirrorWork.Batchable} work excepted: any free lane merges and runs it);
     *       the one exception is a task abandoned at its time limit that keeps running, which may overlap
     *       the next task of its key (the change-log entry of the abandoned one repairs the row).</li>
     *   <li>Every outcome but success is recorded once: a task that carries
     *       {@link MirrorTask#outboxEntryIds()} has those entries rescheduled (due now) and no new ones; any
     *       other task gets one new entry per row. On success, outbox entries are completed. This does not
     *       depend on {@link MirrorConfig#changeLogMode()}, which tells the layer building the tasks whether
     *       to record outbox entries.</li>
     * </ul>
     *
     * @param name      names the other store (and the migration): used for the breaker, the bulkhead, thread
     *                  names and log lines
     * @param config    how mirrors run
     * @param changeLog where failed and skipped mirrors are recorded (and outbox entries completed)
     * @param observer  told of every outcome
     */
    public static MirrorExecutor create(String name, MirrorConfig config, ChangeLog changeLog,
                                        MirrorObserver observer) {
        return new ResilientMirrorExecutor(Checks.requireText("name", name), Checks.requireNonNull("config", config),
                Checks.requireNonNull("changeLog", changeLog), Checks.requireNonNull("observer", observer));
    }
}
