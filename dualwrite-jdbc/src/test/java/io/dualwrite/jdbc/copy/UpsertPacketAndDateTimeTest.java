package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copier's multi-row upserts: inputs that a batch of single-row upserts copied and that one
 * statement of many rows must copy too; every test ends comparing both stores row by row with plain JDBC.
 */
class UpsertPacketAndDateTimeTest {

    private static final TableMapping NOTES = TableMapping.builder("notes").newTable("notes_v2").build();

    /**
     * A MariaDB server whose max_allowed_packet is 64 KiB: every row (30,000 characters) fits in one packet, as
     * each single-row upsert did, but the copier groups rows up to about 1 MB per statement.
     */
    @Test
    void rowsThatEachFitMariaDbsPacketAreCopiedWhenTheServerPacketIsSmall() throws Exception {
        copiesUnderPacketLimit(64 * 1024, 30_000, 'x');
    }

    /**
     * Packet 2 MiB; rows of 300,000 CJK characters (900 KB in UTF-8 each, so each fits): the size estimate counts
     * characters, not bytes, so three such rows (2.7 MB) go in one statement.
     */
    @Test
    void rowsOfMultiByteTextThatEachFitMariaDbsPacketAreCopied() throws Exception {
        copiesUnderPacketLimit(2 * 1024 * 1024, 300_000, '\u4e2d');
    }

    private static void copiesUnderPacketLimit(int packet, int width, char fill) throws Exception {
        try (TestDatabase admin = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
            long before = admin.count("SELECT @@GLOBAL.max_allowed_packet");
            admin.execute("SET GLOBAL max_allowed_packet = " + packet);
            try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
                assertThat(fresh.count("SELECT @@SESSION.max_allowed_packet")).isEqualTo(packet);
                old.execute("CREATE TABLE notes (id INT PRIMARY KEY, note MEDIUMTEXT CHARACTER SET utf8mb4)");
                fresh.execute("CREATE TABLE notes_v2 (id INT PRIMARY KEY, note MEDIUMTEXT CHARACTER SET utf8mb4)");
                List<String> keys = new ArrayList<>();
                for (int id = 1; id <= 8; id++) {
                    char[] text = new char[width];
                    java.util.Arrays.fill(text, fill);
                    text[id] = (char) ('a' + id);
                    try (Connection connection = old.dataSource().getConnection();
                         PreparedStatement insert = connection.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
                        insert.setInt(1, id);
                        insert.setString(2, new String(text));
                        insert.executeUpdate();
                    }
                    keys.add(Integer.toString(id));
                }
                RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).build();

                assertThat(copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(NOTES, keys, null))))
                        .isEqualTo(new RowCopier.SyncResult(8, 0, 0));

                assertThat(texts(fresh, "SELECT id, note FROM notes_v2 ORDER BY id"))
                        .isEqualTo(texts(old, "SELECT id, note FROM notes ORDER BY id"));
            } finally {
                admin.execute("SET GLOBAL max_allowed_packet = " + before);
            }
        }
    }

    /**
     * MariaDB DATETIME(6) values of 0 to 6 fraction digits, years below 1000, a Central-European daylight-saving
     * gap, copied into PostgreSQL and into MariaDB in one sync of many rows: each lands as it was.
     */
    @Test
    void mariaDbDateTimesOfEveryFractionLengthLandAsTheyWere() throws Exception {
        copiesDateTimes();
    }

    /** As above with the JVM in Europe/Berlin, whose spring-forward gap holds 2026-03-29 02:30. */
    @Test
    void mariaDbDateTimesInADaylightSavingGapOfTheJvmsZoneLandAsTheyWere() throws Exception {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Berlin"));
        try {
            copiesDateTimes();
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }

    private static void copiesDateTimes() throws Exception {
        String[] values = {"2026-03-29 02:30:00", "2026-03-29 02:30:00.5", "0999-12-31 23:59:59.12",
                "0001-01-01 00:00:00.123", "1000-01-01 00:00:00.0001", "9999-12-31 23:59:59.99999",
                "2024-02-29 12:00:00.999999", "1970-01-01 00:00:00.000001", "2026-10-25 02:30:00.250000"};
        for (TestDatabases.Kind target : new TestDatabases.Kind[] {TestDatabases.Kind.POSTGRES, TestDatabases.Kind.MARIADB}) {
            try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(target)) {
                old.execute("CREATE TABLE notes (id INT PRIMARY KEY, at DATETIME(6), note VARCHAR(20))");
                fresh.execute("CREATE TABLE notes_v2 (id INT PRIMARY KEY, at " + (target == TestDatabases.Kind.POSTGRES
                        ? "TIMESTAMP(6)" : "DATETIME(6)") + ", note VARCHAR(20))");
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < values.length; i++) {
                    old.execute("INSERT INTO notes VALUES (" + (i + 1) + ", '" + values[i] + "', " + (i % 2 == 0 ? "NULL" : "'n'") + ")");
                    keys.add(Integer.toString(i + 1));
                }
                old.execute("INSERT INTO notes VALUES (100, NULL, NULL)");
                keys.add("100");
                RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).build();
                copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(NOTES, keys, null)));

                List<String> expected = new ArrayList<>();
                for (int i = 0; i < values.length; i++) {
                    expected.add((i + 1) + "|" + LocalDateTime.parse(values[i].replace(' ', 'T')) + "|" + (i % 2 == 0 ? null : "n"));
                }
                expected.add("100|null|null");
                assertThat(dateRows(old)).as("source as written").isEqualTo(expected);
                assertThat(dateRows(fresh)).as("target " + target).isEqualTo(expected);
            }
        }
    }

    private static List<String> dateRows(TestDatabase db) throws Exception {
        String table = db.kind() == TestDatabases.Kind.MARIADB && db.count(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'notes'") > 0
                ? "notes" : "notes_v2";
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, " + (db.kind() == TestDatabases.Kind.MARIADB
                     ? "CAST(at AS CHAR)" : "CAST(at AS VARCHAR(40))") + ", note FROM " + table + " ORDER BY id")) {
            while (result.next()) {
                // as text cast in SQL: the drivers' date-times go through the JVM's zone and move a time in its gap
                String at = result.getString(2);
                rows.add(result.getInt(1) + "|" + (at == null ? null : LocalDateTime.parse(at.replace(' ', 'T')))
                        + "|" + result.getString(3));
            }
        }
        return rows;
    }

    static List<String> texts(TestDatabase db, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(result.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
