package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The copier's multi-row upserts on table shapes: many columns (more than 8,000 parameters per sync),
 * renamed, dropped and added columns, NULLs and awkward texts, tables of key columns only, keys deleted from
 * the source meanwhile. Each ends comparing both stores row by row with plain JDBC.
 */
class MappedRowShapesTest {

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.POSTGRES, Kind.POSTGRES),
                Arguments.of(Kind.MARIADB, Kind.MARIADB), Arguments.of(Kind.MARIADB, Kind.POSTGRES),
                Arguments.of(Kind.POSTGRES, Kind.MARIADB));
    }

    private static final String[] AWKWARD = {"back\\slash", "it's", "\"quoted\"", "é ü 日本 😀", "tab\there",
            "line\nbreak", "%_", "\\'", "trailing  ", ""};

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void aSyncOfManyWideRowsWithMappedColumnsLandsRowByRow(Kind oldKind, Kind newKind) throws Exception {
        int columns = 60;
        TableMapping.Builder builder = TableMapping.builder("wide").newTable("wide_v2").rename("c1", "d1").drop("c2")
                .add("extra", "fixed");
        TableMapping mapping = builder.build();
        try (TestDatabase old = TestDatabases.create(oldKind); TestDatabase fresh = TestDatabases.create(newKind)) {
            StringBuilder oldDdl = new StringBuilder("CREATE TABLE wide (id INT PRIMARY KEY");
            StringBuilder newDdl = new StringBuilder("CREATE TABLE wide_v2 (id INT PRIMARY KEY, extra VARCHAR(10), d1 VARCHAR(20)");
            for (int c = 1; c <= columns; c++) {
                oldDdl.append(", c").append(c).append(" VARCHAR(20)");
                if (c > 2) {
                    newDdl.append(", c").append(c).append(" VARCHAR(20)");
                }
            }
            String charset = " DEFAULT CHARSET = utf8mb4";
            old.execute(oldDdl + ")" + (oldKind == Kind.MARIADB ? charset : ""));
            fresh.execute(newDdl + ")" + (newKind == Kind.MARIADB ? charset : ""));
            Random random = new Random(5);
            List<String> keys = new ArrayList<>();
            String marks = String.join(", ", java.util.Collections.nCopies(columns + 1, "?"));
            try (Connection connection = old.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO wide VALUES (" + marks + ")")) {
                for (int id = 1; id <= 400; id++) {
                    insert.setInt(1, id);
                    for (int c = 1; c <= columns; c++) {
                        int pick = random.nextInt(AWKWARD.length + 3);
                        insert.setString(c + 1, pick < AWKWARD.length ? AWKWARD[pick] : pick == AWKWARD.length ? null
                                : "v" + id + "-" + c);
                    }
                    insert.addBatch();
                    keys.add(Integer.toString(id));
                }
                insert.executeBatch();
            }
            fresh.execute("INSERT INTO wide_v2 (id, d1, c3) VALUES (2, 'stale', 'stale'), (399, NULL, 'stale'),"
                    + " (1000, 'gone', 'gone')");
            keys.add("1000"); // deleted from the source meanwhile
            keys.add(2, "3"); // the same key twice in one sync

            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();
            assertThat(copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(mapping, keys, null))))
                    .isEqualTo(new RowCopier.SyncResult(400, 1, 0));

            StringBuilder oldSelect = new StringBuilder("SELECT id, 'fixed', c1");
            StringBuilder newSelect = new StringBuilder("SELECT id, extra, d1");
            for (int c = 3; c <= columns; c++) {
                oldSelect.append(", c").append(c);
                newSelect.append(", c").append(c);
            }
            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, newSelect + " FROM wide_v2 ORDER BY id"))
                    .isEqualTo(UpsertPacketAndDateTimeTest.texts(old, oldSelect + " FROM wide ORDER BY id"));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void tablesOfKeyColumnsOnlyAreSynced(Kind oldKind, Kind newKind) throws Exception {
        TableMapping single = TableMapping.builder("tags").build();
        TableMapping pairs = TableMapping.builder("links").primaryKey("a", "b").build();
        try (TestDatabase old = TestDatabases.create(oldKind); TestDatabase fresh = TestDatabases.create(newKind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE tags (id INT PRIMARY KEY)",
                        "CREATE TABLE links (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (a, b))");
            }
            old.execute("INSERT INTO tags VALUES (1), (2), (3), (4)",
                    "INSERT INTO links VALUES (1, 'x'), (1, 'y'), (2, 'x'), (3, 'z')");
            fresh.execute("INSERT INTO tags VALUES (2), (9)", "INSERT INTO links VALUES (1, 'y'), (9, 'q')");
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(single, List.of("1", "2", "3", "4", "9", "2"), null),
                    new RowCopier.TableKeys(pairs, List.of(io.dualwrite.jdbc.KeyCodec.encode(List.of("1", "x")),
                            io.dualwrite.jdbc.KeyCodec.encode(List.of("1", "y")), io.dualwrite.jdbc.KeyCodec.encode(List.of("2", "x")),
                            io.dualwrite.jdbc.KeyCodec.encode(List.of("3", "z")), io.dualwrite.jdbc.KeyCodec.encode(List.of("9", "q"))),
                            null)));

            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT id FROM tags ORDER BY id"))
                    .isEqualTo(UpsertPacketAndDateTimeTest.texts(old, "SELECT id FROM tags ORDER BY id"));
            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT a, b FROM links ORDER BY a, b"))
                    .isEqualTo(UpsertPacketAndDateTimeTest.texts(old, "SELECT a, b FROM links ORDER BY a, b"));
        }
    }
}
