package io.dualwrite.mirror;

import io.dualwrite.changelog.ChangeLog;
import java.util.Objects;

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
     * @param name      names the other store (and the migration): used for the breaker, the bulkhead, thread
     *                  names and log lines
     * @param config    how mirrors run
     * @param changeLog where failed and skipped mirrors are recorded (and outbox entries completed)
     * @param observer  told of every outcome
     */
    public static MirrorExecutor create(String name, MirrorConfig config, ChangeLog changeLog,
                                        MirrorObserver observer) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must be a non-blank string, but was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return new ResilientMirrorExecutor(name, Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(changeLog, "changeLog"), Objects.requireNonNull(observer, "observer"));
    }
}
