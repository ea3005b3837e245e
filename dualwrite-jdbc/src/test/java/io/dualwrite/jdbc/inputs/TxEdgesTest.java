package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.QuietLogs;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** Transaction edges the inputs do not cover. */
class TxEdgesTest {

    @Test
    void postgresCommitAndChainAfterASqlBeginKeepsTheSecondTransactionsKeysUntilItsCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("COMMIT AND CHAIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbCommitAndChainAfterStartTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("START TRANSACTION");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("COMMIT AND CHAIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // a BEGIN with a leading comment (as SQL commenters and ORMs with SQL comments send it)
    @Test
    void postgresBeginWithALeadingCommentHoldsTheKeysUntilCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("/* app=checkout */ BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbSetAutoCommitTrueMidTransactionMirrorsTheTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE code = 'a'");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                connection.setAutoCommit(true);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id")).containsExactly("1", "2", "5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresAbortMidTransactionLeavesBothStoresUnchanged() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            Connection connection = fixture.dataSource.getConnection();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
            }
            connection.abort(executor);
            connection.close();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(3);
            assertThat(fixture.records()).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void mariadbJdbcSavepointRolledBackAfterUpdatesInsertsAndDeletes() throws SQLException {
        savepoints(Kind.MARIADB);
    }

    @Test
    void postgresJdbcSavepointRolledBackAfterUpdatesInsertsAndDeletes() throws SQLException {
        savepoints(Kind.POSTGRES);
    }

    private static void savepoints(Kind kind) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 1");
                Savepoint savepoint = connection.setSavepoint();
                statement.executeUpdate("UPDATE orders SET qty = 22 WHERE code = 'b'");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                connection.rollback(savepoint);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (8, 'h', 8)");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(expected("id", 1, "code", "a", "qty", 11),
                    expected("id", 2, "code", "b", "qty", 2), expected("id", 3, "code", "c", "qty", 3),
                    expected("id", 8, "code", "h", "qty", 8));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void h2TransactionWithAHundredThousandDistinctKeysStaysBoundedAndResyncsOnce() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            long start = System.nanoTime();
            QuietLogs.run(() -> {
                try (Connection connection = fixture.dataSource.getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                    connection.setAutoCommit(false);
                    for (int i = 0; i < 100_000; i++) {
                        insert.setLong(1, 1000 + i);
                        insert.setString(2, "k" + i);
                        insert.setInt(3, i);
                        insert.addBatch();
                        if (i % 5000 == 4999) {
                            insert.executeBatch();
                        }
                    }
                    connection.commit();
                }
            });
            assertThat(fixture.recordKeys()).containsExactly("orders/*/RESYNC");
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(100_003);
        }
    }
}
