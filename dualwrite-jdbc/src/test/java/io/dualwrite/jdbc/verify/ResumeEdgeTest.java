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

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({"MARIADB, POSTGRES", "POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2"})
    void timestampAndUuidKeysResumeWhereTheyStopped(Kind oldKind, Kind newKind) throws Exception {
        io.dualwrite.mapping.TableMapping events = io.dualwrite.mapping.TableMapping.builder("events")
                .newTable("events").primaryKey("at", "id").build();
        try (io.dualwrite.jdbc.testing.TestDatabase old = io.dualwrite.jdbc.testing.TestDatabases.createWithDualWriteSchema(oldKind);
             io.dualwrite.jdbc.testing.TestDatabase fresh = io.dualwrite.jdbc.testing.TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE events (at " + (oldKind == Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)")
                    + ", id UUID, n INT, PRIMARY KEY (at, id))");
            fresh.execute("CREATE TABLE events (at " + (newKind == Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)")
                    + ", id UUID, n INT, PRIMARY KEY (at, id))");
            java.util.Random random = new java.util.Random(5);
            java.util.List<Object[]> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 600; i++) {
                // pairs of rows share an instant; fractions of none, one and six digits
                java.time.LocalDateTime at = java.time.LocalDateTime.parse("2026-01-01T00:00:00").plusSeconds(i / 2)
                        .plusNanos(i % 6 == 0 ? 0 : i % 6 == 2 ? 100_000_000 : random.nextInt(1_000_000) * 1_000L);
                rows.add(new Object[] {at, java.util.UUID.nameUUIDFromBytes(Long.toString(random.nextLong()).getBytes(java.nio.charset.StandardCharsets.UTF_8)), i});
            }
            for (io.dualwrite.jdbc.testing.TestDatabase db : java.util.List.of(old, fresh)) {
                try (java.sql.Connection connection = db.dataSource().getConnection();
                     java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (?, ?, ?)")) {
                    for (Object[] row : rows) {
                        insert.setObject(1, row[0]);
                        insert.setObject(2, db.kind() == Kind.MARIADB ? row[1].toString() : row[1]);
                        insert.setInt(3, (Integer) row[2]);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            fresh.execute("UPDATE events SET n = -1 WHERE n IN (5, 333, 598)", "DELETE FROM events WHERE n = 100");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(Duration.ofMillis(20)).build();

            VerificationRun first = verifier.start(VerificationJob.builder("events").table(events).chunkRows(50)
                    .maxRowsPerSecond(400).checkpoint("events").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 3);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);
            VerificationRun second = verifier.start(VerificationJob.builder("events").table(events).chunkRows(50)
                    .checkpoint("events").build());
            TableReport report = second.await(WAIT).tables().get(0);

            assertThat(second.progress().chunks()).isLessThan(report.chunks());
            assertThat(report.rowsCompared()).isEqualTo(600);
            assertThat(report.newRowsCompared()).isEqualTo(599);
            assertThat(report.different()).isEqualTo(3);
            assertThat(report.missingInNew()).isEqualTo(1);
            assertThat(report.extraInNew()).isZero();
        }
    }

    @Test
    void aSecondRunUnderACheckpointNameInUseIsRefused() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 3000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 100) = 0");
            Verifier verifier = pair.verifier().build();
            VerificationJob job = Pair.job().chunkRows(100).maxRowsPerSecond(3000).checkpoint("shared").build();

            VerificationRun first = verifier.start(job);
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 2);
            assertThatThrownBy(() -> verifier.start(job)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("checkpoint 'shared' is in use");
            assertThatThrownBy(() -> pair.verifier().build().verify(job)).as("another verifier of the same store")
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> verifier.resetCheckpoint("shared")).isInstanceOf(IllegalStateException.class);
            TableReport report = first.await(WAIT).tables().get(0);

            assertThat(report.different()).isEqualTo(30);
            assertThat(report.rowsCompared()).isEqualTo(3000);
            assertThat(verifier.verify(job).tables().get(0).different()).as("once the first run ended").isEqualTo(30);
        }
    }

    @Test
    void aMerchantScopedJobOfTwoTablesStoppedInTheSecondResumesThere() throws Exception {
        io.dualwrite.mapping.TableMapping lines = io.dualwrite.mapping.TableMapping.builder("lines").newTable("lines_v2")
                .merchantIdColumn("merchant_id").build();
        try (Pair pair = Pair.of(Kind.POSTGRES, Kind.MARIADB)) {
            pair.fill(1, 1500);
            pair.oldDb.execute("CREATE TABLE lines (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), n INT)",
                    "INSERT INTO lines SELECT g, 'm-' || (g % 3), g FROM generate_series(1, 3000) g");
            pair.newDb.execute("CREATE TABLE lines_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), n INT)",
                    "INSERT INTO lines_v2 SELECT seq, CONCAT('m-', seq % 3), seq FROM seq_1_to_3000",
                    "UPDATE orders_v2 SET note = 'drift' WHERE id IN (4, 5, 1498)", // 4 and 1498 are m-1's
                    "UPDATE lines_v2 SET n = -1 WHERE id IN (7, 2998, 2999)", // 7 and 2998 are m-1's
                    "DELETE FROM lines_v2 WHERE id = 1501");
            Verifier verifier = pair.verifier().build();
            VerificationJob.Builder job = Pair.job().table(lines).merchant("m-1").chunkRows(50);

            VerificationRun first = verifier.start(job.maxRowsPerSecond(500).checkpoint("m1").build());
            await().atMost(WAIT).until(() -> "lines".equals(first.progress().table()) && first.progress().chunksDone() >= 3);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class)
                    .satisfies(e -> assertThat(((VerificationStoppedException) e).table()).isEqualTo("lines"));
            VerificationRun second = verifier.start(Pair.job().table(lines).merchant("m-1").chunkRows(50)
                    .checkpoint("m1").build());
            VerificationResult result = second.await(WAIT);

            TableReport orders = result.tables().get(0);
            TableReport lineReport = result.tables().get(1);
            assertThat(orders.rowsCompared()).isEqualTo(500);
            assertThat(orders.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("4", "1498");
            assertThat(lineReport.rowsCompared()).isEqualTo(1000);
            assertThat(lineReport.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("7", "2998");
            assertThat(lineReport.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("1501");
        }
    }

    @Test
    void aResumedRunIsRepairedAndTheStoresEndEqualFromMariaDbToPostgres() throws Exception {
        try (Pair pair = Pair.of(Kind.MARIADB, Kind.POSTGRES)) {
            pair.fill(1, 2000);
            pair.newDb.execute("UPDATE orders_v2 SET amount_total = amount_total + 0.01 WHERE id IN (3, 1999)",
                    "UPDATE orders_v2 SET created_at = created_at + INTERVAL '1 second' WHERE id = 1200",
                    "DELETE FROM orders_v2 WHERE id IN (5, 1800)",
                    "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                            + " VALUES (2500, 'm-1', 1, true, '2026-01-01 00:00:00', 'extra', 'ab')");
            Verifier verifier = pair.verifier().build();
            VerificationRun first = verifier.start(Pair.job().chunkRows(200).maxRowsPerSecond(1000).checkpoint("fix").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 2);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);
            VerificationJob job = Pair.job().chunkRows(200).checkpoint("fix").build();
            VerificationResult found = verifier.verify(job);
            assertThat(found.tables().get(0).differenceCount()).isEqualTo(6);

            io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                    .oldDataSource(pair.oldDb.dataSource()).newDataSource(pair.newDb.dataSource()).build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job, found);

            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            pair.assertSameRows();
        }
    }
}
