package io.dualwrite.mirror;

import java.util.List;

/**
 * Told of every mirror outcome and its latency, e.g. to feed metrics.
 *
 * <p>Called on the thread that finished the mirror: keep it fast and non-blocking. An exception thrown
 * here is logged and never reaches the caller of the write.
 */
@FunctionalInterface
public interface MirrorObserver {

    /** Does nothing. */
    MirrorObserver NOOP = event -> { };

    /**
     * Told that one mirror task ended: its outcome, its latency from the hand-off to its end, and the error of a
     * mirror that did not succeed.
     */
    void onMirror(MirrorEvent event);

    /** An observer that tells each of {@code observers} in turn. */
    static MirrorObserver composite(List<MirrorObserver> observers) {
        List<MirrorObserver> copy = List.copyOf(observers);
        return event -> copy.forEach(observer -> observer.onMirror(event));
    }
}
