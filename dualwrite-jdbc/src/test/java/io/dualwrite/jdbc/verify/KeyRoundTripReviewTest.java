package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Key values the verifier reads, renders and binds back must find the same row again (a key that names no
 * row on re-read is dropped as "deleted meanwhile", so a real difference is reported CLEAN), and equal tables must
 * verify clean. Each probe creates {@code t (keys…, n INT, v INT)} on both stores with the same rows, expects a
 * clean report, then makes {@code v} differ on the new store one row at a time (expecting exactly that one row
 * DIFFERENT), then deletes one row on the new store (expecting exactly one MISSING_IN_NEW); each check runs with
 * the default chunking and with chunks of 2 rows (range bounds bound across the stores). Key types verification
 * cannot bound ranges by are refused up front, naming the column.
 */
class KeyRoundTripReviewTest {

    /** One store of a probe: its database (to write), the data source the verifier reads, the DDL and key literals. */
    private record Side(TestDatabase db, DataSource source, String ddl, List<String> keys, String writePrefix) {
        Side(TestDatabase db, String ddl, List<String> keys) {
            this(db, db.dataSource(), ddl, keys, null);
        }

        /** Runs a statement on the database, after {@code writePrefix} (a session setting) when there is one. */
        void write(String sql) {
            if (writePrefix == null) {
                db.execute(sql);
            } else {
                db.execute(writePrefix, sql);
            }
        }
    }

    /** A verification that may never end (a chunk loop that does not advance) is cut off after a minute. */
    private static TableReport verifyWithin(DataSource old, DataSource fresh, boolean small, String... pk)
            throws Exception {
        return verifyWithin(60, old, fresh, small, pk);
    }

    private static TableReport verifyWithin(int seconds, DataSource old, DataSource fresh, boolean small, String... pk)
            throws Exception {
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "review-verify");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return executor.submit(() -> verify(old, fresh, small, pk)).get(seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            executor.shutdownNow();
        }
    }

    private static TableReport verify(DataSource old, DataSource fresh, boolean small, String... pk) throws Exception {
        VerificationJob.Builder job = VerificationJob.builder("t").table(TableMapping.builder("t").primaryKey(pk).build());
        if (small) {
            job.chunkRows(2).leafRows(1);
        }
        return Verifier.builder().oldDataSource(old).newDataSource(fresh).recordResults(false)
                .recheckDelay(Duration.ZERO).recheckRounds(1).build().verify(job.build()).tables().get(0);
    }

    /** The problems found: reports that are not what the rows are (empty when every check held). */
    private static List<String> probe(Side old, Side fresh, String... pk) {
        List<String> problems = new ArrayList<>();
        for (Side side : List.of(old, fresh)) {
            side.write(side.ddl());
            for (int i = 0; i < side.keys().size(); i++) {
                side.write("INSERT INTO t (" + String.join(", ", pk) + ", n, v) VALUES (" + side.keys().get(i) + ", "
                        + (i + 1) + ", " + (i + 1) + ")");
            }
        }
        check(problems, "equal tables", old, fresh, pk, 0, 0);
        for (int i = 1; i <= old.keys().size(); i++) {
            fresh.db().execute("UPDATE t SET v = v + 1000 WHERE n = " + i);
            check(problems, "v differs at key " + old.keys().get(i - 1), old, fresh, pk, 1, 0);
            fresh.db().execute("UPDATE t SET v = v - 1000 WHERE n = " + i);
        }
        int last = old.keys().size();
        fresh.db().execute("DELETE FROM t WHERE n = " + last);
        check(problems, "row missing at key " + old.keys().get(last - 1), old, fresh, pk, 0, 1);
        return problems;
    }

    private static void check(List<String> problems, String what, Side old, Side fresh, String[] pk, int different,
                              int missing) {
        for (boolean small : new boolean[] {false, true}) {
            String label = what + (small ? " (chunks of 2)" : "");
            try {
                TableReport report = verifyWithin(old.source(), fresh.source(), small, pk);
                int d = report.keys(RowDifference.Kind.DIFFERENT).size();
                int m = report.keys(RowDifference.Kind.MISSING_IN_NEW).size();
                int e = report.keys(RowDifference.Kind.EXTRA_IN_NEW).size();
                if (d != different || m != missing || e != 0 || report.differenceCount() != different + missing) {
                    problems.add(label + ": expected " + different + " DIFFERENT, " + missing + " MISSING, got "
                            + report.differences() + " (count " + report.differenceCount() + ")");
                }
            } catch (java.util.concurrent.TimeoutException hung) {
                problems.add(label + ": did not end in time");
                return;
            } catch (Exception | AssertionError failure) {
                problems.add(label + ": threw " + failure);
            }
        }
    }

    /** A key type verification cannot bound ranges by: refused before any row is read, naming the column. */
    private static void assertRefused(Kind kind, String ddl) {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute(ddl);
            fresh.execute(ddl);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> verify(old.dataSource(), fresh.dataSource(),
                    false, "k")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'");
        }
    }

    private static void probeOneProduct(Kind kind, String ddl, String... keys) throws Exception {
        probeInSessions(kind, null, null, ddl, keys);
    }

    private static void probeInSessions(Kind kind, String oldInit, String newInit, String ddl, String... keys)
            throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            HikariDataSource oldSource = oldInit == null ? null : initialized(old, oldInit);
            HikariDataSource newSource = newInit == null ? null : initialized(fresh, newInit);
            try {
                List<String> problems = probe(
                        new Side(old, oldSource == null ? old.dataSource() : oldSource, ddl, List.of(keys),
                                oldInit != null && oldInit.contains("sql_mode") ? oldInit : null),
                        new Side(fresh, newSource == null ? fresh.dataSource() : newSource, ddl, List.of(keys),
                                newInit != null && newInit.contains("sql_mode") ? newInit : null),
                        pkOf(ddl));
                assertThat(problems).as(String.join("\n", problems)).isEmpty();
            } finally {
                if (oldSource != null) {
                    oldSource.close();
                }
                if (newSource != null) {
                    newSource.close();
                }
            }
        }
    }

    private static void probeCross(String oldDdl, List<String> oldKeys, String newDdl, List<String> newKeys)
            throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            List<String> problems = probe(new Side(old, oldDdl, oldKeys), new Side(fresh, newDdl, newKeys), pkOf(oldDdl));
            assertThat(problems).as(String.join("\n", problems)).isEmpty();
        }
    }

    /** The key columns: those before {@code n}. */
    private static String[] pkOf(String ddl) {
        String columns = ddl.substring(ddl.indexOf("TABLE t (") + 9);
        List<String> keys = new ArrayList<>();
        for (String part : columns.split(",")) {
            String name = part.strip().split("\\s+")[0];
            if (name.equals("n")) {
                break;
            }
            if (!name.isEmpty() && Character.isLetter(name.charAt(0))) {
                keys.add(name);
            }
        }
        return keys.toArray(String[]::new);
    }

    private static HikariDataSource initialized(TestDatabase db, String initSql) {
        HikariConfig config = new HikariConfig();
        if (db.pool().getJdbcUrl() != null) {
            config.setJdbcUrl(db.pool().getJdbcUrl());
            config.setUsername(db.pool().getUsername());
            config.setPassword(db.pool().getPassword());
        } else {
            config.setDataSource(db.pool().getDataSource());
        }
        config.setConnectionInitSql(initSql);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    // ---------------------------------------------------------------- PostgreSQL

    @Test
    void pgFloat8Keys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k float8 NOT NULL PRIMARY KEY, n int, v int)",
                "'NaN'", "'-0'", "1e308", "5e-324", "0.1", "0.30000000000000004", "'-Infinity'", "'Infinity'",
                "2.2250738585072014e-308");
    }

    @Test
    void pgFloat4Keys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k real NOT NULL PRIMARY KEY, n int, v int)",
                "'NaN'", "'-0'", "3.4e38", "1e-45", "0.1", "16777217", "1.17549435e-38");
    }

    @Test
    void pgFloat8BesideIntKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k float8 NOT NULL, j int NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'NaN', 1", "'-0', 1", "5e-324, 2", "0.1, 1", "0.1, 2", "'Infinity', 1");
    }

    @Test
    void pgNumericKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k numeric NOT NULL PRIMARY KEY, n int, v int)",
                "1e-30", "123456789012345678901234567890.123456789", "0.1", "-0.000000000000001", "1e100", "1.500",
                "0.0000001000", "-1e-1000");
    }

    @Test
    void pgNumericScaleBesideVarcharKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k numeric(40,20) NOT NULL, j varchar(10) NOT NULL, n int, v int,"
                        + " PRIMARY KEY (k, j))",
                "0.00000000000000000001, 'a'", "99999999999999999999.99999999999999999999, 'a '", "0, ''", "-0.5, '|'",
                "1e-7, '\\'");
    }

    @Test
    void pgTimetzKeysAreRefusedNamingTheColumn() {
        assertRefused(Kind.POSTGRES, "CREATE TABLE t (k timetz NOT NULL PRIMARY KEY, n int, v int)");
    }

    @Test
    void pgTimeKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k time(6) NOT NULL PRIMARY KEY, n int, v int)",
                "'00:00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:34:56.000001'");
    }

    @Test
    void pgTimestampKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k timestamp(6) NOT NULL PRIMARY KEY, n int, v int)",
                "'2024-03-31 02:30:00'", "'2024-10-27 02:30:00.5'", "'1900-01-01 00:00:00'", "'0044-03-15 10:00:00 BC'",
                "'9999-12-31 23:59:59.999999'", "'1582-10-10 00:00:00'", "'20000-01-01 00:00:00'");
    }

    @Test
    void pgTimestamptzKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k timestamptz(6) NOT NULL PRIMARY KEY, n int, v int)",
                "'2024-03-31 02:30:00+05:45'", "'1900-01-01 00:00:00+00:19:32'", "'0044-03-15 10:00:00+00 BC'",
                "'2024-10-27 01:30:00.000001-09:30'", "'1883-11-18 12:00:00-07:52:58'");
    }

    @Test
    void pgTimestamptzBesideTextKeysInAnOffsetSession() throws Exception {
        probeInSessions(Kind.POSTGRES, "SET TimeZone = 'Asia/Kathmandu'", "SET TimeZone = 'America/St_Johns'",
                "CREATE TABLE t (k timestamptz(6) NOT NULL, j text NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'2024-03-31 02:30:00+05:45', 'a'", "'2024-03-31 02:30:00+05:45', 'b'", "'0044-03-15 10:00:00+00 BC', 'a'",
                "'2024-11-03 01:30:00-03:30', 'a'");
    }

    @Test
    void pgDateKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k date NOT NULL PRIMARY KEY, n int, v int)",
                "'2024-02-29'", "'0001-01-01 BC'", "'294276-12-31'", "'1582-10-04'", "'4713-01-01 BC'");
    }

    @Test
    void pgDateKeysBeyondTheTimestampRange() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k date NOT NULL PRIMARY KEY, n int, v int)",
                "'2024-02-29'", "'5874897-12-31'", "'294277-01-01'");
    }

    @Test
    void pgByteaKeysWithEscapeOutput() throws Exception {
        probeInSessions(Kind.POSTGRES, "SET bytea_output = 'escape'", null,
                "CREATE TABLE t (k bytea NOT NULL, j int NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'\\x00', 1", "'\\xff5c', 1", "'\\x', 2", "'\\x41', 1");
    }

    @Test
    void pgByteaKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k bytea NOT NULL PRIMARY KEY, n int, v int)",
                "'\\x00'", "'\\x0000'", "'\\xff00'", "'\\x'", "'\\x80ff7f'", "'\\x5c'");
    }

    @Test
    void pgCharAndVarcharKeysWithSpaces() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k char(5) NOT NULL, j varchar(5) NOT NULL, n int, v int,"
                        + " PRIMARY KEY (k, j))",
                "'a', 'a'", "'a  b', 'a '", "' a', 'a  '", "'', ' '", "'', ''");
    }

    @Test
    void pgTextKeysWithEmojiAndControls() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k text NOT NULL PRIMARY KEY, n int, v int)",
                "E'\\u00e9'", "'😀'", "E'\\t'", "E'a\\rb'", "E'\\x7f'", "'|~'", "'~p'", "'~~'", "'e\u0301'");
    }

    @Test
    void pgCitextKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE EXTENSION IF NOT EXISTS citext; CREATE TABLE t (k citext NOT NULL PRIMARY KEY, n int, v int)",
                "'Abc'", "'ß'", "'a '", "'😀'");
    }

    @Test
    void pgInetAndCidrKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k inet NOT NULL, j cidr NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'::ffff:1.2.3.4', '10.0.0.0/8'", "'fe80::1/64', '::/0'", "'10.0.0.1/8', '10.0.0.0/8'",
                "'10.0.0.1', '10.0.0.0/8'");
    }

    @Test
    void pgIntervalKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k interval NOT NULL PRIMARY KEY, n int, v int)",
                "'1 day'", "'-1 mons +1 day'", "'1 year -1 sec'", "'00:00:00.000001'", "'178000000 years'",
                "'-178000000 years'");
    }

    @Test
    void pgArrayKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k text[] NOT NULL PRIMARY KEY, n int, v int)",
                "'{}'", "'{NULL}'", "'{\"NULL\"}'", "'{\"a,b\",\"\\\"q\\\"\"}'", "'[0:1]={x,y}'", "ARRAY['', ' ']");
    }

    @Test
    void pgByteaArrayKeysWithEscapeOutput() throws Exception {
        probeInSessions(Kind.POSTGRES, "SET bytea_output = 'escape'", null,
                "CREATE TABLE t (k bytea[] NOT NULL PRIMARY KEY, n int, v int)",
                "ARRAY['\\x00'::bytea]", "ARRAY['\\xff'::bytea, '\\x'::bytea]", "ARRAY['\\x41'::bytea]");
    }

    @Test
    void pgEnumKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TYPE mood AS ENUM ('z', 'A', 'a', 'with space', 'quo''te');"
                        + " CREATE TABLE t (k mood NOT NULL PRIMARY KEY, n int, v int)",
                "'z'", "'A'", "'a'", "'with space'", "'quo''te'");
    }

    @Test
    void pgBitKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k bit(1) NOT NULL PRIMARY KEY, n int, v int)", "B'0'", "B'1'");
    }

    @Test
    void pgBit8AndVarbitKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k bit(8) NOT NULL, j varbit NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "B'00000001', B''", "B'10000000', B'0'", "B'11111111', B'00'");
    }

    @Test
    void pgJsonbAndMacaddrKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k jsonb NOT NULL, j macaddr NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'{\"a\": 1.0}', '08:00:2b:01:02:03'", "'[1e400]', '08:00:2b:01:02:03'", "'\"x\"', '00:00:00:00:00:00'");
    }

    @Test
    void pgInternalCharAndNameKeys() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k \"char\" NOT NULL, j name NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                "'a', 'x'", "' ', 'x '", "'', 'x'");
    }

    @Test
    void pgDateInfinityBesideAKey() throws Exception {
        probeOneProduct(Kind.POSTGRES, "CREATE TABLE t (k int NOT NULL, d date NOT NULL, n int, v int, PRIMARY KEY (k, d))",
                "1, 'infinity'", "2, '-infinity'", "3, '2024-01-01'");
    }

    // ---------------------------------------------------------------- MariaDB

    @Test
    void mariaDoubleKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k DOUBLE NOT NULL PRIMARY KEY, n INT, v INT)",
                "1e308", "4.9e-324", "-0e0", "0.1", "0.30000000000000004", "2.2250738585072014e-308",
                "1.7976931348623157e308", "123456789.12345678", "0.1e0 + 0.7e0");
    }

    @Test
    void mariaDoubleBesideVarcharKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k DOUBLE NOT NULL, j VARCHAR(10) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "0.1, 'a'", "0.30000000000000004, 'a'", "0.3, 'a'", "4.9e-324, 'B'", "1e308, 'b '");
    }

    @Test
    void mariaDecimalKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k DECIMAL(65,30) NOT NULL PRIMARY KEY, n INT, v INT)",
                "0.000000000000000000000000000001", "99999999999999999999999999999999999.999999999999999999999999999999",
                "-0.5", "0", "1.5", "-0.000000000000000000000000000001", "0.000000100000000000000000000001");
    }

    @Test
    void mariaFloatPrecisionKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k FLOAT(10) NOT NULL, j FLOAT(30) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "16777216, 0.1", "16777217, 0.30000000000000004", "0.1, 1e308", "3.4e38, 4.9e-324", "-0, 1.5");
    }

    @Test
    void mariaFloatWithDecimalsKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k FLOAT(7,4) NOT NULL, j DOUBLE(20,10) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "1.2345, 0.1", "-999.9999, 1234567890.0123456789", "0.0001, 0.0000000001", "0, -0.5");
    }

    @Test
    void mariaUnsignedKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k BIGINT UNSIGNED NOT NULL, j TINYINT UNSIGNED NOT NULL,"
                        + " m SMALLINT UNSIGNED NOT NULL, n INT, v INT, PRIMARY KEY (k, j, m))",
                "18446744073709551615, 255, 65535", "9223372036854775808, 0, 0", "9223372036854775807, 128, 32768",
                "0, 1, 1");
    }

    @Test
    void mariaBigintUnsignedSingleKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k BIGINT UNSIGNED NOT NULL PRIMARY KEY, n INT, v INT)",
                "18446744073709551615", "9223372036854775808", "9223372036854775807", "0", "1");
    }

    @Test
    void mariaBitKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k BIT(1) NOT NULL, j BIT(64) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "b'0', 0xFFFFFFFFFFFFFFFF", "b'1', 0x8000000000000000", "b'1', 0", "b'0', 1");
    }

    @Test
    void mariaYearKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k YEAR NOT NULL PRIMARY KEY, n INT, v INT)",
                "0", "1901", "2155", "2000", "1999", "'69'", "'70'");
    }

    @Test
    void mariaTimeKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k TIME(6) NOT NULL PRIMARY KEY, n INT, v INT)",
                "'-838:59:59.999999'", "'-00:00:00.000001'", "'838:59:59.999999'", "'24:00:00'", "'-24:00:00'",
                "'00:00:00'", "'-00:00:01'", "'12:00:00.5'");
    }

    @Test
    void mariaDateAndDatetimeKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k DATE NOT NULL, j DATETIME(6) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "'1000-01-01', '2024-03-31 02:30:00.000001'", "'9999-12-31', '0001-01-01 00:00:00'",
                "'2024-02-29', '9999-12-31 23:59:59.999999'", "'2024-02-29', '2024-10-27 02:30:00'");
    }

    @Test
    void mariaZeroDateKeys() throws Exception {
        probeInSessions(Kind.MARIADB, "SET sql_mode = ''", "SET sql_mode = ''",
                "CREATE TABLE t (k DATE NOT NULL, j DATETIME(6) NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "'0000-00-00', '0000-00-00 00:00:00'", "'0000-00-00', '2024-01-01 00:00:00'",
                "'2024-01-01', '0000-00-00 00:00:00'", "'2024-01-01', '2024-01-01 00:00:00'");
    }

    @Test
    void mariaZeroInDateKeys() throws Exception {
        probeInSessions(Kind.MARIADB, "SET sql_mode = ''", "SET sql_mode = ''",
                "CREATE TABLE t (k DATE NOT NULL, j DATETIME(6) NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "'2024-00-15', '2024-01-01 10:00:00'", "'2024-01-01', '2024-01-00 10:00:00'",
                "'2024-01-01', '2024-01-01 00:00:00'");
    }

    @Test
    void mariaTimestampKeysInZonedSessions() throws Exception {
        probeInSessions(Kind.MARIADB, "SET time_zone = '+05:45'", "SET time_zone = '-09:30'",
                "CREATE TABLE t (k TIMESTAMP(6) NOT NULL, j INT NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "'2024-03-31 02:30:00.000001', 1", "'2024-10-27 02:30:00', 1", "'2038-01-19 03:14:07.999999', 2",
                "'1970-01-01 00:00:01', 1");
    }

    @Test
    void mariaCharKeysInCollations() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,"
                        + " j VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " m VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j, m))",
                "'a', 'a', 'a'", "'A b', 'a ', 'a '", "'a', 'b', 'a  '", "'', '', ''", "' ', 'A', ' '");
    }

    @Test
    void mariaLatin1AndUtf8mb4TextKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k VARCHAR(10) CHARACTER SET latin1 NOT NULL,"
                        + " j VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "'é', '😀'", "'€', 'e'", "'ÿ', 'x\\0y'", "'\\\\', '\\''", "'a|b', '~p'", "_latin1 x'81', '\t'");
    }

    @Test
    void mariaBinaryKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k BINARY(4) NOT NULL, j VARBINARY(8) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "x'00', x''", "x'00000000', x'00'", "x'FF', x'0000'", "x'5C27', x'5C'", "x'80FF7F00', x'FF'");
    }

    @Test
    void mariaEnumAndSetKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k ENUM('z','A','b','2','1','with space') NOT NULL,"
                        + " j SET('b','a','10','1') NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "'z', ''", "'A', 'a,b'", "'2', '1'", "'1', '10'", "'with space', 'b,a,10,1'", "3, 3");
    }

    @Test
    void mariaInet6AndUuidKeys() throws Exception {
        probeOneProduct(Kind.MARIADB, "CREATE TABLE t (k INET6 NOT NULL, j UUID NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "'::ffff:1.2.3.4', '00000000-0000-0000-0000-000000000000'", "'::', 'ffffffff-ffff-ffff-ffff-ffffffffffff'",
                "'fe80::1', '123e4567-e89b-12d3-a456-426614174000'", "'1.2.3.4', '123e4567-e89b-02d3-a456-426614174000'");
    }

    @Test
    void mariaEmptyStringKeyUnderEmptyStringIsNull() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB);
             HikariDataSource oldSource = initialized(old, "SET sql_mode = CONCAT(@@sql_mode, ',EMPTY_STRING_IS_NULL')");
             HikariDataSource newSource = initialized(fresh, "SET sql_mode = CONCAT(@@sql_mode, ',EMPTY_STRING_IS_NULL')")) {
            String ddl = "CREATE TABLE t (k VARCHAR(10) NOT NULL PRIMARY KEY, n INT, v INT)";
            List<String> keys = List.of("''", "'a'", "'b'");
            List<String> problems = probe(new Side(old, oldSource, ddl, keys, null),
                    new Side(fresh, newSource, ddl, keys, null), "k");
            assertThat(problems).as(String.join("\n", problems)).isEmpty();
        }
    }

    @Test
    void mariaCharKeysUnderPadCharToFullLength() throws Exception {
        String mode = "SET sql_mode = CONCAT(@@sql_mode, ',PAD_CHAR_TO_FULL_LENGTH')";
        probeInSessions(Kind.MARIADB, mode, mode,
                "CREATE TABLE t (k CHAR(4) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, j INT NOT NULL,"
                        + " n INT, v INT, PRIMARY KEY (k, j))",
                "'a', 1", "'ab', 1", "'', 1", "'abcd', 2");
    }

    @Test
    void mariaPaddedCharSingleKeysUnderPadCharToFullLength() throws Exception {
        String mode = "SET sql_mode = CONCAT(@@sql_mode, ',PAD_CHAR_TO_FULL_LENGTH')";
        probeInSessions(Kind.MARIADB, mode, mode,
                "CREATE TABLE t (k CHAR(4) NOT NULL PRIMARY KEY, n INT, v INT)", "'a'", "'ab'", "''", "'abcd'");
    }

    @Test
    void mariaEmojiKeysInALatin1Session() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB);
             HikariDataSource oldSource = initialized(old, "SET NAMES latin1");
             HikariDataSource newSource = initialized(fresh, "SET NAMES latin1")) {
            String ddl = "CREATE TABLE t (k VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,"
                    + " n INT, v INT)";
            String rows = "INSERT INTO t VALUES ('a', 1, 1), (_utf8mb4 x'F09F9880', 2, 2), (_utf8mb4 x'F09F9881', 3, 3)";
            old.execute(ddl, rows);
            fresh.execute(ddl, rows, "UPDATE t SET v = 20 WHERE n = 2");
            TableReport report = verifyWithin(30, oldSource, newSource, false, "k");
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).hasSize(1);
            assertThat(report.differenceCount()).as(report.toText()).isEqualTo(1);
        }
    }

    @Test
    void mariaEmojiKeysInALatin1SessionInSmallChunks() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB);
             HikariDataSource oldSource = initialized(old, "SET NAMES latin1");
             HikariDataSource newSource = initialized(fresh, "SET NAMES latin1")) {
            String ddl = "CREATE TABLE t (k VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,"
                    + " n INT, v INT)";
            String rows = "INSERT INTO t VALUES ('a', 1, 1), (_utf8mb4 x'F09F9880', 2, 2), (_utf8mb4 x'F09F9881', 3, 3),"
                    + " (_utf8mb4 x'F09F9882', 4, 4), (_utf8mb4 x'F09F9883', 5, 5)";
            old.execute(ddl, rows);
            fresh.execute(ddl, rows);
            TableReport report;
            try {
                report = verifyWithin(20, oldSource, newSource, true, "k");
            } catch (java.util.concurrent.TimeoutException hung) {
                throw new AssertionError("the verification did not end within 20 s", hung);
            }
            assertThat(report.differenceCount()).as(report.toText()).isZero();
        }
    }

    @Test
    void mariaBackslashKeysUnderNoBackslashEscapes() throws Exception {
        String mode = "SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')";
        probeInSessions(Kind.MARIADB, mode, mode,
                "CREATE TABLE t (k VARCHAR(10) NOT NULL PRIMARY KEY, n INT, v INT)", "'a\\'", "'a\\n'", "'\\'''", "'b'");
    }

    // ---------------------------------------------------------------- MariaDB to PostgreSQL

    @Test
    void crossDecimalToNumeric() throws Exception {
        probeCross("CREATE TABLE t (k DECIMAL(65,30) NOT NULL PRIMARY KEY, n INT, v INT)",
                List.of("0.000000000000000000000000000001", "-0.5", "0", "12345678901234567890.5", "1e-7"),
                "CREATE TABLE t (k numeric(65,30) NOT NULL PRIMARY KEY, n int, v int)",
                List.of("0.000000000000000000000000000001", "-0.5", "0", "12345678901234567890.5", "1e-7"));
    }

    @Test
    void crossDatetimeToTimestamp() throws Exception {
        probeCross("CREATE TABLE t (k DATETIME(6) NOT NULL, j INT NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                List.of("'2024-03-31 02:30:00.000001', 1", "'0001-01-01 00:00:00', 1", "'9999-12-31 23:59:59.999999', 2",
                        "'2024-10-27 02:30:00', 1"),
                "CREATE TABLE t (k timestamp(6) NOT NULL, j int NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                List.of("'2024-03-31 02:30:00.000001', 1", "'0001-01-01 00:00:00', 1", "'9999-12-31 23:59:59.999999', 2",
                        "'2024-10-27 02:30:00', 1"));
    }

    @Test
    void crossTimestampToTimestamptz() throws Exception {
        probeCross("CREATE TABLE t (k TIMESTAMP(6) NOT NULL PRIMARY KEY, n INT, v INT)",
                List.of("'2024-03-31 02:30:00.000001'", "'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'"),
                "CREATE TABLE t (k timestamptz(6) NOT NULL PRIMARY KEY, n int, v int)",
                List.of("'2024-03-31 02:30:00.000001+00'", "'1970-01-01 00:00:01+00'", "'2038-01-19 03:14:07.999999+00'"));
    }

    @Test
    void crossBinaryToBytea() throws Exception {
        probeCross("CREATE TABLE t (k BINARY(16) NOT NULL PRIMARY KEY, n INT, v INT)",
                List.of("x'00'", "x'FF000000000000000000000000000000'", "x'5C'"),
                "CREATE TABLE t (k bytea NOT NULL PRIMARY KEY, n int, v int)",
                List.of("'\\x00000000000000000000000000000000'", "'\\xff000000000000000000000000000000'",
                        "'\\x5c000000000000000000000000000000'"));
    }

    @Test
    void crossCharToText() throws Exception {
        probeCross("CREATE TABLE t (k CHAR(5) CHARACTER SET utf8mb4 NOT NULL, j VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " n INT, v INT, PRIMARY KEY (k, j))",
                List.of("'a', 'a'", "'😀', 'b'", "'', 'c'", "' a', 'd'"),
                "CREATE TABLE t (k text NOT NULL, j text NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                List.of("'a', 'a'", "'😀', 'b'", "'', 'c'", "' a', 'd'"));
    }

    @Test
    void crossUnsignedToNumeric() throws Exception {
        probeCross("CREATE TABLE t (k BIGINT UNSIGNED NOT NULL, j TINYINT UNSIGNED NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                List.of("18446744073709551615, 255", "9223372036854775808, 0", "0, 1"),
                "CREATE TABLE t (k numeric(20,0) NOT NULL, j smallint NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                List.of("18446744073709551615, 255", "9223372036854775808, 0", "0, 1"));
    }

    @Test
    void crossDateAndYearToDateAndSmallint() throws Exception {
        probeCross("CREATE TABLE t (k DATE NOT NULL, j YEAR NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                List.of("'1000-01-01', 2000", "'9999-12-31', 0", "'2024-02-29', 2155"),
                "CREATE TABLE t (k date NOT NULL, j smallint NOT NULL, n int, v int, PRIMARY KEY (k, j))",
                List.of("'1000-01-01', 2000", "'9999-12-31', 0", "'2024-02-29', 2155"));
    }

    @Test
    void crossBit64ToNumeric() throws Exception {
        probeCross("CREATE TABLE t (k BIT(64) NOT NULL PRIMARY KEY, n INT, v INT)",
                List.of("0xFFFFFFFFFFFFFFFF", "0", "0x8000000000000000"),
                "CREATE TABLE t (k numeric(20,0) NOT NULL PRIMARY KEY, n int, v int)",
                List.of("18446744073709551615", "0", "9223372036854775808"));
    }

    @Test
    void crossTimeBeyondADayToTime() throws Exception {
        // 25:00:00 cannot be a PostgreSQL time: that row is missing there, and must be reported so, not crash
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (k TIME(6) NOT NULL PRIMARY KEY, n INT, v INT)",
                    "INSERT INTO t VALUES ('01:00:00', 1, 1), ('25:00:00', 2, 2), ('-01:00:00', 3, 3)");
            fresh.execute("CREATE TABLE t (k time(6) NOT NULL PRIMARY KEY, n int, v int)",
                    "INSERT INTO t VALUES ('01:00:00', 1, 1)");
            TableReport report = verify(old.dataSource(), fresh.dataSource(), false, "k");
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(2);
        }
    }

    // ---------------------------------------------------------------- H2

    @Test
    void h2FloatingKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k REAL NOT NULL, j DOUBLE PRECISION NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "0.1, 0.1", "16777217, 0.30000000000000004", "'NaN', 5e-324", "-0.0, 1e308", "3.4e38, 'NaN'");
    }

    @Test
    void h2DecfloatKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k DECFLOAT NOT NULL PRIMARY KEY, n INT, v INT)",
                "1.5E+10", "1.5E+100", "100", "0.0000001", "2.5");
    }

    @Test
    void h2DecfloatNaNKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k DECFLOAT NOT NULL PRIMARY KEY, n INT, v INT)",
                "1", "'NaN'", "'Infinity'");
    }

    @Test
    void h2TimestampWithTimeZoneKeysInSessionsOfOtherZones() throws Exception {
        probeInSessions(Kind.H2, "SET TIME ZONE '+14:00'", "SET TIME ZONE '-12:00'",
                "CREATE TABLE t (k TIMESTAMP(6) WITH TIME ZONE NOT NULL PRIMARY KEY, n INT, v INT)",
                "TIMESTAMP WITH TIME ZONE '2024-03-31 02:30:00+05:45'", "TIMESTAMP WITH TIME ZONE '2024-10-27 01:30:00-09:30'");
    }

    @Test
    void h2NumericKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k NUMERIC(40,20) NOT NULL PRIMARY KEY, n INT, v INT)",
                "0.00000000000000000001", "0.0000001", "-0.5", "99999999999999999999.99999999999999999999", "1e10");
    }

    @Test
    void h2TimeWithTimeZoneKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k TIME(6) WITH TIME ZONE NOT NULL PRIMARY KEY, n INT, v INT)",
                "TIME WITH TIME ZONE '12:00:00+05'", "TIME WITH TIME ZONE '12:00:00-03:30'",
                "TIME WITH TIME ZONE '00:00:00+14'", "TIME WITH TIME ZONE '23:59:59.999999-12'");
    }

    @Test
    void h2TimeWithTimeZoneKeysInSessionsOfOtherZones() throws Exception {
        probeInSessions(Kind.H2, "SET TIME ZONE '+14:00'", "SET TIME ZONE '-12:00'",
                "CREATE TABLE t (k TIME(6) WITH TIME ZONE NOT NULL PRIMARY KEY, n INT, v INT)",
                "TIME WITH TIME ZONE '12:00:00+05'", "TIME WITH TIME ZONE '00:00:00+14'");
    }

    @Test
    void h2TimestampWithTimeZoneKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k TIMESTAMP(9) WITH TIME ZONE NOT NULL PRIMARY KEY, n INT, v INT)",
                "TIMESTAMP WITH TIME ZONE '2024-03-31 02:30:00+05:45'", "TIMESTAMP WITH TIME ZONE '0044-03-15 10:00:00+00'",
                "TIMESTAMP WITH TIME ZONE '2024-10-27 01:30:00.000000001-09:30'",
                "TIMESTAMP WITH TIME ZONE '-0044-03-15 10:00:00+18'");
    }

    @Test
    void h2TimestampAndTimeNanoKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k TIMESTAMP(9) NOT NULL, j TIME(9) NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "TIMESTAMP '2024-01-01 00:00:00.000000001', TIME '23:59:59.999999999'",
                "TIMESTAMP '2024-01-01 00:00:00.0000000015', TIME '00:00:00.0000005'",
                "TIMESTAMP '-0044-03-15 10:00:00', TIME '12:00:00'");
    }

    @Test
    void h2IgnorecaseAndCharKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k VARCHAR_IGNORECASE(10) NOT NULL, j CHAR(5) NOT NULL, n INT, v INT,"
                        + " PRIMARY KEY (k, j))",
                "'Abc', 'a'", "'ß', 'a  b'", "'a ', ''", "'😀', ' a'");
    }

    @Test
    void h2BinaryAndUuidKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k BINARY(4) NOT NULL, j UUID NOT NULL, n INT, v INT, PRIMARY KEY (k, j))",
                "X'00', '00000000-0000-0000-0000-000000000000'", "X'FF000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'",
                "X'80', '123e4567-e89b-12d3-a456-426614174000'");
    }

    @Test
    void h2IntervalKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k INTERVAL DAY TO SECOND NOT NULL PRIMARY KEY, n INT, v INT)",
                "INTERVAL '1' DAY", "INTERVAL '-1 00:00:00.000001' DAY TO SECOND", "INTERVAL '99 23:59:59' DAY TO SECOND");
    }

    @Test
    void h2ArrayKeysAreRefusedNamingTheColumn() {
        assertRefused(Kind.H2, "CREATE TABLE t (k INTEGER ARRAY NOT NULL PRIMARY KEY, n INT, v INT)");
    }

    @Test
    void h2EnumKeys() throws Exception {
        probeOneProduct(Kind.H2, "CREATE TABLE t (k ENUM('z', 'A', 'b', 'with space') NOT NULL PRIMARY KEY, n INT, v INT)",
                "'z'", "'A'", "'b'", "'with space'");
    }

    // ---------------------------------------------------------------- non-key columns whose rendering may lose the row

    /** A table keyed by {@code k} with an extra column {@code d} (default {@code dflt}); v differs one row at a time. */
    private static void probeWithColumn(Kind kind, String keyType, String columnType, String dflt, String... keys)
            throws Exception {
        probeOneProduct(kind, "CREATE TABLE t (k " + keyType + " NOT NULL PRIMARY KEY, n INT, v INT, d " + columnType
                + " DEFAULT " + dflt + ")", keys);
    }

    @Test
    void pgDateInfinityInANonKeyColumn() throws Exception {
        probeWithColumn(Kind.POSTGRES, "int", "date", "'infinity'", "1", "2", "3");
    }

    @Test
    void pgDateMinusInfinityInANonKeyColumn() throws Exception {
        probeWithColumn(Kind.POSTGRES, "int", "date", "'-infinity'", "1", "2", "3");
    }

    @Test
    void pgTimestampInfinityInANonKeyColumn() throws Exception {
        probeWithColumn(Kind.POSTGRES, "int", "timestamp", "'infinity'", "1", "2", "3");
    }

    @Test
    void pgTimetzInANonKeyColumn() throws Exception {
        probeWithColumn(Kind.POSTGRES, "int", "timetz", "'12:00:00+05'", "1", "2");
    }

    @Test
    void mariaZeroInDateInANonKeyColumn() throws Exception {
        probeInSessions(Kind.MARIADB, "SET sql_mode = ''", "SET sql_mode = ''",
                "CREATE TABLE t (k INT NOT NULL PRIMARY KEY, n INT, v INT, d DATE DEFAULT '2024-00-15')", "1", "2", "3");
    }

    @Test
    void mariaZeroInDatetimeInANonKeyColumn() throws Exception {
        probeInSessions(Kind.MARIADB, "SET sql_mode = ''", "SET sql_mode = ''",
                "CREATE TABLE t (k INT NOT NULL PRIMARY KEY, n INT, v INT, d DATETIME(6) DEFAULT '2024-01-00 10:00:00')",
                "1", "2", "3");
    }

    @Test
    void mariaDoubleNonKeyColumnDifferingInTheLastDigit() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            String ddl = "CREATE TABLE t (k INT PRIMARY KEY, d DOUBLE)";
            old.execute(ddl, "INSERT INTO t VALUES (1, 0.30000000000000004), (2, 4.9e-324), (3, 1.7976931348623157e308)");
            fresh.execute(ddl, "INSERT INTO t VALUES (1, 0.3), (2, 0), (3, 1.7976931348623155e308)");
            TableReport report = verify(old.dataSource(), fresh.dataSource(), false, "k");
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactly("1", "2", "3");
        }
    }

    @Test
    void h2DecfloatNonKeyColumn() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            String ddl = "CREATE TABLE t (k INT PRIMARY KEY, d DECFLOAT)";
            old.execute(ddl, "INSERT INTO t VALUES (1, 1.5E+10), (2, 100), (3, 0.0000001), (4, 2.5)");
            fresh.execute(ddl, "INSERT INTO t VALUES (1, 1.5E+100), (2, 100), (3, 0.0000001), (4, 2.50)");
            TableReport report = verify(old.dataSource(), fresh.dataSource(), false, "k");
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactly("1");
        }
    }

    @Test
    void h2NumericNonKeyColumnOfOtherScales() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE t (k INT PRIMARY KEY, d NUMERIC(30,8))",
                    "INSERT INTO t VALUES (1, 0.0000001), (2, 0.00000001), (3, 1.5), (4, 0.00000010)");
            fresh.execute("CREATE TABLE t (k INT PRIMARY KEY, d NUMERIC(30,12))",
                    "INSERT INTO t VALUES (1, 0.0000001), (2, 0.00000001), (3, 1.5), (4, 0.00000011)");
            TableReport report = verify(old.dataSource(), fresh.dataSource(), false, "k");
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactly("4");
        }
    }
}
