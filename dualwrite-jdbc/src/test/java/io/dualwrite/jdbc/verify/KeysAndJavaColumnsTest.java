package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * String keys are cut into ranges that select the same rows on both stores, whatever the collation (MariaDB's
 * default compares case-insensitively and ignores trailing spaces); composite keys work; columns that cannot be
 * rendered alike in SQL (floating point, transformed values) are compared in Java, and the report says so.
 */
class KeysAndJavaColumnsTest {

    private static final List<String> CODES = List.of("Apple", "apple2", "B", "b3", "Zed", "zed4", "_x", "10", "9",
            "éclair", "Eclair5", "ß", "a b", "a", "a  c", "z~|", "Ω", "日本", "😀");

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.POSTGRES, Kind.POSTGRES),
                Arguments.of(Kind.MARIADB, Kind.MARIADB), Arguments.of(Kind.MARIADB, Kind.POSTGRES),
                Arguments.of(Kind.POSTGRES, Kind.MARIADB), Arguments.of(Kind.H2, Kind.MARIADB));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void stringAndCompositeKeysSelectTheSameRowsOnBothStores(Kind oldKind, Kind newKind) throws Exception {
        TableMapping items = TableMapping.builder("items").primaryKey("code", "line").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE items (code VARCHAR(20) NOT NULL, line INT NOT NULL, qty INT,"
                        + " PRIMARY KEY (code, line))"
                        + (db.kind() == Kind.MARIADB ? " DEFAULT CHARSET = utf8mb4" : ""));
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                    for (String code : CODES) {
                        for (int line = 1; line <= 3; line++) {
                            insert.setString(1, code);
                            insert.setInt(2, line);
                            insert.setInt(3, code.length() * line);
                            insert.addBatch();
                        }
                    }
                    insert.executeBatch();
                }
            }
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).build();
            VerificationJob job = VerificationJob.builder("orders").table(items).chunkRows(4).leafRows(2).build();

            TableReport equal = verifier.verify(job).tables().get(0);
            assertThat(equal.clean()).as(equal.toText()).isTrue();
            assertThat(equal.rowsCompared()).isEqualTo(CODES.size() * 3L);
            assertThat(equal.rowsFetched()).as("ranges select the same rows on both stores").isZero();

            fresh.execute("UPDATE items SET qty = 0 WHERE code = 'b3' AND line = 2",
                    "DELETE FROM items WHERE code = 'a' AND line = 1");
            TableReport report = verifier.verify(job).tables().get(0);
            assertThat(report.differences()).as(report.toText()).containsExactlyInAnyOrder(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "b3|2", List.of("qty")),
                    new RowDifference(RowDifference.Kind.MISSING_IN_NEW, "a|1", List.of()));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void columnsThatCannotBeRenderedAlikeInSqlAreComparedInJavaAndTheReportSaysSo(Kind oldKind, Kind newKind)
            throws Exception {
        TableMapping parcels = TableMapping.builder("parcels").rename("label", "label_upper")
                .transform("label", ValueTransformer.of(v -> v == null ? null : v.toString().toUpperCase(Locale.ROOT),
                        v -> v == null ? null : v.toString().toLowerCase(Locale.ROOT)))
                .build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE parcels (id INT PRIMARY KEY, weight DOUBLE PRECISION, label VARCHAR(20))");
            fresh.execute("CREATE TABLE parcels (id INT PRIMARY KEY, weight DOUBLE PRECISION, label_upper VARCHAR(20))");
            for (int id = 1; id <= 40; id++) {
                old.execute("INSERT INTO parcels VALUES (" + id + ", " + (id / 10.0) + ", 'box " + id + "')");
                fresh.execute("INSERT INTO parcels VALUES (" + id + ", " + (id / 10.0) + ", 'BOX " + id + "')");
            }
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).build();
            VerificationJob job = VerificationJob.builder("orders").table(parcels).chunkRows(10).build();

            TableReport equal = verifier.verify(job).tables().get(0);
            assertThat(equal.clean()).as(equal.toText()).isTrue();
            assertThat(equal.javaColumns()).containsOnlyKeys("weight", "label");
            assertThat(equal.javaColumns().get("label")).contains("value transformer");
            assertThat(equal.toText()).contains("column weight compared in Java");

            fresh.execute("UPDATE parcels SET weight = 0.30000000000000004 WHERE id = 3",
                    "UPDATE parcels SET label_upper = 'BOX 17 ' WHERE id = 17");
            TableReport report = verifier.verify(job).tables().get(0);
            assertThat(report.differences()).as(report.toText()).containsExactlyInAnyOrder(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "3", List.of("weight")),
                    new RowDifference(RowDifference.Kind.DIFFERENT, "17", List.of("label")));
            assertThat(report.differingColumns()).isEqualTo(Map.of("weight", 1L, "label", 1L));
        }
    }
}
