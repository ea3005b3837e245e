package io.dualwrite.jdbc.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility's default poll for every test class of this module, registered for all of them by JUnit's extension
 * auto-detection ({@code junit-platform.properties} and {@code META-INF/services}): a condition is first checked
 * after 10 ms and then every 10 ms, instead of after Awaitility's 100 ms for both. An {@code await()} whose condition
 * holds at once, or soon, otherwise costs at least 100 ms, and the module's tests run such awaits (mirrors drained,
 * an entry recorded, a run's progress) hundreds of times. Only how often a condition is read changes: each
 * {@code atMost} stays as its test wrote it, and an await that names its own poll interval keeps that. An await that
 * reads {@code INNODB_TRX} names {@link #INNODB_TRX_POLL}.
 */
public final class FastPolls implements BeforeAllCallback {

    /** The default poll interval, and first poll delay, of Awaitility in this module's tests. */
    public static final Duration POLL = Duration.ofMillis(10);

    /**
     * The poll of an await that reads MariaDB's {@code information_schema.INNODB_TRX} (a lock wait begun): InnoDB fills
     * that view from a cache it refreshes only when the view was last read more than 100 ms ago, so a condition read
     * every 10 ms sees the first snapshot for ever (a lock wait that began after it never shows; seen: a 60 s timeout).
     */
    public static final Duration INNODB_TRX_POLL = Duration.ofMillis(200);

    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollInterval(POLL);
    }
}
