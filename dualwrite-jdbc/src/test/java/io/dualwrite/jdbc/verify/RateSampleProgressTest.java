package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate limit holds a run to its rows per second; a sample is reproducible by its seed; progress is readable. */
class RateSampleProgressTest {

    @Test
    void theRateLimitBoundsTheRowsComparedPerSecondAndProgressIsReadableMeanwhile() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 3000);
            Verifier verifier = pair.verifier().progressInterval(Duration.ofMillis(100)).build();

            long started = System.nanoTime();
            VerificationRun run = verifier.start(Pair.job().chunkRows(500).maxRowsPerSecond(2000).build());
            List<VerificationProgress> seen = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        seen.add(run.progress());
                        return run.isDone();
                    });
            VerificationResult result = run.await();
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(result.clean()).isTrue();
            assertThat(millis).as("3000 rows at 2000 rows/s").isGreaterThanOrEqualTo(1000);
            assertThat(seen).anySatisfy(progress -> {
                assertThat(progress.table()).isEqualTo("orders");
                assertThat(progress.chunks()).isEqualTo(6); // ranges of 500 rows, the last open-ended
                assertThat(progress.chunksDone()).isBetween(1L, 5L);
                assertThat(progress.rowsCompared()).isBetween(1L, 2999L);
                assertThat(progress.eta()).isNotNull();
                assertThat(progress.toString()).contains("rows compared");
            });
            assertThat(run.progress().tablesDone()).isEqualTo(1);
            assertThat(run.progress().rowsCompared()).isEqualTo(3000);

            long unlimited = System.nanoTime();
            assertThat(verifier.verify(Pair.job().chunkRows(500).build()).clean()).isTrue();
            assertThat((System.nanoTime() - unlimited) / 1_000_000).isLessThan(millis);
        }
    }

    @Test
    void aSampleComparesTheSameChunksForTheSameSeed() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 2000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 100) = 0"); // one per chunk
            Verifier verifier = pair.verifier().build();
            VerificationJob sample = Pair.job().chunkRows(100).sample(0.3, 42).build();

            TableReport first = verifier.verify(sample).tables().get(0);
            TableReport second = verifier.verify(sample).tables().get(0);
            TableReport other = verifier.verify(Pair.job().chunkRows(100).sample(0.3, 43).build()).tables().get(0);

            assertThat(first.full()).isFalse();
            assertThat(first.chunks()).isEqualTo(20); // (-inf, 101), [101, 201), …, [1901, +inf)
            assertThat(first.chunksCompared()).isBetween(1L, 19L);
            assertThat(first.differences()).isEqualTo(second.differences());
            assertThat(first.chunksCompared()).isEqualTo(second.chunksCompared());
            assertThat(first.rowsCompared()).isEqualTo(second.rowsCompared()).isEqualTo(first.chunksCompared() * 100);
            assertThat(first.different()).isEqualTo(first.chunksCompared()); // one drifted row in each
            assertThat(other.differences()).isNotEqualTo(first.differences());
        }
    }
}
