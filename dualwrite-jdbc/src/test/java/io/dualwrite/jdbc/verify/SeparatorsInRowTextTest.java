package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each database renders a row as one text, its cells joined by {@code |}, and compares the hashes of those texts. A
 * cell must therefore say where it ends whatever it holds: a text cell is written as its length in UTF-8 bytes,
 * {@code :}, and the text. Before, {@code ~} and {@code |} were escaped by {@code REPLACE}, which MySQL/MariaDB run
 * in time quadratic in the text's length when the characters are dense (300 rows of 40 KB took over 13 minutes).
 * These tests plant values that move a separator, a length or a null mark from one cell to the next, values whose
 * byte length differs from their character length on every product, and long texts dense in the characters the old
 * escaping rewrote; each ends with a repair and a comparison of the stores' rows by plain JDBC.
 */
class SeparatorsInRowTextTest {

    private static final TableMapping T = TableMapping.identity("t");

    static List<Arguments> pairs() {
        return List.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.POSTGRES, Kind.POSTGRES),
                Arguments.of(Kind.MARIADB, Kind.MARIADB), Arguments.of(Kind.MARIADB, Kind.POSTGRES),
                Arguments.of(Kind.H2, Kind.POSTGRES), Arguments.of(Kind.POSTGRES, Kind.MARIADB));
    }

    private static String text(Kind kind) {
        return kind == Kind.MARIADB ? "TEXT CHARACTER SET utf8mb4" : kind == Kind.POSTGRES ? "text" : "VARCHAR(100000)";
    }

    private static String key(Kind kind) {
        return kind == Kind.MARIADB ? "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "VARCHAR(20)";
    }

    // Input: rows whose two cells, joined, read alike unless each cell is delimited: ('a|','b') against ('a','|b'),
    //   a text that spells the null mark against NULL, a text that spells a length prefix, a text that spells a
    //   separator and a length ('x|2:yy'), an empty text against NULL; and equal rows of characters of one, two,
    //   three and four UTF-8 bytes (byte and character counts differ on every product, and H2 counts characters in
    //   UTF-16 units). Only the planted rows are reported, with both columns.
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void aSeparatorOrLengthMovedBetweenCellsIsADifferenceAndEqualMultiByteTextsAreNot(Kind oldKind, Kind newKind)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + text(oldKind) + ", b " + text(oldKind) + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + text(newKind) + ", b " + text(newKind) + ")");
            String[][] oldRows = {
                {"a|", "b"}, {"~n", null}, {"3:abc", ""}, {"x|2:yy", "z"}, {"", null},
                {"é|😀", "中~文"}, {"|||", "~~~"}, {"1:", ":1"},
            };
            String[][] newRows = {
                {"a", "|b"}, {null, "~n"}, {"", "3:abc"}, {"x", "2:yy|z"}, {null, ""},
                {"é|😀", "中~文"}, {"|||", "~~~"}, {"1:", ":1"},
            };
            insert(old, oldRows);
            insert(fresh, newRows);

            reportsExactlyThenRepairs(old, fresh, tuple(RowDifference.Kind.DIFFERENT, "1", List.of("a", "b")),
                    tuple(RowDifference.Kind.DIFFERENT, "2", List.of("a", "b")),
                    tuple(RowDifference.Kind.DIFFERENT, "3", List.of("a", "b")),
                    tuple(RowDifference.Kind.DIFFERENT, "4", List.of("a", "b")),
                    tuple(RowDifference.Kind.DIFFERENT, "5", List.of("a", "b")));
        }
    }

    // Input: a composite text key whose parts move a separator ('a|','b') and ('a','|b'), both rows in the old
    //   store, only the second in the new: one row is missing, the other matched, on every pair of products.
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void compositeKeysThatDifferOnlyByWhereTheSeparatorFallsStayTwoRows(Kind oldKind, Kind newKind) throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("k1", "k2").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                Kind kind = db == old ? oldKind : newKind;
                db.execute("CREATE TABLE t (k1 " + key(kind) + " NOT NULL, k2 " + key(kind) + " NOT NULL, v INT, "
                        + "PRIMARY KEY (k1, k2))");
            }
            old.execute("INSERT INTO t VALUES ('a|', 'b', 1)", "INSERT INTO t VALUES ('a', '|b', 2)");
            fresh.execute("INSERT INTO t VALUES ('a', '|b', 2)");

            TableReport report = verify(old, fresh, mapping);

            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind)
                    .containsExactly(RowDifference.Kind.MISSING_IN_NEW);
            repair(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT k1, k2, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT k1, k2, v FROM t ORDER BY v"));
        }
    }

    // Input: 60 rows of two 40 KB texts in which every other character is '|' or '~' (what the REPLACE escaping
    //   rewrote, at a cost quadratic in the text on MySQL/MariaDB), one character changed in the middle of one row
    //   and one row missing in the new store: exactly those two rows are reported, and the repair converges.
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void longTextsDenseInSeparatorsAreComparedExactly(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            String longText = oldKind == Kind.MARIADB ? "MEDIUMTEXT CHARACTER SET utf8mb4" : text(oldKind);
            String newLongText = newKind == Kind.MARIADB ? "MEDIUMTEXT CHARACTER SET utf8mb4" : text(newKind);
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + longText + ", b " + longText + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + newLongText + ", b " + newLongText + ")");
            Random random = new Random(20261206L);
            String[][] rows = new String[60][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new String[] {dense(random), dense(random)};
            }
            insert(old, rows);
            String[][] changed = Arrays.stream(rows).map(String[]::clone).toArray(String[][]::new);
            char[] middle = changed[17][1].toCharArray();
            middle[20_001] = middle[20_001] == '|' ? '~' : '|';
            changed[17][1] = new String(middle);
            insert(fresh, changed);
            fresh.execute("DELETE FROM t WHERE id = 42");

            reportsExactlyThenRepairs(old, fresh, tuple(RowDifference.Kind.DIFFERENT, "18", List.of("b")),
                    tuple(RowDifference.Kind.MISSING_IN_NEW, "42", List.of()));
        }
    }

    // Input: a PostgreSQL database whose server encoding is LATIN1 (each of 'é', 'ß', 'ÿ' one byte there, two in
    //   UTF-8) against MariaDB utf8mb4 and against a UTF-8 PostgreSQL, both directions: equal texts are no
    //   difference (a cell's length is its UTF-8 length on every store, whatever the server's encoding), and one
    //   changed character and one missing row are.
    @ParameterizedTest(name = "{0}")
    @MethodSource("latin1Pairs")
    void aPostgresDatabaseInLatin1ComparesTextsByValue(String pair) throws Exception {
        boolean latin1IsOld = pair.startsWith("latin1");
        Kind other = pair.contains("mariadb") ? Kind.MARIADB : Kind.POSTGRES;
        try (TestDatabase latin1 = latin1IsOld ? schema(TestDatabases.postgresEncoded("LATIN1"))
                : TestDatabases.postgresEncoded("LATIN1");
             TestDatabase utf8 = latin1IsOld ? TestDatabases.create(other) : TestDatabases.createWithDualWriteSchema(other)) {
            TestDatabase old = latin1IsOld ? latin1 : utf8;
            TestDatabase fresh = latin1IsOld ? utf8 : latin1;
            latin1.execute("CREATE TABLE t (id INT PRIMARY KEY, a text, b varchar(20))");
            utf8.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + text(other) + ", b " + text(other) + ")");
            String[][] rows = {{"é|ß", "ÿ"}, {"Zoë", "naïve"}, {"plain", "ascii"}, {"ü~", "|ö"}};
            insert(old, rows);
            String[][] changed = Arrays.stream(rows).map(String[]::clone).toArray(String[][]::new);
            changed[1][1] = "naive";
            insert(fresh, changed);
            fresh.execute("DELETE FROM t WHERE id = 4");

            reportsExactlyThenRepairs(old, fresh, tuple(RowDifference.Kind.DIFFERENT, "2", List.of("b")),
                    tuple(RowDifference.Kind.MISSING_IN_NEW, "4", List.of()));
        }
    }

    static List<String> latin1Pairs() {
        return List.of("latin1 -> mariadb", "mariadb -> latin1", "latin1 -> postgres", "postgres -> latin1");
    }

    private static TestDatabase schema(TestDatabase db) throws Exception {
        io.dualwrite.jdbc.schema.DualWriteSchema.create(db.dataSource());
        return db;
    }

    /**
     * Verifies table t (a, b), asserts the report lists exactly {@code expected} (kind, key, columns) in order, repairs
     * it, and compares the two stores' rows by plain JDBC.
     */
    private static void reportsExactlyThenRepairs(TestDatabase old, TestDatabase fresh, Tuple... expected)
            throws Exception {
        TableReport report = verify(old, fresh, T);
        assertThat(report.differences()).as(report.toText())
                .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                .containsExactly(expected);
        repair(old, fresh, T);
        assertThat(rows(fresh, "SELECT id, a, b FROM t ORDER BY id"))
                .isEqualTo(rows(old, "SELECT id, a, b FROM t ORDER BY id"));
    }

    /** 40,000 characters, every other one '|' or '~' and the rest letters and digits. */
    private static String dense(Random random) {
        StringBuilder text = new StringBuilder(40_000);
        while (text.length() < 40_000) {
            text.append(random.nextBoolean() ? '|' : '~').append((char) ('0' + random.nextInt(43)));
        }
        return text.toString();
    }

    /** Rows 1, 2, … of {@code rows}, each {a, b}. */
    private static void insert(TestDatabase db, String[][] rows) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows.length; i++) {
                insert.setInt(1, i + 1);
                insert.setString(2, rows[i][0]);
                insert.setString(3, rows[i][1]);
                insert.executeUpdate();
            }
        }
    }
}
