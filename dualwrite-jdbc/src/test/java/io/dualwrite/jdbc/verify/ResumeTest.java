package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A verification job with a checkpoint name goes on where a stopped or failed run left off: it compares only the
 * chunks not yet compared, and still reports every row that differs in the whole table, including those found
 * before the stop, each read again first.
 */
class ResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aStoppedRunGoesOnFromItsCheckpointAndReportsEveryDifferenceOfTheWholeTable() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 3000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id IN (100, 2900)",
                    "DELETE FROM orders_v2 WHERE id = 1400");
            Verifier verifier = pair.verifier().build();
            VerificationJob slow = Pair.job().chunkRows(250).maxRowsPerSecond(1500).checkpoint("nightly").build();

            VerificationRun first = verifier.start(slow);
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 3);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class)
                    .hasMessageContaining("checkpoint 'nightly'")
                    .satisfies(e -> assertThat(((VerificationStoppedException) e).chunksDone()).isBetween(3L, 11L));
            List<Map<String, Object>> kept = checkpointRows(pair.oldDb, "nightly");
            assertThat(kept).as("the head and the row found different before the stop").hasSizeGreaterThanOrEqualTo(2);
            assertThat(kept.get(0).get("state")).isEqualTo("RUNNING");
            assertThat(recordedRuns(pair.oldDb)).as("a stopped run is not a verification").isZero();

            VerificationRun second = verifier.start(Pair.job().chunkRows(250).checkpoint("nightly").build());
            VerificationResult result = second.await(WAIT);

            TableReport report = result.tables().get(0);
            assertThat(second.progress().chunks()).as("only the chunks the first run did not compare").isBetween(1L, 9L);
            assertThat(report.chunks()).isEqualTo(12);
            assertThat(report.chunksCompared()).isEqualTo(12);
            assertThat(report.rowsCompared()).isEqualTo(3000);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("100", "2900");
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("1400");
            assertThat(report.extraInNew()).isZero();
            assertThat(checkpointRows(pair.oldDb, "nightly")).as("a run that completes deletes its checkpoint").isEmpty();
            assertThat(recordedRuns(pair.oldDb)).isEqualTo(1);

            VerificationRun third = verifier.start(Pair.job().chunkRows(250).checkpoint("nightly").build());
            third.await(WAIT);
            assertThat(third.progress().chunks()).as("with the checkpoint gone, a run starts from the first key").isEqualTo(12);
        }
    }

    @Test
    void aRowFoundDifferentBeforeTheStopAndRepairedMeanwhileIsNotReported() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 2000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id IN (10, 1900)");
            Verifier verifier = pair.verifier().build();

            VerificationRun first = verifier.start(Pair.job().chunkRows(200).maxRowsPerSecond(1000).checkpoint("c").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 2);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'note 10' WHERE id = 10");

            TableReport report = verifier.verify(Pair.job().chunkRows(200).checkpoint("c").build()).tables().get(0);

            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactly("1900");
            assertThat(pair.mismatches()).containsExactly(1900L);
        }
    }

    @Test
    void aRunWhoseConnectionsWereKilledResumesOnPostgres() throws Exception {
        try (Pair pair = Pair.of(Kind.POSTGRES, Kind.POSTGRES)) {
            pair.fill(1, 3000);
            pair.newDb.execute("UPDATE orders_v2 SET amount_total = amount_total + 0.01 WHERE id IN (7, 2999)");
            Verifier verifier = pair.verifier().build();
            VerificationJob job = Pair.job().chunkRows(250).maxRowsPerSecond(1500).checkpoint("killed").build();

            VerificationRun first = verifier.start(job);
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 3);
            pair.newDb.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
            assertThatThrownBy(first::await).isInstanceOf(SQLException.class);
            assertThat(checkpointRows(pair.oldDb, "killed")).isNotEmpty();

            VerificationRun second = verifier.start(Pair.job().chunkRows(250).checkpoint("killed").build());
            TableReport report = second.await(WAIT).tables().get(0);

            assertThat(second.progress().chunks()).isLessThan(12);
            assertThat(report.rowsCompared()).isEqualTo(3000);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("7", "2999");
            assertThat(pair.mismatches()).containsExactlyInAnyOrder(7L, 2999L);
        }
    }

    @Test
    void compositeStringKeysResumeFromMariaDbToPostgres() throws Exception {
        TableMapping items = TableMapping.builder("items").newTable("items_v2").primaryKey("shop", "sku").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (shop VARCHAR(20), sku VARCHAR(20), n INT, PRIMARY KEY (shop, sku))");
            fresh.execute("CREATE TABLE items_v2 (shop VARCHAR(20), sku VARCHAR(20), n INT, PRIMARY KEY (shop, sku))");
            fill(old, "items");
            fill(fresh, "items_v2");
            fresh.execute("UPDATE items_v2 SET n = n + 1 WHERE shop = 'Shop-Z9' AND sku = 'sku|0007'",
                    "UPDATE items_v2 SET n = n + 1 WHERE shop = 'shop-z' AND sku = 'sku|0042'",
                    "DELETE FROM items_v2 WHERE shop = 'shop-m' AND sku = 'sku|0001'");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(Duration.ofMillis(20)).build();

            VerificationRun first = verifier.start(VerificationJob.builder("items").table(items).chunkRows(100)
                    .maxRowsPerSecond(600).checkpoint("items").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 3);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);

            VerificationRun second = verifier.start(VerificationJob.builder("items").table(items).chunkRows(100)
                    .checkpoint("items").build());
            TableReport report = second.await(WAIT).tables().get(0);

            assertThat(second.progress().chunks()).isLessThan(report.chunks());
            assertThat(report.rowsCompared()).isEqualTo(27 * 50);
            assertThat(report.differenceCount()).isEqualTo(3);
            assertThat(report.missingInNew()).isEqualTo(1);
            assertThat(report.different()).isEqualTo(2);
        }
    }

    @Test
    void anotherJobCannotResumeTheCheckpointUntilItIsReset() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 1500);
            Verifier verifier = pair.verifier().build();
            VerificationRun first = verifier.start(Pair.job().chunkRows(100).maxRowsPerSecond(1000).checkpoint("x").build());
            await().atMost(WAIT).until(() -> first.progress().chunksDone() >= 2);
            first.stop();
            assertThatThrownBy(first::await).isInstanceOf(VerificationStoppedException.class);

            VerificationJob other = Pair.job().chunkRows(300).checkpoint("x").build();
            assertThatThrownBy(() -> verifier.verify(other)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("checkpoint 'x'").hasMessageContaining("chunk 100")
                    .hasMessageContaining("chunk 300").hasMessageContaining("resetCheckpoint");

            assertThat(verifier.resetCheckpoint("x")).isGreaterThan(0);
            assertThat(verifier.verify(other).tables().get(0).rowsCompared()).isEqualTo(1500);
            assertThatThrownBy(() -> Pair.job().checkpoint(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("checkpoint must be a non-blank name");
        }
    }

    /** 27 shops (mixed case, so the stores' collations would order them differently) of 50 skus each. */
    private static void fill(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (char shop = 'a'; shop <= 'z'; shop++) {
                for (int sku = 0; sku < 50; sku++) {
                    insert.setString(1, "shop-" + shop);
                    insert.setString(2, String.format("sku|%04d", sku));
                    insert.setInt(3, sku);
                    insert.addBatch();
                }
            }
            for (int sku = 0; sku < 50; sku++) {
                insert.setString(1, "Shop-Z9");
                insert.setString(2, String.format("sku|%04d", sku));
                insert.setInt(3, sku);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static List<Map<String, Object>> checkpointRows(TestDatabase db, String name) {
        return db.query("SELECT item_no, state, key_text FROM"
                + " dualwrite_verification_checkpoint WHERE checkpoint_name = '" + name + "' ORDER BY item_no");
    }

    private static long recordedRuns(TestDatabase db) {
        return ((Number) db.query("SELECT COUNT(*) AS n FROM dualwrite_verification").get(0).get("n")).longValue();
    }
}
