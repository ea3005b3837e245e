package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * MariaDB inserts of several rows whose keys the database generates, where the rows of one statement need not get
 * consecutive keys: {@code INSERT IGNORE} skipping a row, mixed explicit and generated keys, upserts meeting a row,
 * {@code INSERT … SELECT}, a session whose auto-increment step changed out of sight. Each input runs with plain JDBC
 * on a fresh database and through the data source (the caller sees the same counts, keys and exceptions), in
 * auto-commit and in a transaction, prepared and plain, with and without the application asking for the keys, alone
 * and as a batch; then the new store is compared with the old one row by row: equal, or every differing row
 * covered by a change-log entry (a scoped resync of the table, or its key).
 */
class MultiRowGeneratedKeysTest {

    private static final String[] DDL = SessionFunctionsTest.ordersDdl(Kind.MARIADB); // AUTO_INCREMENT = 100
    private static final String[] SEED = SessionFunctionsTest.SEED; // ids 1, 2, 3: codes a, b, c

    /** How the application runs its statement. */
    record Variant(boolean autoCommit, boolean prepared, boolean asksForKeys, boolean batch) {
        @Override
        public String toString() {
            return (autoCommit ? "auto-commit" : "transaction") + (prepared ? ", prepared" : ", plain")
                    + (asksForKeys ? ", keys asked" : ", keys not asked") + (batch ? ", batch" : "");
        }
    }

    /**
     * Eight of the sixteen ways: every combination of prepared, keys asked and batch, each in auto-commit or a
     * transaction by the parity of the three (a half fraction in which every pair of the four choices still meets in
     * all four of its combinations), which keeps this class's run time at half.
     */
    static Stream<Variant> variants() {
        List<Variant> all = new ArrayList<>();
        for (boolean prepared : new boolean[] {true, false}) {
            for (boolean asks : new boolean[] {true, false}) {
                for (boolean batch : new boolean[] {false, true}) {
                    boolean autoCommit = prepared ^ asks ^ batch;
                    all.add(new Variant(autoCommit, prepared, asks, batch));
                }
            }
        }
        return all.stream();
    }

    static Stream<Variant> singleStatementVariants() {
        return variants().filter(variant -> !variant.batch());
    }

    /** What the application does on its connection, as text. */
    @FunctionalInterface
    interface Script {
        void run(Connection connection, List<String> out) throws SQLException;
    }

    // ---------------------------------------------------------------- harness

    /**
     * Runs {@code script} with plain JDBC on a fresh database ({@code setUp}, the generated-key orders, the seed) and
     * through a data source over a fresh pair seeded alike, in auto-commit or a transaction the harness commits;
     * asserts the caller saw the same, then compares the stores.
     */
    private static Fixture check(String label, Variant variant, String[] setUp, Script script) throws SQLException {
        return check(label, variant, setUp, DDL, Mirrored.NEW, script);
    }

    /** {@link #check(String, Variant, String[], Script)} with orders created by {@code ddl}, orders_v2 by {@code newDdl}. */
    private static Fixture check(String label, Variant variant, String[] setUp, String[] ddl, String newDdl, Script script)
            throws SQLException {
        List<String> plain = new ArrayList<>();
        try (TestDatabase other = TestDatabases.create(Kind.MARIADB)) {
            other.execute(setUp);
            other.execute(ddl);
            other.execute(SEED);
            run(other.dataSource(), variant, script, plain);
        }
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB);
        try {
            fixture.onOld(setUp);
            fixture.onOld(ddl);
            fixture.onOld(SEED);
            fixture.onNew(newDdl, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, variant, script, proxied);
            System.out.println("MULTIKEYS " + label + " [" + variant + "] plain   " + plain);
            System.out.println("MULTIKEYS " + label + " [" + variant + "] proxied " + proxied);
            assertThat(proxied).as("%s [%s]: what the caller saw, against plain JDBC", label, variant).isEqualTo(plain);
            assertMirroredOrRecorded(fixture, label + " [" + variant + "]");
            return fixture;
        } catch (SQLException | RuntimeException | AssertionError e) {
            fixture.close();
            throw e;
        }
    }

    private static void run(DataSource dataSource, Variant variant, Script script, List<String> out) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(variant.autoCommit());
            try {
                script.run(connection, out);
                if (!variant.autoCommit()) {
                    connection.commit();
                }
            } catch (SQLException e) {
                out.add(PlainJdbc.describe(e));
                if (!variant.autoCommit()) {
                    connection.commit(); // what ran before the failure stays, as an application that commits it
                }
            }
        }
    }

    /**
     * Waits until the mirrors have settled (the new store equals the old one, or a change-log entry covers every row
     * that differs), then asserts that: a row that differs with nothing recorded for it is a failure.
     */
    static void assertMirroredOrRecorded(Fixture fixture, String label) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(uncovered(fixture)).as("%s: rows differing with nothing recorded", label)
                        .isEmpty());
        System.out.println("MULTIKEYS " + label + ": " + (differing(fixture).isEmpty() ? "EXACT" : "RECORDED")
                + " " + fixture.recordKeys());
    }

    /** Asserts the new store equals the old one and nothing was resynced: the keys were known. */
    static void assertExact(Fixture fixture, String label) {
        assertThat(differing(fixture)).as("%s: rows differing", label).isEmpty();
        assertThat(fixture.scopedResyncs()).as("%s: scoped resyncs", label).isEmpty();
    }

    /** The ids whose rows differ between the stores (compared with SQL of the test's own). */
    static Set<String> differing(Fixture fixture) {
        Map<String, Map<String, String>> oldRows = byId(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
        Map<String, Map<String, String>> newRows = byId(Rows.of(fixture.newDb,
                "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"));
        Set<String> ids = new HashSet<>(oldRows.keySet());
        ids.addAll(newRows.keySet());
        ids.removeIf(id -> java.util.Objects.equals(oldRows.get(id), newRows.get(id)));
        return ids;
    }

    /** The differing ids that no pending change-log entry covers (a scoped resync of orders covers them all). */
    static Set<String> uncovered(Fixture fixture) {
        Set<String> ids = differing(fixture);
        List<ChangeRecord> records = fixture.records();
        if (records.stream().anyMatch(r -> r.isScoped() && r.table().equalsIgnoreCase("orders"))) {
            return Set.of();
        }
        ids.removeIf(id -> records.stream().anyMatch(r -> r.table().equalsIgnoreCase("orders") && id.equals(r.key())));
        return ids;
    }

    private static Map<String, Map<String, String>> byId(List<Map<String, String>> rows) {
        Map<String, Map<String, String>> byId = new java.util.LinkedHashMap<>();
        rows.forEach(row -> byId.put(row.get("id"), row));
        return byId;
    }

    /**
     * Runs one write {@code sql} as the variant says and writes down its counts, the generated keys (or what asking
     * for them answered) and its exception.
     */
    static void write(Connection connection, Variant variant, String sql, List<String> out) throws SQLException {
        int keysFlag = variant.asksForKeys() ? Statement.RETURN_GENERATED_KEYS : Statement.NO_GENERATED_KEYS;
        Statement statement = variant.prepared() ? connection.prepareStatement(sql, keysFlag) : connection.createStatement();
        try (statement) {
            try {
                if (variant.batch()) {
                    if (statement instanceof PreparedStatement prepared) {
                        prepared.addBatch();
                    } else {
                        statement.addBatch(sql);
                    }
                    out.add("counts " + java.util.Arrays.toString(statement.executeBatch()));
                } else if (statement instanceof PreparedStatement prepared) {
                    out.add("count " + prepared.executeUpdate());
                } else {
                    out.add("count " + statement.executeUpdate(sql, keysFlag));
                }
            } catch (SQLException e) {
                out.add(PlainJdbc.describe(e));
                return;
            }
            out.add("keys " + keys(statement));
        }
    }

    /** The generated keys as the caller reads them, or the exception asking for them threw. */
    static String keys(Statement statement) {
        List<String> keys = new ArrayList<>();
        try (ResultSet rows = statement.getGeneratedKeys()) {
            while (rows.next()) {
                keys.add(String.valueOf(rows.getObject(1)));
            }
        } catch (SQLException e) {
            return PlainJdbc.describe(e);
        }
        return keys.toString();
    }

    private static final String[] NONE = {};

    private static Script one(Variant variant, String sql) {
        return (connection, out) -> write(connection, variant, sql, out);
    }

    // ---------------------------------------------------------------- INSERT IGNORE: a skipped row leaves a gap

    // Input: INSERT IGNORE INTO orders (code, qty) VALUES ('x', 1), ('a', 2), ('y', 3): 'a' exists; the update count
    // is 2. MariaDB gives the skipped row's value to the next row (x 100, y 101); MySQL may leave a gap.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertIgnoreSkippingTheMiddleRowMirrorsTheRowsAroundIt(Variant variant) throws SQLException {
        try (Fixture fixture = check("ignore, middle skipped", variant, NONE,
                one(variant, "INSERT IGNORE INTO orders (code, qty) VALUES ('x', 1), ('a', 2), ('y', 3)"))) {
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE code IN ('x', 'y') ORDER BY id"))
                    .extracting(row -> row.get("id")).containsExactly("100", "101");
            assertExactWhenKeysReturned(fixture, variant, "ignore, middle skipped");
        }
    }

    // Input: as above, then the application inserts the skipped key itself (id 101, explicit) in the same
    // transaction (or right after, in auto-commit). Keys derived from the first (100, 101) would all name rows,
    // and row 102 would never reach the new store, with nothing recorded.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertIgnoreGapFilledByTheNextStatementStillMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("ignore, gap filled", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT IGNORE INTO orders (code, qty) VALUES ('x', 1), ('a', 2), ('y', 3)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (101, 'z', 9)"));
        })) {
            assertExactWhenKeysReturned(fixture, variant, "ignore, gap filled");
        }
    }

    // Input: the skipped row first and last: ('a', 1), ('x', 2), ('y', 3), ('b', 4).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertIgnoreSkippingTheFirstAndLastRowsMirrorsTheRest(Variant variant) throws SQLException {
        try (Fixture fixture = check("ignore, ends skipped", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT IGNORE INTO orders (code, qty) VALUES ('a', 1), ('x', 2), ('y', 3), ('b', 4)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (code, qty) VALUES ('w', 9)"));
        })) {
            assertExactWhenKeysReturned(fixture, variant, "ignore, ends skipped");
        }
    }

    // Input: two skipped rows between inserted ones, the gaps then filled with explicit keys:
    // ('x', 1), ('a', 2), ('b', 3), ('y', 4) gives 100 and 103; then (101, 'f1'), (102, 'f2').
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertIgnoreWithTwoSkippedRowsAndFilledGapsMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("ignore, two skipped", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT IGNORE INTO orders (code, qty) VALUES ('x', 1), ('a', 2), ('b', 3), ('y', 4)", out);
            out.add("filler " + PlainJdbc.update(connection,
                    "INSERT INTO orders (id, code, qty) VALUES (101, 'f1', 9), (102, 'f2', 9)"));
        })) {
            assertExactWhenKeysReturned(fixture, variant, "ignore, two skipped");
        }
    }

    // ---------------------------------------------------------------- mixed explicit and generated keys
    // (before: the whole table resynced, keys-not-returned; now the rows are read by their unique values)

    // Input: INSERT INTO orders (id, code, qty) VALUES (NULL, 'x', 1), (500, 'y', 2), (NULL, 'z', 3).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void mixedNullAndExplicitKeysMirrorEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("mixed NULL", variant, NONE, one(variant,
                "INSERT INTO orders (id, code, qty) VALUES (NULL, 'x', 1), (500, 'y', 2), (NULL, 'z', 3)"))) {
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(6);
            assertExact(fixture, "mixed NULL");
        }
    }

    // Input: the same with 0 for the generated keys (MariaDB's default sql_mode generates a key for 0).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void mixedZeroAndExplicitKeysMirrorEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("mixed 0", variant, NONE, one(variant,
                "INSERT INTO orders (id, code, qty) VALUES (0, 'x', 1), (500, 'y', 2), (0, 'z', 3)"))) {
            assertExact(fixture, "mixed 0");
        }
    }

    // Input: the same with DEFAULT for the generated keys.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void mixedDefaultAndExplicitKeysMirrorEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("mixed DEFAULT", variant, NONE, one(variant,
                "INSERT INTO orders (id, code, qty) VALUES (DEFAULT, 'x', 1), (500, 'y', 2), (DEFAULT, 'z', 3)"))) {
            assertExact(fixture, "mixed DEFAULT");
        }
    }

    // Input: the session sets NO_AUTO_VALUE_ON_ZERO, so 0 is a key as written: (NULL, 'x'), (0, 'y'), (NULL, 'z').
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void mixedWithZeroStoredUnderNoAutoValueOnZeroMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("mixed, NO_AUTO_VALUE_ON_ZERO", variant, NONE, (connection, out) -> {
            PlainJdbc.update(connection, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
            write(connection, variant, "INSERT INTO orders (id, code, qty) VALUES (NULL, 'x', 1), (0, 'y', 2), (NULL, 'z', 3)", out);
        })) {
            assertExact(fixture, "mixed, NO_AUTO_VALUE_ON_ZERO");
        }
    }

    // Input: an explicit key below the counter between generated ones, the gap after it then filled:
    // (NULL, 'x'), (50, 'y'), (NULL, 'z'), then (102, 'f').
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void mixedWithALowExplicitKeyAndAFilledGapMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("mixed low explicit", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (id, code, qty) VALUES (NULL, 'x', 1), (50, 'y', 2), (NULL, 'z', 3)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (102, 'f', 9)"));
        })) {
            assertExact(fixture, "mixed low explicit");
        }
    }

    // ---------------------------------------------------------------- upserts

    // Input: INSERT INTO orders (code, qty) VALUES ('x', 1), ('b', 20), ('y', 3) ON DUPLICATE KEY UPDATE
    // qty = VALUES(qty): the middle row updates row 2 (count 1 + 2 + 1).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void upsertWhoseMiddleRowUpdatesMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("upsert, middle updates", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1), ('b', 20), ('y', 3)"
                    + " ON DUPLICATE KEY UPDATE qty = VALUES(qty)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (101, 'f', 9)"));
        })) {
            assertExactWhenKeysReturned(fixture, variant, "upsert, middle updates");
        }
    }

    // Input: REPLACE INTO orders (code, qty) VALUES ('x', 1), ('b', 20), ('y', 3): the middle row replaces row 2
    // (deleted, inserted under a new key).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void replaceOfSeveralRowsOneReplacingMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("replace, middle replaces", variant, NONE, (connection, out) -> {
            write(connection, variant, "REPLACE INTO orders (code, qty) VALUES ('x', 1), ('b', 20), ('y', 3)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (102, 'f', 9)"));
        })) {
            assertExact(fixture, "replace, middle replaces");
        }
    }

    // ---------------------------------------------------------------- INSERT … SELECT

    // Input: INSERT INTO orders (code, qty) SELECT CONCAT(code, '2'), qty FROM orders: three rows, keys generated.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertSelectOfSeveralRowsMirrorsEveryRow(Variant variant) throws SQLException {
        try (Fixture fixture = check("insert select", variant, NONE, one(variant,
                "INSERT INTO orders (code, qty) SELECT CONCAT(code, '2'), qty FROM orders ORDER BY id"))) {
            assertExactWhenKeysReturned(fixture, variant, "insert select");
        }
    }

    // Input: INSERT IGNORE … SELECT whose second selected row is a duplicate ('x', 'a', 'y' from a source table):
    // x gets 100, y 102; then the gap filled with (101, 'f').
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void insertIgnoreSelectSkippingARowAndAFilledGapMirrorsEveryRow(Variant variant) throws SQLException {
        String[] source = {"CREATE TABLE src (n INT PRIMARY KEY, code VARCHAR(20))",
                "INSERT INTO src VALUES (1, 'x'), (2, 'a'), (3, 'y')"};
        check("insert ignore select", variant, source, (connection, out) -> {
            write(connection, variant, "INSERT IGNORE INTO orders (code, qty) SELECT code, n FROM src ORDER BY n", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (101, 'f', 9)"));
        }).close();
    }

    // ---------------------------------------------------------------- the session's step

    // Input: a procedure sets the session's auto_increment_increment to 5 (no SET in the application's text), then
    // a three-row insert: keys 100, 105, 110 (MariaDB rounds the next key to the new step's series).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void stepChangedByAProcedureIsReadBeforeKeysAreDerived(Variant variant) throws SQLException {
        String[] procedure = {"CREATE PROCEDURE step_five() SET SESSION auto_increment_increment = 5"};
        check("step by procedure", variant, procedure, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('p', 1), ('q', 2)", out);
            try (Statement call = connection.createStatement()) {
                call.execute("CALL step_five()");
            }
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", out);
            out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (code, qty) VALUES ('w', 9)"));
        }).close();
    }

    // Input: a function sets the session's auto_increment_increment to 5 (SELECT step_five(): no SET in the
    // application's text, and the function writes no table); then, in the application's transaction, a three-row
    // insert (keys 106, 111, 116) and two rows with explicit keys 107 and 108. Keys derived with the step read
    // before the function ran (106, 107, 108) would all name rows, and rows 111 and 116 would be left behind.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void stepChangedByAFunctionIsReadBeforeKeysAreDerived(Variant variant) throws SQLException {
        String[] function = {"CREATE FUNCTION step_five() RETURNS INT BEGIN SET SESSION auto_increment_increment = 5;"
                + " RETURN 5; END"};
        try (Fixture fixture = check("step by function", variant, function, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('p', 1), ('q', 2)", out);
            try (Statement call = connection.createStatement(); ResultSet rows = call.executeQuery("SELECT step_five()")) {
                out.add("function " + PlainJdbc.firstRow(rows));
            }
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", out);
            out.add("filler " + PlainJdbc.update(connection,
                    "INSERT INTO orders (id, code, qty) VALUES (107, 'f1', 9), (108, 'f2', 9)"));
        })) {
            assertExactWhenKeysReturned(fixture, variant, "step by function");
        }
    }

    // Input: SET STATEMENT auto_increment_increment = 3 FOR INSERT … three rows: the step holds for that statement
    // only, so the session's own step (1) would derive 100, 101, 102 for rows stored at 100, 103, 106.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void setStatementStepHoldsForItsInsertOnly(Variant variant) throws SQLException {
        check("set statement step", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('p', 1), ('q', 2)", out);
            write(connection, variant, "SET STATEMENT auto_increment_increment = 3 FOR"
                    + " INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", out);
            out.add("filler " + PlainJdbc.update(connection,
                    "INSERT INTO orders (id, code, qty) VALUES (103, 'f1', 9), (104, 'f2', 9)"));
        }).close();
    }

    // Input: SET @@session.auto_increment_increment = 4, auto_increment_offset = 2, then a three-row insert.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void stepAndOffsetSetBySessionVariablesAreFollowed(Variant variant) throws SQLException {
        check("session step and offset", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('p', 1), ('q', 2)", out);
            PlainJdbc.update(connection, "SET @@session.auto_increment_increment = 4, @@session.auto_increment_offset = 2");
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", out);
        }).close();
    }

    // Input: the table's AUTO_INCREMENT raised between two multi-row inserts of one connection (ALTER TABLE …
    // AUTO_INCREMENT = 1000, which commits a transaction), then a row with an explicit key above it.
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void autoIncrementRaisedBetweenInsertsMirrorsEveryRow(Variant variant) throws SQLException {
        check("auto_increment raised", variant, NONE, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('p', 1), ('q', 2)", out);
            PlainJdbc.update(connection, "ALTER TABLE orders AUTO_INCREMENT = 1000");
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", out);
            write(connection, variant, "INSERT INTO orders (id, code, qty) VALUES (NULL, 'u', 1), (2000, 'v', 2), (NULL, 'w', 3)", out);
        }).close();
    }

    // ---------------------------------------------------------------- a generated value that is not the key

    // Input: orders whose key comes from a sequence (id DEFAULT NEXT VALUE FOR order_ids, from 500) and whose other
    // column n is AUTO_INCREMENT. A row with key 10 and n 9 first; then ('x') gets key 500 and n 10, and the driver's
    // generated key is 10: n's value, which names row 10, not row 500 (nothing else in the script shows the loss).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void autoIncrementOfAColumnOutsideTheKeyIsNotTakenForTheKey(Variant variant) throws SQLException {
        outsideTheKey(variant, true);
    }

    // Input: as above, then two rows ('y', 'z': keys 501, 502; n 11, 12).
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void autoIncrementOfAColumnOutsideTheKeyInAMultiRowInsertIsNotTakenForTheKeys(Variant variant) throws SQLException {
        outsideTheKey(variant, false);
    }

    private static void outsideTheKey(Variant variant, boolean oneRowOnly) throws SQLException {
        String[] ddl = {"CREATE SEQUENCE order_ids START WITH 500",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY DEFAULT (NEXT VALUE FOR order_ids), code VARCHAR(20) UNIQUE,"
                        + " qty INT, n INT AUTO_INCREMENT UNIQUE)"};
        String newDdl = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT, n INT)";
        try (Fixture fixture = check("key from a sequence, n auto-increment", variant, NONE, ddl, newDdl, (connection, out) -> {
            write(connection, variant, "INSERT INTO orders (id, code, qty, n) VALUES (10, 'p', 1, 9)", out);
            write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('x', 1)", out);
            if (!oneRowOnly) {
                write(connection, variant, "INSERT INTO orders (code, qty) VALUES ('y', 2), ('z', 3)", out);
            }
        })) {
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id >= 500 ORDER BY id"))
                    .extracting(row -> row.get("id")).containsExactly(oneRowOnly ? new String[] {"500"}
                            : new String[] {"500", "501", "502"});
            assertExactWhenKeysReturned(fixture, variant, "key from a sequence, n auto-increment");
            Rows.assertSame(fixture.oldDb, "SELECT id, code, qty, n FROM orders WHERE id > 3 ORDER BY id",
                    fixture.newDb, "SELECT id, code, quantity AS qty, n FROM orders_v2 WHERE id > 3 ORDER BY id");
        }
    }

    // ---------------------------------------------------------------- the rows' own phases

    // Input: orders mapped with the key as order id and code as merchant id; the system phase OLD_ONLY, order 101
    // switched to DUAL_WRITE, no context open: the insert's first row names merchant 'x' (OLD_ONLY), so it mirrors
    // only the rows whose own order mirrors, found by their generated keys. INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3) gets 100,
    // 101, 102: row 101 must reach the new store, whose key the driver does not report (it reports 100 only).
    @ParameterizedTest(name = "{0}")
    @MethodSource("singleStatementVariants")
    void multiRowInsertWhoseLaterRowsOrderMirrorsSyncsThatRow(Variant variant) throws SQLException {
        TableMapping byOrder = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .orderIdColumn("id").merchantIdColumn("code").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).phase(MigrationPhase.OLD_ONLY)
                .mappings(byOrder).build()) {
            fixture.switches.setOrderPhase(Fixture.MIGRATION, "101", MigrationPhase.DUAL_WRITE);
            fixture.onOld(DDL);
            fixture.onOld(SEED);
            fixture.onNew(Mirrored.NEW);
            Script script = (connection, lines) -> write(connection, variant,
                    "INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2), ('z', 3)", lines);
            List<String> plain = new ArrayList<>();
            try (TestDatabase other = TestDatabases.create(Kind.MARIADB)) {
                other.execute(DDL);
                other.execute(SEED);
                run(other.dataSource(), variant, script, plain);
            }
            List<String> out = new ArrayList<>();
            run(fixture.dataSource, variant, script, out);
            assertThat(out).as("what the caller saw, against plain JDBC").isEqualTo(plain);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(fixture.scopedResyncs().isEmpty()
                            ? Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")
                            : List.of(Rows.expected("id", 101, "code", "y", "qty", 2)))
                            .as("row 101 on the new store, or a resync of orders recorded")
                            .containsExactly(Rows.expected("id", 101, "code", "y", "qty", 2)));
            System.out.println("MULTIKEYS by generated key [" + variant + "]: " + fixture.recordKeys());
        }
    }

    // ---------------------------------------------------------------- batches of several entries

    // Input: a prepared batch of two-row INSERT IGNOREs, ('x', 'a') and ('y', 'z'), asking for keys, then the gap
    // (101) filled: the first entry's second row is skipped.
    @Test
    void batchOfInsertIgnoresWithASkippedRowMirrorsEveryRow() throws SQLException {
        for (boolean autoCommit : new boolean[] {true, false}) {
            Variant variant = new Variant(autoCommit, true, true, true);
            check("batch of ignores", variant, NONE, (connection, out) -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT IGNORE INTO orders (code, qty) VALUES (?, 1), (?, 2)", Statement.RETURN_GENERATED_KEYS)) {
                    insert.setString(1, "x");
                    insert.setString(2, "a");
                    insert.addBatch();
                    insert.setString(1, "y");
                    insert.setString(2, "z");
                    insert.addBatch();
                    out.add("counts " + java.util.Arrays.toString(insert.executeBatch()));
                    out.add("keys " + keys(insert));
                }
                out.add("filler " + PlainJdbc.update(connection, "INSERT INTO orders (id, code, qty) VALUES (101, 'f', 9)"));
            }).close();
        }
    }

    // ---------------------------------------------------------------- concurrency

    // Input: four sessions through the data source, two running INSERT … SELECT of five rows and two inserting
    // single rows and three-row VALUES lists, 20 rounds each, in auto-commit and in transactions.
    @Test
    void concurrentBulkAndSingleRowInsertsMirrorEveryRow() throws Exception {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld(DDL);
            fixture.onOld(SEED);
            fixture.onOld("CREATE TABLE src (n INT PRIMARY KEY)", "INSERT INTO src VALUES (1), (2), (3), (4), (5)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int worker = 0; worker < 4; worker++) {
                    int w = worker;
                    done.add(pool.submit(() -> {
                        for (int round = 0; round < 20; round++) {
                            try (Connection connection = fixture.dataSource.getConnection()) {
                                connection.setAutoCommit(round % 2 == 0);
                                try (Statement statement = connection.createStatement()) {
                                    String tag = w + "-" + round;
                                    if (w < 2) {
                                        statement.executeUpdate("INSERT INTO orders (code, qty) SELECT CONCAT('s" + tag
                                                + "-', n), n FROM src");
                                    } else if (round % 3 == 0) {
                                        statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('v" + tag
                                                + "-1', 1), ('v" + tag + "-2', 2), ('v" + tag + "-3', 3)");
                                    } else {
                                        statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('o" + tag + "', 1)");
                                    }
                                }
                                if (!connection.getAutoCommit()) {
                                    connection.commit();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(3 + 2 * 20 * 5 + 2 * (7 * 3 + 13));
            assertMirroredOrRecorded(fixture, "concurrent bulk and single inserts");
            assertExact(fixture, "concurrent bulk and single inserts");
        }
    }

    // Input: the old store on a server with innodb_autoinc_lock_mode = 2 (interleaved, MySQL 8's default): two
    // sessions run INSERT … SELECT of 20 rows while two insert single rows and three-row VALUES lists, 15 rounds
    // each. A bulk insert's rows need not get one run of keys, so keys derived from its first would name other
    // sessions' rows; each bulk insert resyncs its table instead, and the VALUES lists (one reservation each) keep
    // their derived keys.
    @Test
    void concurrentBulkInsertsUnderInterleavedLockModeResyncInsteadOfDerivingKeys() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadbInterleaved(); TestDatabase newDb = TestDatabases.create(Kind.MARIADB);
             Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).on(oldDb, newDb).build()) {
            assertThat(oldDb.query("SELECT @@innodb_autoinc_lock_mode AS mode").get(0).get("mode").toString()).isEqualTo("2");
            fixture.onOld(DDL);
            fixture.onOld(SEED);
            fixture.onOld("CREATE TABLE src (n INT PRIMARY KEY)");
            StringBuilder values = new StringBuilder();
            for (int n = 1; n <= 20; n++) {
                values.append(n == 1 ? "" : ", ").append('(').append(n).append(')');
            }
            fixture.onOld("INSERT INTO src VALUES " + values);
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");
            int rounds = 15;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int worker = 0; worker < 4; worker++) {
                    int w = worker;
                    done.add(pool.submit(() -> {
                        for (int round = 0; round < rounds; round++) {
                            try (Connection connection = fixture.dataSource.getConnection();
                                 Statement statement = connection.createStatement()) {
                                String tag = w + "-" + round;
                                if (w < 2) {
                                    statement.executeUpdate("INSERT INTO orders (code, qty) SELECT CONCAT('s" + tag
                                            + "-', n), n FROM src");
                                } else if (round % 2 == 0) {
                                    statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('v" + tag
                                            + "-1', 1), ('v" + tag + "-2', 2), ('v" + tag + "-3', 3)");
                                } else {
                                    statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('o" + tag + "', 1)");
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(3 + 2L * rounds * 20 + 2L * (8 * 3 + 7));
            assertMirroredOrRecorded(fixture, "interleaved bulk inserts");
            assertThat(fixture.dataSource.scopedResyncCount()).as("one scoped resync per bulk insert")
                    .isEqualTo(2L * rounds);
        }
    }

    /**
     * Where the driver returns keys (not a plain {@code Statement} batch, which never does), the keys are known: the
     * stores are equal and nothing was resynced.
     */
    private static void assertExactWhenKeysReturned(Fixture fixture, Variant variant, String label) {
        if (!(variant.batch() && !variant.prepared())) {
            assertExact(fixture, label + " [" + variant + "]");
        }
    }
}
