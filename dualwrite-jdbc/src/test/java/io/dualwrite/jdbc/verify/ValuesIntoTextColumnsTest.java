package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfill;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values of other types copied into a text column of the new store. Bound as a boolean, each target spelt it its own
 * way (H2 {@code TRUE}, PostgreSQL {@code true}, MariaDB {@code 1}) while verification expected {@code 1}: on H2 and
 * PostgreSQL every copied row was reported on every run, and repair, copying the same way, never converged. The
 * copier now writes the boolean's text ({@code true}/{@code false}; {@code 1}/{@code 0} on MySQL/MariaDB, whose
 * booleans are those numbers) and verification expects just that. A {@code REAL}/{@code DOUBLE} fared alike: H2 wrote
 * {@code 1.0E20}, PostgreSQL {@code 1e+20}, MariaDB {@code 1e20} and {@code 0.0000001}, verification expected the
 * number's exact binary value in plain digits, and most rows were reported on every run; the copier now writes the
 * shortest decimal of the number's precision in plain digits ({@code ColumnText}) and verification expects it. A
 * PostgreSQL array is written as the server's text and was compared as its elements (every row reported); an H2
 * array was written as H2's {@code [1, 2, 3]} or refused by PostgreSQL with the whole chunk, unnamed: it is refused
 * by name now. Bytes fared worst: H2 and MariaDB decoded them as text (00 ff became a NUL and U+FFFD, UTF-8 bytes were
 * stored again as Latin-1 characters), PostgreSQL wrote {@code \x616263}; they are refused by name until a transformer
 * says what they become. A MySQL/MariaDB {@code BIT(n)} is written as the number it holds, which verification
 * compared as its binary digits. The new store is read by the test's own SQL.
 */
class ValuesIntoTextColumnsTest {

    private static final TableMapping T = TableMapping.builder("t").primaryKey("id").build();

    private static final String ROWS = "SELECT id, v FROM t ORDER BY id";

    /** What a test does with both stores after {@link #copiedClean}. */
    @FunctionalInterface
    private interface Afterwards {
        void with(TestDatabase old, TestDatabase fresh) throws Exception;
    }

    /**
     * t (id, v) with v of {@code oldType} holding {@code values} (the text after {@code INSERT INTO t VALUES}) on a new
     * old store and v of {@code newType} on a new store, backfilled through {@code mapping}; asserts that the new store
     * holds {@code expected} ({@code sql}'s rows, read by the test) and that verification is clean, then runs
     * {@code afterwards}.
     */
    private static void copiedClean(Kind oldKind, String oldType, String values, Kind newKind, String newType,
                                    TableMapping mapping, String sql, List<String> expected, Afterwards afterwards)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + oldType + ")", "INSERT INTO t VALUES " + values);
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + newType + ")");
            backfill(old, fresh, mapping);
            assertThat(rows(fresh, sql)).containsExactlyElementsOf(expected);
            ToolsBreakSupport.assertClean(verify(old, fresh, mapping));
            afterwards.with(old, fresh);
        }
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(Kind.H2, "BOOLEAN", Kind.H2, "VARCHAR(10)", ROWS, "true", "false"),
                Arguments.of(Kind.POSTGRES, "boolean", Kind.H2, "VARCHAR(10)", ROWS, "true", "false"),
                Arguments.of(Kind.POSTGRES, "boolean", Kind.POSTGRES, "text", ROWS, "true", "false"),
                Arguments.of(Kind.H2, "BOOLEAN", Kind.POSTGRES, "varchar(8)", ROWS, "true", "false"),
                Arguments.of(Kind.MARIADB, "BIT(1)", Kind.POSTGRES, "text", ROWS, "true", "false"),
                Arguments.of(Kind.MARIADB, "BIT(1)", Kind.H2, "CLOB", "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id", "true", "false"),
                Arguments.of(Kind.POSTGRES, "boolean", Kind.MARIADB, "VARCHAR(10)", ROWS, "1", "0"),
                Arguments.of(Kind.H2, "BOOLEAN", Kind.MARIADB, "TEXT", ROWS, "1", "0"));
    }

    @ParameterizedTest(name = "{0} {1} into {2} {3}")
    @MethodSource("pairs")
    void aBooleanIsWrittenAsItsTextVerifiesCleanAndAChangedTextIsStillReportedAndRepaired(
            Kind oldKind, String oldType, Kind newKind, String newType, String sql, String yes, String no)
            throws Exception {
        String values = oldType.startsWith("BIT") ? "(1, b'1'), (2, b'0'), (3, NULL)" : "(1, TRUE), (2, FALSE), (3, NULL)";
        copiedClean(oldKind, oldType, values, newKind, newType, T, sql, List.of("1 " + yes, "2 " + no, "3 null"),
                (old, fresh) -> {
                    // a real difference still counts: another text, and another spelling of the same truth
                    fresh.execute("UPDATE t SET v = '" + no + "' WHERE id = 1", "UPDATE t SET v = 'TRUE ' WHERE id = 2");
                    assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key)
                            .containsExactlyInAnyOrder("1", "2");
                    repair(old, fresh, T);
                    assertThat(rows(fresh, sql)).containsExactly("1 " + yes, "2 " + no, "3 null");
                });
    }

    /** A boolean whose text is longer than a text column holds is refused by name, not stored cut or refused unnamed. */
    @ParameterizedTest(name = "into {0}")
    @MethodSource("shortColumns")
    void aBooleanWhoseTextTheColumnCannotHoldIsRefusedByName(Kind newKind, String newType) throws Exception {
        ToolsBreakSupport.refusedByName(ToolsBreakSupport.column(Kind.POSTGRES, "boolean"), "(1, TRUE), (2, NULL)",
                ToolsBreakSupport.column(newKind, newType), ToolsBreakSupport.refused("1", "true"),
                ROWS, List.of("2 null"));
    }

    static Stream<Arguments> shortColumns() {
        return Stream.of(Arguments.of(Kind.H2, "VARCHAR(3)"), Arguments.of(Kind.POSTGRES, "varchar(2)"));
    }

    static Stream<Arguments> floatingPairs() {
        return Stream.of(
                Arguments.of(Kind.H2, "DOUBLE PRECISION", Kind.H2, "VARCHAR(40)"),
                Arguments.of(Kind.H2, "REAL", Kind.POSTGRES, "text"),
                Arguments.of(Kind.POSTGRES, "double precision", Kind.POSTGRES, "text"),
                Arguments.of(Kind.POSTGRES, "real", Kind.H2, "VARCHAR(40)"),
                Arguments.of(Kind.POSTGRES, "double precision", Kind.MARIADB, "VARCHAR(40)"),
                Arguments.of(Kind.MARIADB, "DOUBLE", Kind.POSTGRES, "varchar(40)"),
                Arguments.of(Kind.MARIADB, "FLOAT", Kind.H2, "VARCHAR(40)"));
    }

    @ParameterizedTest(name = "{0} {1} into {2} {3}")
    @MethodSource("floatingPairs")
    void aFloatingPointNumberIsWrittenAsItsShortestDecimalAndVerifiesClean(Kind oldKind, String oldType, Kind newKind,
                                                                          String newType) throws Exception {
        boolean single = oldType.equalsIgnoreCase("real") || oldType.equals("FLOAT");
        copiedClean(oldKind, oldType, "(1, 1e20), (2, 1.5), (3, 0.1), (4, 1e-7), (5, 0), (6, 123456789.125),"
                        + " (7, -3.3), (8, 100), (9, NULL)", newKind, newType, T, ROWS,
                List.of("1 100000000000000000000", "2 1.5", "3 0.1", "4 0.0000001", "5 0",
                        single ? "6 123456790" : "6 123456789.125", "7 -3.3", "8 100", "9 null"),
                (old, fresh) -> {
                    // another spelling of the same number, and another number, are differences the repair writes back
                    fresh.execute("UPDATE t SET v = '1e+20' WHERE id = 1", "UPDATE t SET v = '0.2' WHERE id = 3");
                    assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key)
                            .containsExactlyInAnyOrder("1", "3");
                    repair(old, fresh, T);
                    assertThat(rows(fresh, "SELECT id, v FROM t WHERE id IN (1, 3) ORDER BY id"))
                            .containsExactly("1 100000000000000000000", "3 0.1");
                });
    }

    /** A floating-point number whose text a short column cannot hold is refused by name. */
    @ParameterizedTest(name = "into {0}")
    @MethodSource("shortFloatColumns")
    void aFloatingPointNumberWhoseTextTheColumnCannotHoldIsRefusedByName(Kind newKind, String newType) throws Exception {
        ToolsBreakSupport.refusedByName(ToolsBreakSupport.column(Kind.POSTGRES, "double precision"),
                "(1, 1e20), (2, 1.5)", ToolsBreakSupport.column(newKind, newType),
                ToolsBreakSupport.refused("1", "1.0E20"), ROWS,
                List.of("2 1.5"));
    }

    static Stream<Arguments> shortFloatColumns() {
        return Stream.of(Arguments.of(Kind.H2, "VARCHAR(3)"), Arguments.of(Kind.POSTGRES, "varchar(4)"),
                Arguments.of(Kind.MARIADB, "VARCHAR(5)"));
    }

    static Stream<Arguments> pgArrayTargets() {
        return Stream.of(Arguments.of(Kind.POSTGRES, "text"), Arguments.of(Kind.H2, "VARCHAR(40)"),
                Arguments.of(Kind.MARIADB, "VARCHAR(40)"));
    }

    @ParameterizedTest(name = "into {0} {1}")
    @MethodSource("pgArrayTargets")
    void aPostgresArrayIsWrittenAsTheServersTextAndVerifiesClean(Kind newKind, String newType) throws Exception {
        copiedClean(Kind.POSTGRES, "text[]", "(1, '{1,2,3}'), (2, '{}'), (3, '{\"a b\",NULL,c}'), (4, '[0:1]={5,6}'),"
                        + " (5, NULL)", newKind, newType, T, ROWS,
                List.of("1 {1,2,3}", "2 {}", "3 {\"a b\",NULL,c}", "4 [0:1]={5,6}", "5 null"), (old, fresh) -> {
                    fresh.execute("UPDATE t SET v = '{1,2}' WHERE id = 1");
                    assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key).containsExactly("1");
                    repair(old, fresh, T);
                    assertThat(rows(fresh, "SELECT id, v FROM t WHERE id = 1")).containsExactly("1 {1,2,3}");
                });
    }

    @ParameterizedTest(name = "into {0} {1}")
    @MethodSource("shortFloatColumns")
    void anH2ArrayIntoATextColumnIsRefusedByName(Kind newKind, String newType) throws Exception {
        ToolsBreakSupport.refusedByName(ToolsBreakSupport.column(Kind.H2, "INTEGER ARRAY"),
                "(1, ARRAY[1, 2]), (2, NULL)", ToolsBreakSupport.column(newKind, newType.replaceAll("\\d+", "40")),
                ToolsBreakSupport.refused("1", "[1, 2]"), ROWS, List.of("2 null"));
    }

    static Stream<Arguments> bytesIntoText() {
        return Stream.of(
                Arguments.of(Kind.POSTGRES, "bytea", "'\\x616263'", Kind.POSTGRES, "text"),
                Arguments.of(Kind.POSTGRES, "bytea", "'\\x616263'", Kind.H2, "VARCHAR(40)"),
                Arguments.of(Kind.MARIADB, "VARBINARY(20)", "'abc'", Kind.MARIADB, "VARCHAR(20)"),
                Arguments.of(Kind.MARIADB, "BLOB", "'abc'", Kind.POSTGRES, "text"),
                Arguments.of(Kind.H2, "VARBINARY(20)", "X'616263'", Kind.H2, "CLOB"),
                Arguments.of(Kind.H2, "VARBINARY(20)", "X'616263'", Kind.MARIADB, "TEXT"));
    }

    @ParameterizedTest(name = "{0} {1} into {3} {4}")
    @MethodSource("bytesIntoText")
    void bytesIntoATextColumnAreRefusedByNameAndCopiedWithATransformer(Kind oldKind, String oldType, String abc,
                                                                       Kind newKind, String newType) throws Exception {
        String text = newType.equals("CLOB") ? "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id"
                : ROWS;
        ToolsBreakSupport.refusedByName(ToolsBreakSupport.column(oldKind, oldType), "(1, " + abc + "), (2, NULL)",
                ToolsBreakSupport.column(newKind, newType), ToolsBreakSupport.refused("1", "616263"), text,
                List.of("2 null"));

        // what the team says the bytes are (here their UTF-8 text) is copied, and verifies clean
        TableMapping decoded = TableMapping.builder("t").primaryKey("id")
                .transform("v", bytes -> bytes == null ? null
                        : new String((byte[]) bytes, java.nio.charset.StandardCharsets.UTF_8))
                .build();
        copiedClean(oldKind, oldType, "(1, " + abc + "), (2, NULL)", newKind, newType, decoded, text,
                List.of("1 abc", "2 null"), (old, fresh) -> { });
    }

    @ParameterizedTest(name = "into {0} {1}")
    @MethodSource("pgArrayTargets")
    void aMariadbBitNumberIsWrittenAsTheNumberItHoldsAndVerifiesClean(Kind newKind, String newType) throws Exception {
        copiedClean(Kind.MARIADB, "BIT(64)", "(1, b'101'), (2, b'0'), (3, 18446744073709551615), (4, NULL)", newKind,
                newType, T, ROWS, List.of("1 5", "2 0", "3 18446744073709551615", "4 null"), (old, fresh) -> {
                    fresh.execute("UPDATE t SET v = '101' WHERE id = 1");
                    assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key).containsExactly("1");
                });
    }
}
