package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
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
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 28: a text key in the old store that spells a UUID otherwise than the {@code uuid} column prints it (capitals,
 * no hyphens, braces, and their mixes: the forms the copier accepts) going into a {@code uuid} key on PostgreSQL, H2 or
 * MariaDB. Round 24's rule refused every such key, so the stores never converged (round 27b's first fix copied them but
 * scanned the old table per sync and had no way back). Each member ends comparing both stores with plain JDBC (a UUID
 * by its 32 lower-case digits, the old key by its exact text where the way back is tried) and reading
 * {@code dualwrite_change_log} with plain JDBC: a member holds when the stores are equal with nothing recorded, or, for
 * spellings outside the accepted forms and two old rows of one UUID, when the key is refused by name and recorded and
 * no new row holds another old row's values.
 */
class UuidSpellingsBreak28Test {

    /** The old key's UUID as 32 lower-case digits, on every product. */
    private static final String OLD_DIGITS = "LOWER(REPLACE(REPLACE(REPLACE(id, '-', ''), '{', ''), '}', ''))";

    /**
     * The MariaDB databases the members share (see {@link SharedMariaDbs}), emptied of table {@code t} and of the
     * change log when a member takes them; the members on PostgreSQL and H2 keep their own.
     */
    private static final SharedMariaDbs SHARED = new SharedMariaDbs("t");

    @AfterAll
    static void closeShared() {
        SHARED.close();
    }

    private static String newDigits(Kind kind) {
        return switch (kind) {
            case POSTGRES -> "REPLACE(CAST(id AS TEXT), '-', '')";
            case H2 -> "REPLACE(CAST(id AS VARCHAR), '-', '')";
            case MARIADB -> "REPLACE(CAST(id AS CHAR), '-', '')";
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The live mirror: insert, update and delete by the same spelling, ASYNC and SYNC.

    @ParameterizedTest(name = "{4}: {0} {1} -> {2} uuid, {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | CHAR(36)                          | POSTGRES | '00112233-4455-6677-8899-AABBCCDDEEFF'   | SYNC
            MARIADB  | CHAR(36)                          | POSTGRES | '00112233-4455-6677-8899-AABBCCDDEEFF'   | ASYNC
            MARIADB  | VARCHAR(40)                       | POSTGRES | '00112233445566778899AABBCCDDEEFF'       | SYNC
            MARIADB  | VARCHAR(40)                       | POSTGRES | '00112233445566778899aabbccddeeff'       | ASYNC
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | '{00112233-4455-6677-8899-aabbccddeeff}' | SYNC
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | '{00112233445566778899AABBCCDDEEFF}'     | ASYNC
            H2       | VARCHAR(40)                       | POSTGRES | '{00112233-4455-6677-8899-AABBCCDDEEFF}' | SYNC
            H2       | VARCHAR(40)                       | POSTGRES | '00112233445566778899AABBCCDDEEFF'       | ASYNC
            POSTGRES | TEXT                              | H2       | '00112233445566778899aabbccddeeff'       | SYNC
            POSTGRES | TEXT                              | H2       | '00112233-4455-6677-8899-AABBCCDDEEFF'   | ASYNC
            POSTGRES | TEXT                              | MARIADB  | '00112233-4455-6677-8899-AABBCCDDEEFF'   | SYNC
            POSTGRES | TEXT                              | MARIADB  | '{00112233445566778899aabbccddeeff}'     | ASYNC
            POSTGRES | TEXT                              | POSTGRES | '00112233-4455-6677-8899-AABBCCDDEEFF'   | SYNC
            """)
    void anAcceptedSpellingIsInsertedUpdatedAndDeletedExactly(Kind oldKind, String oldType, Kind newKind,
                                                             String written, MirrorMode mode) throws Exception {
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + "UUID" + " PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, mode, MigrationPhase.DUAL_WRITE)) {
                DataSourceAndBoard live = dataSource(oldDb, newDb, writer, TableMapping.builder("t").build());
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + written + ", 1)");
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                    assertExactlyEqual(oldDb, newDb, "after the insert", 1);
                    assertThat(statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = " + written)).isEqualTo(1);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                    assertExactlyEqual(oldDb, newDb, "after the update", 1);
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE id = " + written)).isEqualTo(1);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                    assertExactlyEqual(oldDb, newDb, "after the delete", 0);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Spellings outside the accepted forms: refused by name and recorded, never copied as another row.

    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | VARCHAR(40) | POSTGRES | UUID    | '00112233-4455-6677-8899-AabbCCDDEEFF'
            POSTGRES | TEXT        | POSTGRES | UUID    | '0011-2233-4455-6677-8899-aabb-ccdd-eeff'
            POSTGRES | TEXT        | H2       | UUID    | '{00112233445566778899aabbccddeeff'
            POSTGRES | TEXT        | MARIADB  | UUID    | '00112233-4455-66778899-aabbccddeeff'
            POSTGRES | TEXT        | POSTGRES | INTEGER | '007'
            MARIADB  | VARCHAR(20) | POSTGRES | INTEGER | '+7'
            POSTGRES | TEXT        | POSTGRES | INET    | '10.0.0.1/32'
            POSTGRES | TEXT        | POSTGRES | INET    | '::FFFF:10.0.0.1'
            """)
    void aSpellingOutsideTheAcceptedFormsIsRefusedByNameAndRecorded(Kind oldKind, String oldType, Kind newKind,
                                                                    String newType, String written)
            throws Exception {
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC, MigrationPhase.DUAL_WRITE)) {
                DataSourceAndBoard live = dataSource(oldDb, newDb, writer, TableMapping.builder("t").build());
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + written + ", 1)");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
            }
            reconciler(oldDb, newDb, TableMapping.builder("t").build()).runOnce(); // tried again: still refused
            assertThat(Rows.of(newDb, "SELECT qty FROM t")).as("no new row for a key stored otherwise").isEmpty();
            List<Map<String, String>> recorded = Rows.of(oldDb,
                    "SELECT row_key, last_error FROM dualwrite_change_log");
            assertThat(recorded).as("the key recorded").extracting(row -> row.get("row_key"))
                    .containsExactly(written.substring(1, written.length() - 1));
            assertThat(recorded.get(0).get("last_error")).as("refused by name").contains("cannot be held exactly");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Two old rows that spell one UUID: never one new row.

    @ParameterizedTest(name = "{0} {1} -> {4}: {2} then {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | '00112233-4455-6677-8899-AABBCCDDEEFF' | '00112233-4455-6677-8899-aabbccddeeff' | POSTGRES
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | '00112233-4455-6677-8899-aabbccddeeff' | '00112233-4455-6677-8899-AABBCCDDEEFF' | POSTGRES
            MARIADB  | CHAR(36)                          | '00112233-4455-6677-8899-AABBCCDDEEFF' | '00112233445566778899aabbccddeeff' | POSTGRES
            POSTGRES | TEXT                              | '{00112233-4455-6677-8899-aabbccddeeff}' | '00112233-4455-6677-8899-aabbccddeeff' | POSTGRES
            POSTGRES | TEXT                              | '00112233-4455-6677-8899-aabbccddeeff' | '00112233445566778899AABBCCDDEEFF' | POSTGRES
            POSTGRES | VARCHAR(40)                       | 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' | 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' | MARIADB
            POSTGRES | VARCHAR(40)                       | 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' | 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' | MARIADB
            H2       | VARCHAR(40)                       | '00112233445566778899AABBCCDDEEFF' | '00112233-4455-6677-8899-aabbccddeeff' | POSTGRES
            """)
    void twoOldSpellingsOfOneUuidAreNeverOneNewRowAndTheSecondsDeleteKeepsTheFirstsCopy(Kind oldKind, String oldType,
                                                                                       String first, String second,
                                                                                       Kind newKind)
            throws Exception {
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)");
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC, MigrationPhase.DUAL_WRITE)) {
                DataSourceAndBoard live = dataSource(oldDb, newDb, writer, TableMapping.builder("t").build());
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + first + ", 1)");
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + second + ", 2)");
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                    assertThat(Rows.of(newDb, "SELECT qty FROM t")).as("the first spelling's copy alone")
                            .isEqualTo(List.of(Map.of("qty", "1")));
                    assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log"))
                            .as("the second spelling recorded").extracting(row -> row.get("row_key"))
                            .containsExactly(second.substring(1, second.length() - 1));
                    // the second spelling deleted: its delete must not take the first spelling's copy with it
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE qty = 2")).isEqualTo(1);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                }
            }
            reconciler(oldDb, newDb, TableMapping.builder("t").build()).runOnce();
            assertExactlyEqual(oldDb, newDb, "after the second spelling's delete and the reconciler", 1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The reconciler: keys recorded while the new store refused every write.

    @ParameterizedTest(name = "{0} {1} -> {2}: {3}, {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | CHAR(36)    | POSTGRES | '00112233-4455-6677-8899-AABBCCDDEEFF'   | '11112222333344448555666677778888'
            H2       | VARCHAR(40) | POSTGRES | '{00112233-4455-6677-8899-AABBCCDDEEFF}' | '11112222-3333-4444-8555-666677778888'
            POSTGRES | TEXT        | MARIADB  | '00112233445566778899AABBCCDDEEFF'       | '{11112222-3333-4444-8555-666677778888}'
            POSTGRES | TEXT        | H2       | '00112233-4455-6677-8899-AABBCCDDEEFF'   | '11112222333344448555666677778888'
            """)
    void keysRecordedWhileTheNewStoreRefusedAreReconciledExactly(Kind oldKind, String oldType, Kind newKind,
                                                                String first, String second) throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT, must INT NOT NULL)");
            try (DualWriter writer = writer(oldDb, MirrorMode.ASYNC, MigrationPhase.DUAL_WRITE)) {
                DataSourceAndBoard live = dataSource(oldDb, newDb, writer, mapping);
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + first + ", 1)");
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (" + second + ", 2)");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).as("both keys recorded")
                    .hasSize(2);
            newDb.execute("ALTER TABLE t DROP COLUMN must");
            reconciler(oldDb, newDb, mapping).runOnce();
            assertExactlyEqual(oldDb, newDb, "after the reconciler", 2);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The backfill, verification and repair.

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | VARCHAR(40) | POSTGRES
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES
            H2       | VARCHAR(40) | POSTGRES
            POSTGRES | TEXT        | H2
            POSTGRES | TEXT        | MARIADB
            """)
    void theBackfillCopiesAcceptedSpellingsAndVerificationAndRepairAgree(Kind oldKind, String oldType, Kind newKind)
            throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)");
            oldDb.execute("INSERT INTO t VALUES ('00112233-4455-6677-8899-AABBCCDDEEFF', 1)",
                    "INSERT INTO t VALUES ('11112222333344448555666677778888', 2)",
                    "INSERT INTO t VALUES ('{21112222-3333-4444-8555-66667777AAAA}', 3)",
                    "INSERT INTO t VALUES ('{31112222333344448555666677778888}', 4)",
                    "INSERT INTO t VALUES ('41112222-3333-4444-8555-666677778888', 5)");
            BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .mapping(mapping).chunkRows(2, 2).build().run();
            assertExactlyEqual(oldDb, newDb, "after the backfill", 5);
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .recheckDelay(Duration.ZERO).recheckRounds(1).build();
            VerificationJob job = VerificationJob.builder("t").table(mapping).chunkRows(2).leafRows(1).build();
            VerificationResult clean = verifier.verify(job);
            assertThat(clean.tables().get(0).clean()).as(clean.tables().get(0).toText()).isTrue();

            newDb.execute("UPDATE t SET qty = 30 WHERE qty = 1", "DELETE FROM t WHERE qty = 3");
            VerificationResult found = verifier.verify(job);
            assertThat(found.tables().get(0).clean()).as(found.tables().get(0).toText()).isFalse();
            RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job, found);
            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            assertExactlyEqual(oldDb, newDb, "after the repair", 5);
        }
    }

    // Two old rows spelling one UUID against the one new row copied from the first: verification never calls it clean
    // (the re-read by every accepted spelling finds both old rows), and the backfill refuses the second by name.
    @ParameterizedTest(name = "{0} {1}: {2} and {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | 00112233-4455-6677-8899-AABBCCDDEEFF | 00112233-4455-6677-8899-aabbccddeeff
            POSTGRES | TEXT                              | 00112233445566778899aabbccddeeff     | {00112233-4455-6677-8899-aabbccddeeff}
            """)
    void twoOldSpellingsOfOneUuidAreNeverVerifiedClean(Kind oldKind, String oldType, String first, String second)
            throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, Kind.POSTGRES, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)");
            oldDb.execute("INSERT INTO t VALUES ('" + first + "', 1)", "INSERT INTO t VALUES ('" + second + "', 1)",
                    "INSERT INTO t VALUES ('11112222-3333-4444-8555-666677778888', 2)");
            newDb.execute("INSERT INTO t VALUES ('" + first + "', 1)",
                    "INSERT INTO t VALUES ('11112222-3333-4444-8555-666677778888', 2)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BackfillJob.builder().migration("t")
                            .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                            .build().run())
                    .as("the backfill refuses the two spellings by name").hasStackTraceContaining("spelt otherwise");
            assertThat(Rows.of(newDb, "SELECT qty FROM t ORDER BY qty")).as("never one old row's values under the"
                    + " other's key").isEqualTo(List.of(Map.of("qty", "1"), Map.of("qty", "2")));
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .recheckDelay(Duration.ZERO).recheckRounds(1).build();
            for (int chunk : new int[] {2, 3, 1000}) {
                VerificationJob job = VerificationJob.builder("t").table(mapping).chunkRows(chunk).leafRows(1).build();
                VerificationResult result = verifier.verify(job);
                assertThat(result.tables().get(0).clean()).as("chunks of " + chunk + ": "
                        + result.tables().get(0).toText()).isFalse();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The way back: after a move to NEW_PRIMARY, the sync new -> old writes under the old row's own spelling.

    @ParameterizedTest(name = "{0} {1} -> {2}: {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | 00112233-4455-6677-8899-AABBCCDDEEFF
            MARIADB  | CHAR(36)                          | POSTGRES | 00112233-4455-6677-8899-AABBCCDDEEFF
            MARIADB  | VARCHAR(40)                       | POSTGRES | 00112233445566778899aabbccddeeff
            POSTGRES | TEXT                              | H2       | 00112233445566778899AABBCCDDEEFF
            H2       | VARCHAR(40)                       | POSTGRES | {00112233-4455-6677-8899-aabbccddeeff}
            """)
    void afterTheMoveToNewPrimaryTheOldRowIsWrittenUnderItsOwnSpelling(Kind oldKind, String oldType, Kind newKind,
                                                                       String spelt) throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)");
            oldDb.execute("INSERT INTO t VALUES ('" + spelt + "', 1)",
                    "INSERT INTO t VALUES ('11112222-3333-4444-8555-666677778888', 2)");
            BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .mapping(mapping).build().run();
            assertExactlyEqual(oldDb, newDb, "after the backfill", 2);
            String ownSpelling = "SELECT id, qty FROM t ORDER BY qty";
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC, MigrationPhase.NEW_PRIMARY)) {
                DataSourceAndBoard live = dataSource(oldDb, newDb, writer, mapping);
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("UPDATE t SET qty = 5 WHERE qty = 1")).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(Rows.of(oldDb, ownSpelling)).as("the live sync new -> old")
                        .isEqualTo(List.of(Map.of("id", "11112222-3333-4444-8555-666677778888", "qty", "2"),
                                Map.of("id", spelt, "qty", "5")));
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).isEmpty();

                // the reconciler in that phase: the old store refuses the value for a while
                oldDb.execute("ALTER TABLE t ADD CONSTRAINT small CHECK (qty < 50)");
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("UPDATE t SET qty = 77 WHERE qty = 5")).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).as("recorded").hasSize(1);
                oldDb.execute(oldKind == Kind.MARIADB ? "ALTER TABLE t DROP CONSTRAINT small"
                        : "ALTER TABLE t DROP CONSTRAINT small");
                Reconciler.builder().changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                        .resolver("t", live.switchboard).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(1)).build().runOnce();
                assertThat(Rows.of(oldDb, ownSpelling)).as("the reconciler new -> old")
                        .isEqualTo(List.of(Map.of("id", "11112222-3333-4444-8555-666677778888", "qty", "2"),
                                Map.of("id", spelt, "qty", "77")));
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).isEmpty();

                // repair from the new store: a change behind the library's back in the old store
                oldDb.execute("UPDATE t SET qty = 9 WHERE qty = 77");
                Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).recheckDelay(Duration.ZERO).recheckRounds(1).build();
                VerificationJob job = VerificationJob.builder("t").table(mapping).build();
                VerificationResult found = verifier.verify(job);
                assertThat(found.tables().get(0).clean()).as(found.tables().get(0).toText()).isFalse();
                RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).build();
                Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job, found, Store.NEW);
                assertThat(Rows.of(oldDb, ownSpelling)).as("repair from the new store: " + repaired)
                        .isEqualTo(List.of(Map.of("id", "11112222-3333-4444-8555-666677778888", "qty", "2"),
                                Map.of("id", spelt, "qty", "77")));

                // and the delete, through the data source
                try (Connection connection = live.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE qty = 77")).isEqualTo(1);
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(Rows.of(oldDb, ownSpelling)).as("the delete new -> old")
                        .isEqualTo(List.of(Map.of("id", "11112222-3333-4444-8555-666677778888", "qty", "2")));
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).isEmpty();
            }
            assertExactlyEqual(oldDb, newDb, "at the end", 1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The cost: the check for other spellings is a read by key, served by the key's index.

    @Test
    void theOtherSpellingsAreReadThroughTheKeysIndexOnPostgres() {
        try (TestDatabase db = TestDatabases.create(Kind.POSTGRES)) {
            db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, qty INT)",
                    "INSERT INTO t SELECT upper(md5(i::text)::uuid::text), i FROM generate_series(1, 20000) i",
                    "ANALYZE t");
            String plan = String.join("\n", db.query("EXPLAIN " + otherSpellingsRead("\"id\"", "\"t\""))
                    .stream().map(row -> String.valueOf(row.values().iterator().next())).toList());
            assertThat(plan).as(plan).containsPattern("Index (Only )?Scan (using|on) t_pkey").doesNotContain("Seq Scan");
        }
    }

    @Test
    void theOtherSpellingsAreReadThroughTheKeysIndexOnMariaDb() {
        try (TestDatabase db = TestDatabases.create(Kind.MARIADB)) {
            db.execute("CREATE TABLE t (id CHAR(36) PRIMARY KEY, qty INT)",
                    "INSERT INTO t SELECT UPPER(UUID()), seq FROM seq_1_to_20000", "ANALYZE TABLE t");
            List<Map<String, Object>> plan = db.query("EXPLAIN " + otherSpellingsRead("`id`", "`t`"));
            assertThat(plan).as(plan.toString()).hasSize(1);
            Map<String, Object> row = lower(plan.get(0));
            assertThat(row.get("key")).as(plan.toString()).isEqualTo("PRIMARY");
            assertThat(String.valueOf(row.get("type"))).as(plan.toString()).isIn("range", "const", "eq_ref", "ref");
        }
    }

    /** The read of the eight accepted spellings of one UUID by the key column, as the copier sends it. */
    private static String otherSpellingsRead(String column, String table) {
        String uuid = "00112233-4455-6677-8899-aabbccddeeff";
        String upper = uuid.toUpperCase(Locale.ROOT);
        List<String> forms = List.of(uuid, upper, uuid.replace("-", ""), upper.replace("-", ""), "{" + uuid + "}",
                "{" + upper + "}", "{" + uuid.replace("-", "") + "}", "{" + upper.replace("-", "") + "}");
        return "SELECT " + column + " FROM " + table + " WHERE " + column + " IN ("
                + String.join(", ", forms.stream().map(form -> "'" + form + "'").toList()) + ")";
    }

    private static Map<String, Object> lower(Map<String, Object> row) {
        Map<String, Object> lowered = new java.util.HashMap<>();
        row.forEach((name, value) -> lowered.put(name.toLowerCase(Locale.ROOT), value));
        return lowered;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Both stores hold {@code rows} rows, the same UUIDs and quantities, and nothing is recorded. */
    private static void assertExactlyEqual(TestDatabase oldDb, TestDatabase newDb, String when, int rows) {
        List<Map<String, String>> held = Rows.of(oldDb, "SELECT " + OLD_DIGITS + " AS k, qty FROM t ORDER BY qty");
        List<Map<String, String>> copied = Rows.of(newDb, "SELECT " + newDigits(newDb.kind())
                + " AS k, qty FROM t ORDER BY qty");
        List<Map<String, String>> recorded = Rows.of(oldDb, "SELECT row_key, last_error FROM dualwrite_change_log");
        assertThat(held).as(when + ": the old store's rows").hasSize(rows);
        assertThat(copied).as(when + ": the new store holds the old store's rows; recorded " + recorded)
                .isEqualTo(held);
        assertThat(recorded).as(when + ": nothing recorded").isEmpty();
    }

    private record DataSourceAndBoard(DualWriteDataSource dataSource, Switchboard switchboard) {
    }

    private static DataSourceAndBoard dataSource(TestDatabase oldDb, TestDatabase newDb, DualWriter writer,
                                                 TableMapping mapping) {
        return new DataSourceAndBoard(DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer).mapping(mapping).build(),
                (Switchboard) writer.resolver());
    }

    private static Reconciler reconciler(TestDatabase oldDb, TestDatabase newDb, TableMapping mapping) {
        return Reconciler.builder().changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build();
    }

    private static DualWriter writer(TestDatabase oldDb, MirrorMode mode, MigrationPhase phase) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", phase);
        return DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(30))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(30)).build()).build();
    }
}
