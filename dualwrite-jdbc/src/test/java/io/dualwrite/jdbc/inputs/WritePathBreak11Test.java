package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An eleventh review of the write path: texts that MySQL and MariaDB read otherwise than the statement parser, where
 * the difference hides in how quotes and comments nest. A {@code #} comment holding an apostrophe, or a string
 * holding a backslash-escaped quote, makes one lexer see a string where the other sees none, so a marker the
 * database runs ({@code --1}, {@code /*! … *}{@code /}) or a string that swallows a clause went unnoticed. Old
 * MariaDB, new PostgreSQL with qty renamed quantity; each test checks the old store's rows, then the new store
 * against it row by row, or the recorded scoped resync and the stores after resolving it.
 */
class WritePathBreak11Test {

    private static String oldOrders(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("qty")).collect(Collectors.joining(" "));
    }

    // Failed before its fix (SqlText.parserMayMisread and backslashInQuotes read quotes only as the standard lexer
    // does): each statement below changed a row the parser did not see, and only the row it saw was synced, with
    // nothing recorded. With '#' a comment and backslashes escapes, MariaDB runs '--1' (minus minus one) and
    // '/*! … */', and the string 'x\' … -- ' holds the first WHERE.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders SET qty = 7 WHERE id = 1 # don't\\n--1                                  | 1:1 2:7 3:3",
        "DELETE FROM orders WHERE id = 1 # it's\\n--1                                          | 1:1 3:3",
        "DELETE FROM orders WHERE code <> 'x\\'' AND id = 1 --1 AND code <> ''               | 1:1 3:3",
        "DELETE FROM orders WHERE code <> 'x\\'' AND id = 1 /*!OR id = 2*/ AND code <> ''    | 3:3",
        "UPDATE orders /* don't */ SET code = 'x\\' WHERE id = 1 -- ' WHERE id = 2           | 1:1 2:2 3:3"})
    void mariadbMarkersAndClausesHiddenFromOneLexerAreResynced(String sql, String expectedOld) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(MirrorMode.SYNC).build(),
                Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql.replace("\\n", "\n"));
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "MariaDB " + sql);
        }
    }

    // Failed before its fix: the same kind of text prepared, run once and as a batch, which share the analysis of
    // their text: row 2 (and 3) changed in the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"PREPARED", "PREPARED_BATCH"})
    void mariadbHiddenMarkersInBatchesAndPreparedStatementsAreResynced(String way) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(MirrorMode.SYNC).build(),
                Mirrored.MARIA)) {
            String prepared = "UPDATE orders SET qty = ? WHERE code <> 'x\\'' AND id = ? --1 AND code <> ''";
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                try (PreparedStatement update = connection.prepareStatement(prepared)) {
                    update.setInt(1, 7);
                    update.setInt(2, 1);
                    if (way.equals("PREPARED")) {
                        assertThat(update.executeUpdate()).isOne();
                        statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 3");
                    } else {
                        update.addBatch();
                        update.setInt(1, 9);
                        update.setInt(2, 2);
                        update.addBatch();
                        assertThat(update.executeBatch()).containsExactly(1, 1);
                    }
                }
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo("1:1 2:7 3:9");
            Mirrored.exactOrResynced(fixture, "MariaDB " + way);
        }
    }
}
