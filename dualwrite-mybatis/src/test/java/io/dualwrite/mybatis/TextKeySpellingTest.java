package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/**
 * Two session factories, MariaDB ({@code utf8mb4_unicode_ci}: case- and accent-insensitive) into PostgreSQL
 * (exact): a marked delete or update by a key spelt otherwise than its row must leave PostgreSQL holding exactly
 * MariaDB's rows under exactly their spellings. Compared by exact key text with plain JDBC.
 */
class TextKeySpellingTest {

    private static final String MAPPER = "io.dualwrite.mybatis.TextKeyMapper.";

    @Test
    void deleteAndUpdateByKeysSpeltOtherwiseLeaveTheSameRowsInBothStores() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('c0', 1), ('e', 2), ('z', 3)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('c0', 1), ('e', 2), ('z', 3)");
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("codes", MigrationPhase.DUAL_WRITE);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            try (DualWriter writer = DualWriter.builder()
                    .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of("codes")).build())
                    .changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(10)).build())
                    .build()) {
                List<String> upserts = List.of(MAPPER + "deleteRow", MAPPER + "insertRow");
                List<String> deletes = List.of(MAPPER + "deleteById");
                DualWriteMappers mappers = DualWriteMappers.builder(writer, "codes")
                        .sessions(Store.OLD, factory(oldDb.dataSource())).sessions(Store.NEW, factory(newDb.dataSource()))
                        .table("codes", Store.OLD, MAPPER + "selectById", upserts, deletes)
                        .table("codes", Store.NEW, MAPPER + "selectById", upserts, deletes)
                        .build();
                TextKeyMapper codes = mappers.mapper(TextKeyMapper.class);

                assertThat(codes.delete("C0")).isEqualTo(1);
                assertThat(codes.updateQty("É", 5)).isEqualTo(1);
                assertThat(codes.delete("Z ")).isEqualTo(1);

                Map<String, String> old = rows(oldDb);
                assertThat(old).containsOnlyKeys("e").containsEntry("e", "5");
                assertThat(rows(newDb)).as("new store rows by exact key text").isEqualTo(old);
                assertThat(changeLog.entries()).isEmpty();
            }
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(TextKeyMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static Map<String, String> rows(TestDatabase db) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, qty FROM codes")) {
            rows.put(String.valueOf(row.get("id")), String.valueOf(row.get("qty")));
        }
        return rows;
    }
}
