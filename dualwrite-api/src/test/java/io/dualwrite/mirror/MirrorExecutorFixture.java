package io.dualwrite.mirror;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;

/**
 * The setup the executor tests share: an in-memory change log, a recording observer, a latch that holds
 * hanging work until the test ends, and one executor in a fixed mode, closed after each test.
 */
abstract class MirrorExecutorFixture {

    final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    final RecordingObserver observer = new RecordingObserver();
    final CountDownLatch release = new CountDownLatch(1);
    MirrorExecutor executor;

    private final String name;
    private final MirrorMode mode;

    MirrorExecutorFixture(String name, MirrorMode mode) {
        this.name = name;
        this.mode = mode;
    }

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        if (executor != null) {
            executor.close();
        }
    }

    /** Creates the test's executor from {@code config} in this fixture's mode. */
    MirrorExecutor executor(MirrorConfig.Builder config) {
        executor = MirrorExecutors.create(name, config.mode(mode).build(), changeLog, observer);
        return executor;
    }
}
