package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Transaction control as SQL text with the crash-safe outbox ({@link ChangeLogMode#ALWAYS}) (kind 1). */
class OutboxTransactionControlTextTest {

    /** The outbox in a table of the old store, written on the application's connection. */
    private static long writeOutbox(Connection connection, io.dualwrite.changelog.ChangeRecord record) throws SQLException {
        try (java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (row_key, operation) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, record.key());
            insert.setString(2, record.operation().name());
            insert.executeUpdate();
            try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Both stores of {@code kind}, seeded, with the outbox ({@link ChangeLogMode#ALWAYS}) in a table of the old one. */
    static Fixture always(Kind kind) {
        Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind)
                .customize(b -> b.changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(OutboxTransactionControlTextTest::writeOutbox))
                .build(), Mirrored.PG);
        fixture.onOld(kind == Kind.POSTGRES
                ? "CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, row_key VARCHAR(20), operation VARCHAR(10))"
                : "CREATE TABLE outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, row_key VARCHAR(20), operation VARCHAR(10))");
        return fixture;
    }

    // Input (PostgreSQL, ChangeLogMode.ALWAYS, change log on the old store, JDBC auto-commit on): BEGIN as SQL;
    // INSERT id 5; UPDATE id 1; COMMIT as SQL.
    // Plain JDBC: the COMMIT succeeds and both writes commit.
    // Library: before running the COMMIT it writes the outbox under a JDBC savepoint, which pgjdbc refuses in
    // auto-commit mode: the caller's COMMIT throws PSQLException "Cannot establish a savepoint in auto-commit mode",
    // the COMMIT never runs, and closing the connection rolls the writes back on the old store.
    // Failed before its fix: an SQL-text COMMIT of a transaction opened by SQL text throws on PostgreSQL with the outbox.
    // Kind: transaction edges (transaction control as SQL text, with the outbox).
    @Test
    void postgresSqlBeginAndCommitWithTheOutboxCommitAndMirror() throws SQLException {
        try (Fixture fixture = always(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "outbox, sql begin/commit"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (MariaDB, ChangeLogMode.ALWAYS, change log on the old store, JDBC auto-commit on): START TRANSACTION as
    // SQL; INSERT id 5; UPDATE id 1; COMMIT as SQL.
    // Plain JDBC: the COMMIT succeeds and both writes commit.
    // Library: passes today (MariaDB's driver sets the savepoint); kept beside the PostgreSQL case.
    // Kind: transaction edges (transaction control as SQL text, with the outbox).
    @Test
    void mariadbSqlStartTransactionAndCommitWithTheOutboxCommitAndMirror() throws SQLException {
        try (Fixture fixture = always(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("START TRANSACTION");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "outbox, sql start transaction/commit"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }
}
