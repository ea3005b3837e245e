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
 * Two session factories, MariaDB ({@code utf8mb4_unicode_ci}) into PostgreSQL (exact), where the read statement
 * maps key column {@code code} to property {@code id} with a result map: a marked delete or update by a key spelt
 * otherwise than its row must leave PostgreSQL holding exactly MariaDB's rows, or record the difference.
 * Compared by exact key text with plain JDBC.
 */
class TextKeySpelling3Test {

    private static final String MAPPER = "io.dualwrite.mybatis.TextKeyResultMapMapper.";

    @Test
    void deleteAndUpdateByKeysSpeltOtherwiseThroughAResultMapLeaveTheSameRowsInBothStores() throws Exception {
        deleteAndUpdateLeaveTheSameRows("selectById");
    }

    // the row is read by a statement that names its one argument twice
    @Test
    void deleteAndUpdateByKeysSpeltOtherwiseThroughAReadNamingTheKeyTwiceLeaveTheSameRowsInBothStores() throws Exception {
        deleteAndUpdateLeaveTheSameRows("selectByIdTwice");
    }

    // expected to pass: a dynamic read statement whose column is labelled as the property
    @Test
    void deleteAndUpdateByKeysSpeltOtherwiseThroughADynamicReadLeaveTheSameRowsInBothStores() throws Exception {
        deleteAndUpdateLeaveTheSameRows("selectByIdDynamic");
    }

    private static void deleteAndUpdateLeaveTheSameRows(String read) throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE labels (code VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO labels VALUES ('c0', 1), ('e', 2), ('z', 3)");
            newDb.execute("CREATE TABLE labels (code VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO labels VALUES ('c0', 1), ('e', 2), ('z', 3)");
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("labels", MigrationPhase.DUAL_WRITE);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            try (DualWriter writer = DualWriter.builder()
                    .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of("labels")).build())
                    .changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(10)).build())
                    .build()) {
                List<String> upserts = List.of(MAPPER + "deleteRow", MAPPER + "insertRow");
                List<String> deletes = List.of(MAPPER + "deleteById");
                DualWriteMappers mappers = DualWriteMappers.builder(writer, "labels")
                        .sessions(Store.OLD, factory(oldDb.dataSource())).sessions(Store.NEW, factory(newDb.dataSource()))
                        .table("labels", Store.OLD, MAPPER + read, upserts, deletes)
                        .table("labels", Store.NEW, MAPPER + read, upserts, deletes)
                        .build();
                TextKeyResultMapMapper labels = mappers.mapper(TextKeyResultMapMapper.class);

                assertThat(labels.delete("C0")).isEqualTo(1);
                assertThat(labels.updateQty("É", 5)).isEqualTo(1);

                Map<String, String> old = rows(oldDb);
                assertThat(old).containsOnlyKeys("e", "z").containsEntry("e", "5");
                if (!rows(newDb).equals(old)) {
                    assertThat(changeLog.entries()).as("stores differ (old %s, new %s) and nothing is recorded",
                            old, rows(newDb)).isNotEmpty();
                }
            }
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(TextKeyResultMapMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static Map<String, String> rows(TestDatabase db) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT code, qty FROM labels")) {
            rows.put(String.valueOf(row.get("code")), String.valueOf(row.get("qty")));
        }
        return rows;
    }
}
