package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * Round 28: the zone a pool puts on every session it opens, and how a value without zone copied into a column of
 * instants (MariaDB {@code TIMESTAMP}, PostgreSQL {@code timestamptz}, H2 {@code TIMESTAMP WITH TIME ZONE}) lands. The
 * expected value is always what the application's own write of the same literal through the same pool gives (read
 * with plain JDBC, written on a session of that pool before any leftover is made); every test ends comparing with
 * plain JDBC and reading the change log with plain JDBC. The ways a pool's sessions get their zone: the pool's own
 * SQL (HikariCP's {@code connectionInitSql}), the driver's session variables (MariaDB's {@code sessionVariables}, in
 * the URL or the pool's driver properties), the server's global zone, a pool of another kind ({@code
 * MariaDbPoolDataSource}) and a HikariCP pool wrapped by a delegating data source (the shape of Spring's {@code
 * DelegatingDataSource} family, {@link Delegating}); and an earlier borrower's {@code SET}, which is no start value.
 */
class SessionSettingsBreak28Test {

    /** The application's zone, 9 hours east of the JVM's and the servers' (asserted). */
    private static final String APP_ZONE = "+09:00";

    /**
     * A data source that hands out its target's sessions, as Spring's {@code DelegatingDataSource} (and {@code
     * TransactionAwareDataSourceProxy}, {@code LazyConnectionDataSourceProxy}) do, with the same public getter.
     */
    public static final class Delegating implements DataSource {
        private final DataSource target;

        Delegating(DataSource target) {
            this.target = target;
        }

        public DataSource getTargetDataSource() {
            return target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return target.getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || target.isWrapperFor(iface);
        }
    }

    /**
     * The MariaDB databases the members share (see {@link SharedMariaDbs}), emptied of tables {@code t} and {@code own}
     * when a member takes them. The member that sets the server's global zone ({@code server}) takes fresh databases:
     * a shared pool's session opened in that window would keep the zone for the members after it.
     */
    private static final SharedMariaDbs SHARED = new SharedMariaDbs("t", "own");

    @AfterAll
    static void closeShared() {
        SHARED.close();
    }

    /**
     * The new store's pool, its sessions in the application's zone by {@code way}: {@code initSql} (HikariCP's
     * {@code connectionInitSql}), {@code driverProperty} (MariaDB's {@code sessionVariables} among HikariCP's driver
     * properties), {@code url} (the same in the JDBC URL), {@code otherPool} ({@code MariaDbPoolDataSource}, the
     * variables in its URL), {@code wrapped} (a HikariCP pool with the init SQL behind {@link Delegating}), {@code
     * server} and {@code none} (a pool that sets nothing).
     */
    private static DataSource pool(TestDatabase db, String way) throws SQLException {
        String zoneSql = switch (db.kind()) {
            case MARIADB -> "SET time_zone = '" + APP_ZONE + "'";
            case POSTGRES -> "SET TIME ZONE 'Asia/Tokyo'"; // +09:00, no daylight saving
            case H2 -> "SET TIME ZONE '" + APP_ZONE + "'";
        };
        String url = db.kind() == Kind.H2 ? "jdbc:h2:mem:" + db.name() : db.pool().getJdbcUrl();
        String variables = "sessionVariables=time_zone='" + APP_ZONE + "'";
        if (way.equals("otherPool")) {
            MariaDbPoolDataSource other = new MariaDbPoolDataSource();
            other.setUrl(url + "&user=" + db.pool().getUsername() + "&maxPoolSize=2&" + variables);
            return other;
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(way.equals("url") ? url + "&" + variables : url);
        config.setUsername(db.kind() == Kind.H2 ? "sa" : db.pool().getUsername());
        if (db.kind() != Kind.H2) {
            config.setPassword(db.pool().getPassword());
        }
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        if (way.equals("initSql") || way.equals("wrapped")) {
            config.setConnectionInitSql(zoneSql);
        } else if (way.equals("driverProperty")) {
            config.addDataSourceProperty("sessionVariables", "time_zone='" + APP_ZONE + "'");
        }
        HikariDataSource hikari = new HikariDataSource(config);
        return way.equals("wrapped") ? new Delegating(hikari) : hikari;
    }

    private static void close(DataSource pool) throws Exception {
        DataSource inner = pool instanceof Delegating delegating ? delegating.getTargetDataSource() : pool;
        if (inner instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Runs {@code setting} on every session of {@code pool} (its two sessions), as an earlier borrower. */
    private static void leave(DataSource pool, String setting) throws Exception {
        try (Connection first = pool.getConnection(); Connection second = pool.getConnection();
             Statement one = first.createStatement(); Statement two = second.createStatement()) {
            one.execute(setting);
            two.execute(setting);
        }
    }

    private static String zoneOf(DataSource pool, Kind kind) throws Exception {
        String sql = switch (kind) {
            case MARIADB -> "SELECT @@session.time_zone";
            case POSTGRES -> "SELECT current_setting('TimeZone')";
            case H2 -> "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'TIME ZONE'";
        };
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String epoch(Kind kind, String column) {
        return switch (kind) {
            case MARIADB -> "UNIX_TIMESTAMP(" + column + ")";
            case POSTGRES -> "extract(epoch FROM " + column + ")";
            case H2 -> "EXTRACT(EPOCH FROM " + column + ")";
        };
    }

    // A value without zone copied into a column of instants, the new store's pool putting the application's zone
    // on every session in one of the ways above. The application's own write of the literal through that pool
    // stores the instant of that local time in its zone; the copy must store the same instant (or refuse it and
    // record the row). "leftover": an earlier borrower's SET on a pool that sets no zone, put back to the pool's
    // start (a guard: no start value). "server": SET GLOBAL time_zone on the shared server, put back after.
    @ParameterizedTest(name = "{0} {1} into {2} {3}, the zone by {4}, {5}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | DATE         | MARIADB  | TIMESTAMP(6)             | initSql        | ASYNC
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | initSql        | SYNC
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | driverProperty | ASYNC
            MARIADB  | DATE         | MARIADB  | TIMESTAMP(6)             | url            | SYNC
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | otherPool      | ASYNC
            MARIADB  | DATE         | MARIADB  | TIMESTAMP(6)             | wrapped        | SYNC
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | server         | ASYNC
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | leftover       | SYNC
            POSTGRES | DATE         | MARIADB  | TIMESTAMP(6)             | initSql        | ASYNC
            POSTGRES | TIMESTAMP(6) | MARIADB  | TIMESTAMP(6)             | url            | SYNC
            POSTGRES | TIMESTAMP(6) | POSTGRES | TIMESTAMPTZ(6)           | initSql        | ASYNC
            POSTGRES | DATE         | POSTGRES | TIMESTAMPTZ(6)           | wrapped        | SYNC
            POSTGRES | TIMESTAMP(6) | POSTGRES | TIMESTAMPTZ(6)           | leftover       | ASYNC
            POSTGRES | DATE         | H2       | TIMESTAMP WITH TIME ZONE | initSql        | ASYNC
            POSTGRES | TIMESTAMP(6) | H2       | TIMESTAMP WITH TIME ZONE | initSql        | SYNC
            """)
    void aValueWithoutZoneLandsAtTheInstantTheApplicationsOwnWriteGives(Kind oldKind, String oldType, Kind newKind,
            String newType, String way, MirrorMode mode) throws Exception {
        assertThat(ZoneId.systemDefault().getRules()).isNotEqualTo(ZoneId.of(APP_ZONE).getRules());
        String literal = oldType.startsWith("DATE") && !oldType.startsWith("DATETIME") ? "2026-03-01"
                : "2026-03-01 10:20:30.123456";
        try (SharedMariaDbs.Pair pair = SHARED.pair(oldKind, newKind, way.equals("server"))) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            if (way.equals("server")) {
                newDb.execute("SET GLOBAL time_zone = '" + APP_ZONE + "'");
            }
            DataSource newPool = pool(newDb, way.equals("server") || way.equals("leftover") ? "none" : way);
            try {
                oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + oldType + ", qty INT)");
                newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + newType + " NULL, qty INT)",
                        "CREATE TABLE own (id INT PRIMARY KEY, v " + newType + " NULL)");
                // the application's own write of the literal, on a session of the pool as the pool gives it
                try (Connection connection = newPool.getConnection(); Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO own (id, v) VALUES (1, '" + literal + "')");
                }
                String zone = zoneOf(newPool, newKind);
                if (way.equals("leftover")) {
                    leave(newPool, newKind == Kind.MARIADB ? "SET time_zone = '" + APP_ZONE + "'"
                            : "SET TIME ZONE 'Asia/Tokyo'");
                } else {
                    assertThat(ZoneId.of(zone).getRules().getOffset(java.time.Instant.parse("2026-03-01T00:00:00Z")))
                            .as("the pool's sessions start in the application's zone")
                            .isEqualTo(java.time.ZoneOffset.of(APP_ZONE));
                }
                try (DualWriter writer = writer(oldDb, mode)) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newPool).migration("t").dualWriter(writer)
                            .mapping(TableMapping.builder("t").build()).build();
                    try (Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, '" + literal + "', 1)");
                        statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                }
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
                String own = Rows.of(newDb, "SELECT " + epoch(newKind, "v") + " AS e FROM own").get(0).get("e");
                assertThat(Rows.of(newDb, "SELECT id, " + epoch(newKind, "v") + " AS e, qty FROM t ORDER BY id"))
                        .as("the instant the application's own session (zone %s) writes", zone)
                        .isEqualTo(List.of(Map.of("id", "1", "e", own, "qty", "2")));
                if (way.equals("leftover")) {
                    assertThat(zoneOf(newPool, newKind)).as("the session given back as found")
                            .isNotEqualTo(zone);
                }
            } finally {
                close(newPool);
                if (way.equals("server")) {
                    newDb.execute("SET GLOBAL time_zone = DEFAULT");
                }
            }
        }
    }

    // The backfill copies through the same copier: MariaDB dates into a TIMESTAMP(6) over a new store's pool whose
    // driver puts the application's zone on every session (sessionVariables in the URL): every row at midnight in that
    // zone, as the application's own write of the date through the pool gives it.
    @org.junit.jupiter.api.Test
    void theBackfillTakesTheZoneThePoolsDriverPutsOnEverySession() throws Exception {
        try (SharedMariaDbs.Pair pair = SHARED.pair(Kind.MARIADB, Kind.MARIADB, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            DataSource newPool = pool(newDb, "url");
            try {
                oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, d DATE)",
                        "INSERT INTO t VALUES (1, '2026-03-01'), (2, '1999-12-31'), (3, NULL)");
                newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, d TIMESTAMP(6) NULL)",
                        "CREATE TABLE own (id INT PRIMARY KEY, d TIMESTAMP(6) NULL)");
                try (Connection connection = newPool.getConnection(); Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO own VALUES (1, '2026-03-01'), (2, '1999-12-31'), (3, NULL)");
                }
                io.dualwrite.jdbc.backfill.BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).mapping(TableMapping.builder("t").build()).build().run();
                assertThat(Rows.of(newDb, "SELECT id, UNIX_TIMESTAMP(d) AS d FROM t ORDER BY id"))
                        .isEqualTo(Rows.of(newDb, "SELECT id, UNIX_TIMESTAMP(d) AS d FROM own ORDER BY id"));
            } finally {
                close(newPool);
            }
        }
    }

    // A zone that PostgreSQL names in POSIX form, put on every session of the new store's pool by its init SQL: a
    // fixed offset ('<+09>-09', 9 hours east) is taken at the offset the server gives (the name is never parsed: a
    // POSIX '+09:00' is 9 hours west), and copied as the application's own write; one with daylight rules that Java
    // cannot name ('XXX-9YYY': +09:00 in winter, +10:00 in summer under the server's default rules) cannot be known,
    // and the row is refused and recorded, never written in a guessed zone.
    @ParameterizedTest(name = "PostgreSQL timestamp into timestamptz, the pool's zone {0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            <+09>-09 | copied   | SYNC
            XXX-9YYY | recorded | ASYNC
            """)
    void aPosixZoneIsTakenAtTheServersOffsetOrRefused(String zone, String outcome, MirrorMode mode) throws Exception {
        try (SharedMariaDbs.Pair pair = SHARED.pair(Kind.POSTGRES, Kind.POSTGRES, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(newDb.pool().getJdbcUrl());
            config.setUsername(newDb.pool().getUsername());
            config.setPassword(newDb.pool().getPassword());
            config.setMaximumPoolSize(2);
            config.setConnectionInitSql("SET TIME ZONE '" + zone + "'");
            try (HikariDataSource newPool = new HikariDataSource(config)) {
                oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMP(6), qty INT)");
                newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMPTZ(6), qty INT)",
                        "CREATE TABLE own (id INT PRIMARY KEY, v TIMESTAMPTZ(6))");
                try (Connection connection = newPool.getConnection(); Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO own (id, v) VALUES (1, '2026-07-01 10:20:30')");
                }
                try (DualWriter writer = writer(oldDb, mode)) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newPool).migration("t").dualWriter(writer)
                            .mapping(TableMapping.builder("t").build()).build();
                    try (Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, '2026-07-01 10:20:30', 1)");
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                }
                List<Map<String, String>> copied = Rows.of(newDb, "SELECT id, extract(epoch FROM v) AS e FROM t");
                if (outcome.equals("copied")) {
                    assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).isEmpty();
                    assertThat(copied).isEqualTo(Rows.of(newDb, "SELECT id, extract(epoch FROM v) AS e FROM own"));
                } else {
                    assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log"))
                            .isEqualTo(List.of(Map.of("row_key", "1")));
                    assertThat(copied).as("not written in a guessed zone").isEmpty();
                }
            }
        }
    }

    // Other settings a pool puts on every session, which change how a value is stored or spelt: the old or the new
    // store's pool sets them by its init SQL, MariaDB's sessionVariables or pgjdbc's options. The copy must equal the
    // old store's value as a clean session reads it, nothing recorded.
    @ParameterizedTest(name = "{0} {1}: {2} on the {3} store''s pool by {4}, {5}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | CHAR(5)     | sql_mode='PAD_CHAR_TO_FULL_LENGTH,NO_BACKSLASH_ESCAPES,ANSI_QUOTES' | old | sessionVariables | ASYNC
            MARIADB  | VARCHAR(20) | sql_mode='NO_BACKSLASH_ESCAPES,ANSI_QUOTES'                         | new | sessionVariables | SYNC
            MARIADB  | VARCHAR(20) | SET NAMES latin1                                                    | new | initSql          | ASYNC
            MARIADB  | DECIMAL(10,4) | SET div_precision_increment = 0, sql_mode = 'ANSI'              | new | initSql          | SYNC
            POSTGRES | FLOAT8[]    | -c extra_float_digits=0                                             | old | options          | ASYNC
            POSTGRES | TEXT        | SET standard_conforming_strings = off                               | new | initSql          | SYNC
            POSTGRES | INTERVAL    | SET IntervalStyle = iso_8601                                        | new | initSql          | ASYNC
            POSTGRES | DATE        | SET DateStyle = 'ISO, DMY'                                          | old | initSql          | SYNC
            """)
    void aSettingAPoolPutsOnEverySessionDoesNotChangeTheCopy(Kind kind, String type, String setting, String side,
            String way, MirrorMode mode) throws Exception {
        String value = switch (type) {
            case "FLOAT8[]" -> "ARRAY[0.1, 1e20, 5e-324]::float8[]";
            case "INTERVAL" -> "'1 day 2 hours'";
            case "DATE" -> "'2026-03-04'";
            case "DECIMAL(10,4)" -> "1.2345";
            default -> kind == Kind.MARIADB ? "'a\\b''\u00e9'" : "E'a\\b''\u00e9'";
        };
        String newType = type.equals("FLOAT8[]") || type.equals("DATE") ? "TEXT" : type;
        try (SharedMariaDbs.Pair pair = SHARED.pair(kind, kind, false)) {
            TestDatabase oldDb = pair.oldDb();
            TestDatabase newDb = pair.newDb();
            TestDatabase configured = side.equals("old") ? oldDb : newDb;
            HikariConfig config = new HikariConfig();
            String url = configured.pool().getJdbcUrl();
            config.setJdbcUrl(way.equals("sessionVariables") ? url + "&sessionVariables=" + setting : url);
            config.setUsername(configured.pool().getUsername());
            config.setPassword(configured.pool().getPassword());
            config.setMaximumPoolSize(2);
            if (way.equals("initSql")) {
                config.setConnectionInitSql(setting);
            } else if (way.equals("options")) {
                config.addDataSourceProperty("options", setting);
            }
            try (HikariDataSource pool = new HikariDataSource(config)) {
                oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + type + ", qty INT)");
                newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + newType + ", qty INT)");
                try (DualWriter writer = writer(oldDb, mode)) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder()
                            .oldDataSource(side.equals("old") ? pool : oldDb.dataSource())
                            .newDataSource(side.equals("new") ? pool : newDb.dataSource()).migration("t")
                            .dualWriter(writer).mapping(TableMapping.builder("t").build()).build();
                    try (Connection connection = dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        if (kind == Kind.MARIADB && side.equals("old") && setting.contains("NO_BACKSLASH_ESCAPES")) {
                            statement.execute("SET sql_mode = ''"); // the caller's own statement spelt as usual
                        }
                        statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, " + value + ", 1)");
                        statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                        if (kind == Kind.MARIADB && side.equals("old") && setting.contains("NO_BACKSLASH_ESCAPES")) {
                            statement.execute("SET " + setting); // given back as the pool's start
                        }
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                }
            }
            assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            String oldValue = kind == Kind.POSTGRES && !newType.equals(type) ? "v::text" : "v";
            assertThat(Rows.of(newDb, "SELECT id, v, qty FROM t ORDER BY id")).as("as a clean session reads it")
                    .isEqualTo(Rows.of(oldDb, "SELECT id, " + oldValue + " AS v, qty FROM t ORDER BY id"));
        }
    }

    private static DualWriter writer(TestDatabase oldDb, MirrorMode mode) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", MigrationPhase.DUAL_WRITE);
        return DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(60))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(60)).build()).build();
    }
}
