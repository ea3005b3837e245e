package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-fifth review of the write path's statements (which keys a write touched). For each input, the caller sees
 * what the raw driver gives, and the new store ends holding exactly the old store's rows, or the write is recorded
 * (its keys, or a scoped resync) and the library's own tools repair it: never a difference with nothing recorded.
 * Each test ends with the stores compared row by row with plain JDBC.
 */
class WritePathBreak25Test {

    // Failed before its fix: H2 takes "?N" for the application's N-th parameter, wherever it stands in the text. The
    // library numbers the placeholders of a text itself (the first "?" becomes ?1, the second ?2 …) and appended its
    // number to H2's, so "?2 … ?1" became ?12 and ?21: a key named by ?1 was read from the application's eleventh
    // parameter when there were that many (the row really written was never synced, nothing recorded: the first two
    // members), or from none (a whole-table resync where the key was known: the others). Now "?N" is parameter N.
    // Each member runs its parameter sets in turn ("|" between executions, "+" between the entries of one batch).
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        "DUAL_WRITE;  DELETE FROM orders WHERE id = ?1 AND qty NOT IN (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);"
                + " 1,0,0,0,0,0,0,0,0,0,2",
        "DUAL_WRITE;  UPDATE orders SET qty = ?2 WHERE id = ?1 AND qty NOT IN (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                + " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21); 1,9,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,0,0,2",
        "DUAL_WRITE;  UPDATE orders SET qty = ?2 WHERE id = ?1;                1,9 | 3,7",
        "DUAL_WRITE;  UPDATE orders SET id = ?2 WHERE id = ?1;                 2,12",
        "DUAL_WRITE;  UPDATE orders SET qty = ?1 WHERE id = ?1;                2",
        "DUAL_WRITE;  DELETE FROM orders WHERE qty > ?1 AND code <> ?2;        1,c",
        "DUAL_WRITE;  UPDATE orders SET qty = ?2 WHERE id = ?1;                1,9 + 2,8",
        "DUAL_WRITE;  INSERT INTO orders (qty, id, code) VALUES (?2, ?1, ?3);  7,70,g",
        "NEW_PRIMARY; UPDATE orders SET qty = ?2 WHERE id = ?1;                1,9",
        "NEW_PRIMARY; UPDATE orders SET qty = ?2 WHERE qty > ?1;               1,9"})
    void h2sNumberedParametersNameTheParameterTheirNumberSays(MigrationPhase phase, String sql, String runs)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(phase).build(), Mirrored.PG);
             Fixture twin = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            List<String> raw;
            try (Connection connection = twin.oldDb.dataSource().getConnection()) {
                raw = run(connection, sql, runs);
            }
            List<String> library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = run(connection, sql, runs);
            }
            assertThat(library).as("the counts the raw driver gives").isEqualTo(raw);
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
            String authoritative = phase == MigrationPhase.NEW_PRIMARY
                    ? "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id" : "SELECT id, code, qty FROM orders ORDER BY id";
            assertThat(Rows.of(phase == MigrationPhase.NEW_PRIMARY ? fixture.newDb : fixture.oldDb, authoritative))
                    .as("the authoritative store as the statement leaves it without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix (the same kind: the library's numbering of the placeholders against the driver's): a "?"
    // that pgjdbc and H2 take for text, inside a dollar-quoted string ($$?$$) or a nested block comment (both read
    // by PostgreSQL and H2), was numbered as a parameter by the library, so the key bound to the next "?" was read
    // from the parameter after it: row 1 was deleted, the key 5 synced, nothing recorded (4 members, PostgreSQL and
    // H2). Now a text whose placeholders one product's reading finds elsewhere than another's is not analysed: its
    // mapped tables get a scoped resync, which the resolver repairs. Guards: a "?" in a MariaDB "#" comment, which was
    // already resynced (the parameter read was out of range), and a "?" in a plain string or after PostgreSQL's JSON
    // path operator #>> (no comment there), which stay keyed exactly.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "POSTGRES; DELETE FROM orders WHERE code <> $$?$$ AND id = ? AND qty <> ?;         1,5; true",
        "H2;       DELETE FROM orders WHERE code <> $$?$$ AND id = ? AND qty <> ?;         1,5; true",
        "POSTGRES; DELETE FROM orders /* /* ? */ ? */ WHERE id = ? AND qty <> ?;           1,5; true",
        "H2;       DELETE FROM orders /* /* ? */ ? */ WHERE id = ? AND qty <> ?;           1,5; true",
        "POSTGRES; UPDATE orders SET code = $$?$$, qty = ? WHERE id = ? AND qty <> ?;      9,1,5; true",
        "MARIADB;  UPDATE orders SET qty = ? WHERE id = ? # ?\\n AND code <> ?;             9,1,z; true",
        "POSTGRES; DELETE FROM orders WHERE code <> '?' AND id = ? AND qty <> ?;           1,5; false",
        "MARIADB;  DELETE FROM orders WHERE code <> '?' AND id = ? AND qty <> ?;           1,5; false",
        "POSTGRES; UPDATE orders SET qty = ? WHERE ('[1,2]'::jsonb #>> '{0}') IS NOT NULL AND id = ? AND qty <> ?; 9,1,5; false"})
    void aPlaceholderTheDriverTakesForTextShiftsNoKey(Kind kind, String sql, String values, boolean resynced)
            throws Exception {
        String text = sql.replace("\\n", "\n");
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
             Fixture twin = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            List<String> raw;
            try (Connection connection = twin.oldDb.dataSource().getConnection()) {
                raw = run(connection, text, values);
            }
            List<String> library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = run(connection, text, values);
            }
            assertThat(library).as("the counts the raw driver gives").isEqualTo(raw);
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the old store as the statement leaves it without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            var oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
            var newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(newRows.equals(oldRows) || !fixture.records().isEmpty())
                    .as("new %s equals old %s, or the write is recorded %s", newRows, oldRows, fixture.records())
                    .isTrue();
            assertThat(!fixture.scopedResyncs().isEmpty()).as("a scoped resync recorded").isEqualTo(resynced);
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Guard of the fix above: a read whose placeholders the products place differently is not analysed either, and
    // records nothing (only a text that looks like a write is resynced); the caller gets the raw driver's rows.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {"POSTGRES", "H2"})
    void aReadWithAQuotedPlaceholderRecordsNothing(Kind kind) throws Exception {
        String sql = "SELECT id, qty FROM orders WHERE code <> $$?$$ AND id = ? ORDER BY id";
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            List<String> rows = new ArrayList<>();
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, 2);
                try (var result = statement.executeQuery()) {
                    while (result.next()) {
                        rows.add(result.getLong(1) + ":" + result.getLong(2));
                    }
                }
            }
            assertThat(rows).containsExactly("2:2");
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    /** Runs {@code sql} prepared, once per parameter set of {@code runs}; returns the counts. */
    private static List<String> run(Connection connection, String sql, String runs) throws SQLException {
        List<String> counts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (String execution : runs.split("\\|")) {
                String[] entries = execution.split("\\+");
                for (String entry : entries) {
                    statement.clearParameters();
                    String[] values = entry.trim().split(",");
                    for (int i = 0; i < values.length; i++) {
                        String value = values[i].trim();
                        if (value.chars().allMatch(Character::isDigit)) {
                            statement.setLong(i + 1, Long.parseLong(value));
                        } else {
                            statement.setString(i + 1, value);
                        }
                    }
                    if (entries.length > 1) {
                        statement.addBatch();
                    }
                }
                counts.add(entries.length > 1 ? Arrays.toString(statement.executeBatch())
                        : Integer.toString(statement.executeUpdate()));
            }
        }
        return counts;
    }
}
