package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A thirteenth review of the write path. First, writes that reach a mapped table of an H2 store under another name:
 * a synonym ({@code CREATE SYNONYM os FOR orders}), and triggers, whose Java code the catalog does not show (an
 * {@code AFTER INSERT} trigger on an unmapped table, {@code INSTEAD OF} triggers on a view of orders): the library
 * followed views, partitions and triggers on PostgreSQL and MySQL/MariaDB only, so orders changed in the old store
 * only, with nothing recorded; likewise an alias (a Java function that writes orders) called by a column default, a
 * generated column, a check, a domain or a view, where no statement names it, and a script run from a file
 * ({@code RUNSCRIPT FROM 'file'}). Second, on MariaDB: {@code LOAD DATA … REPLACE INTO TABLE parents}, whose replaced
 * parents cascade into a mapped table (its target was never found), and an anonymous block ({@code BEGIN NOT ATOMIC
 * … END}) running SQL it builds. Third, keys the library asks PostgreSQL (and
 * every product) for where the application did not: a prepared batch of multi-row inserts under the application's
 * {@code maxRows} (each entry's keys cut to the first, its update count lost), and the statement's {@code
 * getMetaData()} and result-set type, concurrency and holdability, which answered for the statement the library
 * prepared, not the application's. Each write test checks the old store's rows, then the new store against them
 * row by row: equal, or a scoped resync recorded and the stores equal after resolving it.
 */
class WritePathBreak13Test {

    private static String oldOrders(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("qty")).collect(Collectors.joining(" "));
    }

    private static void run(Fixture fixture, String way, String sql) throws Exception {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            switch (way) {
                case "PREPARED" -> {
                    try (PreparedStatement prepared = connection.prepareStatement(sql)) {
                        prepared.execute();
                    }
                }
                case "TRANSACTION" -> {
                    connection.setAutoCommit(false);
                    statement.execute(sql);
                    connection.commit();
                }
                default -> statement.execute(sql);
            }
        }
        WritePathBreak9Test.drained(fixture);
    }

    /** The H2 trigger that adds 100 to an order's quantity for each row inserted into audit ({@link BumpOrder}). */
    private static final String AUDIT_BUMP =
            "CREATE TRIGGER audit_bump AFTER INSERT ON audit FOR EACH ROW CALL \"" + BumpOrder.class.getName() + "\"";

    /**
     * Runs {@code setup} on the old store of {@code fixture} (seeded orders 1, 2, 3), then {@code sql} as {@code way}
     * says through the data source; asserts the old store's orders are {@code expectedOld} ("id:qty" pairs) and the
     * new store equals it, or holds a scoped resync whose resolution makes it so.
     */
    private static void recordedOrExact(Fixture fixture, String way, String sql, String expectedOld, String... setup)
            throws Exception {
        try (fixture) {
            if (setup.length > 0) {
                fixture.onOld(setup);
            }
            run(fixture, way, sql);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "H2 " + sql);
        }
    }

    // ---- 1. H2: synonyms and triggers ------------------------------------------------------------------------------

    // Failed before its fix: os is no mapped name, and on H2 no catalog was read for what a write on it reaches:
    // orders changed in the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "STATEMENT   | UPDATE os SET qty = 9 WHERE id = 1                    | 1:9 2:2 3:3",
        "STATEMENT   | DELETE FROM os WHERE id = 2                           | 1:1 3:3",
        "PREPARED    | INSERT INTO os (id, code, qty) VALUES (7, 'g', 7)     | 1:1 2:2 3:3 7:7",
        "TRANSACTION | UPDATE OS SET qty = qty + 1 WHERE code = 'c'          | 1:1 2:2 3:4",
        "STATEMENT   | MERGE INTO os KEY (id) VALUES (3, 'c', 33)            | 1:1 2:2 3:33"})
    void h2WritesThroughASynonymOfAMappedTableAreRecorded(String way, String sql, String expectedOld) throws Exception {
        recordedOrExact(Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG), way, sql, expectedOld,
                "CREATE SYNONYM os FOR orders");
    }

    // Failed before its fix: a trigger's Java code may write any table, and on H2 the triggers of a table no mapping
    // names were never looked at: orders changed in the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "STATEMENT   | INSERT INTO audit (id) VALUES (2)                     | 1:1 2:102 3:3",
        "TRANSACTION | INSERT INTO audit (id) VALUES (3)                     | 1:1 2:2 3:103",
        "STATEMENT   | UPDATE ov SET qty = 70 WHERE id = 2                   | 1:1 2:70 3:3",
        "PREPARED    | DELETE FROM ov WHERE id = 1                           | 2:2 3:3",
        "STATEMENT   | INSERT INTO ov (id, code, qty) VALUES (8, 'h', 8)     | 1:1 2:2 3:3 8:8"})
    void h2TriggersOfUnmappedTablesAndViewsThatWriteAMappedTableAreRecorded(String way, String sql, String expectedOld)
            throws Exception {
        recordedOrExact(Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG), way, sql, expectedOld,
                "CREATE TABLE audit (id BIGINT)", AUDIT_BUMP, "CREATE VIEW ov AS SELECT id, code, qty FROM orders",
                "CREATE TRIGGER ov_write INSTEAD OF INSERT, UPDATE, DELETE ON ov FOR EACH ROW CALL \""
                        + WriteOrders.class.getName() + "\"");
    }

    // Failed before its fix: on H2 an alias (BUMP adds 10 to an order's qty) was looked up only where the statement
    // names it: a column default, generated column, check or domain check of a table, the query of a view, and the
    // mapped table's own default call it unseen, and orders changed in the old store only, with nothing recorded.
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "CREATE TABLE stamped (id BIGINT, x BIGINT DEFAULT BUMP(2))           | INSERT INTO stamped (id) VALUES (1)           | 1:1 2:12 3:3",
        "CREATE TABLE checked (id BIGINT CHECK (BUMP(id) > 0))                | INSERT INTO checked (id) VALUES (3)           | 1:1 2:2 3:13",
        "CREATE TABLE gen (id BIGINT, x BIGINT GENERATED ALWAYS AS (BUMP(id))) | INSERT INTO gen (id) VALUES (1)              | 1:11 2:2 3:3",
        "CREATE DOMAIN bumpy AS BIGINT CHECK (BUMP(VALUE) > 0); CREATE TABLE dom (v bumpy) | INSERT INTO dom (v) VALUES (2) | 1:1 2:12 3:3",
        "CREATE VIEW bumped AS SELECT BUMP(id) AS b FROM orders WHERE id = 3   | SELECT * FROM bumped                         | 1:1 2:2 3:13",
        "ALTER TABLE orders ALTER COLUMN qty SET DEFAULT BUMP(1)             | INSERT INTO orders (id, code) VALUES (9, 'z') | 1:11 2:2 3:3 9:1"})
    void h2AliasesCalledByTheSchemaAreRecorded(String ddl, String sql, String expectedOld) throws Exception {
        recordedOrExact(FunctionWrites.h2(), "STATEMENT", sql, expectedOld, ddl.split(";"));
    }

    // Failed before its fix: H2's RUNSCRIPT runs the statements of a file the text does not show; the text names no
    // table and holds no write word, so it was taken for a statement that writes nothing: orders changed in the old
    // store only, nothing recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"STATEMENT", "TRANSACTION", "PREPARED"})
    void h2ScriptRunFromAFileIsRecorded(String way) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("dualwrite-script-", ".sql");
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            java.nio.file.Files.writeString(file, "UPDATE orders SET qty = 99 WHERE id = 1;\nDELETE FROM orders WHERE id = 3;\n");
            run(fixture, way, "RUNSCRIPT FROM '" + file.toString().replace("\\", "/") + "'");
            assertThat(oldOrders(fixture)).isEqualTo("1:99 2:2");
            Mirrored.exactOrResynced(fixture, "H2 RUNSCRIPT " + way);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    // Passed before the fix, and must go on passing: a write on an unmapped table without triggers or synonyms, whose
    // default and check call no alias, and a query of a view that calls none, reach no mapped table: nothing recorded.
    @Test
    void h2WritesAndQueriesReachingNoMappedTableRecordNothing() throws Exception {
        try (Fixture fixture = FunctionWrites.h2()) {
            fixture.onOld("CREATE TABLE notes (id BIGINT, noted TIMESTAMP DEFAULT CURRENT_TIMESTAMP CHECK (id > 0))",
                    "CREATE TABLE audit (id BIGINT)", "CREATE VIEW plain_v AS SELECT id FROM orders", AUDIT_BUMP);
            run(fixture, "STATEMENT", "INSERT INTO notes (id) VALUES (1)");
            run(fixture, "STATEMENT", "SELECT * FROM plain_v");
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    /** An H2 trigger on audit: adds 100 to the quantity of the order whose id was inserted. */
    public static final class BumpOrder implements org.h2.api.Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            try (PreparedStatement bump = connection.prepareStatement("UPDATE orders SET qty = qty + 100 WHERE id = ?")) {
                bump.setObject(1, newRow[0]);
                bump.executeUpdate();
            }
        }
    }

    /** An H2 {@code INSTEAD OF} trigger on a view of orders: writes the row into orders. */
    public static final class WriteOrders implements org.h2.api.Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            String sql = newRow == null ? "DELETE FROM orders WHERE id = ?"
                    : oldRow == null ? "INSERT INTO orders (code, qty, id) VALUES (?, ?, ?)"
                    : "UPDATE orders SET code = ?, qty = ? WHERE id = ?";
            try (PreparedStatement write = connection.prepareStatement(sql)) {
                if (newRow == null) {
                    write.setObject(1, oldRow[0]);
                } else {
                    write.setObject(1, newRow[1]);
                    write.setObject(2, newRow[2]);
                    write.setObject(3, oldRow == null ? newRow[0] : oldRow[0]);
                }
                write.executeUpdate();
            }
        }
    }

    // ---- 2. MariaDB: LOAD DATA that replaces rows a foreign key cascades from --------------------------------------

    private static final String ITEMS_ROWS = "SELECT id, val, p FROM items ORDER BY id";

    // Failed before its fix (the first three): LOAD DATA … REPLACE deletes each parent row it replaces, and the ON
    // DELETE CASCADE takes the parent's items (a mapped table) with it. The text is not parsed, and the token scan
    // found no target in it ('REPLACE INTO TABLE parents' was read as a target named TABLE), so the cascade was never
    // looked up: items lost rows in the old store only, nothing recorded. Passed before the fix, and must go on
    // passing (the last): IGNORE keeps the parent, nothing cascades.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "LOAD DATA LOCAL INFILE '%s' REPLACE INTO TABLE parents                                  | 1:a:1",
        "load data local infile '%s' replace into table `parents` (id, n)                        | 1:a:1",
        "LOAD DATA LOW_PRIORITY LOCAL INFILE '%s' REPLACE INTO TABLE parents FIELDS TERMINATED BY '\\t' | 1:a:1",
        "LOAD DATA LOCAL INFILE '%s' IGNORE INTO TABLE parents                                   | 1:a:1 2:b:2 3:c:2"})
    void mariadbLoadDataReplacingParentsRecordsTheCascadeIntoAMappedTable(String load, String expectedItems)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("dualwrite-parents-", ".tsv");
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.H2)
                .mappings(Fixture.ORDERS, io.dualwrite.mapping.TableMapping.identity("items")).build(), Mirrored.MARIA)) {
            java.nio.file.Files.writeString(file, "2\t7\n");
            fixture.onOld("CREATE TABLE parents (id BIGINT PRIMARY KEY, n INT)", "INSERT INTO parents VALUES (1, 0), (2, 0)",
                    "CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT,"
                            + " FOREIGN KEY (p) REFERENCES parents (id) ON DELETE CASCADE)",
                    "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 2)");
            fixture.onNew("CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT)",
                    "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 2)");
            run(fixture, "STATEMENT", String.format(load, file.toString().replace("\\", "/")));
            assertThat(Rows.of(fixture.oldDb, ITEMS_ROWS).stream().map(r -> r.get("id") + ":" + r.get("val") + ":" + r.get("p"))
                    .collect(Collectors.joining(" "))).isEqualTo(expectedItems);
            if (!Rows.of(fixture.newDb, ITEMS_ROWS).equals(Rows.of(fixture.oldDb, ITEMS_ROWS))) {
                assertThat(fixture.scopedResyncs()).as("items differ, so a scoped resync of items must be recorded")
                        .extracting(io.dualwrite.changelog.ChangeRecord::table).contains("items");
                fixture.resolveScopedResyncs(io.dualwrite.mapping.TableMapping.identity("items"));
            }
            Rows.assertSame(fixture.oldDb, ITEMS_ROWS, fixture.newDb, ITEMS_ROWS);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    // Failed before its fix (the first two): MariaDB's anonymous block runs statements its text shows as strings
    // (EXECUTE IMMEDIATE of a text built at run time), which name no table the scan of the text could find: orders
    // changed in the old store only, nothing recorded. Passed before the fix, and must go on passing (the last): a
    // block that names orders in its own statements.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "BEGIN NOT ATOMIC EXECUTE IMMEDIATE CONCAT('UPDATE ord', 'ers SET qty = 5 WHERE id = 1'); END               | 1:5 2:2 3:3",
        "begin  not atomic DECLARE t VARCHAR(20) DEFAULT 'ord'; EXECUTE IMMEDIATE CONCAT('DELETE FROM ', t, 'ers WHERE id = 2'); END | 1:1 3:3",
        "BEGIN NOT ATOMIC UPDATE orders SET qty = 7 WHERE id = 3; END                                                | 1:1 2:2 3:7"})
    void mariadbAnonymousBlocksAreResyncedAsProcedureCalls(String sql, String expectedOld) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.H2), Mirrored.MARIA)) {
            run(fixture, "STATEMENT", sql);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "MariaDB " + sql);
        }
    }

    // ---- 3. PostgreSQL: keys the library asks for ------------------------------------------------------------------

    private static final String TWO_ROWS = "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?), (?, ?, ?)";

    /** Adds two entries of {@link #TWO_ROWS}: rows 5 and 6, then 7 and 8. */
    private static void twoEntries(PreparedStatement insert) throws SQLException {
        for (int first = 5; first <= 7; first += 2) {
            for (int row = 0; row < 2; row++) {
                int id = first + row;
                insert.setInt(row * 3 + 1, id);
                insert.setString(row * 3 + 2, "r" + id);
                insert.setInt(row * 3 + 3, id);
            }
            insert.addBatch();
        }
    }

    // Failed before its fix: the library's key request turns each entry into an insert RETURNING the keys, which the
    // application's maxRows(1) cut to one row: the driver reported no update count for either entry ([0, 0] where
    // PostgreSQL alone answers [2, 2]), and none of the four rows reached the new store, with nothing recorded.
    // Passed before the fix, and must go on passing: a maxRows above the entries' rows, and none.
    @ParameterizedTest(name = "maxRows {0}")
    @CsvSource({"1", "3", "0"})
    void postgresPreparedBatchUnderMaxRowsCountsAndSyncsEveryRow(int maxRows) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.H2), Mirrored.PG)) {
            int[] plain;
            try (Connection connection = fixture.oldDb.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement(TWO_ROWS)) {
                connection.setAutoCommit(false);
                insert.setMaxRows(maxRows);
                twoEntries(insert);
                plain = insert.executeBatch();
                connection.rollback();
            }
            int[] counts;
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(TWO_ROWS)) {
                insert.setMaxRows(maxRows);
                twoEntries(insert);
                counts = insert.executeBatch();
                assertThat(insert.getMaxRows()).as("the application's maxRows, kept").isEqualTo(maxRows);
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(counts).as("the counts PostgreSQL alone gives, %s", Arrays.toString(plain)).containsExactly(plain);
            assertThat(oldOrders(fixture)).isEqualTo("1:1 2:2 3:3 5:5 6:6 7:7 8:8");
            Mirrored.exactOrResynced(fixture, "batch under maxRows " + maxRows);
        }
    }

    private static String described(ResultSetMetaData metaData) throws SQLException {
        if (metaData == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder(String.valueOf(metaData.getColumnCount()));
        for (int i = 1; i <= metaData.getColumnCount(); i++) {
            text.append(' ').append(metaData.getColumnLabel(i));
        }
        return text.toString();
    }

    /** What {@code getMetaData()} of {@code sql} prepared on {@code connection} answers, before and after a run. */
    private static String metaData(Connection connection, String sql, int id) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(sql)) {
            String before = described(prepared.getMetaData());
            prepared.setInt(1, id);
            prepared.setInt(2, id);
            prepared.execute();
            return before + " / " + described(prepared.getMetaData());
        }
    }

    // Failed before its fix (the inserts): PostgreSQL alone answers null for a statement that returns no rows, and
    // through the data source getMetaData() described the key column of the RETURNING the library's key request
    // added. Passed before the fix, and must go on passing: the insert that returns rows of its own, and the update.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "INSERT INTO orders (id, qty) VALUES (?, ?)",
        "INSERT INTO orders (id, qty) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty",
        "INSERT INTO orders (id, qty) VALUES (?, ?) RETURNING qty, id",
        "UPDATE orders SET qty = ? WHERE id = ?"})
    void postgresGetMetaDataOfAPreparedWriteIsWhatPostgresAloneAnswers(String sql) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.H2), Mirrored.PG)) {
            String plain;
            try (Connection connection = fixture.oldDb.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                plain = metaData(connection, sql, 9);
                connection.rollback();
            }
            String through;
            try (Connection connection = fixture.dataSource.getConnection()) {
                through = metaData(connection, sql, 9);
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(through).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "PostgreSQL " + sql);
        }
    }

    // Failed before its fix: a prepared insert asked for a result-set type, concurrency and holdability (which a
    // statement returning no rows accepts), and the library prepared it asking for its keys instead, which takes
    // none of them: getResultSetType() and the others answered the driver's defaults, not what the application asked
    // and its driver alone answers.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "H2       | INSERT INTO orders (id, code, qty) VALUES (9, 'z', 9)",
        "POSTGRES | INSERT INTO orders (id, code, qty) VALUES (9, 'z', 9)",
        "MARIADB  | INSERT INTO orders (code, qty) VALUES ('z', 9)"})
    void resultSetTypeConcurrencyAndHoldabilityOfAPreparedInsertAreWhatTheApplicationAskedFor(Kind kind, String sql)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG)) {
            if (kind == Kind.MARIADB) {
                fixture.onOld("ALTER TABLE orders MODIFY id BIGINT AUTO_INCREMENT");
            }
            String plain;
            try (Connection connection = fixture.oldDb.dataSource().getConnection()) {
                plain = askedFor(connection, sql);
            }
            String through;
            try (Connection connection = fixture.dataSource.getConnection()) {
                through = askedFor(connection, sql);
            }
            assertThat(through).isEqualTo(plain);
        }
    }

    /** What a scrollable, holdable prepared {@code sql} answers of its result-set type, concurrency and holdability. */
    private static String askedFor(Connection connection, String sql) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(sql, java.sql.ResultSet.TYPE_SCROLL_INSENSITIVE,
                java.sql.ResultSet.CONCUR_READ_ONLY, java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT)) {
            return prepared.getResultSetType() + " " + prepared.getResultSetConcurrency() + " "
                    + prepared.getResultSetHoldability();
        }
    }
}
