package io.dualwrite.jdbc.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One fresh database for a test, with helpers to run SQL and read whole tables for row-by-row
 * comparison. Close it to release its pool (the database itself lives as long as the server).
 */
public final class TestDatabase implements AutoCloseable {

    private final TestDatabases.Kind kind;
    private final String name;
    private final HikariDataSource dataSource;

    TestDatabase(TestDatabases.Kind kind, String name, HikariDataSource dataSource) {
        this.kind = kind;
        this.name = name;
        this.dataSource = dataSource;
    }

    public TestDatabases.Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The pool: a real driver's connections. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The underlying pool, e.g. to close it and make the database unreachable. */
    public HikariDataSource pool() {
        return dataSource;
    }

    /** Runs each statement in auto-commit. */
    public void execute(String... sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not run SQL on " + kind + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a query, as maps from lower-case column label to value, in result order. */
    public List<Map<String, Object>> query(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection()) {
            return queryOn(connection, sql, parameters);
        } catch (SQLException e) {
            throw new IllegalStateException("could not query " + kind + ": " + e.getMessage(), e);
        }
    }

    private static List<Map<String, Object>> queryOn(Connection connection, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<Map<String, Object>> result = new ArrayList<>();
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.put(meta.getColumnLabel(column).toLowerCase(Locale.ROOT), rows.getObject(column));
                    }
                    result.add(row);
                }
                return result;
            }
        }
    }

    /** The single number a query returns (e.g. a count). */
    public long count(String sql, Object... parameters) {
        Object value = query(sql, parameters).get(0).values().iterator().next();
        return ((Number) value).longValue();
    }

    /**
     * Empties a PostgreSQL database for the next test that shares it: drops every schema of its own with all it
     * holds (tables, views, routines, types, and the casts, operators and domains over them), creates {@code public}
     * again, and closes the pool's connections, so that no session state (a {@code search_path}, a prepared
     * statement, a temporary function) reaches the next test. What is left is what a fresh database holds; the
     * next connections are new sessions, as a fresh pool's would be. Creating a database instead takes two to ten
     * times as long.
     */
    public void reset() {
        if (kind != TestDatabases.Kind.POSTGRES) {
            throw new UnsupportedOperationException("reset() empties PostgreSQL databases only, not " + this);
        }
        List<String> drops = new ArrayList<>();
        for (Map<String, Object> schema : query("SELECT quote_ident(nspname) AS name FROM pg_namespace"
                + " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")) {
            drops.add("DROP SCHEMA " + schema.get("name") + " CASCADE");
        }
        drops.add("CREATE SCHEMA public");
        execute(drops.toArray(String[]::new));
        dataSource.getHikariPoolMXBean().softEvictConnections();
        // The pool closes evicted connections in the background: once their sessions have ended, their temporary
        // objects and locks are gone too. The wait asks on a connection of its own, outside the pool, and evicts
        // again on every poll: a connection the pool opened meanwhile for a waiter it had already served sits idle
        // and is not a leak (one such connection failed a CI run when the wait asked through the pool).
        String others = " FROM pg_stat_activity WHERE datname = current_database()"
                + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
        try (Connection own = java.sql.DriverManager.getConnection(
                dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword())) {
            try {
                org.awaitility.Awaitility.await("the sessions of " + this + " before its reset end")
                        .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(10))
                        .pollInSameThread()
                        .until(() -> {
                            dataSource.getHikariPoolMXBean().softEvictConnections();
                            return ((Number) queryOn(own, "SELECT count(*) AS n" + others).get(0).get("n"))
                                    .longValue() == 0;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException lingering) {
                // name the sessions still open (a connection some code never returned), so that the leak can be found
                throw new AssertionError("sessions of " + this + " still open 30 s after its reset: "
                        + queryOn(own, "SELECT pid, application_name, state, xact_start, state_change,"
                        + " left(query, 200) AS query" + others), lingering);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not watch the sessions of " + this + " end: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return kind + " database " + name;
    }
}
