package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 26: verification of a key whose new column is of another type. A table whose rows were copied exactly is
 * verified clean, and a row then missing from the new store is reported (no false CLEAN, no false difference); a
 * key refused by the copier is never called clean. Every test compares both stores with plain JDBC.
 */
class KeysByTypeVerifyBreak26Test {

    private static final TableMapping T = TableMapping.identity("t");

    // Keys that copy exactly: bytes into bytes of another width or product. Verified clean after the backfill; the new
    // store's row of 'cd' deleted behind the library's back is then reported missing.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | VARBINARY(4)  | MARIADB  | VARBINARY(8)  | LOWER(HEX(id))     | LOWER(HEX(id))
            POSTGRES | BYTEA         | MARIADB  | VARBINARY(8)  | LOWER(HEX(id))     | encode(id, 'hex')
            H2       | VARBINARY(4)  | POSTGRES | BYTEA         | encode(id, 'hex')  | LOWER(RAWTOHEX(id))
            """)
    void keysOfAnotherTypeCopiedExactlyVerifyCleanAndAMissingRowIsFound(Kind oldKind, String oldType, Kind newKind,
                                                                       String newType, String newHex, String oldHex)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            boolean binary = oldType.contains("BIN") || oldType.equals("BYTEA");
            old.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, v INT)");
            if (binary) {
                old.execute(oldKind == Kind.POSTGRES
                        ? "INSERT INTO t VALUES ('\\x6162', 1), ('\\x6364', 2), ('\\x00', 3)"
                        : "INSERT INTO t VALUES (X'6162', 1), (X'6364', 2), (X'00', 3)");
            } else {
                old.execute("INSERT INTO t VALUES ('ab', 1), ('cd', 2), ('6162', 3)");
            }
            fresh.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, v INT)");
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(T).chunkRows(2, 2).build().run();
            assertThat(rows(fresh, "SELECT " + newHex + " AS id, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT " + oldHex + " AS id, v FROM t ORDER BY v"));
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText()).isEmpty();
            assertThat(report.clean()).as(report.toText()).isTrue();
            fresh.execute("DELETE FROM t WHERE v = 2");
            report = verify(old, fresh, T);
            assertThat(report.missingInNew()).as(report.toText()).isEqualTo(1);
            assertThat(report.clean()).as(report.toText()).isFalse();
        }
    }

    // A text key against a binary key (copied as its UTF-8 bytes, round 25): verification refuses the table by name
    // before it reads a row, never a false CLEAN nor a false difference (tried round 26; left as it is).
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            POSTGRES | VARCHAR(20)   | POSTGRES | BYTEA
            MARIADB  | VARCHAR(20)   | MARIADB  | VARBINARY(20)
            H2       | VARCHAR(20)   | H2       | VARBINARY(20)
            """)
    void aTextKeyAgainstABinaryKeyIsRefusedByVerificationByName(Kind oldKind, String oldType, Kind newKind,
                                                                String newType) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, v INT)",
                    "INSERT INTO t VALUES ('ab', 1), ('cd', 2), ('6162', 3)");
            fresh.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, v INT)");
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(T).chunkRows(2, 2).build().run();
            assertThat(fresh.count("SELECT COUNT(*) FROM t")).isEqualTo(3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> verify(old, fresh, T))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be compared in SQL");
        }
    }

    // A text key the new key column stores as another text ('10.0.0.1/32' is the inet 10.0.0.1): the backfill
    // refuses it by name; verification must not call the table clean.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            INET     | '10.0.0.1', '10.0.0.1/32', '10.0.0.2'
            INTERVAL | '1 day', '24 hours', '2 days'
            """)
    void aTextKeyStoredAsAnotherTextIsNeverVerifiedClean(String newType, String keys) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id VARCHAR(40) PRIMARY KEY, v INT)");
            String[] each = keys.split(", ");
            for (int i = 0; i < each.length; i++) {
                old.execute("INSERT INTO t VALUES (" + each[i] + ", " + (i + 1) + ")");
            }
            fresh.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, v INT)");
            org.assertj.core.api.Assertions.assertThatThrownBy(BackfillJob.builder().migration("t")
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).mapping(T).chunkRows(2, 2)
                    .build()::run).hasMessageContaining(each[1].replace("'", ""));
            assertThat(rows(fresh, "SELECT format('%s', id) AS id, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT id, v FROM t WHERE v <> 2 ORDER BY v"));
            boolean clean;
            try {
                clean = verify(old, fresh, T).clean();
            } catch (Exception refused) {
                clean = false; // refused as a whole: never called clean
            }
            assertThat(clean).as("verification of a table whose key '" + each[1] + "' was refused").isFalse();
        }
    }
}
