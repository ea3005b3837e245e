package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An eleventh review of the write path, on what one text holds. First, texts that MySQL and MariaDB read otherwise
 * than the statement parser, where the difference hides in how quotes and comments nest: a {@code #} comment
 * holding an apostrophe, or a string holding a backslash-escaped quote, makes one lexer see a string where the other
 * sees none, so a marker the database runs ({@code --1}, {@code /*! … *}{@code /}) or a string that swallows a clause
 * went unnoticed. Second, texts of several statements (MariaDB with {@code allowMultiQueries}, PostgreSQL's simple
 * query, a batch entry) of which one writes a mapped table through a view or a cascading foreign key. Old MariaDB or
 * PostgreSQL, new PostgreSQL with qty renamed quantity; each test checks the old store's rows, then the new store
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

    private static final TableMapping ITEMS = TableMapping.identity("items");

    // Failed before its fix (the catalog was read for a statement's own table only, and a text of several statements
    // has none): a write through a view of the mapped items, or a delete whose foreign key cascades into items, as
    // one of several statements in one text changed items in the old store only, with nothing recorded. Alone, each
    // such statement records a scoped resync of items.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | UPDATE orders SET qty = 5 WHERE id = 1; UPDATE v SET val = 'w' WHERE id = 1 | 1:w 2:b",
        "MARIADB  | SELECT id FROM orders; DELETE FROM v WHERE id = 2                           | 1:a",
        "MARIADB  | UPDATE parents SET n = 1 WHERE id = 2; UPDATE v SET val = 'w' WHERE id = 2  | 1:a 2:w",
        "MARIADB  | UPDATE orders SET qty = 5 WHERE id = 1; DELETE FROM parents WHERE id = 1    | 2:b",
        "MARIADB  | UPDATE parents SET n = 1 WHERE id = 2; DELETE FROM parents WHERE id = 1     | 2:b",
        "POSTGRES | UPDATE orders SET qty = 5 WHERE id = 1; UPDATE v SET val = 'w' WHERE id = 1 | 1:w 2:b",
        "POSTGRES | UPDATE parents SET n = 1 WHERE id = 2; DELETE FROM v WHERE id = 2           | 1:a",
        "POSTGRES | UPDATE orders SET qty = 5 WHERE id = 1; DELETE FROM parents WHERE id = 1    | 2:b"})
    void viewsAndCascadesAmongSeveralStatementsAreResynced(Kind kind, String sql, String expectedItems) throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        Fixture.Builder builder = Fixture.builder(kind, Kind.POSTGRES).mode(MirrorMode.SYNC).mappings(Fixture.ORDERS, ITEMS);
        try (Fixture fixture = Mirrored.seed((kind == Kind.MARIADB ? builder.wrapOld(Fixture.multiQueries(pool)) : builder)
                .build(), Mirrored.MARIA)) {
            fixture.onOld("CREATE TABLE parents (id BIGINT PRIMARY KEY, n INT)", "INSERT INTO parents VALUES (1, 0), (2, 0)",
                    "CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20),"
                    + " p BIGINT REFERENCES parents (id) ON DELETE CASCADE)",
                    "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2)", "CREATE VIEW v AS SELECT id, val FROM items");
            fixture.onNew("CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT)",
                    "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
                while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
                    // every result read, as the caller would
                }
            } finally {
                WritePathBreak9Test.drained(fixture);
                if (pool.get() != null) {
                    pool.get().close();
                }
            }
            String items = "SELECT id, val FROM items ORDER BY id";
            assertThat(Rows.of(fixture.oldDb, items).stream().map(r -> r.get("id") + ":" + r.get("val"))
                    .collect(Collectors.joining(" "))).isEqualTo(expectedItems);
            if (!Rows.of(fixture.newDb, items).equals(Rows.of(fixture.oldDb, items))) {
                assertThat(fixture.scopedResyncs()).as("items differ, so a scoped resync of items must be recorded")
                        .extracting(ChangeRecord::table).contains("items");
                fixture.resolveScopedResyncs(ITEMS);
            }
            Rows.assertSame(fixture.oldDb, items, fixture.newDb, items);
            Mirrored.exactOrResynced(fixture, kind + " " + sql);
        }
    }

    // Failed before its fix: the same through a statement batch whose first entry holds two statements, the second
    // through the view (MariaDB reports a count per statement): items changed in the old store only, unrecorded.
    @Test
    void mariadbViewWrittenByOneOfSeveralStatementsOfABatchEntryIsResynced() throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(MirrorMode.SYNC)
                .mappings(Fixture.ORDERS, ITEMS).wrapOld(Fixture.multiQueries(pool)).build(), Mirrored.MARIA)) {
            fixture.onOld("CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20))",
                    "INSERT INTO items VALUES (1, 'a'), (2, 'b')", "CREATE VIEW v AS SELECT id, val FROM items");
            fixture.onNew("CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20))",
                    "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.addBatch("UPDATE orders SET qty = 5 WHERE id = 1; UPDATE v SET val = 'w' WHERE id = 1");
                statement.addBatch("UPDATE orders SET qty = 6 WHERE id = 2");
                statement.executeBatch();
            } finally {
                WritePathBreak9Test.drained(fixture);
                pool.get().close();
            }
            String items = "SELECT id, val FROM items ORDER BY id";
            assertThat(Rows.of(fixture.oldDb, items)).containsExactly(Rows.expected("id", 1, "val", "w"),
                    Rows.expected("id", 2, "val", "b"));
            assertThat(fixture.scopedResyncs()).extracting(ChangeRecord::table).contains("items");
            fixture.resolveScopedResyncs(ITEMS);
            Rows.assertSame(fixture.oldDb, items, fixture.newDb, items);
            Mirrored.exactOrResynced(fixture, "batch of several statements");
        }
    }
}
