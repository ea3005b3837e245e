package io.dualwrite.jdbc.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.pollinterval.IterativePollInterval;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility's default poll for every test class of this module, registered for all of them by JUnit's extension
 * auto-detection ({@code junit-platform.properties} and {@code META-INF/services}): a condition is first checked
 * after 10 ms, then after intervals doubling from 20 ms up to Awaitility's own 100 ms, instead of after 100 ms and
 * every 100 ms. An {@code await()} whose condition holds at once, or soon, otherwise costs at least 100 ms, and the
 * module's tests run such awaits (mirrors drained, an entry recorded, a run's progress) hundreds of times; a long wait
 * is polled as before, so a condition that does work (a reconciler or resolver pass) does not run in a tight loop
 * beside the work it waits for. Only how often a condition is read changes: each {@code atMost} stays as its test
 * wrote it, and an await that names its own poll interval keeps that. An await that reads {@code INNODB_TRX} names
 * {@link #INNODB_TRX_POLL} as its poll delay and its interval.
 */
public final class FastPolls implements BeforeAllCallback {

    /** The default first poll delay of Awaitility in this module's tests; the intervals start at twice it. */
    public static final Duration POLL = Duration.ofMillis(10);

    /** The longest default interval: Awaitility's own fixed one. */
    public static final Duration MAX_POLL = Duration.ofMillis(100);

    /**
     * The poll of an await that reads MariaDB's {@code information_schema.INNODB_TRX} (a lock wait begun): InnoDB fills
     * that view from a cache it refreshes only when the view was last read more than 100 ms ago, so a condition read
     * every 10 to 100 ms can see the first snapshot for ever (a lock wait that began after it never shows; seen with a
     * 10 ms poll: a 60 s timeout). It is the first delay too: a first read 10 ms after the test before it last read
     * the view saw that test's lock waits (SyncOrderingTest counted a waiter before its own sync waited).
     */
    public static final Duration INNODB_TRX_POLL = Duration.ofMillis(200);

    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollDelay(POLL);
        Awaitility.setDefaultPollInterval(new IterativePollInterval(
                last -> last.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : last.multipliedBy(2), POLL));
    }
}
