package io.dualwrite.mirror;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an observer learns about one mirror: the task, how it ended, how long it took (from hand-off to
 * end), and the error when there was one.
 */
public record MirrorEvent(MirrorTask task, MirrorOutcome outcome, Duration latency, @Nullable Throwable error) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code task}, {@code outcome} or {@code latency} is null
     */
    public MirrorEvent {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
    }
}
