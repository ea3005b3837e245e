package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A floating-point key holds -0 and 0 as one key (they compare equal, so a unique index takes one of them), but
 * they are two values. A target holding the other zero under the key must end with the source's: the upsert met
 * the target's row by the key and left the key as it was, so verification reported the row again after every
 * repair. Each test compares the stores' rows by the key's exact text, with the test's own SQL.
 */
class NegativeZeroKeysTest {

    static Stream<Arguments> floatKeys() {
        return Stream.of(
                // a literal -0.0 is a decimal, which has no negative zero; H2 stores every zero as 0.0
                Arguments.of(Kind.MARIADB, "DOUBLE", "CAST(id AS CHAR)", "-0e0"),
                Arguments.of(Kind.MARIADB, "FLOAT", "CAST(id AS CHAR)", "-0e0"),
                Arguments.of(Kind.POSTGRES, "double precision", "id::text", "'-0'"),
                Arguments.of(Kind.POSTGRES, "real", "id::text", "'-0'"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("floatKeys")
    void theTargetsZeroTakesTheSourcesSign(Kind kind, String type, String keyText, String negativeZero)
            throws Exception {
        for (String[] zeros : new String[][] {{negativeZero, "0"}, {"0", negativeZero}}) {
            try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
                String table = "CREATE TABLE f (id " + type + " NOT NULL PRIMARY KEY, qty INT)";
                old.execute(table, "INSERT INTO f VALUES (" + zeros[0] + ", 5), (1.5, 6)");
                fresh.execute(table, "INSERT INTO f VALUES (" + zeros[1] + ", 1), (1.5, 6)");
                String rows = "SELECT " + keyText + " AS k, qty FROM f ORDER BY id, 1";
                String keys = "SELECT " + keyText + " AS k, 0 AS z FROM f ORDER BY id, 1";
                assertThat(texts(fresh, keys)).as("the test's rendering tells the zeros apart")
                        .isNotEqualTo(texts(old, keys));

                RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build()
                        .sync(Store.OLD, List.of(new RowCopier.TableKeys(TableMapping.builder("f").build(),
                                List.of("0"), null)));

                assertThat(texts(fresh, rows)).as("source %s, target %s", zeros[0], zeros[1])
                        .isEqualTo(texts(old, rows)).hasSize(2);
            }
        }
    }

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of(Kind.MARIADB, "DOUBLE", "FLOAT", "-0e0"),
                Arguments.of(Kind.POSTGRES, "double precision", "real", "'-0'"));
    }

    @ParameterizedTest(name = "{0} into MariaDB")
    @MethodSource("sources")
    void aNegativeZeroValueReachesMariaDbWithItsSign(Kind kind, String doubleType, String floatType, String negativeZero)
            throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE f (id INT PRIMARY KEY, d " + doubleType + ", r " + floatType + ")",
                    "INSERT INTO f VALUES (1, " + negativeZero + ", " + negativeZero + "), (2, 0, 0)");
            fresh.execute("CREATE TABLE f (id INT PRIMARY KEY, d DOUBLE, r FLOAT)");

            RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build()
                    .sync(Store.OLD, List.of(new RowCopier.TableKeys(TableMapping.builder("f").build(),
                            List.of("1", "2"), null)));

            assertThat(texts(fresh, "SELECT CONCAT(CAST(d AS CHAR), '/', CAST(r AS CHAR)) AS k, id FROM f ORDER BY id"))
                    .containsExactly("-0/-0|1", "0/0|2");
        }
    }

    private static List<String> texts(TestDatabase db, String sql) {
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            rows.add(row.get(row.keySet().iterator().next()) + "|" + row.values().stream().skip(1).findFirst().orElse(null));
        }
        return rows;
    }
}
