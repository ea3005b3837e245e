package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Round 21's fix of a commit the client gave up on (synced again once the server ends its session), attacked: the
 * application's mirror executor closed (a shutdown) while the server still runs the commit. Ends with the stores
 * compared by plain JDBC.
 */
class TxEdgesFixesBreak21Test {

    // Held (guard): a commit slower than the outbox grace, given up on by a network timeout; the reconciler completes the entry
    // for after the grace while the commit still runs (round 21's case); then the application shuts its mirror
    // executor down before the server ends the session. When the commit lands, the stores must be equal or the key
    // recorded. The sync SessionEnd runs after the session ended finds the executor shut down, which records the key
    // (SHUT_DOWN), and the reconciler copies it.
    @Test
    void aCommitGivenUpOnIsNeverSilentWhenTheMirrorsCloseBeforeItsSessionEnds() throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.H2)
                .customize(builder -> builder.outboxGrace(Duration.ofMillis(300))).build(), Mirrored.PG)) {
            java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
            try (HeldCommit slow = HeldCommit.on(fixture)) {
                Connection connection = fixture.dataSource.getConnection();
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                    statement.executeUpdate("INSERT INTO audit (id) VALUES (1)");
                }
                connection.setNetworkTimeout(executor, 500);
                assertThatThrownBy(connection::commit).isInstanceOf(java.sql.SQLException.class);
                connection.close();
                Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    fixture.reconciler().runOnce();
                    assertThat(fixture.records()).isEmpty();
                });
                assertThat(TxEdgesSupport.oldRows(fixture)).as("the commit still runs").isEqualTo("1=1 2=2 3=3");
                fixture.toNew.close(); // the application shuts down its mirrors
                slow.release(); // the server ends the commit
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> TxEdgesSupport.oldRows(fixture).equals("1=10 2=2 3=3"));
                Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    if (!TxEdgesSupport.newRows(fixture).equals(TxEdgesSupport.oldRows(fixture))) {
                        assertThat(fixture.records()).as("the new store differs: the key must be recorded").isNotEmpty();
                        fixture.reconciler().runOnce();
                    }
                    assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=10 2=2 3=3");
                });
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
