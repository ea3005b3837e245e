package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A MariaDB pool whose sessions are not in UTC: what the copier copies, the verifier finds equal. */
class ZonedSessionTest {

    private static final TableMapping EVENTS = TableMapping.builder("events").newTable("events").build();

    @Test
    void rowsCopiedFromAMariaDbPoolInAnotherZoneVerifyCleanOnPostgres() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             TestDatabase maria = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE events (id INT PRIMARY KEY, stamped TIMESTAMP(6) NULL, at DATETIME(3), day DATE)");
            fresh.execute("CREATE TABLE events (id INT PRIMARY KEY, stamped TIMESTAMP(6), at TIMESTAMP(6), day DATE)");
            maria.execute("CREATE TABLE events (id INT PRIMARY KEY, stamped TIMESTAMP(6) NULL, at DATETIME(3), day DATE)");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(old.pool().getJdbcUrl());
            config.setUsername(old.pool().getUsername());
            config.setPassword(old.pool().getPassword());
            config.setConnectionInitSql("SET time_zone = '+05:00'");
            config.setMaximumPoolSize(2);
            try (HikariDataSource zoned = new HikariDataSource(config)) {
                List<String> keys = new ArrayList<>();
                try (Connection connection = zoned.getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?)")) {
                    for (int i = 1; i <= 20; i++) {
                        LocalDateTime at = LocalDateTime.parse("2026-03-29T00:30:00.123456").plusMinutes(37L * i);
                        insert.setInt(1, i);
                        insert.setObject(2, at);
                        insert.setObject(3, at.withNano(at.getNano() / 1_000_000 * 1_000_000));
                        insert.setObject(4, at.toLocalDate());
                        insert.executeUpdate();
                        keys.add(Integer.toString(i));
                    }
                }
                RowCopier copier = RowCopier.builder().oldDataSource(zoned).newDataSource(fresh.dataSource()).build();
                copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(EVENTS, keys, null)));
                RowCopier.builder().oldDataSource(zoned).newDataSource(maria.dataSource()).build()
                        .sync(Store.OLD, List.of(new RowCopier.TableKeys(EVENTS, keys, null)));

                // compared by the test: the instants as seconds since the epoch, the local values as text
                List<List<Object>> expected = rows(old, "SELECT id, UNIX_TIMESTAMP(stamped), CAST(at AS CHAR),"
                        + " CAST(day AS CHAR) FROM events ORDER BY id");
                assertThat(rows(fresh, "SELECT id, EXTRACT(EPOCH FROM stamped), to_char(at, 'YYYY-MM-DD HH24:MI:SS.MS'),"
                        + " day::text FROM events ORDER BY id")).isEqualTo(expected);
                assertThat(rows(maria, "SELECT id, UNIX_TIMESTAMP(stamped), CAST(at AS CHAR), CAST(day AS CHAR)"
                        + " FROM events ORDER BY id")).isEqualTo(expected);

                Verifier verifier = Verifier.builder().oldDataSource(zoned).newDataSource(fresh.dataSource())
                        .recordResults(false).recheckDelay(Duration.ZERO).build();
                TableReport report = verifier.verify(VerificationJob.builder("events").table(EVENTS).build()).tables().get(0);

                assertThat(report.differenceCount()).as(report.toString()).isZero();
                assertThat(report.rowsCompared()).isEqualTo(20);
                fresh.execute("UPDATE events SET stamped = stamped + INTERVAL '1 microsecond' WHERE id = 4",
                        "UPDATE events SET at = at + INTERVAL '1 second' WHERE id = 9");
                assertThat(verifier.verify(VerificationJob.builder("events").table(EVENTS).build()).tables().get(0)
                        .keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("4", "9");
                assertThat(RowCopier.builder().oldDataSource(zoned).newDataSource(fresh.dataSource()).build()
                        .sync(Store.OLD, List.of(new RowCopier.TableKeys(EVENTS, List.of("4", "9"), null))))
                        .isEqualTo(new RowCopier.SyncResult(2, 0, 0));
                assertThat(verifier.verify(VerificationJob.builder("events").table(EVENTS).build()).clean()).isTrue();
                try (Connection connection = zoned.getConnection();
                     java.sql.Statement statement = connection.createStatement();
                     java.sql.ResultSet zone = statement.executeQuery("SELECT @@session.time_zone")) {
                    zone.next();
                    assertThat(zone.getString(1)).as("the pooled session's zone, restored").isEqualTo("+05:00");
                }
            }
        }
    }

    @Test
    void aNewSessionThatCannotBeSetUpGivesBothConnectionsBackAsTheyCame() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE events (id INT PRIMARY KEY, day DATE)", "INSERT INTO events VALUES (1, '2026-01-01')");
            fresh.execute("CREATE TABLE events (id INT PRIMARY KEY, day DATE)", "INSERT INTO events VALUES (1, '2026-01-01')");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(old.pool().getJdbcUrl());
            config.setUsername(old.pool().getUsername());
            config.setPassword(old.pool().getPassword());
            config.setConnectionInitSql("SET time_zone = '+05:00'");
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(2_000);
            try (HikariDataSource zoned = new HikariDataSource(config)) {
                // the new store's session refuses the set-up statement (a real server cannot be made to on demand)
                javax.sql.DataSource refusing = failingStatements(fresh.dataSource());
                Verifier verifier = Verifier.builder().oldDataSource(zoned).newDataSource(refusing)
                        .recordResults(false).recheckDelay(Duration.ZERO).build();

                org.assertj.core.api.Assertions.assertThatThrownBy(() -> verifier.verify(
                        VerificationJob.builder("events").table(EVENTS).build())).hasStackTraceContaining("refused");

                assertThat(zoned.getHikariPoolMXBean().getActiveConnections()).as("old connection back in its pool")
                        .isZero();
                try (Connection connection = zoned.getConnection();
                     java.sql.Statement statement = connection.createStatement();
                     java.sql.ResultSet zone = statement.executeQuery("SELECT @@session.time_zone")) {
                    zone.next();
                    assertThat(zone.getString(1)).as("the pooled session's zone, restored").isEqualTo("+05:00");
                }
                assertThat(fresh.pool().getHikariPoolMXBean().getActiveConnections()).as("new connection closed").isZero();
            }
        }
    }

    /** {@code target} whose sessions refuse to show or set their date style. */
    private static javax.sql.DataSource failingStatements(javax.sql.DataSource target) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(ZonedSessionTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return java.lang.reflect.Proxy.newProxyInstance(ZonedSessionTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                Object made = invoke(connection, m, a);
                                if (!m.getName().equals("createStatement")) {
                                    return made;
                                }
                                java.sql.Statement statement = (java.sql.Statement) made;
                                return java.lang.reflect.Proxy.newProxyInstance(ZonedSessionTest.class.getClassLoader(),
                                        new Class<?>[] {java.sql.Statement.class}, (sp, sm, sa) -> {
                                            if (sa != null && sa.length > 0 && String.valueOf(sa[0]).contains("DateStyle")) {
                                                throw new java.sql.SQLException("set-up refused by the test");
                                            }
                                            return invoke(statement, sm, sa);
                                        });
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<List<Object>> rows(TestDatabase db, String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection();
             java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                row.add(result.getLong(1));
                row.add(result.getBigDecimal(2).stripTrailingZeros().toPlainString());
                row.add(result.getString(3));
                row.add(result.getString(4));
                rows.add(row);
            }
        }
        return rows;
    }
}
