package io.dualwrite.jdbc.inputs;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The caller's view compared: one script run with plain JDBC on a second database of the same kind, seeded alike,
 * and through the data source; what each saw (results, counts, warnings, exceptions) as text.
 */
final class PlainJdbc {

    private PlainJdbc() {
    }

    /** What one script does on a connection, as text: results, counts, warnings and exceptions. */
    @FunctionalInterface
    interface Script {
        void run(Connection connection, List<String> out) throws SQLException;
    }

    /** No set-up beyond the seed. */
    static final Consumer<Fixture> NOTHING = fixture -> { };

    /**
     * Runs {@code script} with plain JDBC on a second database of {@code kind} seeded like {@code fixture}
     * ({@link Mirrored#seed} of {@link Mirrored#PG}, then {@code setup}) and through {@code fixture}'s data source
     * (after {@code setup}); returns both transcripts, plain first, each joined with {@code " | "}.
     */
    static List<String> plainAndProxy(Kind kind, Consumer<Fixture> setup, Script script, Fixture fixture)
            throws SQLException {
        List<String> plain = new ArrayList<>();
        try (Fixture other = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            setup.accept(other);
            run(other.oldDb.dataSource(), script, plain);
        }
        setup.accept(fixture);
        List<String> proxied = new ArrayList<>();
        run(fixture.dataSource, script, proxied);
        return List.of(String.join(" | ", plain), String.join(" | ", proxied));
    }

    /** Runs {@code script} on a connection of {@code dataSource}; an exception it throws is the transcript's end. */
    static void run(DataSource dataSource, Script script, List<String> out) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                script.run(connection, out);
            } catch (SQLException e) {
                out.add(describe(e));
            }
        }
    }

    /** An exception as text, without what differs between any two sessions (MariaDB's "(conn=71)"). */
    static String describe(SQLException e) {
        return "threw " + e.getClass().getSimpleName() + " state=" + e.getSQLState() + " code=" + e.getErrorCode()
                + " msg=" + String.valueOf(e.getMessage()).replaceAll("\\(conn=\\d+\\) ", "");
    }

    /** A chain of warnings as text: state, code and message of each. */
    static String warnings(SQLWarning warning) {
        StringBuilder text = new StringBuilder("[");
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            text.append(w.getSQLState()).append('/').append(w.getErrorCode()).append(':').append(w.getMessage()).append(';');
        }
        return text.append(']').toString();
    }

    /** The first row of a result, its columns joined by commas; {@code "no row"} when there is none. */
    static String firstRow(ResultSet rows) throws SQLException {
        if (!rows.next()) {
            return "no row";
        }
        ResultSetMetaData meta = rows.getMetaData();
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            values.add(String.valueOf(rows.getObject(i)));
        }
        return String.join(",", values);
    }

    /** Runs {@code sql} on a statement of its own; its update count. */
    static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }
}
