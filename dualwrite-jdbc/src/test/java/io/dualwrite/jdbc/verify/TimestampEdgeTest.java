package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** Date-times at the edges of their ranges and of their sessions' settings. */
class TimestampEdgeTest {

    private static final TableMapping EVENTS = TableMapping.builder("events").newTable("events").build();

    @Test
    void aYearBeforeChristDiffersFromTheSameYearAfterOnH2() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            for (TestDatabase db : new TestDatabase[] {old, fresh}) {
                db.execute("CREATE TABLE events (id INT PRIMARY KEY, at TIMESTAMP(6))");
            }
            insert(old, 1, LocalDateTime.of(44, 3, 15, 10, 0));
            insert(fresh, 1, LocalDateTime.of(-43, 3, 15, 10, 0)); // 44 BC
            insert(old, 2, LocalDateTime.of(-43, 3, 15, 10, 0, 0, 500_000_000));
            insert(fresh, 2, LocalDateTime.of(-43, 3, 15, 10, 0, 0, 500_000_000));
            insert(old, 3, LocalDateTime.of(999, 1, 2, 3, 4, 5));
            insert(fresh, 3, LocalDateTime.of(999, 1, 2, 3, 4, 5));

            TableReport report = verifier(old, fresh).verify(job()).tables().get(0);

            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactly("1");
        }
    }

    @Test
    void aPostgresPoolInAnotherDateOrderComparesByTheIsoTextAndKeepsItsStyle() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE events (id INT PRIMARY KEY, at DATETIME(6))");
            fresh.execute("CREATE TABLE events (id INT PRIMARY KEY, at TIMESTAMP(6))");
            LocalDateTime[] values = {LocalDateTime.parse("2026-03-01T08:30:00"), LocalDateTime.parse("0999-12-31T23:59:59.5"),
                    LocalDateTime.parse("2026-11-02T01:02:03.000001")};
            for (int i = 0; i < values.length; i++) {
                insert(old, i + 1, values[i]);
                insert(fresh, i + 1, values[i]);
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(fresh.pool().getJdbcUrl() + (fresh.pool().getJdbcUrl().contains("?") ? "&" : "?")
                    + "options=-c%20DateStyle=SQL,DMY");
            config.setUsername(fresh.pool().getUsername());
            config.setPassword(fresh.pool().getPassword());
            config.setMaximumPoolSize(1);
            try (HikariDataSource sqlStyle = new HikariDataSource(config)) {
                String style = dateStyle(sqlStyle); // the driver asks for ISO output; the order stays DMY
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(sqlStyle)
                        .recordResults(false).recheckDelay(Duration.ZERO).build();

                assertThat(verifier.verify(job()).tables().get(0).differenceCount()).isZero();
                fresh.execute("UPDATE events SET at = at + INTERVAL '1 second' WHERE id = 2");
                assertThat(verifier.verify(job()).tables().get(0).keys(RowDifference.Kind.DIFFERENT)).containsExactly("2");

                assertThat(style).isEqualTo("ISO, DMY");
                assertThat(dateStyle(sqlStyle)).as("the pooled session's style, restored").isEqualTo(style);
            }
        }
    }

    @Test
    void infinityOnPostgresEqualsItselfAndDiffersFromMinusInfinity() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : new TestDatabase[] {old, fresh}) {
                db.execute("CREATE TABLE events (id INT PRIMARY KEY, at TIMESTAMP(6), z TIMESTAMPTZ)",
                        "INSERT INTO events VALUES (1, 'infinity', 'infinity'), (2, 'infinity', '-infinity'),"
                                + " (3, '0044-03-15 10:00:00 BC', '2026-01-01 00:00:00+05')");
            }
            fresh.execute("UPDATE events SET at = '-infinity' WHERE id = 2",
                    "UPDATE events SET at = '0044-03-15 10:00:00' WHERE id = 3");

            TableReport report = verifier(old, fresh).verify(job()).tables().get(0);

            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("2", "3");
        }
    }

    @Test
    void mariaDbTimesBeyondADayAndNegativeOnesAreComparedAndTheirDifferencesFound() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            for (TestDatabase db : new TestDatabase[] {old, fresh}) {
                db.execute("CREATE TABLE events (id INT PRIMARY KEY, took TIME(6))",
                        "INSERT INTO events VALUES (1, '25:00:00'), (2, '-01:30:00'), (3, '08:00:00.5'), (4, '838:59:59'),"
                                + " (5, '00:00:00')");
            }
            fresh.execute("UPDATE events SET took = '25:00:01' WHERE id = 1",
                    "UPDATE events SET took = '08:00:00.500001' WHERE id = 3");

            TableReport report = verifier(old, fresh).verify(job()).tables().get(0);

            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("1", "3");
        }
    }

    private static String dateStyle(HikariDataSource pool) throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW DateStyle")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static Verifier verifier(TestDatabase old, TestDatabase fresh) {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recordResults(false).recheckDelay(Duration.ZERO).build();
    }

    private static VerificationJob job() {
        return VerificationJob.builder("events").table(EVENTS).build();
    }

    private static void insert(TestDatabase db, int id, LocalDateTime at) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setObject(2, at);
            insert.executeUpdate();
        }
    }
}
