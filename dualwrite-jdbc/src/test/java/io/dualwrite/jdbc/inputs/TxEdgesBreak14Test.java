package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.newRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.sameRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.KeyLocks;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.switches.SwitchRule;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction edges, fourteenth break. Two kinds of fault.
 *
 * <p>A switch that changes while a transaction is open. A write's keys were collected only when its phase, resolved
 * as it ran, wrote the other store; a transaction that wrote in {@code OLD_ONLY} and committed after its system,
 * merchant or order switch, or an id rule, had moved to {@code DUAL_WRITE} left its rows in the old store only, with
 * nothing recorded — also when the documented procedure ran in between (flip, then backfill: the backfill cannot
 * see rows not committed yet). The same held the other way round, {@code NEW_ONLY} to {@code NEW_PRIMARY}.
 *
 * <p>Transaction control the analysis took for too long to be one: any text over 200 characters was read as no
 * control at all, so a PostgreSQL {@code PREPARE TRANSACTION}/{@code COMMIT PREPARED} with a long gid (up to 199
 * characters; pgjdbc's own XA gids run to about 180) and a MariaDB {@code XA START … XA COMMIT} with a 64-byte xid in
 * hex were not seen: the keys were synced before the commit, from the rows as they were, and never again. Likewise
 * a text over 4,096 characters, comments included: a {@code COMMIT} or {@code ROLLBACK} under a long comment.
 *
 * <p>Each test checks the old store's rows (what was committed), then the new store against them row by row with
 * plain JDBC: equal with nothing recorded, or recorded (never silent) and equal once the record is resolved.
 */
class TxEdgesBreak14Test {

    private static final String MIGRATION = Fixture.MIGRATION;

    /** Moves the switch of {@code scope} to {@code phase}: the system, merchant m-1, order 5, or an id rule. */
    private static void flip(Fixture fixture, String scope, MigrationPhase phase) {
        switch (scope) {
            case "SYSTEM" -> fixture.switches.setSystemPhase(MIGRATION, phase);
            case "MERCHANT" -> fixture.switches.setMerchantPhase(MIGRATION, "m-1", phase);
            case "ORDER" -> fixture.switches.setOrderPhase(MIGRATION, "5", phase);
            case "RULE" -> fixture.switches.setRules(MIGRATION, List.of(SwitchRule.idThreshold(5, phase)));
            default -> throw new IllegalArgumentException(scope);
        }
    }

    /** The context the writes run under for a switch of {@code scope}; null (none) for the system's. */
    private static MigrationContext.Scope contextFor(String scope) {
        MigrationContext.Builder context = MigrationContext.forMigration(MIGRATION);
        return switch (scope) {
            case "MERCHANT" -> context.merchantId("m-1").open();
            case "ORDER", "RULE" -> context.orderId("5").open();
            default -> null;
        };
    }

    // Failed before its fix (all): the writes ran in OLD_ONLY (their keys not collected), the switch moved to
    // DUAL_WRITE before the transaction ended, and the commit (by JDBC, by auto-commit on, by COMMIT text after BEGIN,
    // of a statement batch, H2's implicit ones before DDL and at an isolation change) left rows 1 and 5 in the old
    // store only, with nothing recorded.
    @ParameterizedTest(name = "{0}: {1} switch moved mid-transaction, ended by {2}")
    @CsvSource({
        "H2,       SYSTEM,   COMMIT",
        "H2,       SYSTEM,   AUTOCOMMIT",
        "H2,       SYSTEM,   TEXT",
        "H2,       SYSTEM,   BATCH",
        "H2,       SYSTEM,   DDL",
        "H2,       SYSTEM,   ISOLATION",
        "H2,       MERCHANT, COMMIT",
        "H2,       MERCHANT, TEXT",
        "H2,       ORDER,    AUTOCOMMIT",
        "H2,       RULE,     COMMIT",
        "POSTGRES, MERCHANT, TEXT",
        "MARIADB,  SYSTEM,   DDL"})
    void switchMovedToDualWriteBeforeTheCommitOfAnOldOnlyTransactionRecordsItsTables(Kind kind, String scope,
                                                                                   String end) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            try (MigrationContext.Scope context = contextFor(scope);
                 Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                if (end.equals("TEXT")) {
                    statement.execute("BEGIN");
                } else {
                    connection.setAutoCommit(false);
                }
                if (end.equals("BATCH")) {
                    statement.addBatch("UPDATE orders SET qty = 10 WHERE id = 1");
                    statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                    statement.executeBatch();
                } else {
                    writes(statement);
                }
                flip(fixture, scope, MigrationPhase.DUAL_WRITE);
                switch (end) {
                    case "AUTOCOMMIT" -> connection.setAutoCommit(true);
                    case "TEXT" -> statement.execute("COMMIT");
                    case "DDL", "ISOLATION" -> { // H2 commits before DDL and at an isolation change: the rollback is late
                        if (end.equals("DDL")) {
                            statement.execute("CREATE TABLE other (x INT)");
                        } else {
                            connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                        }
                        connection.rollback();
                    }
                    default -> connection.commit();
                }
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.scopedResyncs()).as("never silent").extracting(ChangeRecord::table).contains("orders");
            Mirrored.exactOrResynced(fixture, kind + " " + scope + " " + end);
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
        }
    }

    // Failed before its fix: the documented procedure (move to DUAL_WRITE, then backfill the history) ran while a
    // transaction of the OLD_ONLY time was open; the backfill could not see its rows, and its commit mirrored nothing.
    @Test
    void backfillRunBetweenTheMoveAndTheCommitOfAnOldOnlyTransactionLeavesItsRowsRecorded() throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            DualWriteSchema.create(fixture.oldDb.dataSource());
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                flip(fixture, "SYSTEM", MigrationPhase.DUAL_WRITE);
                BackfillJob.builder().migration(MIGRATION).oldDataSource(fixture.oldDb.dataSource())
                        .newDataSource(fixture.newDb.dataSource()).mapping(Fixture.ORDERS)
                        .rowCopier(fixture.dataSource.rowCopier()).build().run();
                connection.commit();
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.scopedResyncs()).as("never silent").isNotEmpty();
            Mirrored.exactOrResynced(fixture, "backfill before the commit");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
        }
    }

    // Passed before the fix, and must go on passing: a transaction whose switches did not move records nothing (no
    // cost where nothing changed), and one that rolls back after the move leaves both stores as they were.
    @ParameterizedTest(name = "switch {0}, then {1}")
    @CsvSource({
        "STAYS, COMMIT",
        "MOVES, ROLLBACK",
        "MOVES, CLOSE"})
    void oldOnlyTransactionWithoutAMoveOrRolledBackRecordsNothing(String move, String end) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                if (move.equals("MOVES")) {
                    flip(fixture, "SYSTEM", MigrationPhase.DUAL_WRITE);
                }
                switch (end) {
                    case "COMMIT" -> connection.commit();
                    case "ROLLBACK" -> connection.rollback();
                    default -> { }
                }
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(newRows(fixture)).as("the new store, untouched").isEqualTo("1=1 2=2 3=3");
            assertThat(oldRows(fixture)).isEqualTo(end.equals("COMMIT") ? "1=10 2=2 3=3 5=5" : "1=1 2=2 3=3");
        }
    }

    // Failed before its fix: the mirror image on the new store. NEW_ONLY writes only the new store; moved back to
    // NEW_PRIMARY before the commit, the old store must get the rows, and got nothing, with nothing recorded.
    @Test
    void switchMovedBackToNewPrimaryBeforeTheCommitOfANewOnlyTransactionRecordsItsTables() throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.NEW_ONLY).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                flip(fixture, "SYSTEM", MigrationPhase.NEW_PRIMARY);
                connection.commit();
            }
            assertThat(newRows(fixture)).as("what the new store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.scopedResyncs()).as("never silent").singleElement()
                    .satisfies(record -> assertThat(record.target()).isEqualTo(Store.OLD))
                    .extracting(ChangeRecord::table).isEqualTo("orders");
            fixture.resolveScopedResyncs(Fixture.ORDERS, Store.NEW);
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
        }
    }

    /** A comment of 5,000 characters, as a trace context or query tag may make one. */
    private static final String LONG_COMMENT = "/* trace " + "t".repeat(5_000) + " */";

    // Failed before its fix (PostgreSQL): a text over 4,096 characters was taken for no control, comments included. A
    // COMMIT under a long comment left the keys waiting for an end that the close then took for a rollback; a ROLLBACK
    // under one left the session looking in a transaction, so the next auto-committed write waited too and was
    // discarded at close. Passed before, and must go on passing: MariaDB (its server status says the transaction
    // ended) and H2 (a statement it does not know is a possible implicit commit) had a second net.
    @ParameterizedTest(name = "{0} {1}, comment {2}")
    @CsvSource({
        "POSTGRES, COMMIT,   BEFORE, 1=10 2=2 3=3 5=5",
        "POSTGRES, ROLLBACK, AFTER,  1=1 2=20 3=3",
        "MARIADB,  COMMIT,   AFTER,  1=10 2=2 3=3 5=5",
        "MARIADB,  ROLLBACK, BEFORE, 1=1 2=20 3=3",
        "H2,       COMMIT,   BEFORE, 1=10 2=2 3=3 5=5"})
    void transactionControlUnderALongCommentIsControl(Kind kind, String control, String where, String expectedOld)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                writes(statement);
                statement.execute(where.equals("BEFORE") ? LONG_COMMENT + " " + control : control + " " + LONG_COMMENT);
                if (control.equals("ROLLBACK")) {
                    statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2"); // auto-committed
                }
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo(expectedOld);
            assertThat(sameRows(fixture)).isEqualTo(expectedOld);
            assertThat(fixture.records()).isEmpty();
        }
    }

    // A ROLLBACK in an executable comment the server skips is no rollback. Failed before its fix (MariaDB): MariaDB
    // skips a five-digit version from 5.7.0 up (it takes those for MySQL's own) however old it says, and the library
    // ran it as MySQL would compare versions, so the keys were discarded and the commit that followed mirrored nothing.
    // Must pass (PostgreSQL and H2, which skip them all; failed with the first version of the length fix above): under
    // a long comment, the text as the server runs it is read too, not only up to 4,096 characters.
    @ParameterizedTest(name = "{0} {1}, long comment: {2}")
    @CsvSource({
        "MARIADB,  99999, false",
        "MARIADB,  50700, false",
        "MARIADB,  80000, true",
        "POSTGRES, 99999, true",
        "H2,       99999, true"})
    void rollbackInAnExecutableCommentTheServerSkipsIsNoRollback(Kind kind, String version, boolean longComment)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                statement.execute((longComment ? LONG_COMMENT + " " : "") + "/*!" + version + " ROLLBACK */");
                connection.commit();
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    /** A gid of 190 characters: PostgreSQL takes up to 199. */
    private static final String LONG_GID = "'" + "g".repeat(190) + "'";

    /** A MariaDB xid of a 64-byte gtrid and a 64-byte branch qualifier, in hex, as XA drivers spell them. */
    private static final String LONG_XID = "X'" + "ab".repeat(64) + "', X'" + "cd".repeat(64) + "', 1";

    // Failed before its fix: PREPARE TRANSACTION and COMMIT PREPARED of a long gid were taken for no control. The
    // keys went at setAutoCommit(true), before the prepared transaction was committed: row 1 was synced as it was
    // (qty 1), row 5 was missing (recorded), and the update never reached the new store.
    @Test
    void postgresPreparedTransactionWithALongGidIsMirroredWhenCommitPreparedCommitsIt() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                statement.execute("PREPARE TRANSACTION " + LONG_GID);
                connection.setAutoCommit(true);
                statement.execute("COMMIT PREPARED " + LONG_GID);
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                assertThat(fixture.records()).isEmpty();
                // a prepared transaction rolled back under a long gid changes nothing in either store; its outbox entry,
                // written as the transaction was prepared, is left to the reconciler in a change log outside the store
                // (this one is in memory), which syncs the unchanged row: as under a short gid
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                statement.execute("PREPARE TRANSACTION " + LONG_GID);
                connection.setAutoCommit(true);
                statement.execute("ROLLBACK PREPARED " + LONG_GID);
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=20 3=3 5=5");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=20 3=3 5=5");
            assertThat(fixture.recordKeys()).isSubsetOf("orders/3/UPDATE");
        }
    }

    // Failed before its fix: XA START of a long hex xid was taken for no control, so the session looked like one in
    // auto-commit and each write's keys were synced at once, before XA COMMIT: the new store kept the rows as they
    // were before the transaction.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "XA END, XA PREPARE, XA COMMIT",
        "XA END, XA COMMIT ONE PHASE"})
    void mariadbXaTransactionWithALongHexXidIsMirroredAtItsCommit(String ending) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START " + LONG_XID);
                writes(statement);
                for (String verb : ending.split(",")) {
                    String sql = verb.strip();
                    statement.execute(sql.endsWith("ONE PHASE")
                            ? sql.replace(" ONE PHASE", " " + LONG_XID + " ONE PHASE") : sql + " " + LONG_XID);
                }
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // Failed before its fix: a lock timeout over PostgreSQL's largest lock_timeout (2,147,483,647 ms, about 24.8 days)
    // was accepted by the builders and failed every sync on PostgreSQL ("invalid value for parameter"), recorded but
    // never converging, the error naming a server parameter instead of the library's property; one too long to count in
    // milliseconds failed the build with "long overflow". The builders now take at most one hour, as the Spring Boot
    // starter's dualwrite.jdbc.lock-timeout, and say so.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT720H", "PT2562047788015215H30M7S"})
    void lockTimeoutsTheDatabaseCannotTakeAreRefusedNamingThePropertyTheValueTheBoundAndTheFix(Duration timeout) {
        for (var builder : List.<Runnable>of(() -> DualWriteDataSource.builder().lockTimeout(timeout),
                () -> RowCopier.builder().lockTimeout(timeout))) {
            assertThatThrownBy(builder::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("lockTimeout must be a positive duration of at most PT1H (one hour), but was "
                            + timeout)
                    .hasMessageContaining("leave the default PT10S");
        }
        assertThatCode(() -> DualWriteDataSource.builder().lockTimeout(Duration.ofHours(1))).doesNotThrowAnyException();
        assertThatCode(() -> RowCopier.builder().lockTimeout(Duration.ofHours(1))).doesNotThrowAnyException();
    }

    // Failed before its fix (PostgreSQL): a copier of the application's own (a MyBatis MapperCopier takes the locks
    // through KeyLocks with its own timeout) asking for a longer wait than the server can say failed every lock with
    // the server's error, or with "long overflow"; it now waits as long as the server can.
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POSTGRES, PT720H", "POSTGRES, PT2562047788015215H30M7S", "MARIADB, PT2562047788015215H30M7S"})
    void keyLocksAskedForLongerThanTheServerCanWaitAreTakenWithItsLongestWait(Kind kind, Duration timeout)
            throws SQLException {
        try (Fixture fixture = Fixture.of(kind, Kind.H2);
             Connection target = fixture.oldDb.dataSource().getConnection()) {
            int isolation = KeyLocks.begin(target);
            try {
                assertThatCode(() -> KeyLocks.lock(target, "orders", List.of("1", "2"), 1, timeout))
                        .doesNotThrowAnyException();
            } finally {
                target.rollback();
                KeyLocks.unlock(target);
                KeyLocks.restore(target, isolation, true);
            }
        }
    }
}
