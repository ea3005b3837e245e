package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verifier;
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
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Break review of verifying values too long for MySQL/MariaDB to render in SQL ({@link ValuesBeyondThePacketTest}):
 * renamed tables and columns, composite string keys, merchant scopes, rows one store lacks, hundreds of such rows
 * through the bucket search, listing and dense diff, and columns of other rendering rules (a padded pair, JSON by
 * value, text into bytes). The server's packet is 64 KiB for these tests (and restored). Each test ends comparing
 * the stores row by row by plain JDBC.
 */
class ValuesBeyondThePacketBreakTest {

    private static final int PACKET = 64 * 1024;

    /**
     * A {@code |} and 40,000 characters {@code é} (two bytes each in UTF-8: 80 KB converted, which MariaDB's
     * {@code REPLACE} gives NULL for once it escapes the {@code |}) and a last one.
     */
    private static String accented(int id, boolean changed) {
        return "|" + "\u00e9".repeat(40_000) + (char) ('a' + id) + (changed ? "Z" : "e");
    }

    private static byte[] bytes(int id, int length, byte end) {
        byte[] value = new byte[length];
        java.util.Arrays.fill(value, (byte) ('a' + id % 26)); // nothing the driver escapes
        value[length - 1] = end;
        return value;
    }

    // Input: MariaDB t (m VARCHAR, id INT, v LONGBLOB, note) keyed (m, id), merchant m, into t2 with m -> merchant and
    //   v -> payload (MariaDB LONGBLOB and PostgreSQL bytea); 40 rows of 40 KB; in the new store row (m-2, 5) differs in
    //   its last byte, (m-1, 6) is missing, (m-2, 999) is extra, all long. Expected: exactly these, in the full and the
    //   merchant m-2 scope; the scoped resync of m-2 and the repair mend them.
    @Test
    void compositeStringKeysRenamedColumnsAndMerchantScopesMeetLongValues() throws Exception {
        TableMapping mapping = TableMapping.builder("t").newTable("t2").primaryKey("m", "id").rename("m", "merchant")
                .rename("v", "payload").merchantIdColumn("m").build();
        underSmallPacket(() -> {
            for (Kind freshKind : List.of(Kind.MARIADB, Kind.POSTGRES)) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                     TestDatabase fresh = TestDatabases.create(freshKind)) {
                    old.execute("CREATE TABLE t (m VARCHAR(20), id INT, v LONGBLOB, note VARCHAR(10), PRIMARY KEY (m, id))");
                    fresh.execute("CREATE TABLE t2 (merchant VARCHAR(20), id INT, payload "
                            + (freshKind == Kind.MARIADB ? "LONGBLOB" : "bytea") + ", note VARCHAR(10), PRIMARY KEY (merchant, id))");
                    try (Connection o = old.dataSource().getConnection(); Connection f = fresh.dataSource().getConnection();
                         PreparedStatement io = o.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?)");
                         PreparedStatement in = f.prepareStatement("INSERT INTO t2 VALUES (?, ?, ?, ?)")) {
                        for (int id = 1; id <= 40; id++) {
                            String m = "m-" + (id % 2 + 1);
                            for (PreparedStatement insert : List.of(io, in)) {
                                if (insert == in && m.equals("m-1") && id == 6) {
                                    continue;
                                }
                                insert.setString(1, m);
                                insert.setInt(2, id);
                                insert.setBytes(3, bytes(id, 40_000, (byte) (insert == in && id == 5 ? 1 : 0)));
                                insert.setString(4, "n" + id);
                                insert.executeUpdate();
                            }
                        }
                        in.setString(1, "m-2");
                        in.setInt(2, 999);
                        in.setBytes(3, bytes(9, 40_000, (byte) 0));
                        in.setString(4, "x");
                        in.executeUpdate();
                    }
                    VerificationJob job = VerificationJob.builder("t").table(mapping).chunkRows(8).leafRows(2).build();
                    TableReport report = verifier(old, fresh).verify(job).tables().get(0);
                    assertThat(report.differences()).as(freshKind + "\n" + report.toText())
                            .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                            .containsExactlyInAnyOrder(tuple(RowDifference.Kind.DIFFERENT, "m-2|5", List.of("v")),
                                    tuple(RowDifference.Kind.MISSING_IN_NEW, "m-1|6", List.of()),
                                    tuple(RowDifference.Kind.EXTRA_IN_NEW, "m-2|999", List.of()));

                    TableReport merchant = verifier(old, fresh).verify(VerificationJob.builder("t").table(mapping)
                            .merchant("m-2").chunkRows(4).leafRows(1).build()).tables().get(0);
                    assertThat(merchant.differences()).as(freshKind + "\n" + merchant.toText())
                            .extracting(RowDifference::kind, RowDifference::key)
                            .containsExactlyInAnyOrder(tuple(RowDifference.Kind.DIFFERENT, "m-2|5"),
                                    tuple(RowDifference.Kind.EXTRA_IN_NEW, "m-2|999"));

                    // the scoped resync of merchant m-2 mends its rows, and only them
                    io.dualwrite.changelog.ChangeLog changeLog = io.dualwrite.changelog.ChangeLogs.inMemory();
                    Verifier resyncVerifier = verifier(old, fresh);
                    ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("t").changeLog(changeLog)
                            .verifier(resyncVerifier).repairer(Repairer.of(io.dualwrite.jdbc.copy.RowCopier.builder()
                                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build(),
                                    resyncVerifier)).mapping(mapping).jobSettings(settings -> settings.chunkRows(4))
                            .build();
                    changeLog.record(io.dualwrite.changelog.ChangeRecord.scopedResync("t", "t", "m-2", "procedure call",
                            io.dualwrite.Store.NEW, null));
                    assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
                    assertThat(values(fresh, "SELECT merchant, id, payload, note FROM t2 WHERE merchant = 'm-2'"
                            + " ORDER BY id")).isEqualTo(values(old, "SELECT m, id, v, note FROM t WHERE m = 'm-2'"
                            + " ORDER BY id"));

                    ToolsBreakSupport.repairClean(old, fresh, job, verifier(old, fresh).verify(job));
                    assertThat(values(fresh, "SELECT merchant, id, payload, note FROM t2 ORDER BY merchant, id"))
                            .isEqualTo(values(old, "SELECT m, id, v, note FROM t ORDER BY m, id"));
                }
            }
        });
    }

    // Input: 300 rows of a 40 KB LONGBLOB on MariaDB -> MariaDB keyed by an integer, chunks of 100 rows and leaves of 10, so that
    //   the checksums, the bisection, the bucket search, the listing and the dense diff all meet rows that hash to a
    //   store's own number; rows 17, 150 and 299 differ in their last byte, 200 is missing. Expected: these four.
    @Test
    void hundredsOfLongRowsGoThroughEverySearchPathAndOnlyTheDifferencesAreReported() throws Exception {
        TableMapping mapping = TableMapping.identity("t");
        underSmallPacket(() -> {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
                for (TestDatabase db : List.of(old, fresh)) {
                    db.execute("CREATE TABLE t (id INT PRIMARY KEY, v LONGBLOB, c INT)");
                    try (Connection connection = db.dataSource().getConnection();
                         PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
                        for (int id = 1; id <= 300; id++) {
                            if (db == fresh && id == 200) {
                                continue;
                            }
                            insert.setInt(1, id);
                            insert.setBytes(2, bytes(id, 40_000,
                                    (byte) (db == fresh && (id == 17 || id == 150 || id == 299) ? 1 : 0)));
                            insert.setInt(3, id);
                            insert.executeUpdate(); // one at a time: a batch is one packet
                        }
                    }
                }
                for (int[] sizes : new int[][] {{100, 10}, {20_000, 50}, {7, 1}}) {
                    VerificationJob job = VerificationJob.builder("t").table(mapping).chunkRows(sizes[0])
                            .leafRows(sizes[1]).build();
                    TableReport report = verifier(old, fresh).verify(job).tables().get(0);
                    assertThat(report.differences()).as(sizes[0] + "/" + sizes[1] + "\n" + report.toText())
                            .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                            .containsExactlyInAnyOrder(tuple(RowDifference.Kind.DIFFERENT, "17", List.of("v")),
                                    tuple(RowDifference.Kind.DIFFERENT, "150", List.of("v")),
                                    tuple(RowDifference.Kind.DIFFERENT, "299", List.of("v")),
                                    tuple(RowDifference.Kind.MISSING_IN_NEW, "200", List.of()));
                }
                VerificationJob job = VerificationJob.builder("t").table(mapping).chunkRows(100).leafRows(10).build();
                ToolsBreakSupport.repairClean(old, fresh, job, verifier(old, fresh).verify(job));
                assertThat(values(fresh, "SELECT id, v, c FROM t ORDER BY id"))
                        .isEqualTo(values(old, "SELECT id, v, c FROM t ORDER BY id"));
            }
        });
    }

    /** A pair of column types whose long values are compared, with the SQL that writes one row's value. */
    private record Rule(String name, String oldType, Kind fresh, String newType, String marker,
                        java.util.function.BiFunction<Integer, Boolean, String> value) {
        @Override
        public String toString() {
            return name;
        }
    }

    // Input: pairs of other rendering rules with long values, rows 1 to 3, row 2 changed in the new store: a MariaDB
    //   latin1 LONGTEXT of 40,000 é (80 KB converted to utf8mb4) into a PostgreSQL character(n) (a padded pair; no
    //   trailing spaces of the value's own, which a CHAR target now refuses), MariaDB JSON into PostgreSQL jsonb (compared in Java by value). Expected: row 2 only,
    //   and after the repair the stores equal.
    @Test
    void longValuesOfOtherRenderingRulesAreComparedAsTheCopierWritesThem() throws Exception {
        List<Rule> rules = List.of(
                new Rule("latin1 longtext -> character(n)", "LONGTEXT CHARACTER SET latin1", Kind.POSTGRES,
                        "character(45000)", "?", (id, changed) -> accented(id, changed)),
                new Rule("json -> jsonb", "JSON", Kind.POSTGRES, "jsonb", "?::jsonb",
                        (id, changed) -> "[\"" + "x".repeat(40_000) + (changed ? "Z" : "e") + "\", " + id + "]"));
        TableMapping mapping = TableMapping.identity("t");
        underSmallPacket(() -> {
            for (Rule rule : rules) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                     TestDatabase fresh = TestDatabases.create(rule.fresh())) {
                    old.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + rule.oldType() + ")");
                    fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + rule.newType() + ")");
                    for (int id = 1; id <= 3; id++) {
                        insert(old, "?", id, rule.value().apply(id, false), rule.oldType().contains("latin1"));
                        insert(fresh, rule.marker(), id, rule.value().apply(id, id == 2), false);
                    }
                    TableReport report = ToolsBreakSupport.verify(old, fresh, mapping);
                    assertThat(report.differences()).as(rule + "\n" + report.toText())
                            .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                            .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2", List.of("v")));
                    if (rule.oldType().contains("latin1")) {
                        // its text converted passes the packet: read in Java, and the JSON report says so
                        assertThat(report.toJson()).as(report.toJson()).contains("\"v\":\"3 row(s) with a value too long");
                    }
                    ToolsBreakSupport.repair(old, fresh, mapping);
                    assertThat(ToolsBreakSupport.verify(old, fresh, mapping).differences()).as(rule.toString()).isEmpty();
                    // the test's own reading: the CHAR's padding and jsonb's spelling as their text gives them
                    assertThat(values(fresh, "SELECT id, v::text FROM t ORDER BY id")).as(rule.toString())
                            .isEqualTo(values(old, "SELECT id, " + (rule.newType().startsWith("character")
                                    ? "RTRIM(v)" : "v") + " FROM t ORDER BY id"));
                }
            }
        });
    }

    // Input: MariaDB -> MariaDB dates MariaDB renders as NULL although they are not NULL (a zero date, a zero day),
    //   in DATE and DATETIME columns and a DATE into a DATETIME; row 2 differs in its day in the new store.
    //   Expected: row 2 only.
    @Test
    void datesMariaDbRendersAsNullAreComparedNotSkipped() throws Exception {
        TableMapping mapping = TableMapping.identity("t");
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, d DATE, ts DATETIME, dd DATE)");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, d DATE, ts DATETIME, dd DATETIME)");
            for (TestDatabase db : List.of(old, fresh)) {
                try (Connection connection = db.dataSource().getConnection()) {
                    connection.createStatement().execute("SET SESSION sql_mode = ''");
                    for (int id = 1; id <= 3; id++) {
                        String day = db == fresh && id == 2 ? "2024-00-16" : "2024-00-15";
                        String zero = id == 1 ? "0000-00-00" : day;
                        connection.createStatement().execute("INSERT INTO t VALUES (" + id + ", '" + zero + "', '"
                                + zero + " 10:00:00', '" + zero + "')");
                    }
                }
            }
            TableReport report = ToolsBreakSupport.verify(old, fresh, mapping);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::kind, RowDifference::key)
                    .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
        }
    }

    // Input: MariaDB LONGTEXT -> PostgreSQL bytea, compared in Java: texts 'abc', 'x|y', '\x4142' (hex input),
    //   'a\\b\101' (escape input), 'é' and one of 40 KB, backfilled, then row 2's bytes changed in the new store.
    //   Before: every row reported DIFFERENT (the text against the bytes it was copied as). Now: row 2 only, and
    //   clean after the repair.
    @Test
    void aTextIntoByteaIsComparedAsTheBytesPostgresqlReadsItAs() throws Exception {
        TableMapping mapping = TableMapping.identity("t");
        List<String> texts = List.of("abc", "x|y", "\\x4142", "a\\\\b\\101", "\u00e9", "|".repeat(40_000));
        underSmallPacket(() -> {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v LONGTEXT CHARACTER SET utf8mb4)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v bytea)");
                for (int id = 1; id <= texts.size(); id++) {
                    insert(old, "?", id, texts.get(id - 1), false);
                }
                ToolsBreakSupport.backfill(old, fresh, mapping);
                ToolsBreakSupport.assertClean(ToolsBreakSupport.verify(old, fresh, mapping));
                fresh.execute("UPDATE t SET v = 'x|z'::bytea WHERE id = 2");

                TableReport report = ToolsBreakSupport.verify(old, fresh, mapping);
                assertThat(report.differences()).as(report.toText())
                        .extracting(RowDifference::kind, RowDifference::key)
                        .containsExactly(tuple(RowDifference.Kind.DIFFERENT, "2"));
                ToolsBreakSupport.repair(old, fresh, mapping);
                // the test's own reading: PostgreSQL's bytea input of each old text against the new store's bytes
                List<String> expected = new ArrayList<>();
                try (Connection connection = fresh.dataSource().getConnection();
                     PreparedStatement parse = connection.prepareStatement("SELECT encode(CAST(? AS bytea), 'hex')")) {
                    for (int id = 1; id <= texts.size(); id++) {
                        parse.setString(1, texts.get(id - 1));
                        try (ResultSet hex = parse.executeQuery()) {
                            hex.next();
                            expected.add(id + " " + hex.getString(1));
                        }
                    }
                }
                assertThat(values(fresh, "SELECT id, encode(v, 'hex') FROM t ORDER BY id")).isEqualTo(expected);
            }
        });
    }

    private static void insert(TestDatabase db, String marker, int id, String value, boolean asBytes) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, " + marker + ")")) {
            insert.setInt(1, id);
            if (asBytes) {
                // as latin1 bytes: the statement of 40,000 é in UTF-8 would pass the packet
                insert.setBytes(2, value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            } else {
                insert.setString(2, value);
            }
            insert.executeUpdate();
        }
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

    /** Each row's values as plain JDBC reads them: bytes as hex, others as their text, joined by spaces. */
    private static List<String> values(TestDatabase db, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    Object value = rows.getObject(i);
                    row.append(i == 1 ? "" : " ").append(value instanceof byte[] bytes
                            ? HexFormat.of().formatHex(bytes) : String.valueOf(value));
                }
                values.add(row.toString());
            }
        }
        return values;
    }
}
