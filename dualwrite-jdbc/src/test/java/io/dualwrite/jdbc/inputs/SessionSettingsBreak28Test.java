package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
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
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            if (way.equals("server")) {
                newDb.execute("SET GLOBAL time_zone = '" + APP_ZONE + "'");
            }
            DataSource newPool = pool(newDb, way.equals("server") || way.equals("leftover") ? "none" : way);
            try {
                DualWriteSchema.create(oldDb.dataSource());
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
                List<Map<String, String>> recorded = Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log");
                List<Map<String, String>> copied = Rows.of(newDb, "SELECT id, " + epoch(newKind, "v") + " AS e, qty"
                        + " FROM t ORDER BY id");
                String own = Rows.of(newDb, "SELECT " + epoch(newKind, "v") + " AS e FROM own").get(0).get("e");
                if (recorded.isEmpty()) {
                    assertThat(copied).as("the instant the application's own session (zone %s) writes", zone)
                            .isEqualTo(List.of(Map.of("id", "1", "e", own, "qty", "2")));
                } else {
                    // refused: recorded, and nothing else than the application's own value was written
                    assertThat(copied).as("refused rows are not written otherwise").allSatisfy(
                            row -> assertThat(row.get("e")).isEqualTo(own));
                }
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

    private static DualWriter writer(TestDatabase oldDb, MirrorMode mode) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", MigrationPhase.DUAL_WRITE);
        return DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(60))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(60)).build()).build();
    }
}
