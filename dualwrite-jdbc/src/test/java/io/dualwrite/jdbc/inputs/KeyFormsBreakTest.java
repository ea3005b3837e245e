package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.api.Trigger;
import org.junit.jupiter.api.Test;

/**
 * Inputs where the old store keeps a row under another key than the write named or stored, beyond what the
 * write path reads back today (warnings, session time zones, BEFORE row triggers that name the key). Each test
 * ends comparing both stores row by row with plain JDBC: {@code converged} when a recorded scoped resync is an
 * acceptable outcome, an exact comparison with an empty change log when nothing should have been needed.
 */
class KeyFormsBreakTest {

    private static final String MARIA_OLD = "SELECT CAST(id AS CHAR) AS id, qty FROM orders";
    private static final String MARIA_NEW = "SELECT CAST(id AS CHAR) AS id, quantity AS qty FROM orders_v2";
    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";

    // ---------------------------------------------------------------------------------------------------------
    // Keys a MySQL/MariaDB column stores otherwise WITHOUT any warning
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. `INSERT (id, qty) VALUES (0, 5)` into an AUTO_INCREMENT key: MariaDB (without
    // NO_AUTO_VALUE_ON_ZERO) stores the next auto value, silently. StatementAnalyzer.analyzeWrite sets keysGenerated
    // = false because the key column is listed; WriteExecution.storedKey takes a whole number as written, exactKey
    // does not read it back (no warning, INT is not a formed column, Metadata.readKeyTexts knows nothing of
    // AUTO_INCREMENT), so key 0 is synced: the copier finds no row 0 and the new store never gets the row.
    @Test
    void mariadbZeroWrittenIntoAnAutoIncrementKeyReachesTheNewStoreUnderTheGeneratedKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES (1, 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES (1, 1)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 0, 5)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW))
                    .containsOnly(Map.entry("1", "1"), Map.entry("2", "5"));
        }
    }

    // Failed before its fix. The same input in NEW_PRIMARY, the new store (MariaDB) authoritative: `INSERT … VALUES (0, 5)`
    // is rewritten onto orders_v2, whose AUTO_INCREMENT stores key 2; the write path (WriteExecution.storedKey /
    // exactKey on the new store's side) syncs key 0, the old store never gets the row, and nothing is recorded.
    @Test
    void newPrimaryZeroWrittenIntoAnAutoIncrementKeyReachesTheOldStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT AUTO_INCREMENT PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 1)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 0, 5)).isEqualTo(1);
            assertThat(LooseKeyStores.rows(fixture.newDb, MARIA_NEW)).containsOnly(Map.entry("1", "1"), Map.entry("2", "5"));
            LooseKeyStores.sameOrRecorded(fixture, MARIA_OLD, MARIA_NEW);
        }
    }

    // PASSES (documents a covered member): NULL into an AUTO_INCREMENT key — WriteExecution.storedKey answers null
    // for a null value, the insert records a scoped resync, which converges.
    @Test
    void mariadbNullWrittenIntoAnAutoIncrementKeyIsResyncedAndConverges() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (NULL, 4)")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("1", "4"));
        }
    }

    // Failed before its fix. A key column declared `ON UPDATE CURRENT_TIMESTAMP(6)`: updating another column gives the row a
    // new key. The UPDATE's key WHERE is text on a formed column, so it is pre-selected (old key); but
    // WriteExecution.movedByTrigger only looks keys up again when Metadata.readKeyTriggers found a trigger, and the
    // column's own ON UPDATE clause is no trigger: the old key is synced (deleted from the target) and the row
    // under its new key never reaches the new store, with nothing recorded.
    @Test
    void mariadbKeyColumnOnUpdateCurrentTimestampMovedByAnUpdateOfAnotherColumnReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                    + " ON UPDATE CURRENT_TIMESTAMP(6) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('2024-01-01 10:00:00', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id DATETIME(6) NOT NULL PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('2024-01-01 10:00:00', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = ? WHERE id = ?", 2, "2024-01-01 10:00:00"))
                    .isEqualTo(1);
            Map<String, String> rows = LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW);
            assertThat(rows).hasSize(1).containsValue("2").doesNotContainKey("2024-01-01 10:00:00.000000");
        }
    }

    // Failed before its fix. A FLOAT key given a whole number beyond its precision: 16777217 is stored as 16777216 with no
    // warning, in strict mode. WriteExecution.storedKey takes any whole number as written and exactKey does not read
    // it back (FLOAT is neither text nor a formed column in Metadata.readKeyTexts); the copier selects
    // `id = 16777217`, which MariaDB compares as a double against 16777216: no row, nothing recorded.
    @Test
    void mariadbFloatKeyGivenAWholeNumberBeyondItsPrecisionReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id FLOAT NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id FLOAT NOT NULL PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 16777217, 3)).isEqualTo(1);
            String old = "SELECT CAST(CAST(id AS DECIMAL(20, 0)) AS CHAR) AS id, qty FROM orders";
            String now = "SELECT CAST(CAST(id AS DECIMAL(20, 0)) AS CHAR) AS id, quantity AS qty FROM orders_v2";
            // the key read back by 16777217 finds no row: a scoped resync, which stays pending and visible (the
            // verification tools refuse floating-point keys, naming the column)
            assertThat(fixture.scopedResyncs()).hasSize(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture, old, now)).containsOnly(Map.entry("16777216", "3"));
        }
    }

    // Failed before its fix. A DECIMAL(6,1) key given the text '7.66' stores 7.7 with only a Note; a session with
    // `sql_notes = 0` (a documented switch that stops notes from being counted) leaves the warning count at 0, so
    // WriteExecution.warned is false and exactKey keeps '7.66' (text into a non-text, non-formed column is taken as
    // written by storedKey). The copier finds no row '7.66'; nothing recorded.
    @Test
    void mariadbDecimalKeyRoundedWhileNotesAreOffReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id DECIMAL(6, 1) NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id DECIMAL(6, 1) NOT NULL PRIMARY KEY, quantity INT)");
            LooseKeyStores.executeIn(fixture, List.of("SET SESSION sql_notes = 0"), List.of("SET SESSION sql_notes = DEFAULT"),
                    "INSERT INTO orders (id, qty) VALUES (?, ?)", "7.66", 2);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("7.7", "2"));
        }
    }

    // Failed before its fix. PostgreSQL rounds a text literal '7.66' into a numeric(6,1) key to 7.7 with no warning at all
    // (PostgreSQL has none to give). WriteExecution.storedKey takes a text literal as written, and exactKey reads
    // back only formed, spaced-text or warned keys (numeric is none of them): '7.66' is synced, the copier finds no
    // such row, nothing is recorded.
    @Test
    void postgresNumericKeyRoundedFromATextLiteralReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id NUMERIC(6, 1) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id NUMERIC(6, 1) PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('7.66', 2)")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, "SELECT id::text AS id, qty FROM orders",
                    "SELECT id::text AS id, quantity AS qty FROM orders_v2")).containsOnly(Map.entry("7.7", "2"));
        }
    }

    // Failed before its fix. PostgreSQL `GENERATED ALWAYS AS IDENTITY` with `OVERRIDING USER VALUE`: the 7 the statement
    // names is ignored and the sequence's value (1) stored. StatementAnalyzer.analyzeWrite sets keysGenerated =
    // false (the key column is listed) and WriteExecution.storedKey takes 7 as written; nothing reads it back, key 7
    // is synced, the copier finds no row 7 and nothing is recorded.
    @Test
    void postgresOverridingUserValueInsertReachesTheNewStoreUnderTheIdentityKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture,
                    "INSERT INTO orders (id, qty) OVERRIDING USER VALUE VALUES (?, ?)", 7, 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, "SELECT id::text AS id, qty FROM orders",
                    "SELECT id::text AS id, quantity AS qty FROM orders_v2")).containsOnly(Map.entry("1", "1"));
        }
    }

    // Failed before its fix (ERROR), though not by the write path's key: a MariaDB YEAR key given 24 stores 2024 without a
    // warning. Something is recorded, but no sync of a table with a YEAR column can ever succeed: the copier reads
    // YEAR as a date (copy.Values.read → Values.localDateTime parses '2024' and throws DateTimeParseException), so
    // the resolution throws and the stores never converge.
    @Test
    void mariadbYearKeyGivenTwoDigitsReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id YEAR NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id YEAR NOT NULL PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 24, 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("2024", "1"));
        }
    }

    // Failed before its fix. The session-variable analogue of the time_zone case: a legacy session runs `SET NAMES latin1`
    // while the driver keeps sending UTF-8, so the server stores 'café' as 'cafÃ©' (hex 636166C383C2A9; the caller's
    // own session reads it back as 'café'), with no warning. WriteExecution.exactKey reads nothing back for plain
    // text without warnings, 'café' is synced, the copier's utf8mb4 session finds no such row, nothing recorded.
    @Test
    void mariadbTextKeyWrittenInALatin1SessionReachesTheNewStoreAsStored() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) CHARACTER SET utf8mb4 PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) CHARACTER SET utf8mb4 PRIMARY KEY, quantity INT)");
            LooseKeyStores.executeIn(fixture, List.of("SET NAMES latin1"), List.of("SET NAMES utf8mb4"),
                    "INSERT INTO orders (id, qty) VALUES (?, ?)", "café", 1);
            String old = "SELECT HEX(id) AS id, qty FROM orders";
            String now = "SELECT HEX(id) AS id, quantity AS qty FROM orders_v2";
            assertThat(LooseKeyStores.rows(fixture.oldDb, old)).hasSize(1);
            LooseKeyStores.sameOrRecorded(fixture, old, now);
        }
    }

    // Failed before its fix. The text '7.6' bound into a MariaDB INT key, in the DEFAULT strict mode: the server rounds it to 8
    // without any warning, so WriteExecution.warned is false; WriteExecution.storedKey takes text as written into a
    // non-text key and exactKey does not read it back (INT is not formed). '7.6' is synced, the copier's `id = '7.6'`
    // (compared as a double) finds no row, nothing is recorded. (The docs' "a fractional number into any key" rule
    // catches 7.6 bound as a number, not as text.)
    @Test
    void mariadbIntegerKeyGivenFractionalTextReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "7.6", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("8", "1"));
        }
    }

    // Failed before its fix. A PostgreSQL `real` key given the text literal '0.1' (stored as the float4 nearest 0.1) and the
    // whole number 16777217 (stored as 16777216), no warning either way: WriteExecution.storedKey takes text and
    // whole numbers as written (real is neither text nor formed in Metadata.readKeyTexts), nothing is read back, and
    // the copier's lookups of '0.1' / 16777217 find neither row. Nothing is recorded.
    @Test
    void postgresRealKeyGivenATextLiteralReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id real PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id real PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('0.1', 1)")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 16777217, 2)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, "SELECT id::text AS id, qty FROM orders",
                    "SELECT id::text AS id, quantity AS qty FROM orders_v2"))
                    .containsOnly(Map.entry("0.1", "1"), Map.entry("1.6777216e+07", "2"));
        }
    }

    // PASSES (covered member): MariaDB `INSERT … RETURNING` run with executeQuery outside strict mode, the key cut
    // to 'abc' — the warning count is still seen after the result-set write, the key is read back (resync).
    @Test
    void nonStrictTruncatedKeyOfAnInsertReturningReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                LooseKeyStores.session(connection, "SET SESSION sql_mode = ''");
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, qty) VALUES (?, ?) RETURNING id")) {
                    insert.setString(1, "abcdef");
                    insert.setInt(2, 4);
                    try (var returned = insert.executeQuery()) {
                        assertThat(returned.next()).isTrue();
                        assertThat(returned.getString(1)).isEqualTo("abc");
                    }
                }
                LooseKeyStores.session(connection, "SET SESSION sql_mode = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("abc", "4"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The warnings fix itself (WriteExecution.warned / exactKey)
    // ---------------------------------------------------------------------------------------------------------

    // PASSES (covered member): a prepared batch whose truncated entry comes first and a clean one last — the
    // driver's count after the prepared batch still shows the warning, so BatchExecution.collect's one
    // WriteExecution.warned call sees it and the keys are read back (resync, converges).
    @Test
    void nonStrictBatchWithTheTruncatedKeyBeforeACleanOneReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                LooseKeyStores.session(connection, "SET SESSION sql_mode = ''");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    for (Object[] row : new Object[][] {{"abcdef", 1}, {"ok", 2}}) {
                        insert.setObject(1, row[0]);
                        insert.setObject(2, row[1]);
                        insert.addBatch();
                    }
                    assertThat(insert.executeBatch()).hasSize(2);
                }
                LooseKeyStores.session(connection, "SET SESSION sql_mode = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW))
                    .containsOnly(Map.entry("abc", "1"), Map.entry("ok", "2"));
        }
    }

    // Failed before its fix. The same with a plain Statement batch of literal inserts, the truncated one first: the driver
    // keeps only the LAST reply's warning count (0, from the clean insert), so BatchExecution.collect's single
    // WriteExecution.warned call answers false, 'uvwxyz' is synced as written (the row is 'uvw') and nothing is
    // recorded.
    @Test
    void nonStrictStatementBatchWithTheTruncatedKeyFirstReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                LooseKeyStores.session(connection, "SET SESSION sql_mode = ''");
                try (Statement batch = connection.createStatement()) {
                    batch.addBatch("INSERT INTO orders (id, qty) VALUES ('uvwxyz', 1)");
                    batch.addBatch("INSERT INTO orders (id, qty) VALUES ('ok', 2)");
                    assertThat(batch.executeBatch()).hasSize(2);
                }
                LooseKeyStores.session(connection, "SET SESSION sql_mode = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW))
                    .containsOnly(Map.entry("uvw", "1"), Map.entry("ok", "2"));
        }
    }

    // Failed before its fix. `max_error_count = 0` keeps the server's warning COUNT but empties SHOW WARNINGS, and the driver's
    // Connection.getWarnings (which WriteExecution.warned asks) then answers null: the write counts as clean, the
    // truncated key is synced as written ('abcdef', the row is 'abc'), nothing recorded.
    @Test
    void nonStrictTruncatedKeyWithMaxErrorCountZeroReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            LooseKeyStores.executeIn(fixture, List.of("SET SESSION sql_mode = ''", "SET SESSION max_error_count = 0"),
                    List.of("SET SESSION sql_mode = DEFAULT", "SET SESSION max_error_count = DEFAULT"),
                    "INSERT INTO orders (id, qty) VALUES (?, ?)", "abcdef", 1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("abc", "1"));
        }
    }

    // Failed before its fix (a second-order break of the warnings fix). An impossible date into a DATE key outside strict mode
    // is stored as the zero date with a warning; the write path notices (WriteExecution.warned → exactKey finds no
    // row '2024-02-30') and records a scoped resync. But that resync can never converge: the key the store holds,
    // '0000-00-00', is rejected by the copier (JdbcRowCopier parses key text as a java.time date), and read through
    // JDBC it is null. The new store stays without the row after resolution.
    @Test
    void nonStrictImpossibleDateKeyStoredAsTheZeroDateConvergesAfterItsResync() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id DATE NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id DATE NOT NULL PRIMARY KEY, quantity INT)");
            LooseKeyStores.executeIn(fixture, List.of("SET SESSION sql_mode = ''"), List.of("SET SESSION sql_mode = DEFAULT"),
                    "INSERT INTO orders (id, qty) VALUES (?, ?)", "2024-02-30", 7);
            assertThat(fixture.scopedResyncs()).as("the changed key is recorded").isNotEmpty();
            // resolve as the verification tools would, naming each key by the text the store gives it
            List<String> keys = fixture.oldDb.query("SELECT CAST(id AS CHAR) AS id FROM orders").stream()
                    .map(row -> String.valueOf(row.get("id"))).toList();
            try {
                RowCopier.builder().oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource()).build()
                        .sync(Store.OLD, List.of(new RowCopier.TableKeys(Fixture.ORDERS, keys, null)));
            } catch (SQLException | RuntimeException e) {
                // the comparison below says what is left behind
            }
            assertThat(LooseKeyStores.rows(fixture.newDb, MARIA_NEW)).as("new store rows by exact key")
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, MARIA_OLD)).containsOnly(Map.entry("0000-00-00", "7"));
        }
    }

    // PASSES (covered member): INSERT IGNORE turns even strict mode's error into a warning and cuts the key; the
    // write's warnings make WriteExecution.exactKey read 'abcdef' back, find nothing, and record a scoped resync.
    @Test
    void insertIgnoreTruncatedKeyInStrictModeIsResyncedAndConverges() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT IGNORE INTO orders (id, qty) VALUES (?, ?)", "abcdef", 1))
                    .isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("abc", "1"));
        }
    }

    // PASSES (covered member): REPLACE of a truncated key over an existing 'abc' — warned, read back, resynced.
    @Test
    void nonStrictReplaceWithATruncatedKeyOverAnExistingRowConverges() throws SQLException {
        try (Fixture fixture = nonStrictText()) {
            fixture.onOld("INSERT INTO orders VALUES ('abc', 1)");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('abc', 1)");
            LooseKeyStores.executeIn(fixture, List.of("SET SESSION sql_mode = ''"), List.of("SET SESSION sql_mode = DEFAULT"),
                    "REPLACE INTO orders (id, qty) VALUES (?, ?)", "abcdef", 8);
            assertThat(LooseKeyStores.converged(fixture, MARIA_OLD, MARIA_NEW)).containsOnly(Map.entry("abc", "8"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // TIMESTAMP keys and session time zones (WriteExecution.keyList)
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. A pool that sets `time_zone = '+05:00'` on every connection, for the application AND for
    // dualwrite (the same data sources, as docs/decisions.md asks). WriteExecution.keyList reads the key as
    // CONVERT_TZ(id, @@session.time_zone, @@global.time_zone), i.e. in the SERVER's zone, but the copier's sessions
    // are at +05:00 too: the synced text names another instant (5 hours earlier), the copier finds no row.
    @Test
    void timestampKeyWrittenThroughAPoolThatSetsTheSessionZoneEverywhereReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(real -> LooseKeyStores.zoned(real, "+05:00")).wrapNew(real -> LooseKeyStores.zoned(real, "+05:00")).build()) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1)"))
                    .isEqualTo(1);
            String old = "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM orders";
            String now = "SELECT UNIX_TIMESTAMP(id) AS id, quantity AS qty FROM orders_v2";
            assertThat(fixture.records()).as("the key read back should be the copier's text: no resync").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old)).hasSize(1);
        }
    }

    // PASSES (covered member): a composite key (text, TIMESTAMP) updated by a NON-key WHERE in a +05:00 session —
    // the pre-select reads the TIMESTAMP through CONVERT_TZ.
    @Test
    void compositeTextAndTimestampKeyUpdatedByANonKeyWhereInAnotherZoneNeedsNoResync() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .mappings(TableMapping.builder("orders").newTable("orders_v2").primaryKey("shop", "at")
                        .rename("qty", "quantity").build())
                .build()) {
            fixture.onOld("CREATE TABLE orders (shop VARCHAR(10), at TIMESTAMP NOT NULL, qty INT, PRIMARY KEY (shop, at))",
                    "INSERT INTO orders VALUES ('s1', '2024-03-01 08:15:00', 3)");
            fixture.onNew("CREATE TABLE orders_v2 (shop VARCHAR(10), at TIMESTAMP NOT NULL, quantity INT, PRIMARY KEY (shop, at))",
                    "INSERT INTO orders_v2 VALUES ('s1', '2024-03-01 08:15:00', 3)");
            LooseKeyStores.executeIn(fixture, List.of("SET time_zone = '-07:00'"), List.of("SET time_zone = DEFAULT"),
                    "UPDATE orders SET qty = ? WHERE qty = ?", 4, 3);
            assertThat(fixture.records()).isEmpty();
            String old = "SELECT CONCAT(shop, '@', UNIX_TIMESTAMP(at)) AS id, qty FROM orders";
            String now = "SELECT CONCAT(shop, '@', UNIX_TIMESTAMP(at)) AS id, quantity AS qty FROM orders_v2";
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old))
                    .hasSize(1).containsValue("4");
        }
    }

    // PASSES (covered member): a DATETIME key is not converted by the session zone (only TIMESTAMP is zoned).
    @Test
    void datetimeKeyWrittenInAnotherSessionZoneIsNotConvertedAndNeedsNoResync() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id DATETIME NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id DATETIME NOT NULL PRIMARY KEY, quantity INT)");
            LooseKeyStores.executeIn(fixture, List.of("SET time_zone = '+05:00'"), List.of("SET time_zone = DEFAULT"),
                    "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1)");
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, MARIA_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, MARIA_OLD))
                    .containsExactly(Map.entry("2024-01-01 10:00:00", "1"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Triggers, rules and generated columns (Metadata.readKeyTriggers, WriteExecution.movedByTrigger)
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. A PostgreSQL de-duplicating trigger: when the written key is taken, it stores 'abc-2'. The trigger
    // is found (it names NEW.id), so WriteExecution.exactKey reads the key back by the value as written — and finds
    // the OTHER, pre-existing row 'abc': one row, taken as the stored key. 'abc' is synced, 'abc-2' never is.
    @Test
    void postgresDeduplicatingTriggerWhenTheWrittenKeyIsTakenReachesTheNewStore() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("abc")) {
            fixture.onOld("CREATE FUNCTION dedup() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF EXISTS (SELECT 1 FROM orders WHERE id = NEW.id) THEN NEW.id := NEW.id || '-2'; END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TRIGGER dedup BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION dedup()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 9)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("abc", "1"), Map.entry("abc-2", "9"));
        }
    }

    // Failed before its fix. A PL/pgSQL trigger that rewrites the whole row dynamically (`EXECUTE … INTO NEW USING NEW`):
    // Metadata.readKeyTriggers' patterns look for `NEW.<key>`, `NEW :=` or `RETURN <other>`; `INTO NEW` and
    // `($1).id` match none, so the table counts as trigger-free and 'abc' is synced while the row is 'ABC'.
    @Test
    void postgresTriggerThatReplacesNewThroughDynamicSqlIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres()) {
            fixture.onOld("CREATE FUNCTION normalise() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " EXECUTE 'SELECT upper(($1).id)::varchar(20), ($1).qty' INTO NEW USING NEW; RETURN NEW; END $$",
                    "CREATE TRIGGER normalise BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION normalise()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("ABC", "2"));
        }
    }

    // Failed before its fix. An AFTER INSERT row trigger that renames the row just inserted (PostgreSQL allows it). The
    // catalog query in Metadata.readKeyTriggers keeps only BEFORE/INSTEAD OF row triggers (`tgtype & 66`), so the
    // table counts as trigger-free: 'abc' is synced, the row is 'abc-a'.
    @Test
    void postgresAfterInsertTriggerThatRenamesTheInsertedRowIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres()) {
            fixture.onOld("CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " UPDATE orders SET id = NEW.id || '-a' WHERE id = NEW.id; RETURN NULL; END $$",
                    "CREATE TRIGGER stamp AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION stamp()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("abc-a", "1"));
        }
    }

    // Failed before its fix. A statement-level AFTER trigger that normalises keys (`UPDATE orders SET id = upper(id) WHERE
    // id <> upper(id)`): Metadata.readKeyTriggers keeps only ROW triggers (`tgtype & 1`), so 'b' is synced while
    // the row is 'B'.
    @Test
    void postgresStatementLevelTriggerThatNormalisesKeysIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("A")) {
            fixture.onOld("CREATE FUNCTION upper_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " UPDATE orders SET id = upper(id) WHERE id <> upper(id); RETURN NULL; END $$",
                    "CREATE TRIGGER upper_keys AFTER INSERT ON orders FOR EACH STATEMENT EXECUTE FUNCTION upper_keys()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("A", "1"), Map.entry("B", "2"));
        }
    }

    // Failed before its fix. A soft-delete rule on DELETE that renames the key instead (`DO INSTEAD UPDATE … SET id = id ||
    // '-gone'`). Metadata.readKeyTriggers counts rules on INSERT and UPDATE only (ev_type '3'/'2'; a DELETE rule
    // gives no event), and PostgreSQL reports `DELETE 0` for an INSTEAD rule, so WriteExecution.collectKeys returns
    // at `updateCount == 0` without syncing or recording anything: the new store keeps 'a' and never gets 'a-gone'.
    @Test
    void postgresSoftDeleteRuleThatRenamesTheKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a", "b")) {
            fixture.onOld("CREATE RULE soft_delete AS ON DELETE TO orders DO INSTEAD"
                    + " UPDATE orders SET id = OLD.id || '-gone' WHERE id = OLD.id");
            LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "a");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a-gone", "1"), Map.entry("b", "2"));
        }
    }

    // Failed before its fix. A BEFORE DELETE row trigger that archives the row under another key and cancels the delete
    // (RETURN NULL): Metadata.readKeyTriggers reads only INSERT/UPDATE events, and the DELETE's count is 0, so
    // WriteExecution.collectKeys returns at once; the new store keeps 'a' and never gets 'a-archived'.
    @Test
    void postgresBeforeDeleteTriggerThatArchivesUnderAnotherKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            fixture.onOld("CREATE FUNCTION archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " UPDATE orders SET id = OLD.id || '-archived' WHERE id = OLD.id; RETURN NULL; END $$",
                    "CREATE TRIGGER archive BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION archive()");
            LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "a");
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("a-archived", "1"));
        }
    }

    // Failed before its fix. A STORED generated key column (`id … GENERATED ALWAYS AS (lower(code)) STORED PRIMARY KEY`):
    // updating its source column moves the row to another key. The UPDATE's key WHERE is exact text on PostgreSQL,
    // so WriteExecution syncs 'abc' as named; movedByTrigger only runs when Metadata.readKeyTriggers found a trigger,
    // and a generation expression is none: 'abc' is deleted from the target and 'xyz' never arrives.
    @Test
    void postgresGeneratedKeyMovedByAnUpdateOfItsSourceColumnReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (code VARCHAR(20) NOT NULL,"
                            + " id VARCHAR(20) GENERATED ALWAYS AS (lower(code)) STORED PRIMARY KEY, qty INT)",
                    "INSERT INTO orders (code, qty) VALUES ('ABC', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (code VARCHAR(20), id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('ABC', 'abc', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET code = ? WHERE id = ?", "XYZ", "abc")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("xyz", "1"));
        }
    }

    // Failed before its fix. A BEFORE INSERT trigger defined on a PARTITION, not on the partitioned table: Metadata.
    // readKeyTriggers asks pg_trigger for `to_regclass('orders')` (the parent) only, finds nothing, and ('abc', 1)
    // is synced while the partition stored ('ABC', 1).
    @Test
    void postgresTriggerOnAPartitionThatUpperCasesTheKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .mappings(TableMapping.builder("orders").newTable("orders_v2").primaryKey("id", "qty")
                        .rename("qty", "quantity").build())
                .build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20), qty INT, PRIMARY KEY (id, qty)) PARTITION BY RANGE (qty)",
                    "CREATE TABLE orders_low PARTITION OF orders FOR VALUES FROM (0) TO (100)",
                    "CREATE TABLE orders_high PARTITION OF orders FOR VALUES FROM (100) TO (MAXVALUE)",
                    "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.id := upper(NEW.id);"
                            + " RETURN NEW; END $$",
                    "CREATE TRIGGER shout BEFORE INSERT ON orders_low FOR EACH ROW EXECUTE FUNCTION shout()");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20), quantity INT, PRIMARY KEY (id, quantity))");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("ABC", "1"));
        }
    }

    // Failed before its fix. An H2 AFTER INSERT trigger (a Java class) that renames the inserted row: Metadata.readKeyTriggers'
    // H2 query keeps ACTION_TIMING 'BEFORE'/'INSTEAD OF' only, so 'abc' is synced while the row is 'abc-a'.
    @Test
    void h2AfterInsertTriggerThatRenamesTheRowIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "CREATE TRIGGER stamp AFTER INSERT ON orders FOR EACH ROW CALL \"" + SuffixAfterInsert.class.getName() + "\"");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 6)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("abc-a", "6"));
        }
    }

    // PASSES (covered member): a MariaDB BEFORE INSERT trigger naming the key in mixed case and quoted
    // (`New.`ID``) — Metadata.readKeyTriggers lower-cases the body; the key is read back, no resync needed.
    @Test
    void mariadbMixedCaseQuotedTriggerKeyIsReadBackWithoutResync() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb()) {
            fixture.onOld("CREATE TRIGGER Shout BEFORE INSERT ON orders FOR EACH ROW SET New.`ID` = UPPER(New . `ID`)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 2)).isEqualTo(1);
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.sameRows(fixture)).containsExactly(Map.entry("ABC", "2"));
        }
    }

    // PASSES (covered member): a PostgreSQL BEFORE UPDATE trigger that moves rows selected by a NON-key WHERE — the
    // pre-selected keys are looked up again (WriteExecution.movedByTrigger) and the move is resynced.
    @Test
    void postgresBeforeUpdateTriggerMovingRowsOfANonKeyWhereConverges() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a", "b")) {
            fixture.onOld("CREATE FUNCTION tag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " NEW.\"id\" := OLD.id || '#'; RETURN NEW; END $$",
                    "CREATE TRIGGER \"Tag\" BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION tag()");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty * 10 WHERE qty < ?", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a#", "10"), Map.entry("b", "2"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writes that need nothing extra must cost nothing extra
    // ---------------------------------------------------------------------------------------------------------

    // PASSES (covered member): plain integer keys, no triggers, strict mode — after the first write (the catalog is
    // read once per table), inserts, key updates and deletes run no select of dualwrite's on the old store and
    // record nothing.
    @Test
    void plainIntegerKeyWritesWithoutTriggersReadNothingBackAndRecordNothing() throws SQLException {
        List<String> prepared = new CopyOnWriteArrayList<>();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(real -> Intercepting.dataSource(real, new Intercepting.Hooks() {
                    @Override
                    public void beforePrepare(String sql) {
                        prepared.add(sql);
                    }
                })).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT, touched TIMESTAMP NULL)",
                    "CREATE TRIGGER touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = NOW()");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, touched TIMESTAMP NULL)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 1, 1)).isEqualTo(1);
            prepared.clear();
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 2, 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = ? WHERE id = ?", 5, 1)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = ? WHERE id = ?", 3, 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", 3)).isEqualTo(1);
            // the write path's key reads select the key columns only, from the mapping's table name as written
            List<String> ours = prepared.stream()
                    .filter(sql -> sql.toUpperCase(Locale.ROOT).startsWith("SELECT `ID` FROM ORDERS")).toList();
            assertThat(ours).as("selects of the write path on a plain table").isEmpty();
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, MARIA_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, MARIA_OLD))
                    .containsExactly(Map.entry("1", "5"));
        }
    }

    // PASSES (covered member): the same on PostgreSQL with an `updated_at`-style BEFORE trigger that never names the
    // key: no key read of the write path's, nothing recorded.
    @Test
    void postgresPlainIntegerKeyWithATouchTriggerReadsNothingBackAndRecordsNothing() throws SQLException {
        List<String> prepared = new CopyOnWriteArrayList<>();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .wrapOld(real -> Intercepting.dataSource(real, new Intercepting.Hooks() {
                    @Override
                    public void beforePrepare(String sql) {
                        prepared.add(sql);
                    }
                })).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT, touched INT DEFAULT 0)",
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " NEW.touched := coalesce(OLD.touched, 0) + 1; RETURN NEW; END $$",
                    "CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, touched INT DEFAULT 0)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 1, 1)).isEqualTo(1);
            prepared.clear();
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 2, 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = ? WHERE id = ?", 5, 1)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = ? WHERE id = ?", 3, 2)).isEqualTo(1);
            List<String> ours = prepared.stream().map(sql -> sql.toUpperCase(Locale.ROOT))
                    .filter(sql -> sql.startsWith("SELECT") && sql.contains("FROM ORDERS") && !sql.contains("QTY")).toList();
            assertThat(ours).as("key reads of the write path on a table whose trigger never names the key").isEmpty();
            assertThat(fixture.records()).isEmpty();
            String old = "SELECT id::text AS id, qty FROM orders";
            String now = "SELECT id::text AS id, quantity AS qty FROM orders_v2";
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old))
                    .containsOnly(Map.entry("1", "5"), Map.entry("3", "2"));
        }
    }

    // Failed before its fix (a needless resync, not a loss). A PostgreSQL domain over timestamptz as the key, written as a text
    // literal in a `+05` session: the domain is read as its base type (formed), so WriteExecution.exactKey reads the
    // key back — but WriteExecution.readKey binds the literal's text with setObject(String), which the driver sends
    // as varchar: `instant = character varying` does not exist, the read fails, WriteExecution.collect records a
    // `keys-failed` scoped resync of the whole table. Converges after it, but every such insert resyncs the table.
    @Test
    void postgresDomainOverTimestamptzKeyWrittenInAnotherZoneNeedsNoResync() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE DOMAIN instant AS timestamptz NOT NULL",
                    "CREATE TABLE orders (id instant PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id timestamptz PRIMARY KEY, quantity INT)");
            LooseKeyStores.executeIn(fixture, List.of("SET TIME ZONE '+05'"), List.of("SET TIME ZONE DEFAULT"),
                    "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1)");
            LooseKeyStores.executeIn(fixture, List.of("SET TIME ZONE '-03'"), List.of("SET TIME ZONE DEFAULT"),
                    "UPDATE orders SET qty = 4 WHERE id = '2024-01-01 02:00:00'");
            String old = "SELECT extract(epoch FROM id)::bigint::text AS id, qty FROM orders";
            String now = "SELECT extract(epoch FROM id)::bigint::text AS id, quantity AS qty FROM orders_v2";
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old))
                    .containsOnly(Map.entry("1704085200", "4"));
        }
    }

    // Failed before its fix (a needless whole-table resync, not a loss). The same on a plain `timestamp` key inserted by a text
    // literal, no domain, no session zone: WriteExecution.exactKey reads the formed key back, WriteExecution.readKey
    // binds '2024-01-01 10:00:00.5' with setObject(String) → `timestamp without time zone = character varying`
    // fails → WriteExecution.collect records `keys-failed` for the whole table. Every such insert on PostgreSQL.
    @Test
    void postgresTimestampKeyInsertedByATextLiteralNeedsNoResync() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id timestamp PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id timestamp PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00.5', 1)"))
                    .isEqualTo(1);
            String old = "SELECT id::text AS id, qty FROM orders";
            String now = "SELECT id::text AS id, quantity AS qty FROM orders_v2";
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old))
                    .containsOnly(Map.entry("2024-01-01 10:00:00.5", "1"));
        }
    }

    /** An H2 trigger that renames the row just inserted, after the insert. */
    public static final class SuffixAfterInsert implements Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            try (PreparedStatement rename = connection.prepareStatement("UPDATE orders SET id = ? WHERE id = ?")) {
                rename.setString(1, newRow[0] + "-a");
                rename.setString(2, String.valueOf(newRow[0]));
                rename.executeUpdate();
            }
        }
    }

    /** MariaDB into MariaDB: {@code orders (id VARCHAR(3))}, {@code orders_v2 (id VARCHAR(20))}, both empty. */
    private static Fixture nonStrictText() {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB);
        fixture.onOld("CREATE TABLE orders (id VARCHAR(3) PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
        return fixture;
    }
}
