package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction edges, nineteenth break: transaction control sent as SQL text, read as the session's server lexes it.
 *
 * <p>The library reads control from the text with one lexer shared by every server. Where that lexer and the server's
 * differ, it read a control the server did not run, or missed one it did: {@code ROLLBACK TO"s"} (a quoted savepoint
 * name right after the keyword) was read as a whole rollback; a {@code ;ROLLBACK;} inside a MySQL string after an
 * escaped quote ({@code '\';ROLLBACK;#'}) or a PostgreSQL {@code E'…'} string was read as a rollback; a {@code COMMIT}
 * after PostgreSQL's operator {@code #}, after MariaDB's {@code --0} (no comment there) or between MariaDB variables
 * named {@code @$t$} (no dollar quote there) was not seen; a {@code ROLLBACK} after H2's {@code //} comment was read as
 * run. Each dropped keys of writes the server committed, or held keys past the commit that made them visible.
 *
 * <p>Each test runs in a JDBC transaction that first updates row 1 to 10, and ends comparing the two stores row by row
 * with plain JDBC.
 */
class TxEdgesBreak19Test {

    /**
     * Runs {@code texts} (split at {@code |}) in a JDBC transaction after updating row 1 to 10, ends it by {@code end}
     * ({@code commit} or {@code rollback}), checks the old store's rows and that the new store equals it; when
     * {@code recorded}, a scoped resync of the text's tables may stand for the rows and is resolved first.
     */
    private static void run(Kind kind, boolean multi, String texts, String end, String expectedOld, boolean recorded)
            throws Exception {
        AtomicReference<HikariDataSource> opened = new AtomicReference<>();
        Fixture.Builder builder = Fixture.builder(kind, Kind.H2);
        if (multi) {
            builder.wrapOld(Fixture.multiQueries(opened));
        }
        try (Fixture fixture = Mirrored.seed(builder.build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                for (String text : texts.split("\\|")) {
                    statement.execute(text.strip());
                }
                if (end.equals("commit")) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
            }
            assertThat(oldRows(fixture)).isEqualTo(expectedOld);
            if (recorded) {
                assertThat(fixture.records()).allSatisfy(record -> assertThat(record.isScoped()).isTrue());
                Mirrored.exactOrResynced(fixture, texts);
            } else {
                assertThat(fixture.records()).isEmpty();
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
        } finally {
            if (opened.get() != null) {
                opened.get().close();
            }
        }
    }

    // Failed before its fix (the first four): the quote right after TO did not end the keyword for the reading of
    // control, which then read a plain ROLLBACK: the keys of row 1 were discarded, and the commit that followed left the
    // new store at 1=1 with nothing recorded. The doubled quotes inside a name held (the keys stay at a rollback to a
    // savepoint), kept as guards.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '~', value = {
        "POSTGRES ~ SAVEPOINT \"s\" | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TO\"s\"",
        "POSTGRES ~ SAVEPOINT\"s\" | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TRANSACTION TO\"s\" | RELEASE\"s\"",
        "MARIADB  ~ SAVEPOINT `s` | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TO`s`",
        "MARIADB  ~ SAVEPOINT`s` | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK WORK TO`s` | RELEASE SAVEPOINT`s`",
        "POSTGRES ~ SAVEPOINT \"a\"\"b\" | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TO SAVEPOINT \"a\"\"b\" | RELEASE \"a\"\"b\"",
        "MARIADB  ~ SAVEPOINT `a``b` | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TO SAVEPOINT `a``b` | RELEASE SAVEPOINT `a``b`",
        "POSTGRES ~ SAVEPOINT b | SAVEPOINT \"a\"\"b\" | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) | ROLLBACK TO SAVEPOINT \"a\"\"b\" | RELEASE SAVEPOINT b"})
    void aRollbackToAQuotedSavepointKeepsTheWritesBeforeIt(Kind kind, String texts) throws Exception {
        run(kind, false, texts, "commit", "1=10 2=2 3=3", false);
    }

    // Failed before its fix (all but the last): the shared reading took the backslash for a character of its own and the
    // string for ended there, then read ;ROLLBACK; (or ;COMMIT;) as statements: a rollback discarded row 1's keys (new
    // store 1=1, nothing recorded); a commit handed them over before the real commit, whose sync read the row as it was.
    // The server ran one update. The last, a backslash the server reads as a backslash, held (a guard).
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '~', value = {
        "MARIADB  ~ UPDATE orders SET code = '\\';ROLLBACK;#' WHERE id = 2",
        "MARIADB  ~ UPDATE orders SET code = \"\\\";ROLLBACK;#\" WHERE id = 2",
        "POSTGRES ~ UPDATE orders SET code = E'\\';ROLLBACK;--' WHERE id = 2",
        "MARIADB  ~ UPDATE orders SET code = '\\';COMMIT;#' WHERE id = 2",
        "POSTGRES ~ UPDATE orders SET code = e'\\';COMMIT;--' WHERE id = 2",
        "MARIADB  ~ UPDATE orders SET code = 'x\\\\' WHERE id = 2"})
    void controlInsideAStringTheServerEscapesIsNoControl(Kind kind, String text) throws Exception {
        run(kind, false, text, "commit", "1=10 2=2 3=3", false);
    }

    // Failed before its fix (all): the shared reading took the rest of the line for a comment (PostgreSQL's operator #,
    // MariaDB's --0, which is minus minus zero there) or for a dollar-quoted string (MariaDB's variable @$t$), and so
    // missed the COMMIT the server ran: the rollback that followed discarded row 1's keys though the server had
    // committed it, and the new store kept 1=1 with nothing recorded.
    @ParameterizedTest(name = "{0}: {2} then a rollback")
    @CsvSource(delimiter = '~', value = {
        "POSTGRES ~ false ~ UPDATE orders SET qty = qty # 0 WHERE id = 3; COMMIT ~ 1=10 2=2 3=3",
        "MARIADB  ~ true  ~ UPDATE orders SET qty = 20 WHERE id = 3 --0;COMMIT ~ 1=10 2=2 3=20",
        "MARIADB  ~ true  ~ SET @$t$ = 1;COMMIT;SET @$t$ = 2 ~ 1=10 2=2 3=3"})
    void controlAfterWhatTheServerReadsAsNoCommentNorQuoteIsControl(Kind kind, boolean multi, String text,
            String expectedOld) throws Exception {
        run(kind, multi, text, "rollback", expectedOld, true);
    }

    // Failed before its fix (the first): H2 ends the statement's line at //, so the ROLLBACK after it is a comment; the
    // shared reading took it for a rollback and discarded row 1's keys before the commit (new store 1=1, nothing
    // recorded). The second held (a guard).
    @ParameterizedTest(name = "H2: {0}")
    @CsvSource(delimiter = '~', value = {
        "UPDATE orders SET qty = 20 WHERE id = 3 // ; ROLLBACK",
        "UPDATE orders SET qty = 20 WHERE id = 3; // ROLLBACK"})
    void h2RollbackInADoubleSlashCommentIsNoRollback(String text) throws Exception {
        run(Kind.H2, false, text, "commit", "1=10 2=2 3=20", false);
    }

    // A rollback to a quoted savepoint sent in a batch of texts, as a prepared statement, and inside a transaction
    // opened by BEGIN text in auto-commit: each goes through the same reading of control as a plain statement, which
    // read ROLLBACK TO"s" as a whole rollback before its fix (these were written after it, and pass with it).
    @ParameterizedTest(name = "{0}: ROLLBACK TO\"s\" {1}")
    @CsvSource({
        "POSTGRES, in a batch of texts",
        "POSTGRES, prepared",
        "POSTGRES, after BEGIN text",
        "MARIADB,  in a batch of texts",
        "MARIADB,  prepared"})
    void aRollbackToAQuotedSavepointKeepsTheWritesBeforeItHoweverItIsSent(Kind kind, String how) throws Exception {
        String quote = kind == Kind.MARIADB ? "`" : "\"";
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                if (how.startsWith("after BEGIN")) {
                    statement.execute("BEGIN");
                } else {
                    connection.setAutoCommit(false);
                }
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("SAVEPOINT " + quote + "s" + quote);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                String rollback = "ROLLBACK TO" + quote + "s" + quote;
                switch (how) {
                    case "in a batch of texts" -> {
                        statement.addBatch("UPDATE orders SET qty = 20 WHERE id = 3");
                        statement.addBatch(rollback);
                        statement.executeBatch();
                    }
                    case "prepared" -> {
                        try (java.sql.PreparedStatement prepared = connection.prepareStatement(rollback)) {
                            prepared.execute();
                        }
                    }
                    default -> statement.execute(rollback);
                }
                if (how.startsWith("after BEGIN")) {
                    statement.execute("COMMIT");
                } else {
                    connection.commit();
                }
            }
            assertThat(oldRows(fixture)).isEqualTo("1=10 2=2 3=3");
            // a batch holding control records its texts' tables as a scoped resync (the keys of its writes are not read)
            assertThat(fixture.records()).allSatisfy(record -> assertThat(record.isScoped()).isTrue());
            Mirrored.exactOrResynced(fixture, kind + " " + how);
        }
    }

    // Held (a guard): a session killed between the write and the commit: the commit throws, the server rolled the
    // transaction back, and neither store holds the writes (the keys handed over as of a commit of unknown outcome
    // sync unchanged rows).
    @ParameterizedTest(name = "{0}: session killed before the commit")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aCommitOnASessionKilledAfterTheWritesLeavesBothStoresWithoutThem(Kind kind) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                TxEdgesSupport.writes(statement);
                long session;
                try (java.sql.ResultSet id = statement.executeQuery(kind == Kind.POSTGRES
                        ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
                    id.next();
                    session = id.getLong(1);
                }
                fixture.onOld(kind == Kind.POSTGRES ? "SELECT pg_terminate_backend(" + session + ")"
                        : "KILL CONNECTION " + session);
                org.assertj.core.api.Assertions.assertThatThrownBy(connection::commit)
                        .isInstanceOf(java.sql.SQLException.class);
            }
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            Mirrored.exactOrResynced(fixture, kind + " killed");
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
        }
    }

    /** Orders whose order id is their generated key, from 998 on. */
    private static final io.dualwrite.mapping.TableMapping BY_ORDER = io.dualwrite.mapping.TableMapping.builder("orders")
            .newTable("orders_v2").rename("qty", "quantity").orderIdColumn("id").merchantIdColumn("merchant_id").build();

    // Failed before its fix (all): the system in OLD_ONLY, a rule moving the ids from 1000 on to DUAL_WRITE, and one
    // insert of four rows sent in a batch of texts (Statement.addBatch), whose ids the database generates from 998: rows
    // 1000 and 1001 stayed in the old store only, with nothing recorded. A batch of texts returns no generated keys, and
    // such an entry was neither mirrored by its context (which the rule does not reach) nor decided by its ids; a
    // prepared batch and a single statement read the ids and held. Now it records its table as a scoped resync, whose
    // resolution (by the rows' own phases) copies the rows from the threshold only.
    @ParameterizedTest(name = "{0}, auto-commit {1}")
    @CsvSource({"H2, false", "POSTGRES, false", "MARIADB, false", "H2, true", "MARIADB, true"})
    void aBatchOfTextsInsertingRowsWhoseGeneratedIdsReachAnIdRuleIsRecorded(Kind kind, boolean autoCommit)
            throws Exception {
        try (Fixture fixture = Fixture.builder(kind, Kind.H2).phase(io.dualwrite.MigrationPhase.OLD_ONLY)
                .mappings(BY_ORDER).build()) {
            fixture.switches.setRules(Fixture.MIGRATION, java.util.List.of(
                    io.dualwrite.switches.SwitchRule.idThreshold(1000, io.dualwrite.MigrationPhase.DUAL_WRITE)));
            fixture.onOld(kind == Kind.MARIADB
                    ? "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)"
                    + " AUTO_INCREMENT = 998"
                    : "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 998) PRIMARY KEY,"
                    + " merchant_id VARCHAR(20), qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(autoCommit);
                statement.addBatch("INSERT INTO orders (merchant_id, qty) VALUES ('m1', 1), ('m1', 2), ('m1', 3), ('m1', 4)");
                statement.executeBatch();
                if (!autoCommit) {
                    connection.commit();
                }
            }
            String fromThreshold = "SELECT id, merchant_id, qty FROM orders WHERE id >= 1000 ORDER BY id";
            String newRows = "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id";
            if (!Rows.of(fixture.oldDb, fromThreshold).equals(Rows.of(fixture.newDb, newRows))) {
                assertThat(fixture.scopedResyncs()).as("never silent").isNotEmpty();
                java.util.List<String> keys = fixture.oldDb.query("SELECT id FROM orders").stream()
                        .map(row -> io.dualwrite.jdbc.KeyCodec.encode(new java.util.ArrayList<>(row.values()))).toList();
                fixture.dataSource.rowCopier().sync(io.dualwrite.Store.OLD,
                        java.util.List.of(new io.dualwrite.jdbc.copy.RowCopier.TableKeys(BY_ORDER, keys, null)));
            }
            assertThat(Rows.assertSame(fixture.oldDb, fromThreshold, fixture.newDb, newRows))
                    .extracting(row -> row.get("id")).containsExactly("1000", "1001");
        }
    }
}
