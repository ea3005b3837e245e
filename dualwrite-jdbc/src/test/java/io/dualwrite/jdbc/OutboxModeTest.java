package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.SwitchStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ChangeLogMode.ALWAYS: an entry per row written in the authoritative transaction, completed after the mirror. */
class OutboxModeTest {

    /** Test double of the JDBC change log's outbox: one row in a table of the authoritative store. */
    private static long writeOutbox(Connection connection, io.dualwrite.changelog.ChangeRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (row_key, operation) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, record.key());
            insert.setString(2, record.operation().name());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    @Test
    void entriesAreWrittenWithTheAuthoritativeTransactionAndCompletedAfterTheMirror() throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(Kind.H2, Kind.H2, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")),
                builder -> builder.changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(OutboxModeTest::writeOutbox))) {
            fixture.bothStores("CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20))");
            fixture.oldDb.execute("CREATE TABLE outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, row_key VARCHAR(20),"
                    + " operation VARCHAR(10))");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (1, 'auto-commit')");
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (2, 'rolled back')");
                connection.rollback();
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (3, 'committed')");
                connection.commit();
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (4, 'switched on')");
                connection.setAutoCommit(true); // commits the open transaction
            }
            assertThat(fixture.oldDb.query("SELECT row_key FROM outbox ORDER BY id")).extracting(r -> r.get("row_key"))
                    .containsExactly("1", "3", "4");
            // each mirror carried its outbox entry, which the executor completes once the mirror succeeded
            assertThat(fixture.toNewEvents).extracting(event -> event.outcome() + "/" + event.task().outboxEntryIds())
                    .containsExactly("SUCCEEDED/[1]", "SUCCEEDED/[2]", "SUCCEEDED/[3]");
            assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(3);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void aRefusedOutboxNeverFailsTheApplicationsCommit(Kind kind) throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(kind, kind, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")),
                builder -> builder.changeLogMode(ChangeLogMode.ALWAYS).outboxWriter((connection, record) ->
                        writeOutbox(connection, record)))) { // no outbox table: every entry is refused
            fixture.bothStores("CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20), changed_at TIMESTAMP)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (1, 'auto-commit')");
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (2, 'in a tx')");
                statement.executeUpdate("UPDATE orders SET changed_at = CURRENT_TIMESTAMP WHERE id = 2");
                connection.commit();
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (3, 'switched on')");
                connection.setAutoCommit(true);
            }

            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(3);
            assertThat(fixture.newDb.query("SELECT id, note FROM orders ORDER BY id"))
                    .isEqualTo(fixture.oldDb.query("SELECT id, note FROM orders ORDER BY id"));
            // without the outbox the writes fall back to ON_FAILURE: synced, nothing recorded
            assertThat(fixture.changeLog.entries()).isEmpty();
            assertThat(fixture.newDb.query("SELECT * FROM orders ORDER BY id"))
                    .isEqualTo(fixture.oldDb.query("SELECT * FROM orders ORDER BY id"));
        }
    }

    @Test
    void alwaysWithoutAnOutboxWriterIsAConfigurationError() {
        ChangeLog changeLog = ChangeLogs.inMemory();
        assertThatThrownBy(() -> DualWriteDataSource.builder()
                .oldDataSource(new org.h2.jdbcx.JdbcDataSource()).newDataSource(new org.h2.jdbcx.JdbcDataSource())
                .migration("orders").resolver(DualWriteFixture.switchboard(SwitchStores.inMemory()))
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .changeLog(changeLog).mapping(TableMapping.identity("orders"))
                .changeLogMode(ChangeLogMode.ALWAYS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outboxWriter must be set when changeLogMode is ALWAYS, but was missing");
    }
}
