package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-sixth review of the write path's statements (which keys a write touched). For each input, the caller sees
 * what the raw driver gives (counts, generated keys, returned rows), the authoritative store ends as a twin database
 * the statement ran on through the raw driver, and the other store holds exactly its rows with nothing recorded where
 * the keys can be known. Each test ends with the stores compared row by row with plain JDBC.
 */
class WritePathBreak26Test {

    /** The old table: an auto-increment key, so that a row's key may be the database's. */
    private static final String AUTO = "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20)"
            + " UNIQUE, qty INT)";

    // Failed before its fix: MySQL's and MariaDB's INSERT … SET col = value, … (and REPLACE … SET, and INSERT … SET …
    // ON DUPLICATE KEY UPDATE) names one row beside its columns, but was read as an INSERT … SELECT (no VALUES): each
    // cost a whole-table resync (insert-select) where its key was bound, literal or reported by the driver (17 of 17
    // members on MariaDB). Guards: H2's INSERT … SET held before (its driver reports the key of each row inserted,
    // which the write path takes first), and ON DUPLICATE KEY UPDATE id = id + 10 moves the row to a key the statement
    // never names, so it stays resynced (upsert-assigns-key) as in the VALUES form.
    // Now the SET list is read as a column list and one row of VALUES: its keys are found as an insert's.
    // Each member runs its parameter sets in turn ("|" between executions, "+" between the entries of one batch).
    @ParameterizedTest(name = "{0}: {1} [{2}]")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "MARIADB; INSERT INTO orders SET id = 7, code = 'g', qty = 7;                                   ; false",
        "MARIADB; INSERT INTO orders SET id = ?, code = ?, qty = ?;                                     7,g,7; false",
        "MARIADB; INSERT orders SET `id` = ?, `code` = ?, orders.qty = ?;                               7,g,7; false",
        "MARIADB; INSERT INTO orders SET code = ?, qty = ?;                                             g,7; false",
        "MARIADB; INSERT INTO orders SET id = DEFAULT, code = ?, qty = ?;                               g,7; false",
        "MARIADB; INSERT INTO orders SET id = NULL, code = ?, qty = ?;                                  g,7; false",
        "MARIADB; INSERT INTO orders SET id = 0, code = ?, qty = ?;                                     g,7; false",
        "MARIADB; INSERT INTO orders SET id = '7', code = ?, qty = ?;                                   g,7; false",
        "MARIADB; INSERT INTO orders SET qty = ?, id = qty + 1, code = ?;                               7,g; false",
        "MARIADB; INSERT INTO orders SET id = ?, code = ?, qty = ?;                                     7,g,7 + 8,h,8; false",
        "MARIADB; INSERT INTO orders SET code = ?, qty = ?;                                             g,7 + h,8; false",
        "MARIADB; REPLACE INTO orders SET id = ?, code = ?, qty = ?;                                    2,g,7; false",
        "MARIADB; REPLACE INTO orders SET id = ?, code = ?, qty = ?;                                    7,a,7; false",
        "MARIADB; REPLACE orders SET code = ?, qty = ?;                                                 a,7; false",
        "MARIADB; INSERT INTO orders SET id = ?, code = ?, qty = ? ON DUPLICATE KEY UPDATE qty = qty + 1; 2,b,7 | 7,a,7; false",
        "MARIADB; INSERT INTO orders SET code = ?, qty = ? ON DUPLICATE KEY UPDATE qty = VALUES(qty);   a,7; false",
        "MARIADB; INSERT IGNORE INTO orders SET id = ?, code = ?, qty = ?;                              2,g,7 | 7,a,7 | 8,h,8; false",
        "MARIADB; INSERT INTO orders SET id = ?, code = ?, qty = ? ON DUPLICATE KEY UPDATE id = id + 10; 2,b,7; true",
        "H2;      INSERT INTO orders SET id = ?, code = ?, qty = ?;                                     7,g,7; false"})
    void anInsertOrReplaceWithASetListIsKeyedAsItsRow(Kind kind, String sql, String runs, boolean resynced)
            throws Exception {
        try (Fixture fixture = seed(Fixture.of(kind, kind), kind); Fixture twin = seed(Fixture.of(kind, kind), kind)) {
            List<String> raw;
            try (Connection connection = twin.oldDb.dataSource().getConnection()) {
                raw = run(connection, sql, runs == null ? "" : runs);
            }
            List<String> library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = run(connection, sql, runs == null ? "" : runs);
            }
            assertThat(library).as("the counts and keys the raw driver gives").isEqualTo(raw);
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the old store as the statement leaves it without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            if (resynced) {
                assertThat(fixture.scopedResyncs()).as("a scoped resync recorded").isNotEmpty();
                fixture.resolveRecords();
            }
            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix (the same kind, under NEW_PRIMARY, where the statement is rewritten for the new table's
    // names): an INSERT … SET or REPLACE … SET had no column list nor VALUES to rename, so it was taken for a
    // statement that cannot be rewritten and refused: the caller got an SQLException where the raw driver inserts
    // (7 of 7 members, MariaDB and H2). Now its SET list is rewritten as a column list and one row of
    // VALUES (qty as quantity), which MariaDB and H2 read as the same row.
    @ParameterizedTest(name = "{0}: {1} [{2}]")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "MARIADB; INSERT INTO orders SET id = ?, code = ?, qty = ?;                                     7,g,7",
        "MARIADB; INSERT INTO orders SET id = 8, code = 'h', qty = 8;                                   ",
        "MARIADB; INSERT INTO orders SET qty = ?, id = qty + 5, code = ?;                               9,x",
        "MARIADB; REPLACE INTO orders SET id = ?, code = ?, qty = ?;                                    2,g,7",
        "MARIADB; REPLACE orders SET id = 2, code = 'c', qty = 7;                                       ",
        "MARIADB; INSERT INTO orders SET qty = ?, id = ?, code = ? ON DUPLICATE KEY UPDATE qty = qty + 1; 9,2,b",
        "H2;      INSERT INTO orders SET id = ?, code = ?, qty = ?;                                     7,g,7"})
    void anInsertOrReplaceWithASetListIsRewrittenForTheNewTable(Kind kind, String sql, String runs) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind).phase(MigrationPhase.NEW_PRIMARY).build(),
                Mirrored.PG);
             Fixture twin = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            List<String> raw;
            try (Connection connection = twin.oldDb.dataSource().getConnection()) {
                raw = run(connection, sql, runs == null ? "" : runs);
            }
            List<String> library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = run(connection, sql, runs == null ? "" : runs);
            }
            assertThat(library).as("the counts and keys the raw driver gives").isEqualTo(raw);
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("the new store as the statement leaves the old table without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // The same fix in a plain batch (addBatch(sql)), whose entries are analysed one by one: literal keys in the SET
    // list are synced exactly beside a VALUES insert and an update (a REPLACE first: an upsert after another write of
    // a plain batch is resynced, batch-order, in any form); a plain batch never returns generated keys, so an entry
    // without its key still records keys-not-returned, as documented. Failed before the fix: 3 of 3 (MariaDB 2, H2 1;
    // H2 too, since a plain batch returns no keys for the write path to take first): insert-select for the SET entries.
    @ParameterizedTest(name = "{0}: generated {1}")
    @CsvSource(delimiter = ';', value = {"MARIADB; false", "MARIADB; true", "H2; false"})
    void aPlainBatchOfSetListInsertsIsKeyedByItsLiterals(Kind kind, boolean generated) throws Exception {
        List<String> batch = new ArrayList<>();
        if (kind == Kind.MARIADB) {
            // first: an upsert after another write of a plain batch is resynced (batch-order), in any form
            batch.add("REPLACE INTO orders SET id = 2, code = 'h', qty = 8");
        }
        batch.addAll(List.of("INSERT INTO orders SET id = 7, code = 'g', qty = 7", "UPDATE orders SET qty = 9 WHERE id = 1",
                "INSERT INTO orders (id, code, qty) VALUES (8, 'i', 8)"));
        if (generated) {
            batch.add("INSERT INTO orders SET code = 'j', qty = 10");
        }
        try (Fixture fixture = seed(Fixture.of(kind, kind), kind); Fixture twin = seed(Fixture.of(kind, kind), kind)) {
            String raw;
            try (Connection connection = twin.oldDb.dataSource().getConnection()) {
                raw = runBatch(connection, batch);
            }
            String library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = runBatch(connection, batch);
            }
            assertThat(library).as("the counts the raw driver gives").isEqualTo(raw);
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            if (generated) {
                assertThat(fixture.scopedResyncs()).extracting(io.dualwrite.changelog.ChangeRecord::reason)
                        .containsOnly("keys-not-returned");
                fixture.resolveRecords();
            }
            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    private static String runBatch(Connection connection, List<String> batch) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : batch) {
                statement.addBatch(sql);
            }
            return Arrays.toString(statement.executeBatch());
        }
    }

    private static Fixture seed(Fixture fixture, Kind kind) {
        Mirrored.seed(fixture, AUTO);
        fixture.onOld(kind == Kind.MARIADB ? "ALTER TABLE orders AUTO_INCREMENT = 11"
                : "ALTER TABLE orders ALTER COLUMN id RESTART WITH 11");
        return fixture;
    }

    /**
     * Runs {@code sql} once per parameter set of {@code runs} (plain when there are none, prepared otherwise);
     * returns the counts, each with the generated keys or the rows returned.
     */
    static List<String> run(Connection connection, String sql, String runs) throws SQLException {
        List<String> results = new ArrayList<>();
        if (runs.isBlank()) {
            try (Statement statement = connection.createStatement()) {
                results.add(statement.executeUpdate(sql, Statement.RETURN_GENERATED_KEYS) + " keys "
                        + keys(statement.getGeneratedKeys()));
            }
            return results;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
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
                if (entries.length > 1) {
                    results.add(Arrays.toString(statement.executeBatch()) + " keys " + keys(statement.getGeneratedKeys()));
                } else if (statement.execute()) {
                    results.add("rows " + keys(statement.getResultSet()));
                } else {
                    results.add(statement.getUpdateCount() + " keys " + keys(statement.getGeneratedKeys()));
                }
            }
        }
        return results;
    }

    private static List<String> keys(ResultSet keys) throws SQLException {
        List<String> found = new ArrayList<>();
        try (keys) {
            while (keys.next()) {
                found.add(keys.getString(1));
            }
        }
        return found;
    }
}
