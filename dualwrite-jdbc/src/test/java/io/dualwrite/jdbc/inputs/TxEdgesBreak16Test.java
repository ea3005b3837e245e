package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.sameRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.writes;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction edges, sixteenth break. Two kinds of fault.
 *
 * <p>Executable comments read otherwise than MariaDB 11.4 runs them (measured against the server with {@code SELECT 1
 * /*… +1 *}{@code /}): it takes {@code /*m!} in lower case for a plain comment, skips a six-digit version in MySQL's
 * range ({@code /*!050700} up to {@code /*!099999}) as it skips the five-digit one, and ends an executable comment at
 * the {@code *}{@code /} after a plain comment nested in it. The library ran the first two and cut the third short, so
 * a {@code COMMIT}/{@code ROLLBACK} whose {@code AND CHAIN} sat in such a comment was read with the wrong chaining:
 * the writes that followed were taken for auto-committed ones (synced before their commit) or for ones of an open
 * transaction (discarded at a close whose rollback the server, in auto-commit, did not need).
 *
 * <p>A switch that moves after the transaction left the session ended or prepared ({@code XA END}, {@code XA PREPARE},
 * PostgreSQL's {@code PREPARE TRANSACTION}) and before it commits: the writes that did not mirror were resolved again
 * at the end, not at the commit that makes them visible.
 *
 * <p>Each test checks the old store's rows (what was committed), then the new store against them row by row with
 * plain JDBC: equal with nothing recorded, or recorded (never silent) and equal once the record is resolved.
 */
class TxEdgesBreak16Test {

    private static final String MIGRATION = Fixture.MIGRATION;

    // Failed before its fix (the rows marked "skipped"): the library read a ROLLBACK or COMMIT in a comment the server
    // does not run (MariaDB: /*m! in lower case, a six-digit version in MySQL's range, the end of a skipped comment
    // holding a nested one; PostgreSQL and H2: the end of a comment holding a nested one). At the ROLLBACK read, the
    // keys of rows 1 and 5 were discarded, and the commit that followed committed them in the old store only, nothing
    // recorded; at the COMMIT read, they were synced before the commit, from the rows as they were, and never again.
    // The other rows must pass: control the server does run is read as control.
    @ParameterizedTest(name = "{0}: {1} ({2})")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | /*m! ROLLBACK */ DO 0                      | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*m! ROLLBACK */                           | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*!050700 ROLLBACK */ DO 0                 | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*!099999 ROLLBACK */                      | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*!99999 /* a note */ ROLLBACK */          | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*!050700 /* a note */ COMMIT */ DO 0      | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*m! COMMIT */                             | skipped | 1=10 2=2 3=3 5=5",
        "POSTGRES | /*!40101 /* a note */ ROLLBACK */ SELECT 1 | skipped | 1=10 2=2 3=3 5=5",
        "H2       | /*!40101 /* a note */ ROLLBACK */ SELECT 1 | skipped | 1=10 2=2 3=3 5=5",
        "MARIADB  | /*!050699 ROLLBACK */                      | runs    | 1=1 2=2 3=3",
        "MARIADB  | /*M!050700 ROLLBACK */                     | runs    | 1=1 2=2 3=3",
        "MARIADB  | /*!40101 /* a note */ ROLLBACK */          | runs    | 1=1 2=2 3=3",
        "MARIADB  | /*!40101 ROLLBACK /* a note */ */          | runs    | 1=1 2=2 3=3"})
    void controlInAnExecutableCommentIsReadAsTheServerRunsIt(Kind kind, String sql, String server, String expectedOld)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                writes(statement);
                statement.execute(sql);
                connection.commit();
            }
            assertThat(oldRows(fixture)).as("what the old store committed (the comment %s)", server).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, kind + " " + sql);
            assertThat(sameRows(fixture)).isEqualTo(expectedOld);
        }
    }

    // Must pass (held before the fix: MariaDB's in-transaction status tells the library the chaining it misread): a
    // COMMIT or ROLLBACK whose AND CHAIN sits in a comment the server skips, or runs.
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "COMMIT   | /*m! AND CHAIN */                  | 1=10 2=20 3=3 5=5",
        "COMMIT   | /*!050700 AND CHAIN */             | 1=10 2=20 3=3 5=5",
        "ROLLBACK | /*!050750 AND CHAIN */             | 1=1 2=20 3=3",
        "COMMIT   | /*!40101 /* a note */ AND CHAIN */ | 1=10 2=20 3=3 5=5",
        "ROLLBACK | /*M!050700 AND CHAIN */            | 1=1 2=20 3=3"})
    void chainingInAnExecutableCommentIsReadAsMariadbRunsIt(String control, String comment, String expectedOld)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.H2), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                writes(statement);
                statement.execute(control + " " + comment);
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                if (isTrue(statement, "SELECT @@in_transaction")) {
                    statement.execute("COMMIT");
                }
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, control + " " + comment);
            assertThat(sameRows(fixture)).isEqualTo(expectedOld);
        }
    }

    private static boolean isTrue(Statement statement, String query) throws SQLException {
        try (var rows = statement.executeQuery(query)) {
            return rows.next() && rows.getInt(1) == 1;
        }
    }

    // Failed before its fix: the writes ran in OLD_ONLY, the XA transaction left the session (XA END), the system
    // switch moved to DUAL_WRITE, and the commit made rows 1 and 5 visible in the old store only, with nothing
    // recorded: the writes were resolved again at XA END, not at the commit.
    @ParameterizedTest(name = "MariaDB, moved after {0}, ended by {1}")
    @CsvSource({
        "XA END,     XA PREPARE + XA COMMIT",
        "XA END,     XA COMMIT ONE PHASE",
        "XA PREPARE, XA COMMIT"})
    void switchMovedAfterXaEndRecordsTheTablesAtTheXaCommit(String movedAfter, String end) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'x16'");
                writes(statement);
                statement.execute("XA END 'x16'");
                if (movedAfter.equals("XA END")) {
                    fixture.switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                }
                if (end.startsWith("XA PREPARE") || movedAfter.equals("XA PREPARE")) {
                    statement.execute("XA PREPARE 'x16'");
                }
                if (movedAfter.equals("XA PREPARE")) {
                    fixture.switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                }
                statement.execute(end.endsWith("ONE PHASE") ? "XA COMMIT 'x16' ONE PHASE" : "XA COMMIT 'x16'");
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.scopedResyncs()).as("never silent").extracting(ChangeRecord::table).contains("orders");
            Mirrored.exactOrResynced(fixture, "moved after " + movedAfter);
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
        }
    }

    // Failed before its fix, as above: PostgreSQL's PREPARE TRANSACTION resolved the writes again, COMMIT PREPARED did not.
    @ParameterizedTest(name = "PostgreSQL, moved after PREPARE TRANSACTION, committed by {0}")
    @CsvSource({"TEXT", "JDBC_AUTOCOMMIT", "SEVERAL_STATEMENTS"})
    void switchMovedAfterPrepareTransactionRecordsTheTablesAtCommitPrepared(String how) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                if (how.equals("TEXT")) {
                    statement.execute("BEGIN");
                } else {
                    connection.setAutoCommit(false);
                }
                writes(statement);
                // several statements in one text end the transaction on another path than PREPARE TRANSACTION alone
                statement.execute(how.equals("SEVERAL_STATEMENTS") ? "SELECT 1; PREPARE TRANSACTION 'g16'"
                        : "PREPARE TRANSACTION 'g16'");
                fixture.switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                connection.setAutoCommit(true);
                statement.execute("COMMIT PREPARED 'g16'");
            }
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo("1=10 2=2 3=3 5=5");
            assertThat(fixture.scopedResyncs()).as("never silent").extracting(ChangeRecord::table).contains("orders");
            Mirrored.exactOrResynced(fixture, "moved after PREPARE TRANSACTION");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3 5=5");
        }
    }

    // Must pass: without a move, or rolled back after one, an OLD_ONLY XA transaction records nothing.
    @ParameterizedTest(name = "{0}, moved: {1}, ended by {2}")
    @CsvSource({
        "MARIADB,  false, XA COMMIT 'x16'",
        "MARIADB,  true,  XA ROLLBACK 'x16'",
        "POSTGRES, false, COMMIT PREPARED 'x16'",
        "POSTGRES, true,  ROLLBACK PREPARED 'x16'"})
    void oldOnlyTwoPhaseTransactionWithoutAMoveOrRolledBackRecordsNothing(Kind kind, boolean moved, String end)
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.OLD_ONLY).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                if (kind == Kind.MARIADB) {
                    statement.execute("XA START 'x16'");
                    writes(statement);
                    statement.execute("XA END 'x16'");
                    statement.execute("XA PREPARE 'x16'");
                } else {
                    connection.setAutoCommit(false);
                    writes(statement);
                    statement.execute("PREPARE TRANSACTION 'x16'");
                    connection.setAutoCommit(true);
                }
                if (moved) {
                    fixture.switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                }
                statement.execute(end);
            }
            String committed = end.contains("ROLLBACK") ? "1=1 2=2 3=3" : "1=10 2=2 3=3 5=5";
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo(committed);
            assertThat(fixture.records()).isEmpty();
        }
    }
}
