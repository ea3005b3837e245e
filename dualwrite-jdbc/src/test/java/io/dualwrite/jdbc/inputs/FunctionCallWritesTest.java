package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.FunctionWrites.NEW_ROWS;
import static io.dualwrite.jdbc.inputs.FunctionWrites.OLD_ROWS;
import static io.dualwrite.jdbc.inputs.FunctionWrites.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A function of the store's that writes a mapped table, called where no statement names that table's rows
 * ({@code SELECT bump(1)}, {@code DO bump(1)}, a value of an update or of an insert into another table), records a
 * scoped resync of that table; after the library's resolver, both stores hold the same rows (compared here with
 * plain JDBC). Functions that write no mapped table, and built-ins, record nothing; a rolled-back call leaves
 * nothing. PostgreSQL (SQL and PL/pgSQL, called through other functions or triggers, dynamic SQL), MariaDB (stored
 * functions, a procedure called by a trigger) and H2 (a Java alias).
 */
class FunctionCallWritesTest {

    /** The PostgreSQL databases the tests of the default settings share, emptied before each. */
    private static final FunctionWrites.SharedPostgres POSTGRES = new FunctionWrites.SharedPostgres();

    @AfterAll
    static void closeDatabases() {
        POSTGRES.close();
    }

    private static Fixture pg() {
        return POSTGRES.fixture(
                "CREATE FUNCTION drop_inner(i BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$"
                        + " BEGIN DELETE FROM Orders WHERE id = i; END $$",
                "CREATE FUNCTION drop_outer(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM drop_inner(i); RETURN i; END $$",
                "CREATE FUNCTION dyn(t TEXT, i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                        + " BEGIN EXECUTE format('UPDATE %I SET qty = 0 WHERE id = $1', t) USING i; RETURN i; END $$",
                "CREATE FUNCTION \"Bump\"(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                        + " UPDATE public.orders SET code = 'q' WHERE id = i RETURNING id $$");
    }

    private static Fixture maria() {
        return FunctionWrites.maria("CREATE PROCEDURE wipe(IN i BIGINT) BEGIN DELETE FROM `orders` WHERE id = i; END");
    }

    /** The orders tables of the pending scoped resyncs. */
    private static List<String> resynced(Fixture fixture) {
        return fixture.scopedResyncs().stream().map(ChangeRecord::table).map(String::toLowerCase).distinct().toList();
    }

    /**
     * Resolves what was recorded with the library's tools; then both stores hold the same rows, compared here, and
     * nothing is left recorded.
     */
    private static List<Map<String, String>> converged(Fixture fixture) throws SQLException {
        List<Map<String, String>> old = FunctionWrites.converges(fixture, "function call");
        assertThat(fixture.records()).isEmpty();
        return old;
    }

    // ---------------------------------------------------------------- PostgreSQL

    @Test
    void postgresSelectOfAFunctionThatUpdatesRecordsAResyncAndConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT bump(1)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(fixture.scopedResyncs()).extracting(ChangeRecord::reason).containsOnly("function-call");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "a", "qty", 11));
        }
    }

    @Test
    void postgresSqlFunctionInsertingInFromClauseConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT * FROM add_order(7)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 7, "code", "f7", "qty", 7));
        }
    }

    @Test
    void postgresFunctionCallingAnotherThatDeletesConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT drop_outer(2)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).hasSize(2);
        }
    }

    @Test
    void postgresFunctionRunningDynamicSqlResyncsEveryMappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT dyn('orders', 3)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 3, "code", "c", "qty", 0));
        }
    }

    @Test
    void postgresQualifiedAndQuotedCallsAreSeen() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT public.bump(2)", "SELECT \"Bump\"(3)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 2, "code", "b", "qty", 12),
                    Rows.expected("id", 3, "code", "q", "qty", 3));
        }
    }

    @Test
    void postgresUpdateWhoseValueCallsAFunctionWritingAnotherRowConverges() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET code = 'z' || bump(?) WHERE id = ?")) {
            update.setLong(1, 2);
            update.setLong(2, 1);
            assertThat(update.executeUpdate()).isEqualTo(1);
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "z2", "qty", 1),
                    Rows.expected("id", 2, "code", "b", "qty", 12));
        }
    }

    @Test
    void postgresInsertIntoAnUnmappedTableCallingAFunctionConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "INSERT INTO audit (v) VALUES (bump(3))");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 3, "code", "c", "qty", 13));
        }
    }

    @Test
    void postgresBatchOfCallsIntoAnUnmappedTableConverges() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit (v) VALUES (bump(?))")) {
            insert.setLong(1, 1);
            insert.addBatch();
            insert.setLong(1, 2);
            insert.addBatch();
            insert.executeBatch();
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "a", "qty", 11),
                    Rows.expected("id", 2, "code", "b", "qty", 12));
        }
    }

    @Test
    void postgresCallInATransactionIsResyncedAtCommitAndForgottenAtRollback() throws SQLException {
        try (Fixture fixture = pg(); Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement("SELECT bump(?)")) {
                select.setLong(1, 1);
                select.executeQuery().close();
                connection.rollback();
                assertThat(fixture.records()).isEmpty();
                select.setLong(1, 2);
                select.executeQuery().close();
                connection.commit();
            }
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "a", "qty", 1),
                    Rows.expected("id", 2, "code", "b", "qty", 12));
        }
    }

    @Test
    void postgresInsertIntoATableWhoseTriggerPerformsAWritingFunctionConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION audit_bump() RETURNS TRIGGER LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM bump(NEW.v); RETURN NEW; END $$",
                    "CREATE TRIGGER audit_bump AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_bump()");
            run(fixture, "INSERT INTO audit (v) VALUES (2)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 2, "code", "b", "qty", 12));
        }
    }

    @Test
    void postgresFunctionWritingATableWhoseTriggerWritesAMappedOneConverges() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION audit_drop() RETURNS TRIGGER LANGUAGE plpgsql AS $$"
                            + " BEGIN DELETE FROM orders WHERE id = NEW.v; RETURN NEW; END $$",
                    "CREATE TRIGGER audit_drop AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_drop()");
            run(fixture, "SELECT note(1)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).extracting(row -> row.get("id")).containsExactly("2", "3");
        }
    }

    @Test
    void postgresFunctionsThatWriteNoMappedTableAndBuiltInsRecordNothing() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT note(5)", "SELECT now(), lower('A'), md5('x'), to_char(now(), 'YYYY')",
                    "SELECT count(*) FROM orders WHERE qty > abs(-1)");
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.of(fixture.oldDb, "SELECT v FROM audit")).containsExactly(Rows.expected("v", 5));
            assertThat(Rows.of(fixture.newDb, NEW_ROWS)).isEqualTo(Rows.of(fixture.oldDb, OLD_ROWS));
        }
    }

    @Test
    void postgresFunctionCreatedAfterTheFirstCallIsSeenWhenTheCatalogIsReadAgain() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(java.time.Duration.ZERO)).build(), Mirrored.PG)) {
            fixture.onOld("CREATE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT i $$");
            run(fixture, "SELECT later(1)");
            assertThat(fixture.records()).isEmpty();
            fixture.onOld("CREATE OR REPLACE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                    + " UPDATE orders SET qty = 99 WHERE id = i RETURNING id $$");
            run(fixture, "SELECT later(1)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "a", "qty", 99));
        }
    }

    @Test
    void postgresFunctionReplacedWhileTheCatalogIsTrustedIsResyncedWhenTheTrustEnds() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(java.time.Duration.ofSeconds(2))).build(), Mirrored.PG)) {
            fixture.onOld("CREATE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT i $$");
            run(fixture, "SELECT later(1)");
            fixture.onOld("CREATE OR REPLACE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                    + " UPDATE orders SET qty = 99 WHERE id = i RETURNING id $$");
            run(fixture, "SELECT later(2)"); // still trusted: the body read before says it writes nothing
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> resynced(fixture).contains("orders"));
            assertThat(converged(fixture)).contains(Rows.expected("id", 2, "code", "b", "qty", 99));
        }
    }

    // ---------------------------------------------------------------- MariaDB

    @Test
    void mariadbSelectDoAndSetOfAStoredFunctionConverge() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SELECT bump(1)", "DO bump(2)", "SET @x = bump(3)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).containsExactly(Rows.expected("id", 1, "code", "a", "qty", 11),
                    Rows.expected("id", 2, "code", "b", "qty", 12), Rows.expected("id", 3, "code", "c", "qty", 13));
        }
    }

    @Test
    void mariadbFunctionWhoseTableTriggerCallsAProcedureConverges() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE TRIGGER audit_wipe AFTER INSERT ON audit FOR EACH ROW CALL wipe(NEW.v)");
            run(fixture, "SELECT note(2)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).extracting(row -> row.get("id")).containsExactly("1", "3");
        }
    }

    @Test
    void mariadbInsertIntoATableWhoseTriggerCallsAProcedureConverges() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE TRIGGER audit_wipe AFTER INSERT ON audit FOR EACH ROW CALL wipe(NEW.v)");
            run(fixture, "INSERT INTO audit VALUES (3)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).extracting(row -> row.get("id")).containsExactly("1", "2");
        }
    }

    @Test
    void mariadbInsertIntoAnUnmappedTableCallingAFunctionConverges() throws SQLException {
        try (Fixture fixture = maria()) {
            // MariaDB refuses a function that writes the table of the statement calling it
            run(fixture, "INSERT INTO audit VALUES (bump(2))");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 2, "code", "b", "qty", 12));
        }
    }

    @Test
    void mariadbFunctionThatWritesNoMappedTableRecordsNothing() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SELECT note(4)", "SELECT NOW(), LOWER('A'), CONCAT('a', 'b')");
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.of(fixture.newDb, NEW_ROWS)).isEqualTo(Rows.of(fixture.oldDb, OLD_ROWS));
        }
    }

    // ---------------------------------------------------------------- H2

    @Test
    void h2JavaAliasThatRunsSqlResyncsEveryMappedTable() throws SQLException {
        try (Fixture fixture = FunctionWrites.h2()) {
            run(fixture, "SELECT bump(1)");
            assertThat(resynced(fixture)).containsExactly("orders");
            assertThat(converged(fixture)).contains(Rows.expected("id", 1, "code", "a", "qty", 11));
        }
    }
}
