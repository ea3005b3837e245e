package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Values too long for MySQL/MariaDB to render in SQL. Its string functions ({@code HEX}, {@code REPLACE},
 * {@code CONCAT}) give NULL, with a warning only, when their result would pass {@code max_allowed_packet}; a row's
 * hash was then NULL on both MariaDB stores, {@code SUM} skipped it, and a one-byte difference in a value of more
 * than half the packet verified clean. Now such a row always differs by hash and its long values are compared in
 * Java. The server's packet is set to 64 KiB for these tests (and restored), so that values of 40 KB stand for the
 * 10 MB ones a default server has the same trouble with. Each test ends comparing the stores' values by plain JDBC.
 */
class ValuesBeyondThePacketTest {

    private static final int PACKET = 64 * 1024;
    private static final int LONG = 40_000;
    private static final TableMapping T = TableMapping.identity("t");

    /** A column type of each store and how a test value of row {@code id} is made for it. */
    private record Case(Kind old, String oldType, Kind fresh, String newType, IntFunction<Object> value,
                        IntFunction<Object> changed) {
        @Override
        public String toString() {
            return old + " " + oldType + " -> " + fresh + " " + newType;
        }
    }

    private static byte[] bytes(int id) {
        byte[] value = new byte[LONG];
        Arrays.fill(value, (byte) (id * 7));
        return value;
    }

    private static byte[] bytesChanged(int id) {
        byte[] value = bytes(id);
        value[LONG / 2] ^= 1;
        return value;
    }

    private static String text(int id) {
        char[] value = new char[LONG];
        Arrays.fill(value, (char) ('a' + id));
        value[7] = '\u00e9'; // two bytes in UTF-8
        value[9] = '|'; // escaped by the rendering
        return new String(value);
    }

    /** {@code length} characters, every other one a {@code |}, which the rendering writes as two. */
    /** Half of a latin1 text of 40,000 characters that are two bytes each in UTF-8. */
    private static String accented(int id) {
        return (char) ('a' + id) + "\u00e9".repeat(LONG / 2 - 1);
    }

    private static String piped(int id, int length) {
        StringBuilder value = new StringBuilder();
        while (value.length() < length) {
            value.append((char) ('a' + id)).append('|');
        }
        return value.toString();
    }

    private static String textChanged(int id) {
        char[] value = text(id).toCharArray();
        value[LONG - 3] = 'Z';
        return new String(value);
    }

    // Input: rows 1 to 3 with a 40 KB value in both stores, row 2's differing in one byte (or one character) in the
    //   new store, on a MariaDB server with max_allowed_packet 64 KiB: MariaDB -> MariaDB LONGBLOB and LONGTEXT (both
    //   hashes NULL), MariaDB -> PostgreSQL and PostgreSQL -> MariaDB (one side's hash NULL). Before: the two
    //   MariaDB stores verified clean. Now row 2, and only it, is reported with the column, and repair mends it.
    @Test
    void aOneByteDifferenceInAValueTooLongToRenderInSqlIsReported() throws Exception {
        List<Case> cases = List.of(
                new Case(Kind.MARIADB, "LONGBLOB", Kind.MARIADB, "LONGBLOB",
                        ValuesBeyondThePacketTest::bytes, ValuesBeyondThePacketTest::bytesChanged),
                new Case(Kind.MARIADB, "LONGTEXT CHARACTER SET utf8mb4", Kind.MARIADB, "LONGTEXT CHARACTER SET utf8mb4",
                        ValuesBeyondThePacketTest::text, ValuesBeyondThePacketTest::textChanged),
                new Case(Kind.MARIADB, "MEDIUMTEXT CHARACTER SET latin1", Kind.MARIADB, "LONGTEXT CHARACTER SET utf8mb4",
                        ValuesBeyondThePacketTest::text, ValuesBeyondThePacketTest::textChanged),
                new Case(Kind.MARIADB, "LONGBLOB", Kind.POSTGRES, "bytea",
                        ValuesBeyondThePacketTest::bytes, ValuesBeyondThePacketTest::bytesChanged),
                new Case(Kind.POSTGRES, "text", Kind.MARIADB, "LONGTEXT CHARACTER SET utf8mb4",
                        ValuesBeyondThePacketTest::text, ValuesBeyondThePacketTest::textChanged));
        underSmallPacket(() -> {
            for (Case c : cases) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(c.old());
                     TestDatabase fresh = TestDatabases.create(c.fresh())) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + c.oldType() + ")");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + c.newType() + ")");
                    for (int id = 1; id <= 3; id++) {
                        insert(old, id, c.value().apply(id));
                        insert(fresh, id, id == 2 ? c.changed().apply(id) : c.value().apply(id));
                    }

                    TableReport report = verify(old, fresh, T);

                    assertThat(report.differences()).as(c + "\n" + report.toText())
                            .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                            .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2", List.of("v")));
                    repair(old, fresh, T);
                    assertThat(values(fresh)).as(c.toString()).isEqualTo(values(old));
                }
            }
        });
    }

    // Input: equal latin1 texts of 40,000 'é' (80 KB in utf8mb4, past the packet: the one cell the database cannot
    //   render, as the verification converts text to utf8mb4) and
    //   rows of two 34 KB texts dense in '|' (each cell renders; their row text passes the packet), with one small
    //   column differing in a row of the second kind, on MariaDB -> MariaDB and MariaDB -> PostgreSQL. Only that
    //   column is reported (a value the database cannot render is not a difference); on MariaDB -> PostgreSQL the
    //   report names the one column compared in Java. MariaDB -> MariaDB hashes the rows' plain text, where a latin1
    //   text is its stored bytes (40 KB, within the packet): no cell is past it there, and the rows whose text is
    //   (3 and 4) are fetched and compared in Java without a column to name.
    @Test
    void equalValuesTooLongToRenderInSqlVerifyCleanAndTheReportSaysTheyWereComparedInJava() throws Exception {
        underSmallPacket(() -> {
            for (Kind freshKind : List.of(Kind.MARIADB, Kind.POSTGRES)) {
                String text = freshKind == Kind.MARIADB ? "MEDIUMTEXT CHARACTER SET utf8mb4" : "text";
                String narrow = freshKind == Kind.MARIADB ? "MEDIUMTEXT CHARACTER SET latin1" : "text";
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                     TestDatabase fresh = TestDatabases.create(freshKind)) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, a MEDIUMTEXT CHARACTER SET latin1, b MEDIUMTEXT CHARACTER SET utf8mb4, "
                            + "e MEDIUMTEXT CHARACTER SET utf8mb4, c INT)");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a " + narrow + ", b " + text + ", e " + text
                            + ", c INT)");
                    for (TestDatabase db : List.of(old, fresh)) {
                        try (Connection connection = db.dataSource().getConnection();
                             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?)")) {
                            for (int id = 1; id <= 4; id++) {
                                insert.setInt(1, id);
                                // rows 1 and 2: a in utf8mb4 (80 KB) past the packet; rows 3 and 4: b and e each
                                // fit, their row text (68 KB) does not
                                insert.setString(2, id <= 2 ? accented(id) : "x");
                                insert.setString(3, id <= 2 ? text(id).substring(0, 1000) : piped(id, 34_000));
                                insert.setString(4, "e");
                                insert.setInt(5, id);
                                insert.executeUpdate();
                            }
                        }
                        try (Connection connection = db.dataSource().getConnection();
                             PreparedStatement update = connection.prepareStatement("UPDATE t SET e = ? WHERE id = ?")) {
                            for (int id = 3; id <= 4; id++) { // apart: both texts would pass the packet in one INSERT
                                update.setString(1, piped(id + 1, 34_000));
                                update.setInt(2, id);
                                update.executeUpdate();
                            }
                        }
                        try (Connection connection = db.dataSource().getConnection();
                             PreparedStatement update = connection.prepareStatement("UPDATE t SET a = CONCAT(a, ?) WHERE id = ?")) {
                            for (int id = 1; id <= 2; id++) { // in halves: the whole is past the packet in UTF-8
                                update.setString(1, accented(id));
                                update.setInt(2, id);
                                update.executeUpdate();
                            }
                        }
                    }
                    fresh.execute("UPDATE t SET c = 30 WHERE id = 3");

                    TableReport report = verify(old, fresh, T);

                    assertThat(report.differences()).as(report.toText())
                            .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                            .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "3", List.of("c")));
                    if (freshKind == Kind.POSTGRES) {
                        assertThat(report.javaColumns()).as(report.toText()).containsOnlyKeys("a");
                        assertThat(report.javaColumns().get("a")).contains("2 row(s)", "compared in Java");
                    } else {
                        assertThat(report.javaColumns()).as(report.toText()).isEmpty();
                        assertThat(report.rowsFetched()).as(report.toText()).isGreaterThanOrEqualTo(2);
                    }
                    fresh.execute("UPDATE t SET c = 3 WHERE id = 3");
                    assertThat(verify(old, fresh, T).differences()).as(freshKind.toString()).isEmpty();
                }
            }
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void underSmallPacket(Body body) throws Exception {
        try (TestDatabase admin = TestDatabases.create(Kind.MARIADB)) {
            long before = admin.count("SELECT @@GLOBAL.max_allowed_packet");
            admin.execute("SET GLOBAL max_allowed_packet = " + PACKET);
            try {
                body.run();
            } finally {
                admin.execute("SET GLOBAL max_allowed_packet = " + before);
            }
        }
    }

    private static void insert(TestDatabase db, int id, Object value) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            insert.setInt(1, id);
            if (value instanceof byte[] bytes) {
                insert.setBytes(2, bytes);
            } else {
                insert.setString(2, (String) value);
            }
            insert.executeUpdate();
        }
    }

    /** Each row's id and value as plain JDBC reads it: bytes as hex, text as it is. */
    private static List<String> values(TestDatabase db) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT id, v FROM t ORDER BY id")) {
            while (rows.next()) {
                Object value = rows.getObject(2);
                values.add(rows.getInt(1) + "=" + (value instanceof byte[] bytes
                        ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(value)));
            }
        }
        return values;
    }
}
