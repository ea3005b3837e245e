package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges, ninth break: two-phase commits whose start, end or prepare is sent inside a text of several
 * statements, and a session that prepares several transactions before it commits them. The keys of such a
 * transaction must reach the new store whichever session commits it, and a session closed inside one must not pass
 * it on to the pool's next borrower.
 */
class TxEdgesBreak9Test {

    /** MariaDB stores with the old pool sending several statements in one text, outbox entries due at once. */
    private static Fixture multiMaria(AtomicReference<HikariDataSource> multi) throws SQLException {
        return Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB).wrapOld(pool -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(((HikariDataSource) pool).getJdbcUrl() + "&allowMultiQueries=true");
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            multi.set(new HikariDataSource(config));
            return multi.get();
        }).customize(builder -> builder.outboxGrace(Duration.ZERO)).build(), Mirrored.MARIA);
    }

    private static String idQty(java.util.Map<String, String> row) {
        return row.get("id") + "/" + row.get("qty");
    }

    // the text ends with the transaction prepared; a transaction manager commits it from another session and the
    // first one closes: its resync must have been recorded, it cannot go into the transaction any more
    @Test
    void postgresPreparedInOneTextAndCommittedByAnotherSessionIsRecordedAndConverges() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ZERO)).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN; UPDATE orders SET qty = 10 WHERE id = 1; DELETE FROM orders WHERE id = 2; "
                        + "PREPARE TRANSACTION 'b9a'");
            }
            try (Connection manager = fixture.dataSource.getConnection(); Statement commit = manager.createStatement()) {
                commit.execute("COMMIT PREPARED 'b9a'");
            }
            assertThat(fixture.records()).as("recorded while only the prepared transaction held the writes").isNotEmpty();
            fixture.resolveRecords();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "3/3");
        }
    }

    // the same on MariaDB: XA START … XA PREPARE in one text, the session closed, another session commits
    @Test
    void mariadbXaPreparedInOneTextAndCommittedByAnotherSessionIsRecordedAndConverges() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = multiMaria(multi)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9b'; UPDATE orders SET qty = 10 WHERE id = 1; "
                        + "INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5); XA END 'b9b'; XA PREPARE 'b9b'");
            }
            try (Connection manager = fixture.dataSource.getConnection(); Statement commit = manager.createStatement()) {
                commit.execute("XA COMMIT 'b9b'");
            }
            assertThat(fixture.records()).as("recorded while only the prepared transaction held the writes").isNotEmpty();
            fixture.resolveRecords();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/2", "3/3", "5/5");
        } finally {
            multi.get().close();
        }
    }

    // XA START inside a text of several statements opens the XA transaction all the same: closed without its end,
    // it is rolled back, and the pool's next borrower of the session writes in auto-commit, mirrored at once
    @Test
    void mariadbXaStartedInOneTextAndLeftOpenAtCloseIsRolledBackBeforeThePoolHandsTheSessionOn() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = multiMaria(multi)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9c'; UPDATE orders SET qty = 10 WHERE id = 1");
            }
            try (Connection next = fixture.dataSource.getConnection(); Statement statement = next.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id"))
                    .containsExactly(expected("id", 1, "qty", 1), expected("id", 2, "qty", 20), expected("id", 3, "qty", 3));
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/1", "2/20", "3/3");
            assertThat(fixture.records()).isEmpty();
        } finally {
            multi.get().close();
        }
    }

    // XA END sent alone takes the keys into the XA transaction; its prepare and commit arrive as one text: the commit
    // hands them over at once, and nothing stays recorded
    @Test
    void mariadbXaCommittedInsideATextOfSeveralStatementsHandsTheEndedTransactionsKeysOver() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB).wrapOld(pool -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(((HikariDataSource) pool).getJdbcUrl() + "&allowMultiQueries=true");
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            multi.set(new HikariDataSource(config));
            return multi.get();
        }).customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9d'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute("XA END 'b9d'");
                statement.execute("XA PREPARE 'b9d'; XA COMMIT 'b9d'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/2");
            assertThat(fixture.records()).as("the commit on the session completed its outbox entries").isEmpty();
        } finally {
            multi.get().close();
        }
    }

    // one session prepares two transactions, then commits both: each COMMIT PREPARED hands over its own keys, the
    // first one's are not replaced by the second's
    @Test
    void postgresSessionPreparingTwoTransactionsHandsEachOnesKeysOverAtItsOwnCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("PREPARE TRANSACTION 'b9x'");
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                statement.execute("PREPARE TRANSACTION 'b9y'");
                statement.execute("COMMIT PREPARED 'b9x'");
                statement.execute("COMMIT PREPARED 'b9y'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/20", "3/3");
            assertThat(fixture.records()).as("both commits completed their own outbox entries").isEmpty();
        }
    }

    // the second of two prepared transactions is rolled back: only the first one's rows move
    @Test
    void postgresSessionRollingBackOneOfTwoPreparedTransactionsMirrorsOnlyTheCommittedOne() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                statement.execute("PREPARE TRANSACTION 'b9r1'");
                statement.execute("BEGIN");
                statement.executeUpdate("DELETE FROM orders WHERE id = 1");
                statement.execute("PREPARE TRANSACTION 'b9r2'");
                statement.execute("ROLLBACK PREPARED 'b9r2'");
                statement.execute("COMMIT PREPARED 'b9r1'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/1", "2/2", "3/3", "7/7");
        }
    }
}
