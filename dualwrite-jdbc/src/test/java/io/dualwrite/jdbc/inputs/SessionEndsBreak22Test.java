package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Session ends, twenty-second break: a commit the client gave up on, whose keys are synced again once the server has
 * ended its session, when the application closes the store's data source before that. Ends comparing the two stores
 * row by row with plain JDBC.
 */
class SessionEndsBreak22Test {

    // Failed before the fix: the application closed the old store's pool while the server still ran a commit its
    // client had given up on (a deferred trigger holds it until the test lets it end). The entry recorded for after the grace
    // was synced by the reconciler while the commit still ran and completed; every later poll of the session's end
    // failed on the closed pool and counted as "still running", for up to an hour, holding the pool; the commit made
    // qty 10 visible, nothing was recorded, and the new store kept qty 1. Now a poll that finds its data source closed
    // stops and records the keys for the reconciler, due when the wait would have ended (the commit is then done for
    // sure), and a reconciler run after that copies them.
    @Test
    void aCommitGivenUpOnWhoseDataSourceIsClosedBeforeItsSessionEndsIsRecordedForTheReconciler() throws Exception {
        AtomicReference<HikariDataSource> closable = new AtomicReference<>();
        Fixture.Builder builder = Fixture.builder(Kind.POSTGRES, Kind.H2)
                .customize(b -> b.outboxGrace(Duration.ofMillis(300))).wrapOld(real -> {
                    HikariDataSource pool = (HikariDataSource) real;
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(pool.getJdbcUrl());
                    config.setUsername(pool.getUsername());
                    config.setPassword(pool.getPassword());
                    config.setMaximumPoolSize(3);
                    closable.set(new HikariDataSource(config));
                    return closable.get();
                });
        try (Fixture fixture = Mirrored.seed(builder.build(), Mirrored.PG)) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (HeldCommit slow = HeldCommit.on(fixture)) {
                Connection connection = fixture.dataSource.getConnection();
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                    statement.executeUpdate("INSERT INTO audit (id) VALUES (1)");
                }
                connection.setNetworkTimeout(executor, 500);
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
                connection.close();
                closable.get().close(); // the application shuts its pool down
                // the reconciler comes while the commit still runs: the entry for after the grace is synced and done
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    fixture.reconciler().runOnce();
                    assertThat(fixture.records()).as("nothing due within the hour left")
                            .allMatch(r -> r.dueAt().isAfter(java.time.Instant.now().plus(Duration.ofMinutes(30))));
                });
                assertThat(TxEdgesSupport.oldRows(fixture)).as("the commit still runs").isEqualTo("1=1 2=2 3=3");
                slow.release(); // the server ends the commit
                await().atMost(Duration.ofSeconds(60)).until(() -> TxEdgesSupport.oldRows(fixture).equals("1=10 2=2 3=3"));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(fixture.records())
                        .as("the keys recorded once the polls found the pool closed").isNotEmpty());
                fixture.reconciler().runOnce();
                assertThat(fixture.records()).as("due later: not synced while the commit may still run").isNotEmpty();
                fixture.reconcilerBuilder().resolver(Fixture.MIGRATION, fixture.resolver)
                        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))).build().runOnce();
                assertThat(fixture.records()).isEmpty();
                assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=10 2=2 3=3");
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
