package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 25: keys whose new key column is of another kind than the old one (a number, boolean or date-time into a
 * text key; a text into a binary key). The copier writes such a key as the text (or bytes) the old value becomes there,
 * and must name the new store's row by that same text when it updates, deletes or checks it. Every test ends comparing
 * both stores row by row with plain JDBC and reading the change log with plain JDBC.
 */
class KeysAndValuesBreak25Test {

    private static final String OTHER_KINDS = """
            POSTGRES | NUMERIC(10,2)    | POSTGRES | VARCHAR(40)   | 12.5                  | 12.50
            POSTGRES | TIMESTAMP        | POSTGRES | VARCHAR(40)   | '2024-01-31 10:00:00' | 2024-01-31 10:00:00
            POSTGRES | TIMESTAMPTZ      | MARIADB  | VARCHAR(40)   | '2024-01-31 10:00:00+00' | 2024-01-31 10:00:00
            POSTGRES | DOUBLE PRECISION | POSTGRES | VARCHAR(40)   | 2                     | 2
            POSTGRES | DOUBLE PRECISION | POSTGRES | TEXT          | 1e20                  | 100000000000000000000
            POSTGRES | BOOLEAN          | MARIADB  | VARCHAR(40)   | true                  | 1
            POSTGRES | BOOLEAN          | POSTGRES | VARCHAR(40)   | true                  | true
            MARIADB  | DATETIME         | MARIADB  | VARCHAR(40)   | '2024-01-31 10:00:00' | 2024-01-31 10:00:00
            MARIADB  | DECIMAL(10,2)    | MARIADB  | VARCHAR(40)   | 12.5                  | 12.50
            MARIADB  | VARCHAR(20)      | MARIADB  | VARBINARY(20) | 'ab'                  | 6162
            H2       | TIME             | H2       | VARCHAR(40)   | '10:00:00'            | 10:00:00
            H2       | DOUBLE           | H2       | VARCHAR(40)   | 2                     | 2
            H2       | TIMESTAMP        | POSTGRES | VARCHAR(40)   | '2024-01-31 10:00:00' | 2024-01-31 10:00:00
            POSTGRES | VARCHAR(20)      | POSTGRES | BYTEA         | 'ab'                  | 6162
            """;

    // The live mirror of an insert, an update and a delete naming the key as SQL text. Before: the update and the
    // delete named the new store's row by the old store's key text read as the new column's type ('2.0' for the text
    // '2', '2024-01-31T10:00' for '2024-01-31 10:00:00', the bytes ab for the text 'ab'): the delete removed nothing,
    // the new store kept the row, nothing recorded.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4}, SYNC")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = OTHER_KINDS)
    void aKeyOfAnotherKindInTheNewStoreIsUpdatedAndDeletedThereSync(Kind oldKind, String oldType, Kind newKind,
                                                                    String newType, String literal, String written)
            throws Exception {
        insertUpdateDelete(oldKind, oldType, newKind, newType, literal, written, MirrorMode.SYNC);
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4}, ASYNC")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = OTHER_KINDS)
    void aKeyOfAnotherKindInTheNewStoreIsUpdatedAndDeletedThereAsync(Kind oldKind, String oldType, Kind newKind,
                                                                     String newType, String literal, String written)
            throws Exception {
        insertUpdateDelete(oldKind, oldType, newKind, newType, literal, written, MirrorMode.ASYNC);
    }

    private static void insertUpdateDelete(Kind oldKind, String oldType, Kind newKind, String newType, String literal,
                                           String written, MirrorMode mode) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = dataSource(oldDb, newDb, writer);
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + literal + ", 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = " + literal);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    assertThat(Rows.of(newDb, "SELECT " + keyText(newKind, newType) + " AS id, qty FROM t"))
                            .as("the new store holds the row under the text written for its key")
                            .containsExactly(Map.of("id", written, "qty", "2"));
                    assertThat(Rows.of(newDb, "SELECT qty FROM t")).isEqualTo(Rows.of(oldDb, "SELECT qty FROM t"));
                    statement.executeUpdate("DELETE FROM t WHERE id = " + literal);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(Rows.of(oldDb, "SELECT id, qty FROM t")).isEmpty();
            assertThat(Rows.of(newDb, "SELECT " + keyText(newKind, newType) + " AS id, qty FROM t"))
                    .as("the delete reached the new store's row").isEmpty();
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
        }
    }

    // Text keys 'ab' and '6162' into a binary key: the copy of 'ab' holds the bytes 61 62, the copy of '6162' the
    // bytes 36 31 36 32. Before: the delete of '6162' named the bytes 61 62 (its text read as hex) and removed the copy
    // of 'ab', which the old store still holds, and left its own copy: both rows wrong, nothing recorded. The live
    // mirror and the reconciler (the same copier) alike.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | VARCHAR(20) | MARIADB  | VARBINARY(20)
            POSTGRES | VARCHAR(20) | POSTGRES | BYTEA
            H2       | VARCHAR(20) | H2       | VARBINARY(20)
            POSTGRES | TEXT        | MARIADB  | VARBINARY(20)
            """)
    void deletingATextKeyWhoseTextIsAnotherKeysHexDeletesItsOwnCopy(Kind oldKind, String oldType, Kind newKind,
                                                                    String newType) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = dataSource(oldDb, newDb, writer);
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO t (id, qty) VALUES (?, ?)");
                     PreparedStatement delete = connection.prepareStatement("DELETE FROM t WHERE id = ?")) {
                    for (String key : List.of("ab", "6162", "cd")) {
                        insert.setString(1, key);
                        insert.setInt(2, key.length());
                        insert.executeUpdate();
                    }
                    delete.setString(1, "6162");
                    assertThat(delete.executeUpdate()).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
            // the reconciler: 'cd' deleted from the old store alone, its entry recorded, one run
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            oldDb.execute("DELETE FROM t WHERE id = 'cd'");
            changeLog.record(new ChangeRecord("t", "t", "cd", Operation.DELETE, "breaker-open", Store.NEW, null, null,
                    Instant.now()));
            Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(TableMapping.builder("t").build())
                    .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
            assertThat(Rows.of(newDb, "SELECT " + keyText(newKind, newType) + " AS id, qty FROM t"))
                    .as("the new store holds the copy of 'ab' alone, as the bytes of its text")
                    .isEqualTo(Rows.of(oldDb, "SELECT '6162' AS id, qty FROM t"));
            assertThat(Rows.of(oldDb, "SELECT id, qty FROM t")).containsExactly(Map.of("id", "ab", "qty", "2"));
        }
    }

    // PostgreSQL reads a text for bytea as bytea input: '\x6162' and '\141b' are the bytes of 'ab'. Text keys so
    // spelt beside 'ab', in separate syncs, both orders. Before: the first one copied took the row 61 62 and the
    // second was upserted over it, one new row for two old ones, nothing recorded. Now a text key with a backslash is
    // refused by name for a bytea key (the live mirror records it, the backfill names it); 'ab' is copied.
    @org.junit.jupiter.api.Test
    void textKeysThatByteaReadsAsAnotherTextsBytesAreRefusedByName() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES)) {
            DualWriteSchema.create(oldDb.dataSource());
            for (String table : List.of("t_a", "t_b")) {
                oldDb.execute("CREATE TABLE " + table + " (id VARCHAR(20) PRIMARY KEY, qty INT)");
                newDb.execute("CREATE TABLE " + table + " (id BYTEA PRIMARY KEY, qty INT)");
            }
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t_a").build()).mapping(TableMapping.builder("t_b").build())
                        .build();
                for (String[] order : List.of(new String[] {"t_a", "\\x6162", "ab"},
                        new String[] {"t_b", "ab", "\\141b"})) {
                    for (int i = 1; i <= 2; i++) {
                        try (Connection connection = dataSource.getConnection();
                             PreparedStatement insert = connection.prepareStatement(
                                     "INSERT INTO " + order[0] + " (id, qty) VALUES (?, ?)")) {
                            insert.setString(1, order[i]);
                            insert.setInt(2, order[i].equals("ab") ? 2 : 1);
                            insert.executeUpdate();
                        }
                        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    }
                }
            }
            for (String table : List.of("t_a", "t_b")) {
                assertThat(Rows.of(newDb, "SELECT encode(id, 'hex') AS id, qty FROM " + table)).as(table)
                        .isEqualTo(Rows.of(oldDb, "SELECT '6162' AS id, qty FROM " + table + " WHERE id = 'ab'"));
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log WHERE table_name = ?", table))
                        .as(table + ": the other spelling is recorded")
                        .containsExactly(Map.of("row_key", table.equals("t_a") ? "\\x6162" : "\\141b"));
            }
            oldDb.execute("CREATE TABLE t (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO t VALUES ('ab', 1), ('\\x6162', 2), ('\\141b', 3), ('cd', 4)");
            newDb.execute("CREATE TABLE t (id BYTEA PRIMARY KEY, qty INT)");
            org.assertj.core.api.Assertions.assertThatThrownBy(io.dualwrite.jdbc.backfill.BackfillJob.builder()
                    .migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .mapping(TableMapping.builder("t").build()).chunkRows(2, 2).build()::run)
                    .isInstanceOf(io.dualwrite.jdbc.backfill.BackfillException.class)
                    .hasMessageContainingAll("key '\\x6162'", "key '\\141b'");
            assertThat(Rows.of(newDb, "SELECT encode(id, 'hex') AS id, qty FROM t ORDER BY 1")).isEqualTo(Rows.of(oldDb,
                    "SELECT encode(convert_to(id, 'UTF8'), 'hex') AS id, qty FROM t WHERE id IN ('ab', 'cd') ORDER BY 1"));
        }
    }

    // Tried and held (kept as guards): two old keys that the new key column would take as one (a case- or
    // accent-insensitive collation, a width, a precision, a scale, zero padding, a character set), each in its own
    // transaction and sync, both orders. The first is copied exactly, the second refused by name and recorded: never
    // one new row for two old ones.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4} and {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | VARCHAR(20)    | MARIADB  | VARCHAR(20) COLLATE utf8mb4_general_ci  | 'a'                          | 'A'
            POSTGRES | VARCHAR(20)    | MARIADB  | VARCHAR(20) COLLATE utf8mb4_uca1400_ai_ci | 'e'                        | 'é'
            H2       | VARCHAR(20)    | H2       | VARCHAR_IGNORECASE(20)                  | 'a'                          | 'A'
            POSTGRES | VARCHAR(20)    | POSTGRES | CITEXT                                  | 'a'                          | 'A'
            POSTGRES | VARCHAR(20)    | MARIADB  | VARCHAR(3)                              | 'abc'                        | 'abcd'
            POSTGRES | TIMESTAMP(6)   | MARIADB  | DATETIME(0)                             | '2024-01-31 10:00:00'        | '2024-01-31 10:00:00.4'
            POSTGRES | TIMESTAMP(6)   | POSTGRES | TIMESTAMP(0)                            | '2024-01-31 10:00:00'        | '2024-01-31 10:00:00.6'
            POSTGRES | NUMERIC(10,3)  | MARIADB  | DECIMAL(10,2)                           | 1.00                         | 1.004
            POSTGRES | BYTEA          | MARIADB  | BINARY(4)                               | '\\x61000000'                | '\\x61'
            POSTGRES | VARCHAR(20)    | MARIADB  | VARCHAR(20) CHARACTER SET utf8mb3        | 'a?'                         | 'a😀'
            POSTGRES | VARCHAR(20)    | MARIADB  | CHAR(5)                                 | 'a'                          | 'a '
            MARIADB  | VARBINARY(20)  | POSTGRES | BYTEA                                   | X'61'                        | X'6100'
            POSTGRES | DOUBLE PRECISION | MARIADB | FLOAT                                  | 0.1                          | 0.10000000001
            POSTGRES | DOUBLE PRECISION | POSTGRES | REAL                                  | 0.5                          | 0.50000000001
            H2       | DOUBLE         | H2       | REAL                                    | 0.1                          | 0.1000000001
            """)
    void twoOldKeysTheNewKeyTakesAsOneAreNeverOneNewRow(Kind oldKind, String oldType, Kind newKind, String newType,
                                                       String first, String second) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            if (newType.equals("CITEXT")) {
                newDb.execute("CREATE EXTENSION IF NOT EXISTS citext");
            }
            for (String table : List.of("t_a", "t_b")) {
                oldDb.execute("CREATE TABLE " + table + " (id " + oldType + " PRIMARY KEY, qty INT)");
                newDb.execute("CREATE TABLE " + table + " (id " + newType + " PRIMARY KEY, qty INT)");
            }
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t_a").build()).mapping(TableMapping.builder("t_b").build())
                        .build();
                for (String[] order : List.of(new String[] {"t_a", first, second},
                        new String[] {"t_b", second, first})) {
                    for (int i = 1; i <= 2; i++) {
                        try (Connection connection = dataSource.getConnection();
                             Statement statement = connection.createStatement()) {
                            statement.executeUpdate("INSERT INTO " + order[0] + " (id, qty) VALUES (" + order[i] + ", "
                                    + (order[i].equals(first) ? 1 : 2) + ")");
                        }
                        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    }
                }
            }
            for (String table : List.of("t_a", "t_b")) {
                List<Map<String, String>> copied = Rows.of(newDb, "SELECT qty FROM " + table + " ORDER BY qty");
                List<Map<String, Object>> recorded = oldDb.query(
                        "SELECT row_key FROM dualwrite_change_log WHERE table_name = ?", table);
                assertThat(Rows.of(oldDb, "SELECT qty FROM " + table)).as(table).hasSize(2);
                long keyed = recorded.stream().filter(entry -> !"*".equals(entry.get("row_key"))).count();
                assertThat(copied.size() + keyed == 2 || keyed < recorded.size())
                        .as(table + ": each old row copied, or its key or a scoped resync of the table recorded, "
                                + copied + " " + recorded).isTrue();
                for (Map<String, String> row : copied) {
                    // the copied row is the old row of its own key: its key read back equals that old row's key
                    String qty = row.get("qty");
                    String literal = qty.equals("1") ? first : second;
                    if (oldKind == newKind) { // a literal both products read alike
                        assertThat(newDb.count("SELECT COUNT(*) FROM " + table + " WHERE qty = " + qty + " AND id = "
                                + literal)).as(table + ": row " + qty + " is under its own key").isEqualTo(1);
                    }
                }
            }
        }
    }

    private static DualWriter writer(TestDatabase oldDb, MirrorMode mode) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", MigrationPhase.DUAL_WRITE);
        return DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(60))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(60)).build()).build();
    }

    private static DualWriteDataSource dataSource(TestDatabase oldDb, TestDatabase newDb, DualWriter writer) {
        return DualWriteDataSource.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration("t").dualWriter(writer).mapping(TableMapping.builder("t").build()).build();
    }

    /** The new store's key as text by the database's own functions: bytes as lower-case hex. */
    private static String keyText(Kind kind, String type) {
        boolean binary = type.contains("BINARY") || type.equals("BYTEA");
        return switch (kind) {
            case POSTGRES -> binary ? "encode(id, 'hex')" : "CAST(id AS TEXT)";
            case MARIADB -> binary ? "LOWER(HEX(id))" : "CAST(id AS CHAR)";
            default -> binary ? "LOWER(RAWTOHEX(id))" : "CAST(id AS VARCHAR)";
        };
    }
}
