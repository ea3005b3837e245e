package io.dualwrite.testing;

import java.util.concurrent.CountDownLatch;

/** Latch helpers for work that must outlive an interrupt (mirror work that ignores its time limit). */
public final class Latches {

    private Latches() {
    }

    /** Waits until {@code latch} opens, ignoring interrupts, then restores the interrupt flag if one came. */
    public static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException ignored) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
