package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * the listing of differing ranges by row hashes: string keys that one store holds apart and the other
 * as one row (case, accents, trailing spaces), between PostgreSQL and MariaDB in both directions. The report
 * must name exactly the differences a plain JDBC comparison by exact key text finds.
 */
class ListingAcrossCollationsTest {

    private static final List<String> VARIANTS = List.of("a", "A", "a ", "e", "é", "E", "b", "B ", "ss", "ß", "x");

    static Stream<Arguments> directions() {
        return Stream.of(Arguments.of(Kind.POSTGRES, Kind.MARIADB), Arguments.of(Kind.MARIADB, Kind.POSTGRES));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("directions")
    void keysOneStoreHoldsApartAreReportedExactlyAsAPlainComparisonFindsThem(Kind oldKind, Kind newKind)
            throws Exception {
        TableMapping items = TableMapping.builder("items").primaryKey("code").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE items (code VARCHAR(20) NOT NULL PRIMARY KEY, qty INT)"
                        + (db.kind() == Kind.MARIADB ? " DEFAULT CHARSET = utf8mb4" : ""));
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
                    for (int i = 0; i < 200; i++) {
                        insert.setString(1, String.format("k%03d", i));
                        insert.setInt(2, i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    for (String code : VARIANTS) {
                        // MariaDB keeps the first of the codes its collation says are equal
                        insert.setString(1, code);
                        insert.setInt(2, code.length());
                        try {
                            insert.executeUpdate();
                        } catch (java.sql.SQLException duplicate) {
                            // another spelling of a key this store holds
                        }
                    }
                }
            }
            fresh.execute("UPDATE items SET qty = -1 WHERE code IN ('k010', 'k150', 'k151')",
                    "DELETE FROM items WHERE code = 'k100'");
            old.execute("DELETE FROM items WHERE code = 'k120'");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).build();

            TableReport report = verifier.verify(VerificationJob.builder("orders").table(items).chunkRows(20)
                    .leafRows(2).build()).tables().get(0);

            Map<String, Object> oldRows = rows(old);
            Map<String, Object> newRows = rows(fresh);
            TreeSet<String> different = new TreeSet<>();
            TreeSet<String> missing = new TreeSet<>();
            TreeSet<String> extra = new TreeSet<>();
            oldRows.forEach((code, qty) -> {
                if (!newRows.containsKey(code)) {
                    missing.add(code);
                } else if (!Objects.equals(qty, newRows.get(code))) {
                    different.add(code);
                }
            });
            newRows.keySet().stream().filter(code -> !oldRows.containsKey(code)).forEach(extra::add);
            assertThat(new TreeSet<>(report.keys(RowDifference.Kind.DIFFERENT))).as(report.toText()).isEqualTo(different);
            assertThat(new TreeSet<>(report.keys(RowDifference.Kind.MISSING_IN_NEW))).as(report.toText()).isEqualTo(missing);
            assertThat(new TreeSet<>(report.keys(RowDifference.Kind.EXTRA_IN_NEW))).as(report.toText()).isEqualTo(extra);
        }
    }

    private static Map<String, Object> rows(TestDatabase db) throws Exception {
        Map<String, Object> rows = new HashMap<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT code, qty FROM items")) {
            while (result.next()) {
                rows.put(result.getString(1), result.getObject(2));
            }
        }
        return rows;
    }
}
