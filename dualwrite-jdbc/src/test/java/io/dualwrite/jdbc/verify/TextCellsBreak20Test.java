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
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 20 against the verification's text cells, each written as its length in UTF-8 bytes, {@code :}, and the
 * text, inside the row text each database hashes: texts whose byte, character and UTF-16 counts differ, in MariaDB
 * columns of other character sets ({@code latin1}, {@code ucs2}, {@code utf16}, {@code utf32}, {@code ascii}), padded
 * {@code CHAR}s, {@code ENUM} labels, H2 {@code CLOB}s and {@code VARCHAR_IGNORECASE}, a PostgreSQL database in
 * {@code SQL_ASCII}, texts holding NUL, and H2 texts holding half of a surrogate pair. Each test plants equal rows
 * (no false difference) and changed ones (no missed difference), and ends with the repair and a comparison of the
 * stores' rows by plain JDBC.
 */
class TextCellsBreak20Test {

    private static final TableMapping T = TableMapping.identity("t");

    private static final String[] TEXTS = {"é", "Zoë€", "a b", "中文", "e\u0301", "😀|~", "ÿ", "x"};

    // Input: equal texts of one- to four-byte characters, a combining accent, '|' and '~', in a MariaDB column of
    //   another character set or a padded CHAR against PostgreSQL, H2 or MariaDB, one character changed in row 2
    //   (held: only row 2 is reported).
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB | VARCHAR(20) CHARACTER SET latin1 | POSTGRES | text",
        "MARIADB | VARCHAR(20) CHARACTER SET latin1 | MARIADB | VARCHAR(20) CHARACTER SET utf8mb4",
        "MARIADB | VARCHAR(20) CHARACTER SET ucs2 | POSTGRES | text",
        "MARIADB | VARCHAR(20) CHARACTER SET utf16 | MARIADB | VARCHAR(20) CHARACTER SET utf32",
        "MARIADB | CHAR(6) CHARACTER SET utf8mb4 | POSTGRES | char(6)",
        "MARIADB | CHAR(6) CHARACTER SET utf16 | H2 | CHAR(6)",
        "H2 | CHAR(6) | POSTGRES | varchar(20)",
        "H2 | VARCHAR_IGNORECASE(20) | MARIADB | VARCHAR(20) CHARACTER SET utf8mb4",
        "H2 | CLOB | MARIADB | TEXT CHARACTER SET utf32",
        "POSTGRES | text | H2 | CLOB",
        "MARIADB | TINYTEXT CHARACTER SET utf8mb4 | POSTGRES | text",
    })
    void equalTextsAreNoDifferenceAndOneChangedCharacterIs(Kind oldKind, String oldType, Kind newKind, String newType)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + oldType + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + newType + ")");
            boolean noBeyondBasic = (oldType + newType).contains("latin1") || (oldType + newType).contains("ucs2");
            String[] texts = TEXTS.clone();
            if (noBeyondBasic) {
                texts[5] = "ü|~";
                texts[3] = (oldType + newType).contains("latin1") ? "ßß" : texts[3];
                texts[4] = (oldType + newType).contains("latin1") ? "e´" : texts[4];
            }
            insert(old, texts);
            String[] changed = texts.clone();
            changed[1] = changed[1].replace('ë', 'e');
            insert(fresh, changed);
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
            repair(old, fresh, T);
            assertThat(rows(fresh, compare(newKind))).isEqualTo(rows(old, compare(oldKind)));
        }
    }

    /** The rows of t by plain JDBC, a CHAR's padding cut and an H2 CLOB read as its text. */
    private static String compare(Kind kind) {
        return "SELECT id, RTRIM(" + (kind == Kind.H2 ? "CAST(a AS VARCHAR(100))" : "a") + ") FROM t ORDER BY id";
    }

    // Failed before its fix (H2 -> H2, H2 -> PostgreSQL, H2 -> MariaDB): H2 keeps a text holding half of a surrogate
    //   pair without its other half, and hashes a text's UTF-8 bytes, in which such a half is '?'. Old 'a' + U+D800
    //   against new 'a?', U+DC00 against '?', the halves of a pair swapped against '??', and (H2 -> H2) U+D800
    //   against U+DBFF: same hash, same length, verified CLEAN. Each is now reported; an equal lone half (H2 -> H2)
    //   and an equal 'x?' are not. The copier refuses a lone half for PostgreSQL and MariaDB, so there the old
    //   rows are then given whole characters before the repair.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"H2 | H2", "H2 | POSTGRES", "H2 | MARIADB"})
    void aLoneSurrogateIsNotTheQuestionMarkItEncodesTo(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20))");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + varchar(newKind) + ")");
            boolean h2 = newKind == Kind.H2;
            insert(old, h2 ? new String[] {"a\uD800", "\uDC00", "x?", "b\uDE00\uD83D", "\uD800", "q\uDFFF"}
                    : new String[] {"a\uD800", "\uDC00", "x?", "b\uDE00\uD83D"});
            insert(fresh, h2 ? new String[] {"a?", "?", "x?", "b??", "\uDBFF", "q\uDFFF"}
                    : new String[] {"a?", "?", "x?", "b??"});

            TableReport report = verify(old, fresh, T);

            List<Tuple> expected = new ArrayList<>(List.of(tuple(RowDifference.Kind.DIFFERENT, "1"),
                    tuple(RowDifference.Kind.DIFFERENT, "2"), tuple(RowDifference.Kind.DIFFERENT, "4")));
            if (h2) {
                expected.add(tuple(RowDifference.Kind.DIFFERENT, "5"));
            } else {
                old.execute("UPDATE t SET a = 'a😀' WHERE id = 1", "UPDATE t SET a = 'é' WHERE id = 2",
                        "UPDATE t SET a = 'b😀' WHERE id = 4");
            }
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactlyElementsOf(expected);
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, a FROM t ORDER BY id"));
        }
    }

    // Input: H2 -> H2 keyed by a text, old keys 'k' + U+D800 and 'm' + U+DC00 + 'n' against new 'k?' and 'm?n':
    //   two rows missing in the new store and two extra, not four equal rows.
    @Test
    void aLoneSurrogateInATextKeyIsAnotherKey() throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("k").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE t (k VARCHAR(20) PRIMARY KEY, v INT)");
            }
            keyed(old, "k\uD800", "m\uDC00n", "z");
            keyed(fresh, "k?", "m?n", "z");

            TableReport report = verify(old, fresh, mapping);

            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind)
                    .containsExactlyInAnyOrder(RowDifference.Kind.MISSING_IN_NEW, RowDifference.Kind.MISSING_IN_NEW,
                            RowDifference.Kind.EXTRA_IN_NEW, RowDifference.Kind.EXTRA_IN_NEW);
            repair(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT k, v FROM t ORDER BY v")).isEqualTo(rows(old, "SELECT k, v FROM t ORDER BY v"));
        }
    }

    // Input: a composite key (k1, k2) of texts of one- to four-byte characters, in chunks of two rows so that every
    //   key is a range bound: a MariaDB utf32 / ucs2 / utf8mb4 key, a PostgreSQL database in WIN1252 (whose byte
    //   order puts '€' (80) before 'é' (E9), the code points the other way) and H2 (UTF-16 order), against
    //   PostgreSQL and MariaDB; one row missing in the new store, one with its value changed.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "MARIADB VARCHAR(10) CHARACTER SET utf32 COLLATE utf32_bin ; POSTGRES text",
        "MARIADB VARCHAR(10) CHARACTER SET ucs2 COLLATE ucs2_bin ; POSTGRES text",
        "PGWIN1252 text ; MARIADB VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        "PGWIN1252 text ; POSTGRES text",
        "H2 VARCHAR(10) ; MARIADB VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        "MARIADB VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ; H2 VARCHAR(10)",
    })
    void compositeTextKeysOfMultiByteCharactersPairAcrossProducts(String oldSpec, String newSpec) throws Exception {
        TableMapping mapping = TableMapping.builder("t").primaryKey("k1", "k2").build();
        boolean narrow = (oldSpec + newSpec).contains("WIN1252") || (oldSpec + newSpec).contains("ucs2");
        String[] keys = narrow ? new String[] {"a", "é", "€", "Š", "Ÿ", "ÿ", "z", "~", "|"}
                : new String[] {"a", "é", "€", "中", "😀", "\uFF21", "e\u0301", "z", "|"};
        try (TestDatabase old = openSpec(oldSpec, true); TestDatabase fresh = openSpec(newSpec, false)) {
            old.execute("CREATE TABLE t (k1 " + typeOf(oldSpec) + " NOT NULL, k2 " + typeOf(oldSpec)
                    + " NOT NULL, v INT, PRIMARY KEY (k1, k2))");
            fresh.execute("CREATE TABLE t (k1 " + typeOf(newSpec) + " NOT NULL, k2 " + typeOf(newSpec)
                    + " NOT NULL, v INT, PRIMARY KEY (k1, k2))");
            int v = 0;
            for (String k1 : keys) {
                for (String k2 : new String[] {keys[(v * 7) % keys.length], keys[(v * 7 + 3) % keys.length]}) {
                    v++;
                    for (TestDatabase db : List.of(old, fresh)) {
                        if (db == fresh && k1.equals("€") && v % 2 == 1) {
                            continue; // missing in the new store
                        }
                        try (Connection connection = db.dataSource().getConnection();
                             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
                            insert.setString(1, k1);
                            insert.setString(2, k2);
                            insert.setInt(3, db == fresh && k1.equals("z") && v % 2 == 0 ? -v : v);
                            insert.executeUpdate();
                        }
                    }
                }
            }

            TableReport report = verify(old, fresh, mapping);

            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind)
                    .containsExactlyInAnyOrder(RowDifference.Kind.MISSING_IN_NEW, RowDifference.Kind.DIFFERENT);
            repair(old, fresh, mapping);
            assertThat(rows(fresh, "SELECT v, k1, k2 FROM t ORDER BY v")).isEqualTo(rows(old, "SELECT v, k1, k2 FROM t ORDER BY v"));
        }
    }

    // Failed before its fix: PostgreSQL's md5 of a text hashes the server encoding's bytes, so in a LATIN1 or WIN1252
    //   database every row holding an accented letter hashed apart from its equal copy in MariaDB or a UTF-8
    //   PostgreSQL (the cells' lengths were UTF-8's already): no difference was reported, but every such chunk was
    //   split down to its rows and all 60 rows of each store (120) were fetched into the JVM, where a clean table of short texts
    //   should fetch none. Now such a database hashes the row text's UTF-8 bytes; one changed row and one missing
    //   row are still found.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"LATIN1 -> MARIADB", "MARIADB -> LATIN1", "WIN1252 -> POSTGRES", "POSTGRES -> WIN1252"})
    void aPostgresDatabaseInASingleByteEncodingHashesRowsAsUtf8Does(String pair) throws Exception {
        String[] sides = pair.split(" -> ");
        boolean encodedOld = !sides[0].equals("MARIADB") && !sides[0].equals("POSTGRES");
        String encoding = encodedOld ? sides[0] : sides[1];
        Kind other = Kind.valueOf(encodedOld ? sides[1] : sides[0]);
        try (TestDatabase old = encodedOld ? openSpec("PG" + encoding + " text", true) : TestDatabases.createWithDualWriteSchema(other);
             TestDatabase fresh = encodedOld ? TestDatabases.create(other) : openSpec("PG" + encoding + " text", false)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + (db.kind() == Kind.MARIADB
                        ? "VARCHAR(20) CHARACTER SET utf8mb4" : "varchar(20)") + ")");
            }
            String[] texts = new String[60];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = (encoding.equals("WIN1252") ? "€Š" : "ÿß") + "é" + i + "|";
            }
            insert(old, texts);
            String[] equal = texts.clone();
            insert(fresh, equal);
            TableReport clean = verifyInLargeChunks(old, fresh);
            assertThat(clean.differences()).as(clean.toText()).isEmpty();
            assertThat(clean.rowsFetched()).as(clean.toText()).isZero();

            fresh.execute("UPDATE t SET a = 'e' WHERE id = 7", "DELETE FROM t WHERE id = 30");
            TableReport report = verifyInLargeChunks(old, fresh);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "7"), tuple(RowDifference.Kind.MISSING_IN_NEW, "30"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, a FROM t ORDER BY id"));
        }
    }

    private static TableReport verifyInLargeChunks(TestDatabase old, TestDatabase fresh) throws Exception {
        return ToolsBreakSupport.verifier(old, fresh).verify(VerificationJob.builder("t").table(T).build()).tables().get(0);
    }

    private static String typeOf(String spec) {
        return spec.substring(spec.indexOf(' ') + 1);
    }

    private static TestDatabase openSpec(String spec, boolean old) throws Exception {
        String name = spec.substring(0, spec.indexOf(' '));
        if (name.equals("PGUTF8")) {
            return old ? TestDatabases.createWithDualWriteSchema(Kind.POSTGRES) : TestDatabases.create(Kind.POSTGRES);
        }
        if (name.startsWith("PG")) {
            TestDatabase db = TestDatabases.postgresEncoded(name.substring(2));
            if (old) {
                io.dualwrite.jdbc.schema.DualWriteSchema.create(db.dataSource());
            }
            return db;
        }
        return old ? TestDatabases.createWithDualWriteSchema(Kind.valueOf(name)) : TestDatabases.create(Kind.valueOf(name));
    }

    private static void keyed(TestDatabase db, String... keys) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = 0; i < keys.length; i++) {
                insert.setString(1, keys[i]);
                insert.setInt(2, i + 1);
                insert.executeUpdate();
            }
        }
    }

    // Input: texts holding NUL ('a' NUL 'b', NUL against two NULs, 'é' NUL against 'é') between H2 and MariaDB
    //   (held: the NULs count in the length and the hash on both products).
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"H2 | MARIADB", "MARIADB | H2", "MARIADB | MARIADB"})
    void textsWithNulCompareExactly(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + varchar(oldKind) + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + varchar(newKind) + ")");
            insert(old, new String[] {"a\0b", "\0", "é\0", "x"});
            insert(fresh, new String[] {"a\0b", "\0\0", "é", "x"});
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"), tuple(RowDifference.Kind.DIFFERENT, "3"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, a FROM t ORDER BY id"));
        }
    }

    // Input: MariaDB ENUMs of non-ASCII labels (utf8mb4 and latin1) against PostgreSQL text, an ascii column, and
    //   a PostgreSQL database in SQL_ASCII both ways; row 2 changed (held).
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = ';', value = {
        "MARIADB ; ENUM('é','Zoë€','中文','😀|~','x','ÿ','a b','q') CHARACTER SET utf8mb4 ; POSTGRES ; text",
        "MARIADB ; ENUM('é','Zoë€','ßß','ü|~','x','ÿ','a b','q') CHARACTER SET latin1 ; POSTGRES ; text",
        "MARIADB ; VARCHAR(20) CHARACTER SET ascii ; POSTGRES ; text",
        "MARIADB ; VARCHAR(20) CHARACTER SET utf8mb4 ; SQLASCII ; text",
        "SQLASCII ; text ; MARIADB ; VARCHAR(20) CHARACTER SET utf8mb4",
        "SQLASCII ; text ; POSTGRES ; text",
    })
    void enumLabelsAsciiAndSqlAsciiTextsCompareByValue(String oldKindName, String oldType, String newKindName, String newType) throws Exception {
        boolean ascii = oldType.contains("ascii");
        boolean latin = oldType.contains("latin1");
        try (TestDatabase old = open(oldKindName, true);
             TestDatabase fresh = open(newKindName, false)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + oldType + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + newType + ")");
            String[] texts = ascii ? new String[] {"a", "Zoe|", "x~", "1:", "~n", "p", "q", "r"}
                    : latin ? new String[] {"é", "Zoë€", "ßß", "ü|~", "x", "ÿ", "a b", "q"}
                    : new String[] {"é", "Zoë€", "中文", "😀|~", "x", "ÿ", "a b", "q"};
            insert(old, texts);
            String[] changed = texts.clone();
            changed[1] = changed[0];
            insert(fresh, changed);
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, a FROM t ORDER BY id"));
        }
    }

    // Input: a PostgreSQL enum type of non-ASCII labels (in a UTF-8 and in a LATIN1 database), a MariaDB SET of
    //   non-ASCII members and a PostgreSQL citext, against the other product's text or ENUM; row 2 changed.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "PGUTF8 mood ; MARIADB ENUM('é','Zoë€','ÿß','ü|~') CHARACTER SET utf8mb4",
        "PGLATIN1 mood ; MARIADB VARCHAR(20) CHARACTER SET utf8mb4",
        "MARIADB ENUM('é','Zoë€','ÿß','ü|~') CHARACTER SET utf8mb4 ; PGUTF8 mood",
        "MARIADB SET('é','Zoë€','ÿß','ü|~') CHARACTER SET utf8mb4 ; PGUTF8 text",
        "PGUTF8 citext ; MARIADB VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    })
    void enumTypesSetsAndCitextOfNonAsciiTextsCompareByValue(String oldSpec, String newSpec) throws Exception {
        try (TestDatabase old = openSpec(oldSpec, true); TestDatabase fresh = openSpec(newSpec, false)) {
            for (TestDatabase db : List.of(old, fresh)) {
                String spec = db == old ? oldSpec : newSpec;
                if (spec.endsWith(" mood")) {
                    db.execute("CREATE TYPE mood AS ENUM ('é', '" + (spec.startsWith("PGLATIN1") ? "Zoë" : "Zoë€")
                            + "', 'ÿß', 'ü|~')");
                }
                if (spec.endsWith(" citext")) {
                    db.execute("CREATE EXTENSION IF NOT EXISTS citext");
                }
                db.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + typeOf(spec) + ")");
            }
            boolean latin1 = (oldSpec + newSpec).contains("LATIN1");
            String[] texts = {"é", latin1 ? "ÿß" : "Zoë€", "ü|~", "ÿß"};
            String[] changed = texts.clone();
            changed[1] = "é";
            for (TestDatabase db : List.of(old, fresh)) {
                String spec = db == old ? oldSpec : newSpec;
                String value = spec.endsWith(" mood") ? "CAST(? AS mood)" : "?";
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, " + value + ")")) {
                    String[] values = db == old ? texts : changed;
                    for (int i = 0; i < values.length; i++) {
                        insert.setInt(1, i + 1);
                        insert.setString(2, values[i]);
                        insert.executeUpdate();
                    }
                }
            }

            TableReport report = verify(old, fresh, T);

            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, CAST(a AS " + (fresh.kind() == Kind.MARIADB ? "CHAR" : "text")
                    + ") FROM t ORDER BY id")).isEqualTo(rows(old, "SELECT id, CAST(a AS "
                    + (old.kind() == Kind.MARIADB ? "CHAR" : "text") + ") FROM t ORDER BY id"));
        }
    }

    // Input: UUIDs held as text in braces, upper case or without hyphens against a native uuid (PostgreSQL, H2,
    //   MariaDB 11's UUID) and the other way; row 2's UUID differs in its last digit.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "MARIADB CHAR(38) CHARACTER SET utf8mb4 ; PGUTF8 uuid",
        "MARIADB UUID ; PGUTF8 text",
        "H2 UUID ; MARIADB CHAR(36) CHARACTER SET latin1",
        "PGUTF8 uuid ; H2 VARCHAR(38)",
        "MARIADB CHAR(32) CHARACTER SET ascii ; H2 UUID",
        "MARIADB UUID ; H2 UUID",
    })
    void uuidsHeldAsTextInAnySpellingCompareWithNativeOnes(String oldSpec, String newSpec) throws Exception {
        String[] uuids = {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "123e4567-e89b-12d3-a456-426614174000",
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"};
        try (TestDatabase old = openSpec(oldSpec, true); TestDatabase fresh = openSpec(newSpec, false)) {
            for (TestDatabase db : List.of(old, fresh)) {
                String spec = db == old ? oldSpec : newSpec;
                db.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + typeOf(spec) + ")");
                boolean nativeUuid = typeOf(spec).equalsIgnoreCase("uuid");
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                    for (int i = 0; i < uuids.length; i++) {
                        String uuid = db == fresh && i == 1 ? uuids[i].substring(0, 35) + "1" : uuids[i];
                        insert.setInt(1, i + 1);
                        if (nativeUuid) {
                            insert.setObject(2, java.util.UUID.fromString(uuid));
                        } else {
                            insert.setString(2, spec.contains("CHAR(38)") ? "{" + uuid.toUpperCase(java.util.Locale.ROOT) + "}"
                                    : spec.contains("CHAR(32)") ? uuid.replace("-", "")
                                    : spec.contains("CHAR(36)") ? uuid.toUpperCase(java.util.Locale.ROOT) : uuid);
                        }
                        insert.executeUpdate();
                    }
                }
            }

            TableReport report = verify(old, fresh, T);

            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
            repair(old, fresh, T);
            assertThat(uuidRows(fresh)).isEqualTo(uuidRows(old));
        }
    }

    /** Each row's UUID as 32 lower-case digits, read by plain JDBC whatever its spelling. */
    private static List<String> uuidRows(TestDatabase db) {
        List<String> rows = new ArrayList<>();
        for (var row : db.query("SELECT id, a FROM t ORDER BY id")) {
            var values = row.values().iterator();
            rows.add(values.next() + " " + String.valueOf(values.next()).replaceAll("[-{} ]", "")
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return rows;
    }

    private static String varchar(Kind kind) {
        return kind == Kind.MARIADB ? "VARCHAR(20) CHARACTER SET utf8mb4" : "VARCHAR(20)";
    }

    private static TestDatabase open(String name, boolean old) throws Exception {
        if (name.equals("SQLASCII")) {
            TestDatabase db = TestDatabases.postgresEncoded("SQL_ASCII");
            if (old) {
                io.dualwrite.jdbc.schema.DualWriteSchema.create(db.dataSource());
            }
            return db;
        }
        return old ? TestDatabases.createWithDualWriteSchema(Kind.valueOf(name)) : TestDatabases.create(Kind.valueOf(name));
    }

    private static void insert(TestDatabase db, String[] texts) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = 0; i < texts.length; i++) {
                insert.setInt(1, i + 1);
                insert.setString(2, texts[i]);
                insert.executeUpdate();
            }
        }
    }
}
