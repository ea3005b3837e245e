package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 28b: verification of a value without zone ({@code DATE}, {@code DATETIME}, {@code timestamp}) against a column
 * of instants (MariaDB {@code TIMESTAMP}, PostgreSQL {@code timestamptz}, H2 {@code TIMESTAMP WITH TIME ZONE}) whose
 * pool starts its sessions outside UTC. Round 28's copier takes such a value in the zone the target pool's sessions
 * start in ({@code copy.StartZone}); verification (full, sampled, the re-read and bisection of a differing range) and
 * repair must take the same rule: a copy the copier made is clean, a difference of one second is still found, and a
 * zone the copier refuses is reported. Every member first checks with plain JDBC that the copy is the application's
 * own write (the instant the same literal written through the same pool gives).
 */
class StartZoneVerifyBreak28bTest {

    private static final String ZONE = "+09:00";
    private static final int ROWS = 24;
    private static final TableMapping T = TableMapping.builder("t").build();

    /**
     * A pool of {@code db}, its sessions in {@link #ZONE} by {@code way}: {@code initSql} (HikariCP's
     * {@code connectionInitSql}), {@code sessionVariables} (MariaDB's driver property), {@code server} ({@code SET
     * GLOBAL time_zone}, done by the caller) or {@code none}.
     */
    private static HikariDataSource pool(TestDatabase db, String way, String zoneSql) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.kind() == Kind.H2 ? "jdbc:h2:mem:" + db.name() : db.pool().getJdbcUrl());
        config.setUsername(db.kind() == Kind.H2 ? "sa" : db.pool().getUsername());
        if (db.kind() != Kind.H2) {
            config.setPassword(db.pool().getPassword());
        }
        config.setMaximumPoolSize(2);
        if (way.equals("initSql")) {
            config.setConnectionInitSql(zoneSql);
        } else if (way.equals("sessionVariables")) {
            config.addDataSourceProperty("sessionVariables", "time_zone='" + ZONE + "'");
        }
        return new HikariDataSource(config);
    }

    private static String zoneSql(Kind kind) {
        return switch (kind) {
            case MARIADB -> "SET time_zone = '" + ZONE + "'";
            case POSTGRES -> "SET TIME ZONE 'Asia/Tokyo'";
            case H2 -> "SET TIME ZONE '" + ZONE + "'";
        };
    }

    private static String epoch(Kind kind, String column) {
        return switch (kind) {
            case MARIADB -> "UNIX_TIMESTAMP(" + column + ")";
            case POSTGRES -> "extract(epoch FROM " + column + ")";
            case H2 -> "EXTRACT(EPOCH FROM " + column + ")";
        };
    }

    private static String plusOneSecond(Kind kind, String column) {
        return switch (kind) {
            case MARIADB -> column + " + INTERVAL 1 SECOND";
            case POSTGRES -> column + " + INTERVAL '1 second'";
            case H2 -> "DATEADD(SECOND, 1, " + column + ")";
        };
    }

    private static List<String> read(DataSource pool, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1) + "=" + new java.math.BigDecimal(result.getString(2)).stripTrailingZeros()
                        .toPlainString());
            }
        }
        return rows;
    }

    private static String literal(String type, int i) {
        String day = "2026-0" + (1 + i % 9) + "-" + (10 + i % 18);
        return type.startsWith("DATE") && !type.startsWith("DATETIME") ? day : day + " 10:20:" + (10 + i) + ".123456";
    }

    /** The verifier's report of {@code t}, full or sampled. */
    private static TableReport verify(Verifier verifier, boolean sampled) throws java.sql.SQLException {
        VerificationJob.Builder job = VerificationJob.builder("t").table(T);
        if (sampled) {
            job.sample(0.5, 28);
        }
        return verifier.verify(job.build()).tables().get(0);
    }

    // The copier (the backfill) copies values without zone into a column of instants over a pool whose sessions
    // start at +09:00; the test checks with plain JDBC that each copy is the application's own write through the
    // pool. Then: full and sampled verification report the table clean; a one-second difference planted in one
    // copy (plain JDBC) is found, by full verification's checksum, bisection and re-read; a repair through the copier
    // puts it back and the table is clean again. "none": a pool in UTC, as before.
    @ParameterizedTest(name = "{0} {1} into {2} {3}, the zone by {4}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | DATETIME(6)  | POSTGRES | TIMESTAMPTZ(6)           | initSql
            MARIADB  | DATE         | POSTGRES | TIMESTAMPTZ(6)           | initSql
            POSTGRES | TIMESTAMP(6) | MARIADB  | TIMESTAMP(6)             | initSql
            POSTGRES | DATE         | MARIADB  | TIMESTAMP(6)             | sessionVariables
            H2       | TIMESTAMP(6) | H2       | TIMESTAMP WITH TIME ZONE | initSql
            H2       | DATE         | H2       | TIMESTAMP WITH TIME ZONE | initSql
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | initSql
            MARIADB  | DATE         | MARIADB  | TIMESTAMP(6)             | sessionVariables
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | server
            MARIADB  | DATETIME(6)  | MARIADB  | TIMESTAMP(6)             | none
            """)
    void aCopyInThePoolsStartZoneVerifiesCleanAndASecondOffIsFound(Kind oldKind, String oldType, Kind newKind,
            String newType, String way) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            if (way.equals("server")) {
                newDb.execute("SET GLOBAL time_zone = '" + ZONE + "'");
            }
            try (HikariDataSource newPool = pool(newDb, way.equals("server") ? "none" : way, zoneSql(newKind))) {
                DualWriteSchema.create(oldDb.dataSource());
                oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + oldType + ", qty INT)");
                newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + newType + " NULL, qty INT)",
                        "CREATE TABLE own (id INT PRIMARY KEY, v " + newType + " NULL)");
                try (Connection old = oldDb.dataSource().getConnection(); Statement o = old.createStatement();
                     Connection fresh = newPool.getConnection(); Statement n = fresh.createStatement()) {
                    for (int i = 1; i <= ROWS; i++) {
                        o.executeUpdate("INSERT INTO t VALUES (" + i + ", '" + literal(oldType, i) + "', " + i + ")");
                        n.executeUpdate("INSERT INTO own VALUES (" + i + ", '" + literal(oldType, i) + "')");
                    }
                }
                BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newPool)
                        .mapping(T).build().run();
                String copied = "SELECT id, " + epoch(newKind, "v") + " FROM t ORDER BY id";
                String own = "SELECT id, " + epoch(newKind, "v") + " FROM own ORDER BY id";
                assertThat(read(newPool, copied)).as("each copy is the application's own write").hasSize(ROWS)
                        .isEqualTo(read(newPool, own));

                Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newPool)
                        .recordResults(false).recheckDelay(Duration.ZERO).build();
                TableReport full = verify(verifier, false);
                assertThat(full.differenceCount()).as(full.toText()).isZero();
                assertThat(full.rowsCompared()).isEqualTo(ROWS);
                TableReport sampled = verify(verifier, true);
                assertThat(sampled.differenceCount()).as(sampled.toText()).isZero();

                newDb.execute("UPDATE t SET v = " + plusOneSecond(newKind, "v") + " WHERE id = 7");
                VerificationResult differing = verifier.verify(VerificationJob.builder("t").table(T).build());
                assertThat(differing.tables().get(0).keys(RowDifference.Kind.DIFFERENT)).as(differing.toText())
                        .containsExactly("7");
                Repairer.RepairResult repaired = Repairer.of(RowCopier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).build(), verifier).repair(VerificationJob.builder("t").table(T).build(),
                        differing);
                assertThat(repaired.clean()).as(repaired.toString()).isTrue();
                assertThat(read(newPool, copied)).as("the repaired copy").isEqualTo(read(newPool, own));
                assertThat(verify(verifier, false).differenceCount()).isZero();
            } finally {
                if (way.equals("server")) {
                    newDb.execute("SET GLOBAL time_zone = DEFAULT");
                }
            }
        }
    }

    // The Java fallback: a transformer maps the old DATETIME (a day later, still a date-time without zone), so the
    // column is compared in Java; the copier takes the transformer's value in the new pool's start zone (+09:00 by
    // its init SQL) as it takes any value without zone. A clean copy verifies clean; a second off is found.
    @Test
    void aTransformedValueWithoutZoneIsComparedInThePoolsStartZone() throws Exception {
        TableMapping mapping = TableMapping.builder("t").transform("v", value -> value == null ? null
                : ((java.time.LocalDateTime) value).plusDays(1)).build();
        try (TestDatabase oldDb = TestDatabases.create(Kind.MARIADB);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb, "initSql", zoneSql(Kind.POSTGRES))) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v DATETIME(6), qty INT)",
                    "INSERT INTO t VALUES (1, '2026-03-01 10:20:30.5', 1), (2, '2026-07-01 23:59:59', 2), (3, NULL, 3)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMPTZ(6), qty INT)",
                    "CREATE TABLE own (id INT PRIMARY KEY, v TIMESTAMPTZ(6))");
            try (Connection fresh = newPool.getConnection(); Statement n = fresh.createStatement()) {
                n.executeUpdate("INSERT INTO own VALUES (1, '2026-03-02 10:20:30.5'), (2, '2026-07-02 23:59:59'),"
                        + " (3, NULL)");
            }
            BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newPool)
                    .mapping(mapping).build().run();
            String copied = "SELECT id, coalesce(extract(epoch FROM v), -1) FROM t ORDER BY id";
            assertThat(read(newPool, copied)).as("each copy is the application's own write")
                    .isEqualTo(read(newPool, "SELECT id, coalesce(extract(epoch FROM v), -1) FROM own ORDER BY id"));
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newPool)
                    .recordResults(false).recheckDelay(Duration.ZERO).build();
            VerificationResult clean = verifier.verify(VerificationJob.builder("t").table(mapping).build());
            assertThat(clean.tables().get(0).differenceCount()).as(clean.toText()).isZero();
            newDb.execute("UPDATE t SET v = v + INTERVAL '1 second' WHERE id = 2");
            VerificationResult differing = verifier.verify(VerificationJob.builder("t").table(mapping).build());
            assertThat(differing.tables().get(0).keys(RowDifference.Kind.DIFFERENT)).as(differing.toText())
                    .containsExactly("2");
        }
    }

    // A pool whose PostgreSQL zone Java cannot name ('XXX-9YYY': +09:00 in winter, +10:00 in summer): the copier
    // refuses such a value; verification must say so, naming the zone, never compare in a guessed zone.
    @Test
    void aZoneTheCopierRefusesIsReportedByName() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb, "initSql", "SET TIME ZONE 'XXX-9YYY'")) {
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMP(6), qty INT)",
                    "INSERT INTO t VALUES (1, '2026-07-01 10:20:30', 1)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMPTZ(6), qty INT)");
            try (Connection fresh = newPool.getConnection(); Statement n = fresh.createStatement()) {
                n.executeUpdate("INSERT INTO t VALUES (1, '2026-07-01 10:20:30', 1)");
            }
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newPool)
                    .recordResults(false).recheckDelay(Duration.ZERO).build();
            assertThatThrownBy(() -> verifier.verify(VerificationJob.builder("t").table(T).build()))
                    .hasMessageContaining("XXX-9YYY");
        }
    }
}
