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
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/**
 * Two session factories, MariaDB ({@code utf8mb4_unicode_ci}) into PostgreSQL (exact): a marked delete whose key
 * argument is a map or a number names a row spelt otherwise just as a String does. PostgreSQL must end holding
 * exactly MariaDB's rows, or the difference be recorded. Compared by exact key text with plain JDBC.
 */
class TextKeySpelling2Test {

    private static final String MAPPER = "io.dualwrite.mybatis.TextKeyMapper.";

    @Test
    void deleteByAMapKeyArgumentInAnotherCaseLeavesTheSameRowsInBothStores() throws Exception {
        sameRowsAfter(codes -> assertThat(codes.deleteRowOf(Map.of("id", "C0"))).isEqualTo(1), "007", "e", "z");
    }

    // MariaDB compares a text key with a number as numbers: 7 names row '007'
    @Test
    void deleteByANumberKeyArgumentOfAZeroPaddedKeyLeavesTheSameRowsInBothStores() throws Exception {
        sameRowsAfter(codes -> assertThat(codes.deleteByNumber(7)).isEqualTo(1), "c0", "e", "z");
    }

    // the same for an update: 7 names row '007', whose new quantity must reach PostgreSQL
    @Test
    void updateByANumberKeyArgumentOfAZeroPaddedKeyLeavesTheSameRowsInBothStores() throws Exception {
        // only numeric keys: MariaDB's strict mode refuses an UPDATE that compares a number with 'c0'
        sameRowsAfter("('007', 4), ('8', 1)", codes -> assertThat(codes.updateQtyByNumber(7, 9)).isEqualTo(1), "007", "8");
    }

    private static void sameRowsAfter(Consumer<TextKeyOtherArgumentMapper> call, String... remaining) throws Exception {
        sameRowsAfter("('c0', 1), ('e', 2), ('z', 3), ('007', 4)", call, remaining);
    }

    private static void sameRowsAfter(String seed, Consumer<TextKeyOtherArgumentMapper> call, String... remaining)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES " + seed);
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES " + seed);
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
                call.accept(mappers.mapper(TextKeyOtherArgumentMapper.class));

                Map<String, String> old = rows(oldDb);
                assertThat(old).containsOnlyKeys(remaining);
                if (!rows(newDb).equals(old)) {
                    assertThat(changeLog.entries()).as("stores differ (old %s, new %s) and nothing is recorded",
                            old, rows(newDb)).isNotEmpty();
                }
            }
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(TextKeyMapper.class);
        configuration.addMapper(TextKeyOtherArgumentMapper.class);
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
