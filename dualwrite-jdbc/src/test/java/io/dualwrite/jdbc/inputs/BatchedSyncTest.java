package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Async syncs of a stream of small auto-commit writes merge in the lanes: fewer runs than writes, every row
 * still synced exactly (the batching of one read, one batched write and one commit per run).
 */
class BatchedSyncTest {

    @Test
    void aStreamOfSmallAsyncWritesIsSyncedInFewerRunsThanWrites() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).mode(MirrorMode.ASYNC).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, note VARCHAR(80))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, note VARCHAR(80))");
            int writes = 400;
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty, note) VALUES (?, ?, ?)")) {
                for (int id = 1; id <= writes; id++) {
                    insert.setLong(1, id);
                    insert.setInt(2, id % 7);
                    insert.setString(3, "n" + id);
                    insert.executeUpdate();
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.events.stream()
                    .mapToInt(event -> event.task().rows().size()).sum() >= writes);
            assertThat(fixture.events).allMatch(event -> event.outcome() == MirrorOutcome.SUCCEEDED);
            assertThat(fixture.events.size()).as("runs for %d writes", writes).isLessThan(writes);
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, note")).hasSize(writes);
        }
    }
}
