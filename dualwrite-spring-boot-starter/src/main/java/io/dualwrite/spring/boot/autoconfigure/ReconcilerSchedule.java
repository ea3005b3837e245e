package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.reconcile.Reconciler;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link Reconciler} on its own daemon thread every interval (between the end of a run and the start of
 * the next) from the context's start until its stop: the context's close stops it before the pools close.
 */
final class ReconcilerSchedule implements SmartLifecycle {

    private final Reconciler reconciler;
    private final Duration interval;
    private volatile boolean running;

    ReconcilerSchedule(Reconciler reconciler, Duration interval) {
        this.reconciler = reconciler;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (!running) {
            reconciler.start(interval);
            running = true;
        }
    }

    @Override
    public synchronized void stop() {
        if (running) {
            reconciler.close();
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
