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
 * Two session factories, MariaDB ({@code utf8mb4_unicode_ci}: case- and accent-insensitive) into PostgreSQL
 * (exact): a marked delete or update by a key spelt otherwise than its row must leave PostgreSQL holding exactly
 * MariaDB's rows under exactly their spellings. Compared by exact key text with plain JDBC.
 */
class TextKeySpellingTest {

    private static final String MAPPER = "io.dualwrite.mybatis.TextKeyMapper.";

    /** The two marked mappers of the {@code codes} table: String keys, and keys given as a map or a number. */
    private record Mappers(TextKeyMapper codes, TextKeyOtherArgumentMapper others) {
    }

    @Test
    void deleteAndUpdateByKeysSpeltOtherwiseLeaveTheSameRowsInBothStores() throws Exception {
        Map<String, String> old = sameRowsAfter("('c0', 1), ('e', 2), ('z', 3)", mappers -> {
            assertThat(mappers.codes().delete("C0")).isEqualTo(1);
            assertThat(mappers.codes().updateQty("É", 5)).isEqualTo(1);
            assertThat(mappers.codes().delete("Z ")).isEqualTo(1);
        });
        assertThat(old).containsOnlyKeys("e").containsEntry("e", "5");
    }

    @Test
    void deleteByAMapKeyArgumentInAnotherCaseLeavesTheSameRowsInBothStores() throws Exception {
        assertThat(sameRowsAfter("('c0', 1), ('e', 2), ('z', 3), ('007', 4)",
                mappers -> assertThat(mappers.others().deleteRowOf(Map.of("id", "C0"))).isEqualTo(1)))
                .containsOnlyKeys("007", "e", "z");
    }

    // MariaDB compares a text key with a number as numbers: 7 names row '007'
    @Test
    void deleteByANumberKeyArgumentOfAZeroPaddedKeyLeavesTheSameRowsInBothStores() throws Exception {
        assertThat(sameRowsAfter("('c0', 1), ('e', 2), ('z', 3), ('007', 4)",
                mappers -> assertThat(mappers.others().deleteByNumber(7)).isEqualTo(1)))
                .containsOnlyKeys("c0", "e", "z");
    }

    // the same for an update: 7 names row '007', whose new quantity must reach PostgreSQL (only numeric keys:
    // MariaDB's strict mode refuses an UPDATE that compares a number with 'c0')
    @Test
    void updateByANumberKeyArgumentOfAZeroPaddedKeyLeavesTheSameRowsInBothStores() throws Exception {
        assertThat(sameRowsAfter("('007', 4), ('8', 1)",
                mappers -> assertThat(mappers.others().updateQtyByNumber(7, 9)).isEqualTo(1)))
                .containsEntry("007", "9").containsOnlyKeys("007", "8");
    }

    /**
     * Seeds {@code codes} on a MariaDB old store ({@code utf8mb4_unicode_ci}) and a PostgreSQL new store, runs
     * {@code call} through the two-factory mappers (SYNC, DUAL_WRITE), asserts that both stores hold the same
     * rows by exact key text with nothing in the change log, and returns the old store's rows.
     */
    private static Map<String, String> sameRowsAfter(String seed, Consumer<Mappers> call) throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES " + seed);
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES " + seed);
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
                call.accept(new Mappers(mappers.mapper(TextKeyMapper.class), mappers.mapper(TextKeyOtherArgumentMapper.class)));

                Map<String, String> old = rows(oldDb);
                assertThat(rows(newDb)).as("new store rows by exact key text").isEqualTo(old);
                assertThat(changeLog.entries()).isEmpty();
                return old;
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
