package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Edges of resumable verification: more differences than are kept, and a stop while rows are read again. */
class ResumeEdgeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aResumedRunCountsTheDifferencesBeyondTheKeptOnesThatItsFirstRunFound() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 3000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 50) = 0"); // 60 rows, 5 per chunk
            Verifier verifier = pair.verifier().maxDifferences(10).build();
            TableReport whole = verifier.verify(Pair.job().chunkRows(250).build()).tables().get(0);
            assertThat(whole.different()).isEqualTo(60);
            assertThat(whole.truncated()).isTrue();

            VerificationRun first = verifier.start(Pair.job().chunkRows(250).maxRowsPerSecond(1500).checkpoint("many").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 4);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class)
                    .satisfies(e -> assertThat(((VerificationStoppedException) e).chunksDone()).isBetween(4L, 11L));
            TableReport resumed = verifier.verify(Pair.job().chunkRows(250).checkpoint("many").build()).tables().get(0);

            assertThat(resumed.rowsCompared()).isEqualTo(3000);
            assertThat(resumed.different()).as("every differing row counted, as by the uninterrupted run").isEqualTo(60);
            assertThat(resumed.differences()).hasSize(10);
            assertThat(resumed.truncated()).isTrue();
        }
    }

    @Test
    void aStopWhileTheRowsFoundDifferentAreReadAgainEndsTheRunWithoutWaitingForTheRereads() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 200);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id = 77");
            Verifier verifier = pair.verifier().recheckDelay(Duration.ofSeconds(20)).recheckRounds(3).build();

            VerificationRun run = verifier.start(Pair.job().checkpoint("settling").build());
            await().atMost(WAIT).until(() -> run.progress().chunksDone() >= 1 && run.progress().differences() == 1);
            run.stop();

            assertThatThrownBy(() -> run.await(Duration.ofSeconds(10))).isInstanceOf(VerificationStoppedException.class)
                    .hasMessageContaining("checkpoint 'settling'");
            TableReport resumed = pair.verifier().build().verify(Pair.job().checkpoint("settling").build()).tables().get(0);
            assertThat(resumed.keys(RowDifference.Kind.DIFFERENT)).containsExactly("77");
            assertThat(pair.mismatches()).containsExactly(77L);
        }
    }

    @Test
    void aSampledRunResumedWithoutItsRateComparesTheChunksARunNeverStoppedCompares() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 1000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 25) = 0"); // 4 per 100 rows
            Verifier verifier = pair.verifier().build();
            TableReport whole = verifier.verify(Pair.job().chunkRows(100).sample(0.5, 11).build()).tables().get(0);
            assertThat(whole.chunks()).isEqualTo(10);

            VerificationRun first = verifier.start(Pair.job().chunkRows(100).sample(0.5, 11).maxRowsPerSecond(50)
                    .checkpoint("sampled").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 2);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);
            TableReport resumed = verifier.verify(Pair.job().chunkRows(100).sample(0.5, 11).checkpoint("sampled")
                    .build()).tables().get(0);

            assertThat(resumed.chunks()).isEqualTo(whole.chunks());
            assertThat(resumed.chunksCompared()).isEqualTo(whole.chunksCompared());
            assertThat(resumed.rowsCompared()).isEqualTo(whole.rowsCompared());
            assertThat(resumed.keys(RowDifference.Kind.DIFFERENT))
                    .containsExactlyInAnyOrderElementsOf(whole.keys(RowDifference.Kind.DIFFERENT));
        }
    }
}
