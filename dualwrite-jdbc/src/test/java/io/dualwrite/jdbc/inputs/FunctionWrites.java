package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The set-up and helpers {@link FunctionCallWritesTest} and {@link HiddenFunctionWritesTest} share: the orders
 * tables of {@link Mirrored#seed} on both stores, an unmapped {@code audit} table and, on the old store, functions
 * that write orders ({@code bump}, {@code add_order}) or only audit ({@code note}); statements sent through the
 * data source; both stores' rows compared with plain JDBC once the library's tools have resolved what was recorded.
 */
final class FunctionWrites {

    static final String OLD_ROWS = "SELECT id, code, qty FROM orders ORDER BY id";
    static final String NEW_ROWS = "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id";

    private static final String[] PG_FUNCTIONS = {"CREATE TABLE audit (v BIGINT)",
        "CREATE FUNCTION bump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                + " BEGIN UPDATE orders SET qty = qty + 10 WHERE id = i; RETURN i; END $$",
        "CREATE FUNCTION add_order(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                + " INSERT INTO orders (id, code, qty) VALUES (i, 'f' || i, 7) RETURNING id $$",
        "CREATE FUNCTION note(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                + " BEGIN INSERT INTO audit VALUES (i); RETURN i; END $$"};

    private static final String[] MARIA_FUNCTIONS = {"CREATE TABLE audit (v BIGINT)",
        "CREATE FUNCTION bump(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN"
                + " UPDATE orders SET qty = qty + 10 WHERE id = i; RETURN i; END",
        "CREATE FUNCTION note(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN"
                + " INSERT INTO audit VALUES (i); RETURN i; END"};

    private FunctionWrites() {
    }

    /** {@code built}'s stores seeded, with the PostgreSQL functions and then {@code more} on the old store. */
    static Fixture pg(Fixture built, String... more) {
        Fixture fixture = Mirrored.seed(built, Mirrored.PG);
        fixture.onOld(PG_FUNCTIONS);
        fixture.onOld(more);
        return fixture;
    }

    /** Fresh MariaDB stores seeded, with the MariaDB functions and then {@code more} on the old store. */
    static Fixture maria(String... more) {
        Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
        fixture.onOld(MARIA_FUNCTIONS);
        fixture.onOld(more);
        return fixture;
    }

    /** Fresh H2 stores seeded, with a Java alias {@code BUMP} on the old store that runs the update of bump. */
    static Fixture h2() {
        Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG);
        fixture.onOld("CREATE ALIAS BUMP AS $$ long bump(java.sql.Connection c, long id) throws java.sql.SQLException {"
                + " try (java.sql.Statement s = c.createStatement()) {"
                + " s.executeUpdate(\"UPDATE orders SET qty = qty + 10 WHERE id = \" + id); } return id; } $$");
        return fixture;
    }

    /** Runs {@code sql} through the data source with plain statements, in auto-commit, reading every result. */
    static void run(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                drain(statement, statement.execute(each));
            }
        }
    }

    /** Reads every result of a statement that has run ({@code isResult}: what {@code execute} returned). */
    static void drain(Statement statement, boolean isResult) throws SQLException {
        boolean more = isResult;
        while (true) {
            if (more) {
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) {
                        rows.getObject(1);
                    }
                }
            } else if (statement.getUpdateCount() == -1) {
                return;
            }
            more = statement.getMoreResults();
        }
    }

    static List<Map<String, String>> oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, OLD_ROWS);
    }

    /**
     * Resolves what was recorded with the library's tools and asserts that both stores then hold the same rows
     * (compared with plain JDBC).
     *
     * @return the old store's rows
     */
    static List<Map<String, String>> converges(Fixture fixture, String label) throws SQLException {
        List<String> recorded = fixture.recordKeys();
        fixture.resolveRecords();
        List<Map<String, String>> old = oldRows(fixture);
        List<Map<String, String>> now = Rows.of(fixture.newDb, NEW_ROWS);
        assertThat(now).as("%s: the new store after resolving (recorded before resolving: %s)", label, recorded)
                .isEqualTo(old);
        return old;
    }

    /**
     * Two PostgreSQL databases the tests of one class share, for fixtures of the default settings: creating two
     * databases per test took longer than most tests. Each {@link #fixture()} empties them first ({@link
     * TestDatabase#reset}: no table, routine, type or session of an earlier test is left), so tests see each other
     * no more than with fresh databases. A fixture with other settings (a mode, a phase, a short catalog refresh,
     * whose background work may outlive its test) takes databases of its own. Closed by the class after all tests.
     */
    static final class SharedPostgres implements AutoCloseable {
        private TestDatabase old;
        private TestDatabase fresh;

        /** A fixture of the default settings on the two databases, emptied, seeded as {@link #pg} does. */
        synchronized Fixture fixture(String... more) {
            if (old == null) {
                old = TestDatabases.create(Kind.POSTGRES);
                fresh = TestDatabases.create(Kind.POSTGRES);
            } else {
                old.reset();
                fresh.reset();
            }
            return pg(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).on(old, fresh).build(), more);
        }

        @Override
        public synchronized void close() {
            if (old != null) {
                old.close();
                fresh.close();
            }
        }
    }
}
