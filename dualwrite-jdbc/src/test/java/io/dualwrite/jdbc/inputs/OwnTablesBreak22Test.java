package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillResult;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.switches.VerificationStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The library's own tables, twenty-second break: the tools' tables (the backfill checkpoint, the verification's
 * results and checkpoint) on sessions an earlier borrower left on another PostgreSQL {@code search_path} or MariaDB
 * database ({@code USE}), with and without tables of the same names there. Each test ends comparing the two stores
 * row by row with plain JDBC on clean sessions, and reads the library's tables by their home with plain JDBC.
 */
class OwnTablesBreak22Test {

    private static final String MIGRATION = "b22";

    /** A pool on {@code db} whose sessions run {@code leave} when they open (pools never reset it). */
    private static HikariDataSource leftOn(TestDatabase db, String leave) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.pool().getJdbcUrl());
        config.setUsername(db.pool().getUsername());
        config.setPassword(db.pool().getPassword());
        config.setMaximumPoolSize(4);
        config.setConnectionInitSql(leave);
        return new HikariDataSource(config);
    }

    private static void seed(TestDatabase oldDb, TestDatabase newDb, int rows) {
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)");
        StringBuilder values = new StringBuilder();
        for (int id = 1; id <= rows; id++) {
            values.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'c").append(id).append("', ")
                    .append(id).append(")");
        }
        oldDb.execute("INSERT INTO orders (id, code, qty) VALUES " + values);
    }

    /** The old rows copied into the new store by plain JDBC. */
    private static void copyByHand(TestDatabase oldDb, TestDatabase newDb) {
        for (var row : oldDb.query("SELECT id, code, qty FROM orders")) {
            newDb.execute("INSERT INTO orders_v2 (id, code, quantity) VALUES (" + row.get("id") + ", '"
                    + row.get("code") + "', " + row.get("qty") + ")");
        }
    }

    private static void assertStoresEqual(TestDatabase oldDb, TestDatabase newDb, int rows) {
        assertThat(Rows.assertSame(oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(rows);
    }

    /** The place the session is left on, and (decoy) a copy of the library's {@code tables} made there. */
    private static String leaveFor(Kind kind, TestDatabase oldDb, TestDatabase side, boolean decoy, List<String> tables) {
        if (kind == Kind.POSTGRES) {
            oldDb.execute("CREATE SCHEMA side");
        }
        if (decoy) {
            for (String table : tables) {
                oldDb.execute(kind == Kind.POSTGRES
                        ? "CREATE TABLE side." + table + " (LIKE public." + table + " INCLUDING ALL)"
                        : "CREATE TABLE " + side.name() + "." + table + " LIKE " + table);
            }
        }
        return kind == Kind.POSTGRES ? "SET search_path TO side" : "USE " + side.name();
    }

    private static String sideName(Kind kind, TestDatabase side) {
        return kind == Kind.POSTGRES ? "side." : side.name() + ".";
    }

    // Failed before the fix: with a checkpoint table there, the backfill resumed the foreign complete checkpoint of
    // the same job there and copied nothing (the new store stayed empty, silently: "complete"); without one, the
    // backfill's preflight refused, naming dualwrite_backfill_checkpoint as missing, though it is in its home.
    @ParameterizedTest(name = "{0}, a checkpoint table there {1}: a backfill checkpoints in the library's own table")
    @CsvSource({"POSTGRES, false", "POSTGRES, true", "MARIADB, false", "MARIADB, true"})
    void aBackfillOnSessionsLeftElsewhereNeitherResumesNorWritesAForeignCheckpoint(Kind kind, boolean decoy)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(Kind.H2);
             TestDatabase side = kind == Kind.MARIADB ? TestDatabases.create(kind) : null) {
            seed(oldDb, newDb, 30);
            String table = "dualwrite_backfill_checkpoint";
            String leave = leaveFor(kind, oldDb, side, decoy, List.of(table));
            if (decoy) {
                // a complete checkpoint of the same job, written by another application (or environment) there
                BackfillJob.builder().migration(MIGRATION).oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).mapping(Fixture.ORDERS).build().run();
                oldDb.execute("INSERT INTO " + sideName(kind, side) + table + " SELECT * FROM " + table,
                        "DELETE FROM " + table);
                newDb.execute("DELETE FROM orders_v2");
            }
            try (HikariDataSource leftOn = leftOn(oldDb, leave)) {
                BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).checkpointDataSource(leftOn).mapping(Fixture.ORDERS)
                        .build().run();
                assertThat(result.complete()).isTrue();
                assertThat(result.rowsCopied()).as("every row copied, no foreign checkpoint resumed").isEqualTo(30);
            }
            assertThat(oldDb.count("SELECT COUNT(*) FROM " + table + " WHERE chunk_no > 0 AND status = 'DONE'"))
                    .as("the checkpoint in the library's own table").isPositive();
            if (decoy) {
                assertThat(oldDb.count("SELECT COUNT(*) FROM " + sideName(kind, side) + table + " WHERE chunk_no > 0"
                        + " AND rows_copied > 0")).as("the other table, as it was").isPositive();
            }
            assertStoresEqual(oldDb, newDb, 30);
        }
    }

    // Failed before the fix: with tables of the verification's names there, the run's results and its checkpoint went
    // there, and the phase gate's probe, reading the library's own table, found no verification (NEVER_RUN); without
    // them, the verification refused, naming dualwrite_verification as missing, though it is in its home.
    @ParameterizedTest(name = "{0}, tables there {1}: a verification records where the gate reads")
    @CsvSource({"POSTGRES, false", "POSTGRES, true", "MARIADB, false", "MARIADB, true"})
    void aVerificationOnSessionsLeftElsewhereRecordsWhereThePhaseGateReads(Kind kind, boolean decoy) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(Kind.H2);
             TestDatabase side = kind == Kind.MARIADB ? TestDatabases.create(kind) : null) {
            seed(oldDb, newDb, 12);
            copyByHand(oldDb, newDb);
            List<String> tables = List.of("dualwrite_verification", "dualwrite_verification_checkpoint");
            String leave = leaveFor(kind, oldDb, side, decoy, tables);
            try (HikariDataSource leftOn = leftOn(oldDb, leave)) {
                VerificationResult result = Verifier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).results(leftOn).build()
                        .verify(VerificationJob.builder(MIGRATION).table(Fixture.ORDERS).checkpoint("nightly").build());
                assertThat(result.clean()).isTrue();
            }
            assertThat(JdbcVerificationProbe.create(oldDb.dataSource()).lastVerification(MIGRATION))
                    .as("the gate finds the run").isEqualTo(VerificationStatus.CLEAN);
            if (decoy) {
                for (String table : tables) {
                    assertThat(oldDb.count("SELECT COUNT(*) FROM " + sideName(kind, side) + table))
                            .as("the other " + table).isZero();
                }
            }
            assertStoresEqual(oldDb, newDb, 12);
        }
    }

    // Failed before the fix: a stopped run's checkpoint of the same name (an unfinished run of another application or
    // environment) in the table of that name where the session was left was resumed: the run went on after the
    // chunks that checkpoint had compared, missed the row changed in them, and reported the table clean; the gate
    // then allowed the move. The run now reads its own table, finds no checkpoint, compares every chunk.
    @ParameterizedTest(name = "{0}: a verification does not resume a foreign checkpoint")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aVerificationOnSessionsLeftElsewhereDoesNotResumeAForeignCheckpoint(Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(Kind.H2);
             TestDatabase side = kind == Kind.MARIADB ? TestDatabases.create(kind) : null) {
            seed(oldDb, newDb, 600);
            copyByHand(oldDb, newDb);
            String table = "dualwrite_verification_checkpoint";
            String leave = leaveFor(kind, oldDb, side, true, List.of("dualwrite_verification", table));
            Verifier clean = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .build();
            io.dualwrite.jdbc.verify.VerificationRun stopped = clean.start(VerificationJob.builder(MIGRATION)
                    .table(Fixture.ORDERS).chunkRows(50).maxRowsPerSecond(400).checkpoint("nightly").build());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> stopped.progress().chunksDone() >= 3);
            stopped.stop();
            org.assertj.core.api.Assertions.catchThrowable(stopped::await);
            oldDb.execute("INSERT INTO " + sideName(kind, side) + table + " SELECT * FROM " + table,
                    "DELETE FROM " + table);
            assertThat(oldDb.count("SELECT COUNT(*) FROM " + sideName(kind, side) + table)).isPositive();
            newDb.execute("UPDATE orders_v2 SET quantity = 0 WHERE id = 10"); // in a chunk the foreign run compared

            VerificationJob job = VerificationJob.builder(MIGRATION).table(Fixture.ORDERS).chunkRows(50)
                    .checkpoint("nightly").build();
            try (HikariDataSource leftOn = leftOn(oldDb, leave)) {
                Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).results(leftOn).build();
                VerificationResult result = verifier.verify(job);
                assertThat(result.clean()).as("the row changed in the first chunk is found").isFalse();
                assertThat(JdbcVerificationProbe.create(oldDb.dataSource()).lastVerification(MIGRATION))
                        .isEqualTo(VerificationStatus.DIRTY);
                io.dualwrite.jdbc.verify.Repairer.of(io.dualwrite.jdbc.copy.RowCopier.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).build(), verifier)
                        .repair(job, result);
            }
            assertStoresEqual(oldDb, newDb, 600);
        }
    }

    /** A pool on {@code url} as {@code user} (no password) whose sessions run {@code init} when they open, if any. */
    private static HikariDataSource pool(String url, String user, String password, String init) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        if (init != null) {
            config.setConnectionInitSql(init);
        }
        return new HikariDataSource(config);
    }

    /**
     * Over {@code oldDb} (the application's sessions clean) and {@code newDb}, with the JDBC change log on {@code
     * changeLogSessions}: an update while the new store is down, then a reconciler on a change log over {@code
     * reconcilerSessions}; the stores compared row by row.
     */
    private static void aLostMirrorIsRepaired(TestDatabase oldDb, TestDatabase newDb, javax.sql.DataSource changeLogSessions,
            javax.sql.DataSource reconcilerSessions) throws Exception {
        io.dualwrite.switches.SwitchStore switches = io.dualwrite.switches.SwitchStores.inMemory();
        switches.setSystemPhase(MIGRATION, io.dualwrite.MigrationPhase.DUAL_WRITE);
        io.dualwrite.switches.Switchboard resolver = io.dualwrite.switches.Switchboard.builder()
                .cachedSwitchStore(switches).migration(io.dualwrite.switches.MigrationSwitchConfig.of(MIGRATION)).build();
        io.dualwrite.jdbc.changelog.JdbcChangeLog changeLog = io.dualwrite.jdbc.changelog.JdbcChangeLog.create(changeLogSessions);
        io.dualwrite.mirror.MirrorConfig config = io.dualwrite.mirror.MirrorConfig.custom()
                .mode(io.dualwrite.mirror.MirrorMode.SYNC).timeLimit(java.time.Duration.ofSeconds(20)).build();
        io.dualwrite.jdbc.testing.SwitchableDataSource newStore =
                new io.dualwrite.jdbc.testing.SwitchableDataSource(newDb.dataSource());
        try (io.dualwrite.mirror.MirrorExecutor toNew = io.dualwrite.mirror.MirrorExecutors.create("b22-to-new", config,
                     changeLog, event -> { });
             io.dualwrite.mirror.MirrorExecutor toOld = io.dualwrite.mirror.MirrorExecutors.create("b22-to-old", config,
                     changeLog, event -> { })) {
            io.dualwrite.jdbc.DualWriteDataSource dataSource = io.dualwrite.jdbc.DualWriteDataSource.builder()
                    .oldDataSource(oldDb.dataSource()).newDataSource(newStore).migration(MIGRATION).resolver(resolver)
                    .mirrorExecutor(io.dualwrite.Store.NEW, toNew).mirrorExecutor(io.dualwrite.Store.OLD, toOld)
                    .changeLog(changeLog).mapping(Fixture.ORDERS).build();
            newStore.switchTo(io.dualwrite.jdbc.testing.SwitchableDataSource.down());
            try (java.sql.Connection connection = dataSource.getConnection();
                 java.sql.Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 100 WHERE id = 1")).isEqualTo(1);
            }
            newStore.switchTo(newDb.dataSource());
            io.dualwrite.jdbc.reconcile.Reconciler.builder()
                    .changeLog(io.dualwrite.jdbc.changelog.JdbcChangeLog.create(reconcilerSessions))
                    .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(Fixture.ORDERS)
                    .resolver(MIGRATION, resolver).build().runOnce();
        }
        assertStoresEqual(oldDb, newDb, 3);
    }

    // Failed before the fix: PostgreSQL sessions start on search_path side, public (the database's setting), and
    // side holds a table "Dualwrite_Change_Log", another table than the library's unquoted name reaches. The catalog
    // search counted it as a holder (case-blind), the session-start path put side first, and the change log named
    // "side".dualwrite_change_log, which does not exist: recording the lost mirror failed, it was only logged, the
    // reconciler found nothing, the new store kept qty 1. Now a holder is a table of the name as the server folds an
    // unquoted one (lower case on PostgreSQL).
    @org.junit.jupiter.api.Test
    void aTableOfTheLibrarysNameInAnotherCaseEarlierOnThePathIsNotTheChangeLog() throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.H2)) {
            seed(oldDb, newDb, 3);
            copyByHand(oldDb, newDb);
            oldDb.execute("CREATE SCHEMA side",
                    "CREATE TABLE side.\"Dualwrite_Change_Log\" (LIKE public.dualwrite_change_log INCLUDING ALL)",
                    "ALTER DATABASE " + oldDb.name() + " SET search_path TO side, public");
            try (HikariDataSource sessions = pool(oldDb.pool().getJdbcUrl(), oldDb.pool().getUsername(),
                    oldDb.pool().getPassword(), null)) {
                aLostMirrorIsRepaired(oldDb, newDb, sessions, oldDb.dataSource());
            }
            assertThat(oldDb.count("SELECT COUNT(*) FROM side.\"Dualwrite_Change_Log\"")).isZero();
        }
    }

    // Failed before the fix: the library's tables live on purpose in a schema of a quoted, mixed-case name with a
    // space ("Dual Write"), the tools' sessions are on the default search_path. The backfill's preflight refused,
    // naming dualwrite_backfill_checkpoint as missing, and the verification refused to record (dualwrite_verification
    // missing): they named their tables without a schema. Now each is found in its one home, quoted.
    @org.junit.jupiter.api.Test
    void theToolsFindTheLibrarysTablesInASchemaOfAQuotedMixedCaseName() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.H2)) {
            seed(oldDb, newDb, 30);
            oldDb.execute("CREATE SCHEMA \"Dual Write\"");
            try (HikariDataSource home = pool(oldDb.pool().getJdbcUrl(), oldDb.pool().getUsername(),
                    oldDb.pool().getPassword(), "SET search_path TO \"Dual Write\"")) {
                io.dualwrite.jdbc.schema.DualWriteSchema.create(home);
            }
            assertThat(oldDb.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'Dual Write'"))
                    .isEqualTo(6);
            BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(Fixture.ORDERS).build().run();
            assertThat(result.rowsCopied()).isEqualTo(30);
            assertThat(oldDb.count("SELECT COUNT(*) FROM \"Dual Write\".dualwrite_backfill_checkpoint")).isPositive();
            assertThat(Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).build()
                    .verify(VerificationJob.builder(MIGRATION).table(Fixture.ORDERS).build()).clean()).isTrue();
            assertThat(JdbcVerificationProbe.create(oldDb.dataSource()).lastVerification(MIGRATION))
                    .isEqualTo(VerificationStatus.CLEAN);
            assertStoresEqual(oldDb, newDb, 30);
        }
    }

    // Failed before the fix (run alone, on a MariaDB server of its own, where the other database is the only one
    // holding the table; the shared test server may hold more, which hid it): the application's database (named in
    // the URL, or USEd by a URL without one) has no dualwrite_switch, another database of the server (an
    // application's or environment's) has one whose system phase is NEW_PRIMARY. The catalog search took the only
    // database holding the table for the home: the switch store read the other database's phase as this
    // application's. Now on MySQL/MariaDB the home is the URL's database (the session's current one when the URL
    // names none), never another: the read refuses, naming the missing table, and so does the schema check.
    @ParameterizedTest(name = "MariaDB, the URL names the database: {0}")
    @CsvSource({"true", "false"})
    void aMariadbSwitchStoreNeverReadsAnotherDatabasesTable(boolean urlNamesDatabase) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.MARIADB);
             TestDatabase side = TestDatabases.createWithDualWriteSchema(Kind.MARIADB)) {
            io.dualwrite.jdbc.switches.JdbcSwitchStore.create(side.dataSource())
                    .setSystemPhase(MIGRATION, io.dualwrite.MigrationPhase.NEW_PRIMARY);
            String url = oldDb.pool().getJdbcUrl();
            if (!urlNamesDatabase) {
                url = url.replace("/" + oldDb.name() + "?", "/?");
                assertThat(url).doesNotContain(oldDb.name());
            }
            try (HikariDataSource sessions = pool(url, oldDb.pool().getUsername(), oldDb.pool().getPassword(),
                    urlNamesDatabase ? null : "USE " + oldDb.name())) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                                io.dualwrite.jdbc.switches.JdbcSwitchStore.create(sessions).load(MIGRATION))
                        .hasMessageContaining("dualwrite_switch");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.dualwrite.jdbc.schema.DualWriteSchema
                                .verify(sessions, List.of("dualwrite_switch")))
                        .hasMessageContaining("missing: dualwrite_switch");
            }
        }
    }
}
