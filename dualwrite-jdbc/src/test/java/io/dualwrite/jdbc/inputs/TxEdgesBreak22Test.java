package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round 22 of breaking the transaction edges and session settings of the write path: each test ends comparing the
 * two stores row by row with plain JDBC; the comments say which cases failed before their fix.
 */
class TxEdgesBreak22Test {

    /**
     * A pool of the old store of {@code size} sessions on the same database as {@code pool}, waiting at most five
     * seconds for a session; {@code opened} receives it, the test closes it.
     */
    static java.util.function.UnaryOperator<DataSource> poolOf(int size,
            AtomicReference<com.zaxxer.hikari.HikariDataSource> opened) {
        return pool -> {
            com.zaxxer.hikari.HikariDataSource raw = (com.zaxxer.hikari.HikariDataSource) pool;
            com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
            if (raw.getJdbcUrl() != null) {
                config.setJdbcUrl(raw.getJdbcUrl());
                config.setUsername(raw.getUsername());
            } else {
                config.setDataSource(raw.getDataSource());
            }
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(0);
            config.setConnectionTimeout(5_000);
            config.setInitializationFailTimeout(-1);
            opened.set(new com.zaxxer.hikari.HikariDataSource(config));
            return opened.get();
        };
    }

    // Failed before the fix (left open by round 21): the old store's pool holds one session, which the caller holds
    // through its commit; the SYNC mirror read the old store on a second session of that pool, waited for it until
    // its time limit, and the commit cost the caller the whole limit and left the key recorded (timed-out).
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aSyncCommitOnAPoolOfOneSessionMirrorsWithoutWaitingForASecondSession(Kind kind) throws Exception {
        AtomicReference<com.zaxxer.hikari.HikariDataSource> opened = new AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).timeLimit(Duration.ofSeconds(3))
                .wrapOld(poolOf(1, opened)).build(), Mirrored.PG)) {
            long started = System.nanoTime();
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    TxEdgesSupport.writes(statement);
                }
                connection.commit();
                assertThat(TxEdgesSupport.newRows(fixture)).as("SYNC: mirrored by the time commit() returns")
                        .isEqualTo("1=10 2=2 3=3 5=5");
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                }
                assertThat(TxEdgesSupport.newRows(fixture)).as("SYNC: mirrored by the time the update returns")
                        .isEqualTo("1=10 2=20 3=3 5=5");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=10 2=20 3=3 5=5");
        } finally {
            if (opened.get() != null) {
                opened.get().close();
            }
        }
    }
}
