package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 25: round 24's one-to-one key rule ({@code JdbcRowCopier.refuseKeysStoredOtherwise}) attacked with key texts
 * that the copier does not read in Java and leaves to the new store to convert: a floating-point key ({@code '1.0'}
 * beside {@code '1'}), a date in a form other than ISO ({@code '2024/01/05'}, {@code '20240105'} beside
 * {@code '2024-01-05'}), PostgreSQL's integer input in hexadecimal or with underscores ({@code '0x10'},
 * {@code '1_6'} beside {@code '16'}) and its numeric {@code 'nan'} beside {@code 'NaN'}. Each spelling is inserted in
 * its own transaction and synced on its own, in both orders; every test ends comparing both stores row by row and
 * reading the change log with plain JDBC.
 */
class KeySpellingsBreak25Test {

    private static final String INPUTS = """
            POSTGRES | VARCHAR(40) | POSTGRES | DOUBLE PRECISION | 1.0        | 1
            POSTGRES | VARCHAR(40) | POSTGRES | REAL             | 1e1        | 10
            POSTGRES | VARCHAR(40) | POSTGRES | DOUBLE PRECISION | -0         | 0
            POSTGRES | VARCHAR(40) | POSTGRES | DOUBLE PRECISION | 0x10       | 16
            POSTGRES | VARCHAR(40) | POSTGRES | DOUBLE PRECISION | inf        | Infinity
            POSTGRES | VARCHAR(40) | POSTGRES | NUMERIC          | nan        | NaN
            POSTGRES | VARCHAR(40) | POSTGRES | NUMERIC          | -inf       | -Infinity
            POSTGRES | VARCHAR(40) | POSTGRES | DATE             | 2024/01/05 | 2024-01-05
            POSTGRES | VARCHAR(40) | POSTGRES | INTEGER          | 0x10       | 16
            POSTGRES | VARCHAR(40) | POSTGRES | INTEGER          | 1_6        | 16
            MARIADB  | VARCHAR(40) | MARIADB  | DOUBLE           | 1.0        | 1
            MARIADB  | VARCHAR(40) | MARIADB  | FLOAT            | 0.10       | 0.1
            MARIADB  | VARCHAR(40) | MARIADB  | DATE             | 20240105   | 2024-01-05
            MARIADB  | VARCHAR(40) | MARIADB  | DATETIME         | 2024/01/05 10:00:00 | 2024-01-05 10:00:00
            MARIADB  | VARCHAR(40) | POSTGRES | DOUBLE PRECISION | 2.50       | 2.5
            H2       | VARCHAR(40) | H2       | DOUBLE PRECISION | 1.0        | 1
            H2       | VARCHAR(40) | H2       | REAL             | 1E1        | 10
            H2       | VARCHAR(40) | H2       | DATE             | 2024-1-5   | 2024-01-05
            """;

    // Before: the text was bound as it is and the new store converted it; the key rule took it as stored as
    // written, so in one order the other spelling became the stored spelling's row and the stored spelling's later
    // sync overwrote it (or, in the other order, overwrote the stored spelling's row): one new row for two old ones,
    // nothing recorded.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}: ''{4}'' and ''{5}'', ASYNC")
    @CsvSource(delimiter = '|', textBlock = INPUTS)
    void aKeyTextTheNewStoreConvertsToAnotherTextIsRefusedInEitherOrderAsync(Kind oldKind, String oldType,
                                                                             Kind newKind, String newType,
                                                                             String other, String own)
            throws Exception {
        mirrorsBothOrders(oldKind, oldType, newKind, newType, other, own, MirrorMode.ASYNC);
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}: ''{4}'' and ''{5}'', SYNC")
    @CsvSource(delimiter = '|', textBlock = INPUTS)
    void aKeyTextTheNewStoreConvertsToAnotherTextIsRefusedInEitherOrderSync(Kind oldKind, String oldType,
                                                                            Kind newKind, String newType,
                                                                            String other, String own)
            throws Exception {
        mirrorsBothOrders(oldKind, oldType, newKind, newType, other, own, MirrorMode.SYNC);
    }

    private static void mirrorsBothOrders(Kind oldKind, String oldType, Kind newKind, String newType, String other,
                                          String own, MirrorMode mode) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            DualWriteSchema.create(oldDb.dataSource());
            for (String table : List.of("t_a", "t_b")) {
                oldDb.execute("CREATE TABLE " + table + " (id " + oldType + " PRIMARY KEY, qty INT)");
                newDb.execute("CREATE TABLE " + table + " (id " + newType + " PRIMARY KEY, qty INT)");
            }
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("t")).build();
            switchboard.switchStore().setSystemPhase("t", MigrationPhase.DUAL_WRITE);
            try (DualWriter writer = DualWriter.builder().resolver(switchboard)
                    .changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                    .mirrorConfig(MirrorConfig.custom().mode(mode).build()).build()) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).migration("t")
                        .dualWriter(writer).mapping(TableMapping.builder("t_a").build())
                        .mapping(TableMapping.builder("t_b").build()).build();
                insert(dataSource, "t_a", other, 1);
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                insert(dataSource, "t_a", own, 2);
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                insert(dataSource, "t_b", own, 1);
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                insert(dataSource, "t_b", other, 2);
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            for (String table : List.of("t_a", "t_b")) {
                assertThat(Rows.of(oldDb, "SELECT id, qty FROM " + table)).as("the old store holds both").hasSize(2);
                assertThat(Rows.of(newDb, "SELECT qty FROM " + table))
                        .as(table + ": the new store holds the stored spelling's row alone")
                        .isEqualTo(Rows.of(oldDb, "SELECT qty FROM " + table + " WHERE id = ?", own));
                assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log WHERE table_name = ?", table))
                        .as(table + ": the other spelling is recorded").containsExactly(Map.of("row_key", other));
            }
        }
    }

    // The backfill (held, kept as a guard): an old table holding '1.0', '2.50', '3' and '1e1' into a float key. The
    // backfill refuses a float-keyed new table by name before any row (its preflight: distinct keys may round to
    // one), before and after this round's change; the new store stays empty.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"POSTGRES, POSTGRES", "MARIADB, MARIADB", "H2, H2"})
    void theBackfillRefusesAFloatKeyedNewTableByNameBeforeAnyRow(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            oldDb.execute("CREATE TABLE t (id VARCHAR(40) PRIMARY KEY, qty INT)",
                    "INSERT INTO t VALUES ('1.0', 1), ('2.50', 2), ('3', 3), ('1e1', 4)");
            newDb.execute("CREATE TABLE t (id DOUBLE PRECISION PRIMARY KEY, qty INT)");
            TableMapping mapping = TableMapping.builder("t").primaryKey("id").build();
            BackfillJob backfill = BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).mapping(mapping).chunkRows(2, 2).build();
            assertThatThrownBy(backfill::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("floating-point column").hasMessageContaining("no row was copied");
            assertThat(Rows.of(newDb, "SELECT qty FROM t")).as("the new store, row by row")
                    .isEqualTo(Rows.of(oldDb, "SELECT qty FROM t WHERE id = 'none'")).isEmpty();
        }
    }

    private static void insert(DualWriteDataSource dataSource, String table, String id, int qty) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, qty) VALUES (?, ?)")) {
            insert.setString(1, id);
            insert.setInt(2, qty);
            insert.executeUpdate();
        }
    }
}
