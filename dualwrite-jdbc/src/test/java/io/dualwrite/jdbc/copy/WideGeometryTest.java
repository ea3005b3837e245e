package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-row upsert's size estimate counts any value that is neither text nor bytes as 16 bytes; a
 * MariaDB geometry of 1.6 MB is read as a geometry object, so a dozen of them go in one statement beyond the
 * server's documented default max_allowed_packet (16 MiB), each of them fitting alone.
 */
class WideGeometryTest {

    @Test
    void largeGeometriesThatEachFitTheDefaultPacketAreCopied() throws Exception {
        TableMapping shapes = TableMapping.builder("shapes").build();
        try (TestDatabase admin = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
          long before = admin.count("SELECT @@GLOBAL.max_allowed_packet");
          // MariaDB's documented default (this embedded server starts with 64 MiB)
          admin.execute("SET GLOBAL max_allowed_packet = " + (16 << 20));
          try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
            long packet = fresh.count("SELECT @@SESSION.max_allowed_packet");
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE shapes (id INT PRIMARY KEY, g LINESTRING NOT NULL)");
            }
            old.execute("SET SESSION group_concat_max_len = 100000000");
            try (java.sql.Connection connection = old.dataSource().getConnection();
                 java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION group_concat_max_len = 100000000");
                statement.execute("INSERT INTO shapes SELECT 1, ST_GeomFromText(CONCAT('LINESTRING(',"
                        + " GROUP_CONCAT(CONCAT(seq, ' ', seq * 2) ORDER BY seq SEPARATOR ','), ')'))"
                        + " FROM seq_1_to_100000");
                statement.execute("INSERT INTO shapes SELECT s.seq, g FROM seq_2_to_14 s JOIN shapes ON shapes.id = 1");
            }
            long rowBytes = old.count("SELECT LENGTH(g) FROM shapes WHERE id = 1");
            assertThat(rowBytes).isLessThan(packet / 4).isGreaterThan(packet / 14);
            List<String> keys = new ArrayList<>();
            for (int id = 1; id <= 14; id++) {
                keys.add(Integer.toString(id));
            }
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            assertThat(copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(shapes, keys, null))))
                    .isEqualTo(new RowCopier.SyncResult(14, 0, 0));

            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT id, MD5(ST_AsBinary(g)) FROM shapes ORDER BY id"))
                    .isEqualTo(UpsertPacketAndDateTimeTest.texts(old, "SELECT id, MD5(ST_AsBinary(g)) FROM shapes ORDER BY id"));
          } finally {
            admin.execute("SET GLOBAL max_allowed_packet = " + before);
          }
        }
    }
}
