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
 * {@code atMost} stays as its test wrote it, and an await that names its own poll interval keeps that.
 */
public final class FastPolls implements BeforeAllCallback {

    /** The default poll interval, and first poll delay, of Awaitility in this module's tests. */
    public static final Duration POLL = Duration.ofMillis(10);

    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollInterval(POLL);
    }
}
