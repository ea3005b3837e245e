package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL pool whose sessions an earlier borrower left with other output settings ({@code extra_float_digits}
 * below 1, another {@code IntervalStyle}, another {@code TimeZone}, another {@code DateStyle}): keys whose text those
 * settings change (float arrays, intervals, arrays and ranges of instants) verify as on a session with the defaults
 * — equal keys equal, a key one unit apart reported — and the pool's sessions get their settings back. Each test
 * first shows with plain JDBC what the settings do to the texts.
 */
class PostgresSessionSettingsTest {

    private static final String SETTINGS = "SET extra_float_digits = 0; SET IntervalStyle = 'sql_standard';"
            + " SET TimeZone = 'Asia/Kolkata'; SET DateStyle = 'ISO, DMY'";

    private static HikariDataSource leftOver(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.pool().getJdbcUrl());
        config.setUsername(db.pool().getUsername());
        config.setPassword(db.pool().getPassword());
        config.setConnectionInitSql(SETTINGS);
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }

    private static TableReport verify(javax.sql.DataSource old, javax.sql.DataSource fresh, String table)
            throws Exception {
        return Verifier.builder().oldDataSource(old).newDataSource(fresh).recordResults(false)
                .recheckDelay(Duration.ZERO).recheckRounds(1).build()
                .verify(VerificationJob.builder(table).table(TableMapping.builder(table).primaryKey("k").build())
                        .build()).tables().get(0);
    }

    private static List<String> texts(javax.sql.DataSource source, String sql) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                texts.add(rows.getString(1));
            }
        }
        return texts;
    }

    private static List<String> settings(javax.sql.DataSource source) throws Exception {
        return texts(source, "SELECT current_setting(name) FROM unnest(ARRAY['extra_float_digits', 'IntervalStyle',"
                + " 'TimeZone', 'DateStyle']) AS name");
    }

    @Test
    void floatArrayKeysOneUlpApartAreReportedWhenTheSessionRoundsFloats() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource rounding = leftOver(old)) {
            String table = "CREATE TABLE floats (k float8[] PRIMARY KEY, r real[], v int)";
            old.execute(table, "INSERT INTO floats VALUES ('{0.1,1}', '{0.1}', 1), ('{0.30000000000000004}', '{1}', 2),"
                    + " ('{1e300,-2.5}', '{3.4e38}', 3)");
            fresh.execute(table, "INSERT INTO floats VALUES ('{0.1,1}', '{0.1}', 1), ('{0.3}', '{1}', 2),"
                    + " ('{1e300,-2.5}', '{3.4e38}', 3)");
            old.execute("CREATE TABLE probe (a float8[])", "INSERT INTO probe VALUES ('{0.30000000000000004}'), ('{0.3}')");
            assertThat(texts(rounding, "SELECT a::text FROM probe")).as("the left-over session's texts")
                    .containsExactly("{0.3}", "{0.3}");
            old.execute("DROP TABLE probe");

            TableReport report = verify(rounding, fresh.dataSource(), "floats");

            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.differenceCount()).as(report.toText()).isEqualTo(2);
            assertThat(settings(rounding)).containsExactly("0", "sql_standard", "Asia/Kolkata", "ISO, DMY");
        }
    }

    @Test
    void realArrayKeysOneUlpApartAreReportedWhenTheSessionRoundsFloats() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource rounding = leftOver(fresh)) {
            String table = "CREATE TABLE reals (k real[] PRIMARY KEY, v int)";
            old.execute(table, "INSERT INTO reals VALUES ('{1.0000001}', 1), ('{16777216,2}', 2)");
            fresh.execute(table, "INSERT INTO reals VALUES ('{1.0000002}', 1), ('{16777216,2}', 2)");

            TableReport report = verify(old.dataSource(), rounding, "reals");

            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.rowsCompared()).as(report.toText()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void intervalKeysVerifyCleanUnderAnotherIntervalStyleAndADifferenceIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource styled = leftOver(old)) {
            String table = "CREATE TABLE spans (k interval PRIMARY KEY, v int)";
            String rows = "INSERT INTO spans VALUES ('1 year 2 mons 3 days 04:05:06.5', 1), ('-3 days 01:00:00', 2),"
                    + " ('00:00:00.000001', 3), ('100 years', 4)";
            old.execute(table, rows);
            fresh.execute(table, rows);
            assertThat(texts(styled, "SELECT k::text FROM spans ORDER BY v")).as("the left-over session's texts")
                    .isNotEqualTo(texts(fresh.dataSource(), "SELECT k::text FROM spans ORDER BY v"));

            assertThat(verify(styled, fresh.dataSource(), "spans").differenceCount()).isZero();

            fresh.execute("UPDATE spans SET k = k + interval '1 microsecond' WHERE v = 2");
            TableReport report = verify(styled, fresh.dataSource(), "spans");
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(settings(styled)).containsExactly("0", "sql_standard", "Asia/Kolkata", "ISO, DMY");
        }
    }

    @Test
    void instantArrayAndRangeKeysVerifyCleanInAnotherTimeZoneAndADifferenceIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource zoned = leftOver(fresh)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE stamps (k timestamptz[] PRIMARY KEY, v int)",
                        "INSERT INTO stamps VALUES ('{2026-03-29 01:30:00+00,2026-10-25 00:59:59.999999+00}', 1),"
                                + " ('{1999-12-31 23:59:59+00}', 2)",
                        "CREATE TABLE periods (k tstzrange PRIMARY KEY, v int)",
                        "INSERT INTO periods VALUES ('[2026-01-01 00:00+00,2026-02-01 00:00+00)', 1),"
                                + " ('(2026-03-29 00:30+00,)', 2)");
            }
            assertThat(texts(zoned, "SELECT k::text FROM stamps ORDER BY v")).as("the left-over session's texts")
                    .isNotEqualTo(texts(old.dataSource(), "SELECT k::text FROM stamps ORDER BY v"));

            assertThat(verify(old.dataSource(), zoned, "stamps").differenceCount()).isZero();
            assertThat(verify(old.dataSource(), zoned, "periods").differenceCount()).isZero();

            fresh.execute("UPDATE stamps SET k = ARRAY[k[1] + interval '1 second'] WHERE v = 2",
                    "UPDATE periods SET v = 3 WHERE v = 2");
            TableReport stamps = verify(old.dataSource(), zoned, "stamps");
            assertThat(stamps.keys(RowDifference.Kind.MISSING_IN_NEW)).as(stamps.toText()).hasSize(1);
            assertThat(stamps.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(stamps.toText()).hasSize(1);
            TableReport periods = verify(old.dataSource(), zoned, "periods");
            assertThat(periods.keys(RowDifference.Kind.DIFFERENT)).as(periods.toText()).hasSize(1);
            assertThat(settings(zoned)).containsExactly("0", "sql_standard", "Asia/Kolkata", "ISO, DMY");
        }
    }

    @Test
    void floatArraysCopiedFromASessionThatRoundsFloatsArriveExactly() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource rounding = leftOver(old)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE samples (id int PRIMARY KEY, d float8[], r real[])");
            }
            old.execute("INSERT INTO samples VALUES (1, '{0.30000000000000004,1e-300}', '{1.0000001}'),"
                    + " (2, '[0:1]={0.1,NaN}', NULL)");

            io.dualwrite.jdbc.copy.RowCopier.builder().oldDataSource(rounding).newDataSource(fresh.dataSource()).build()
                    .sync(io.dualwrite.Store.OLD, List.of(new io.dualwrite.jdbc.copy.RowCopier.TableKeys(
                            TableMapping.identity("samples"), List.of("1", "2"), null)));

            String exact = "SELECT concat_ws('|', id, d::text, r::text) FROM samples ORDER BY id";
            assertThat(texts(fresh.dataSource(), exact)).isEqualTo(texts(old.dataSource(), exact)).hasSize(2);
            assertThat(settings(rounding)).as("the pool's session, put back").startsWith("0");
        }
    }
}
