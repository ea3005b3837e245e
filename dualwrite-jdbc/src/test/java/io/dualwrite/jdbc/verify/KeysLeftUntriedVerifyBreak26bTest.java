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
 * Round 26b: the backfill and verification of key types the earlier rounds left untried (MariaDB {@code BIT(n)} and
 * {@code UUID}, PostgreSQL {@code uuid} and {@code citext}) against keys of another type. The backfill copies every row
 * (compared with plain JDBC); verification then calls the table clean, and reports a row deleted from the new store
 * behind the library's back as missing, or refuses the table as a whole by name: never a false CLEAN nor a false
 * difference.
 */
class KeysLeftUntriedVerifyBreak26bTest {

    private static final TableMapping T = TableMapping.identity("t");

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | BIT(8)     | POSTGRES | BIT(8)      | 5, 6, 7                                      | CAST(id AS UNSIGNED)      | CAST(CAST(id AS INT) AS TEXT)
            MARIADB  | BIT(8)     | POSTGRES | VARBIT      | 5, 6, 7                                      | CAST(id AS UNSIGNED)      | CAST(CAST(CAST(LPAD(CAST(id AS TEXT), 8, '0') AS BIT(8)) AS INT) AS TEXT)
            MARIADB  | BIT(8)     | POSTGRES | INTEGER     | 5, 6, 7                                      | CAST(id AS UNSIGNED)      | CAST(id AS TEXT)
            MARIADB  | UUID       | MARIADB  | BINARY(16)  | UUID(), UUID(), UUID()                       | UPPER(REPLACE(CAST(id AS CHAR), '-', '')) | HEX(id)
            MARIADB  | UUID       | MARIADB  | CHAR(36)    | UUID(), UUID(), UUID()                       | CAST(id AS CHAR)          | id
            MARIADB  | UUID       | POSTGRES | UUID        | UUID(), UUID(), UUID()                       | CAST(id AS CHAR)          | CAST(id AS TEXT)
            POSTGRES | UUID       | MARIADB  | UUID        | gen_random_uuid(), gen_random_uuid(), gen_random_uuid() | CAST(id AS TEXT) | CAST(id AS CHAR)
            POSTGRES | CITEXT     | POSTGRES | TEXT        | 'A', 'b', 'C'                                | CAST(id AS TEXT)          | id
            """)
    void aKeyOfAnotherTypeIsVerifiedCleanAndAMissingRowIsFoundOrTheTableRefused(Kind oldKind, String oldType,
                                                                              Kind newKind, String newType,
                                                                              String keys, String oldText,
                                                                              String newText) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            if (oldType.equals("CITEXT")) {
                old.execute("CREATE EXTENSION IF NOT EXISTS citext");
            }
            old.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, v INT)");
            String[] each = keys.split(", ");
            for (int i = 0; i < each.length; i++) {
                old.execute("INSERT INTO t VALUES (" + each[i] + ", " + (i + 1) + ")");
            }
            fresh.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, v INT)");
            BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(T).chunkRows(2, 2).build().run();
            assertThat(rows(fresh, "SELECT " + newText + " AS id, v FROM t ORDER BY v"))
                    .isEqualTo(rows(old, "SELECT " + oldText + " AS id, v FROM t ORDER BY v"));
            TableReport report;
            try {
                report = verify(old, fresh, T);
            } catch (IllegalArgumentException refused) {
                assertThat(refused).hasMessageContaining("cannot be compared in SQL");
                return; // refused as a whole, by name: no false result
            }
            assertThat(report.differences()).as(report.toText()).isEmpty();
            assertThat(report.clean()).as(report.toText()).isTrue();
            fresh.execute("DELETE FROM t WHERE v = 2");
            report = verify(old, fresh, T);
            assertThat(report.missingInNew()).as(report.toText()).isEqualTo(1);
            assertThat(report.clean()).as(report.toText()).isFalse();
        }
    }
}
