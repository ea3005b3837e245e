package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kind: writes a function does for a statement that does not name the row, on a MariaDB query whose rows are
 * streamed ({@code setFetchSize}). The server runs the function as rows are read and the auto-commit statement
 * commits with the last one, so the function-call resync handed over when the query returned may be resolved
 * before the last writes: it is recorded once more when the application is done with the rows (closes them or
 * the statement, or runs the statement again). Before, only the first record existed.
 */
class StreamedFunctionWritesTest {

    private static Fixture maria() {
        Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
        fixture.onOld("CREATE TABLE ids (n BIGINT)", "INSERT INTO ids VALUES (1), (2), (3)",
                "CREATE FUNCTION bump(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN"
                        + " UPDATE orders SET qty = qty + 10 WHERE id = i; RETURN i; END");
        return fixture;
    }

    private static List<ChangeRecord> functionCalls(Fixture fixture) {
        return fixture.records().stream().filter(record -> record.isScoped()
                && String.valueOf(record).contains("function-call")).toList();
    }

    @Test
    void aStreamedQueryCallingAWritingFunctionIsRecordedAgainWhenItsRowsAreClosed() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.setFetchSize(1);
                try (ResultSet rows = statement.executeQuery("SELECT bump(n) FROM ids ORDER BY n")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(functionCalls(fixture)).as("recorded when the query returned").hasSize(1);
                    while (rows.next()) {
                        rows.getLong(1);
                    }
                }
                assertThat(functionCalls(fixture)).as("recorded again once the rows are closed").hasSize(2);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders ORDER BY id"))
                    .extracting(row -> row.get("qty")).containsExactly("11", "12", "13");
            Mirrored.exactOrResynced(fixture, "streamed function call");
        }
    }

    @Test
    void aStreamedPreparedQueryIsRecordedAgainWhenItRunsAgainOrItsStatementCloses() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement query = connection.prepareStatement("SELECT bump(n) FROM ids WHERE n >= ?")) {
                query.setFetchSize(1);
                query.setInt(1, 2);
                ResultSet first = query.executeQuery(); // left open: running the statement again ends it
                assertThat(first.next()).isTrue();
                query.setInt(1, 3);
                ResultSet second = query.executeQuery();
                assertThat(functionCalls(fixture)).as("the first execution's rows were done when it ran again").hasSize(3);
                assertThat(second.next()).isTrue();
            } // the statement closes with its rows open
            assertThat(functionCalls(fixture)).hasSize(4);
            Mirrored.exactOrResynced(fixture, "streamed prepared function call");
        }
    }

    @Test
    void aQueryThatIsNotStreamedIsRecordedOnce() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT bump(n) FROM ids ORDER BY n")) {
                while (rows.next()) {
                    rows.getLong(1);
                }
            }
            assertThat(functionCalls(fixture)).hasSize(1);
            Mirrored.exactOrResynced(fixture, "function call");
        }
    }
}
