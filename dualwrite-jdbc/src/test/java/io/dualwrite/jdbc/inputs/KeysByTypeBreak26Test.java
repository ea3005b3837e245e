package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 26: keys by type. Two old keys that the new key column would hold as one row (a text the new column reads as
 * a value of its own type, an exact number the new floating-point column rounds), each in its own transaction and
 * sync, both orders: each is copied exactly or refused by name and recorded, never one new row for two old ones.
 * Every test ends comparing both stores with plain JDBC and reading the change log with plain JDBC.
 */
class KeysByTypeBreak26Test {

    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4} and {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | VARCHAR(40)    | POSTGRES | INET                | '10.0.0.1'            | '10.0.0.1/32'
            POSTGRES | VARCHAR(40)    | POSTGRES | CIDR                | '10.0.0.0/8'          | '10/8'
            POSTGRES | VARCHAR(40)    | POSTGRES | MACADDR             | '08:00:2b:01:02:03'   | '08-00-2b-01-02-03'
            POSTGRES | VARCHAR(40)    | POSTGRES | INTERVAL            | '1 day'               | '24 hours'
            POSTGRES | VARCHAR(40)    | POSTGRES | MONEY               | '1.00'                | '1'
            POSTGRES | VARCHAR(40)    | POSTGRES | OID                 | '12'                  | '012'
            POSTGRES | VARCHAR(40)    | POSTGRES | BIT VARYING(8)      | '0001'                | 'x1'
            POSTGRES | VARCHAR(40)    | POSTGRES | INT4RANGE           | '[1,5)'               | '[1,4]'
            POSTGRES | VARCHAR(40)    | POSTGRES | TEXT[]              | '{a,b}'               | '{"a","b"}'
            POSTGRES | VARCHAR(40)    | POSTGRES | BOOLEAN             | 'true'                | 't'
            POSTGRES | VARCHAR(40)    | POSTGRES | JSONB               | '{"a": 1}'            | '{"a":1}'
            H2       | VARCHAR(40)    | H2       | BOOLEAN             | 'TRUE'                | 'true'
            MARIADB  | VARCHAR(40)    | MARIADB  | INET6               | '::1'                 | '0::1'
            MARIADB  | VARCHAR(40)    | MARIADB  | YEAR                | '2024'                | '24'
            MARIADB  | VARCHAR(40)    | MARIADB  | "ENUM('a','b')"     | 'a'                   | '1'
            MARIADB  | VARCHAR(40)    | MARIADB  | "SET('a','b')"      | 'a,b'                 | 'b,a'
            H2       | VARCHAR(40)    | H2       | "ENUM('a','b')"     | 'a'                   | '0'
            H2       | VARCHAR(40)    | H2       | INTERVAL DAY        | '1'                   | '01'
            H2       | VARCHAR(40)    | H2       | DECFLOAT            | '1'                   | '1.0'
            POSTGRES | NUMERIC(30,20) | POSTGRES | DOUBLE PRECISION    | 0.1                   | 0.10000000000000000001
            POSTGRES | BIGINT         | POSTGRES | DOUBLE PRECISION    | 9007199254740992      | 9007199254740993
            POSTGRES | NUMERIC        | POSTGRES | REAL                | 0.5                   | 0.50000001
            MARIADB  | DECIMAL(30,20) | MARIADB  | DOUBLE              | 0.1                   | 0.10000000000000000001
            MARIADB  | BIGINT         | MARIADB  | FLOAT               | 16777216              | 16777217
            H2       | DECIMAL(30,20) | H2       | DOUBLE              | 0.1                   | 0.10000000000000000001
            H2       | BIGINT         | H2       | REAL                | 16777216              | 16777217
            """)
    void twoOldKeysTheNewKeyTakesAsOneAreNeverOneNewRow(Kind oldKind, String oldType, Kind newKind, String newType,
                                                       String first, String second) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
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
            }
        }
    }

    // A text key refused for an inet key ('10.0.0.1/32', the row of '10.0.0.1' there) is deleted from the old store:
    // the delete must not remove the copy of '10.0.0.1', which the old store still holds; the reconciler then
    // completes the refused key's entry. A composite key with such a part alike. The backfill names the refused key and
    // copies the rest.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            id VARCHAR(40) PRIMARY KEY                       | id INET PRIMARY KEY                       | '10.0.0.1' | '10.0.0.1/32'
            shop INT, id VARCHAR(40), PRIMARY KEY (shop, id) | shop INT, id INET, PRIMARY KEY (shop, id) | '10.0.0.1' | '10.0.0.1/32'
            id VARCHAR(40) PRIMARY KEY                       | id INTERVAL PRIMARY KEY                   | '1 day'    | '24 hours'
            """)
    void aRefusedSpellingIsDeletedWithoutTheCopyOfTheKeptOne(String oldColumns, String newColumns, String kept,
                                                            String refused) throws Exception {
        boolean composite = oldColumns.startsWith("shop");
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (" + oldColumns + ", qty INT)");
            newDb.execute("CREATE TABLE t (" + newColumns + ", qty INT)");
            String columns = composite ? "shop, id, qty" : "id, qty";
            String shop = composite ? "7, " : "";
            TableMapping mappingT = composite ? TableMapping.builder("t").primaryKey("shop", "id").build()
                    : TableMapping.builder("t").build();
            TableMapping mappingB = composite ? TableMapping.builder("b").primaryKey("shop", "id").build()
                    : TableMapping.builder("b").build();
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(mappingT).build();
                for (String statementText : List.of(
                        "INSERT INTO t (" + columns + ") VALUES (" + shop + kept + ", 1)",
                        "INSERT INTO t (" + columns + ") VALUES (" + shop + refused + ", 2)",
                        "DELETE FROM t WHERE id = " + refused)) {
                    try (Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        assertThat(statement.executeUpdate(statementText)).isEqualTo(1);
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                }
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("the refused key is recorded")
                    .hasSize(1);
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(mappingT)
                    .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
            String read = "SELECT " + columns.replace("id", "format('%s', id) AS id");
            assertThat(Rows.of(newDb, read + " FROM t")).as("the copy of the kept spelling is there, under its own key")
                    .isEqualTo(Rows.of(oldDb, read + " FROM t"));

            // the backfill: the refused spelling named, the rest copied
            oldDb.execute("CREATE TABLE b (" + oldColumns + ", qty INT)",
                    "INSERT INTO b (" + columns + ") VALUES (" + shop + kept + ", 1), (" + shop + refused + ", 2), ("
                            + shop + (kept.contains("day") ? "'2 days'" : "'10.0.0.2'") + ", 3)");
            newDb.execute("CREATE TABLE b (" + newColumns + ", qty INT)");
            assertThatThrownBy(BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(mappingB).chunkRows(2, 2).build()::run)
                    .isInstanceOf(BackfillException.class).hasMessageContaining(refused.replace("'", ""));
            assertThat(Rows.of(newDb, read + " FROM b ORDER BY qty")).as("every other row copied under its own key")
                    .isEqualTo(Rows.of(oldDb, read + " FROM b WHERE id <> " + refused + " ORDER BY qty"));
        }
    }

    // An undeclared PostgreSQL numeric key keeps each row's own scale (12.50) but compares 12.5 and 12.50 as one
    // key; key texts name it without trailing zeros. Into a text key, the row was written with its own scale ('12.50')
    // and the delete named '12.5': the new store kept the row, nothing recorded.
    @ParameterizedTest(name = "{0} -> {1}: {2}, then by {3}, {4}")
    @CsvSource(delimiter = '|', textBlock = """
            POSTGRES | POSTGRES | 12.50  | 12.5   | SYNC
            POSTGRES | POSTGRES | 12.50  | 12.5   | ASYNC
            POSTGRES | MARIADB  | 12.500 | 12.50  | SYNC
            POSTGRES | H2       | 100.0  | 100    | SYNC
            POSTGRES | POSTGRES | 0.00   | 0      | SYNC
            """)
    void anUndeclaredNumericKeyIntoATextKeyIsUpdatedAndDeletedByAnyScale(Kind oldKind, Kind newKind, String written,
                                                                       String asked, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id NUMERIC PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id VARCHAR(40) PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + written + ", 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = " + asked);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    assertThat(Rows.of(newDb, "SELECT qty FROM t")).isEqualTo(Rows.of(oldDb, "SELECT qty FROM t"));
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE id = " + asked)).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(Rows.of(oldDb, "SELECT id, qty FROM t")).isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, qty FROM t")).as("the delete reached the new store's row").isEmpty();
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
        }
    }

    // A wrong refusal is a fault too: a text key that the new key column stores as the very same text is copied,
    // updated and deleted, nothing recorded.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | VARCHAR(40) | POSTGRES | INET      | '10.0.0.1/24'       | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | CIDR      | '10.0.0.0/8'        | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | MACADDR   | '08:00:2b:01:02:03' | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | INTERVAL  | '1 day'             | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | JSONB     | '{"a": 1}'          | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | TEXT[]    | '{a,b}'             | format('%s', id)
            POSTGRES | VARCHAR(40) | POSTGRES | BOOLEAN   | 'true'              | CAST(id AS TEXT)
            POSTGRES | VARCHAR(40) | POSTGRES | INT4RANGE | '[1,5)'             | format('%s', id)
            MARIADB  | VARCHAR(40) | MARIADB  | INET6     | '::1'               | CAST(id AS CHAR)
            H2       | VARCHAR(40) | H2       | DECFLOAT  | '1.5'               | CAST(id AS VARCHAR)
            """)
    void aTextKeyStoredAsItsOwnTextIsCopiedUpdatedAndDeleted(Kind oldKind, String oldType, Kind newKind,
                                                            String newType, String literal, String newText)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + literal + ", 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = " + literal);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing refused").isEmpty();
                    assertThat(Rows.of(newDb, "SELECT " + newText + " AS id, qty FROM t"))
                            .isEqualTo(Rows.of(oldDb, "SELECT id, qty FROM t"));
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE id = " + literal)).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(Rows.of(newDb, "SELECT qty FROM t")).as("the delete reached the new store's row").isEmpty();
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
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
}
