package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The heap probe's reading after a forced collection, when the collector drops a request. */
class HeapProbeTest {

    @Test
    void aDroppedCollectionRequestIsAskedAgainUntilItsNotificationComes() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        Runnable dropsTheFirstTwo = () -> {
            if (requests.incrementAndGet() > 2) {
                System.gc();
            }
        };
        try (HeapProbe.AfterGc afterGc = new HeapProbe.AfterGc(dropsTheFirstTwo)) {
            long used = afterGc.forceAndRead();

            assertThat(used).isPositive();
            assertThat(requests).hasValueGreaterThanOrEqualTo(3);
            assertThat(afterGc.samples()).isPositive();
        }
    }
}
