package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 27: the backfill, verification and repair of keys and values by type that earlier rounds left untried (keys
 * under collations that take two texts as one, enums whose labels are in another order, {@code citext}, bit strings;
 * values such as {@code NaN}, {@code -0}, date-times far from 1970, long decimals, JSON with a repeated name). Each
 * member is backfilled, both stores are compared with plain JDBC through each product's own rendering, and
 * verification must call the table clean exactly when the stores hold the same rows (or refuse it as a whole by
 * name); a row then changed and one deleted behind the library's back must be found, and repair must make the stores
 * equal again, as plain JDBC reads them.
 */
class KeysByTypeVerifyBreak27Test {

    private static final TableMapping T = TableMapping.identity("t");

    @ParameterizedTest(name = "{0} {2} -> {3} {5}: {6}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | -                                                     | TEXT                       | POSTGRES | CREATE EXTENSION IF NOT EXISTS citext                                              | CITEXT                     | 'a', 'A', 'b'              | id                | id::text
            POSTGRES | -                                                     | TEXT                       | POSTGRES | CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false) | TEXT COLLATE ci       | 'a', 'A', 'b'              | id                | id
            POSTGRES | CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false) | TEXT COLLATE ci | POSTGRES | - | TEXT                  | 'a', 'B', 'c'              | id                | id
            POSTGRES | -                                                     | TEXT                       | POSTGRES | CREATE COLLATION nfd (provider = icu, locale = 'und', deterministic = false)       | TEXT COLLATE nfd           | U&'\\00E9', U&'e\\0301', 'f' | id              | id
            POSTGRES | -                                                     | TEXT                       | MARIADB  | -                                                                                  | VARCHAR(20) COLLATE utf8mb4_general_ci | 'a', 'A ', 'b' | id             | id
            POSTGRES | -                                                     | TEXT                       | MARIADB  | -                                                                                  | VARCHAR(20) COLLATE utf8mb4_nopad_bin  | 'a', 'a ', 'b' | id             | id
            MARIADB  | -                                                     | VARCHAR(20) COLLATE utf8mb4_nopad_bin | MARIADB | -                                                                       | VARCHAR(20) COLLATE utf8mb4_bin | 'a', 'a ', 'b' | id                | id
            MARIADB  | -                                                     | VARCHAR(20) COLLATE utf8mb4_bin | POSTGRES | -                                                                        | TEXT                       | 'a', 'b ', 'c'             | id                | id
            POSTGRES | -                                                     | TEXT                       | MARIADB  | -                                                                                  | VARCHAR(20) COLLATE utf8mb4_uca1400_ai_ci | U&'\\00E9', U&'e\\0301', 'f' | id    | id
            H2       | -                                                     | VARCHAR(20)                | H2       | -                                                                                  | VARCHAR_IGNORECASE(20)     | 'a', 'A', 'b'              | id                | id
            POSTGRES | CREATE TYPE e AS ENUM ('b', 'a', 'c')                 | e                          | POSTGRES | CREATE TYPE e AS ENUM ('a', 'b', 'c')                                              | e                          | 'a', 'b', 'c'              | id::text          | id::text
            MARIADB  | -                                                     | "ENUM('b','a','c')"        | MARIADB  | -                                                                                  | "ENUM('a','b','c')"        | 'a', 'b', 'c'              | CAST(id AS CHAR)  | CAST(id AS CHAR)
            H2       | -                                                     | "ENUM('b','a','c')"        | H2       | -                                                                                  | "ENUM('a','b','c')"        | 'a', 'b', 'c'              | CAST(id AS VARCHAR) | CAST(id AS VARCHAR)
            POSTGRES | -                                                     | BIT(8)                     | MARIADB  | -                                                                                  | BIT(8)                     | B'00000101', B'00000110', B'10000000' | CAST(CAST(id AS INT) AS TEXT) | CAST(id AS UNSIGNED)
            MARIADB  | -                                                     | CHAR(36)                   | POSTGRES | -                                                                                  | UUID                       | 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'C0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A13' | LOWER(id) | id::text
            """)
    void aKeyIsVerifiedCleanOnlyWhenBothStoresHoldTheSameRows(Kind oldKind, String oldSetup, String oldType,
                                                              Kind newKind, String newSetup, String newType,
                                                              String keys, String oldText, String newText)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            setUp(old, oldSetup);
            setUp(fresh, newSetup);
            old.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, v INT, w INT)");
            fresh.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, v INT, w INT)");
            String[] each = keys.split(", ");
            for (int i = 0; i < each.length; i++) {
                old.execute("INSERT INTO t VALUES (" + each[i] + ", " + (i + 1) + ", " + (i + 1) + ")");
            }
            String oldRows = "SELECT " + oldText + " AS id, v, w FROM t ORDER BY v";
            String newRows = "SELECT " + newText + " AS id, v, w FROM t ORDER BY v";
            checkBackfillVerifyAndRepair(old, fresh, oldRows, newRows, "UPDATE t SET w = -1 WHERE v = 1",
                    "DELETE FROM t WHERE v = 3");
        }
    }

    @ParameterizedTest(name = "{0} {2} -> {3} {5}: {6}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | DOUBLE PRECISION | POSTGRES | DOUBLE PRECISION | '-0' ; 'NaN' ; 'Infinity' ; '0'                   | float8send(x)::text | float8send(x)::text | 0
            POSTGRES | DOUBLE PRECISION | H2       | DOUBLE PRECISION | '-0' ; 'NaN' ; '-Infinity'                        | x | x | 0
            POSTGRES | DOUBLE PRECISION | MARIADB  | DOUBLE           | '-0' ; '0' ; '1e308'                              | x | x | 0
            H2       | DOUBLE PRECISION | POSTGRES | DOUBLE PRECISION | -0.0E0 ; CAST('NaN' AS DOUBLE) ; 0.0E0            | x | x | 0
            MARIADB  | DOUBLE           | POSTGRES | DOUBLE PRECISION | -0e0 ; 0e0 ; 1e-300                               | x | x | 0
            POSTGRES | REAL             | POSTGRES | DOUBLE PRECISION | '0.1' ; '-0' ; 'NaN'                              | x::float8 | x | 0.1
            POSTGRES | TIMESTAMP(6)     | MARIADB  | DATETIME(6)      | '1969-12-31 23:59:59.999999' ; '1900-01-01 00:00:00.123456' ; '2100-02-28 23:59:59.5' | to_char(x, 'YYYY-MM-DD HH24:MI:SS.US') | DATE_FORMAT(x, '%Y-%m-%d %H:%i:%s.%f') | 1969-12-31 23:59:59.999998
            POSTGRES | TIMESTAMP(6)     | MARIADB  | TIMESTAMP(6)     | '2000-01-01 00:00:00' ; '1960-01-01 00:00:00' ; '2040-01-01 00:00:00' | to_char(x, 'YYYY-MM-DD HH24:MI:SS.US') | DATE_FORMAT(x, '%Y-%m-%d %H:%i:%s.%f') | 2000-01-01 00:00:00.000001
            POSTGRES | TIMESTAMP(6)     | H2       | TIMESTAMP(6)     | '1883-11-18 12:00:00.000001' ; '1600-01-01 00:00:00.5' ; '2262-04-12 00:00:00' | to_char(x, 'YYYY-MM-DD HH24:MI:SS.US') | FORMATDATETIME(x, 'yyyy-MM-dd HH:mm:ss.SSSSSS') | 1883-11-18 12:00:00
            H2       | TIMESTAMP(9)     | POSTGRES | TIMESTAMP(6)     | TIMESTAMP '1969-12-31 23:59:59.999999' ; TIMESTAMP '0001-01-01 00:00:00' ; TIMESTAMP '1969-12-31 23:59:59.9999995' | FORMATDATETIME(x, 'yyyy-MM-dd HH:mm:ss.SSSSSS') | to_char(x, 'YYYY-MM-DD HH24:MI:SS.US') | 1969-12-31 23:59:59.999998
            POSTGRES | TIMESTAMPTZ      | MARIADB  | DATETIME(6)      | '1969-12-31 23:59:59.75+00' ; '1900-01-01 00:00:00+00' ; '2100-01-01 00:00:00+00' | to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') | DATE_FORMAT(x, '%Y-%m-%d %H:%i:%s.%f') | 1969-12-31 23:59:59.5
            POSTGRES | TIME(6)          | MARIADB  | TIME(3)          | '10:00:00.5' ; '10:00:00.123456' ; '23:59:59.999' | to_char(x, 'HH24:MI:SS.US') | DATE_FORMAT(x, '%H:%i:%s.%f') | 10:00:00.501
            POSTGRES | TIME(6)          | H2       | TIME(9)          | '10:00:00.123456' ; '24:00:00' ; '00:00:00'       | x::text | CAST(x AS VARCHAR) | 10:00:00.123457
            MARIADB  | TIME(6)          | POSTGRES | TIME(6)          | '10:00:00.123456' ; '-01:00:00' ; '25:00:00'      | CAST(x AS CHAR) | x::text | 10:00:00.123457
            POSTGRES | NUMERIC          | MARIADB  | DECIMAL(65,30)   | 12345678901234567890123456789012345.123456789012345678901234567890 ; 1.000000000000000000000000000001 ; 0.0000000000000000000000000000001 | trim_scale(x)::text | TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(x AS CHAR))) | 12345678901234567890123456789012345.123456789012345678901234567891
            POSTGRES | NUMERIC(60,30)   | H2       | NUMERIC(60,30)   | 123456789012345678901234567890.123456789012345678901234567890 ; -1E-30 ; 0 | x::text | CAST(x AS VARCHAR) | 123456789012345678901234567890.123456789012345678901234567891
            POSTGRES | JSON             | POSTGRES | JSONB            | '{"a": 1, "a": 2}' ; '{"b": 1.0}' ; '{"c": [1, 2]}' | x::jsonb::text | x::text | {"a": 1}
            MARIADB  | JSON             | POSTGRES | JSONB            | '{"a": 1, "a": 2}' ; '{"b": 1.0}' ; '{"c": [1, 2]}' | CAST(x AS CHAR) | x::text | {"a": 1}
            POSTGRES | JSON             | MARIADB  | JSON             | '{"a": 1, "a": 2}' ; '{"b": 1.0}' ; '{"c": [1, 2]}' | x::text | CAST(x AS CHAR) | {"a": 1}
            POSTGRES | JSON             | H2       | JSON             | '{"a": 1, "a": 2}' ; '{"b": 1.0}' ; '{"c": [1, 2]}' | regexp_replace(x::text, '\s', '', 'g') | CAST(x AS VARCHAR) | {"a": 1}
            MARIADB  | JSON             | H2       | JSON             | '{"a": 1, "a": {"y": 2, "x": [1, 2]}}' ; '{ "b" : 1.0 }' ; '{"c": [1, 2]}' | REPLACE(CAST(x AS CHAR), ' ', '') | CAST(x AS VARCHAR) | {"a": 1, "a": {"x": [1, 2], "y": 2}}
            MARIADB  | YEAR             | POSTGRES | SMALLINT         | 2024 ; 1901 ; 0                                   | CAST(x + 0 AS CHAR) | x::text | 2025
            MARIADB  | DATE             | POSTGRES | DATE             | '2024-01-31' ; '0000-00-00' ; '1000-01-01'        | CAST(x AS CHAR) | x::text | 2024-01-30
            MARIADB  | DATETIME         | MARIADB  | DATETIME         | '0000-00-00 00:00:00' ; '2024-01-31 00:00:00' ; '2024-00-00 00:00:00' | CAST(x AS CHAR) | CAST(x AS CHAR) | 0000-00-01 00:00:00
            """)
    void aValueIsVerifiedCleanOnlyWhenBothStoresHoldTheSameValue(Kind oldKind, String oldType, Kind newKind,
                                                                 String newType, String values, String oldText,
                                                                 String newText, String other) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, x " + oldType + ")");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, x " + newType + ")");
            String[] each = values.split(" ; ");
            for (int i = 0; i < each.length; i++) {
                String insert = "INSERT INTO t VALUES (" + (i + 1) + ", " + each[i] + ")";
                if (oldKind == Kind.MARIADB) {
                    old.execute("SET SESSION sql_mode = ''", insert);
                } else {
                    old.execute(insert);
                }
            }
            String oldRows = "SELECT id, " + oldText + " AS x FROM t ORDER BY id";
            String newRows = "SELECT id, " + newText + " AS x FROM t ORDER BY id";
            checkBackfillVerifyAndRepair(old, fresh, oldRows, newRows, "UPDATE t SET x = '" + other + "' WHERE id = 1",
                    "DELETE FROM t WHERE id = 3");
        }
    }

    private static void setUp(TestDatabase db, String setup) {
        if (!setup.equals("-")) {
            db.execute(setup);
        }
    }

    /**
     * Backfills t (a refusal by name allowed), then: verification calls it clean exactly when plain JDBC reads the
     * same rows in both stores (or refuses it as a whole by name); after {@code change} and {@code delete} on the new
     * store it is not clean; where the backfill copied every row, repair makes the stores equal again.
     */
    private static void checkBackfillVerifyAndRepair(TestDatabase old, TestDatabase fresh, String oldRows,
                                                     String newRows, String change, String delete) throws Exception {
        boolean refused = false;
        try {
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(T).chunkRows(2, 2).build().run();
        } catch (BackfillException named) {
            refused = true; // a key or value the new store cannot hold, named
        } catch (IllegalStateException refusedAsAWhole) {
            assertThat(refusedAsAWhole).hasMessageContaining("cannot start");
            refused = true; // a key column that would take two old keys as one: the table refused by name
        }
        List<String> oldHolds = rows(old, oldRows);
        boolean same = rows(fresh, newRows).equals(oldHolds);
        assertThat(same || refused).as("the backfill copied differently without saying so: old " + oldHolds
                + ", new " + rows(fresh, newRows)).isTrue();
        TableReport report;
        try {
            report = verify(old, fresh, T);
        } catch (IllegalArgumentException refusedAsAWhole) {
            assertThat(refusedAsAWhole).hasMessageContaining("cannot be compared");
            return;
        }
        assertThat(report.clean()).as("clean, while plain JDBC reads old " + oldHolds + ", new "
                + rows(fresh, newRows) + ": " + report.toText()).isEqualTo(same);
        if (!same) {
            return;
        }
        fresh.execute(change);
        fresh.execute(delete);
        report = verify(old, fresh, T);
        assertThat(report.clean()).as("after a change and a delete behind the library's back: " + report.toText())
                .isFalse();
        repair(old, fresh, T);
        assertThat(rows(fresh, newRows)).isEqualTo(oldHolds);
    }
}
